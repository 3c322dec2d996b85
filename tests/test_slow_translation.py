"""Machine translation for tickets and the council helper never holds up other users: through
the real Telegram stack, with a translator (a peer of the Translator protocol) that translates
only when the test lets it, so the order of answers shows where it ran."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from starlette.testclient import TestClient

from bot.core import Core
from bot.store import Store
from bot.tooling.check import check_report
from bot.web.app import create_app
from tests.botapi import Peer
from tests.test_handoff import STAFF, USER, open_ticket, ticket_for_the_console, with_staff
from tests.test_web import csrf

OTHER = 5151
COUNCIL_MESSAGE = "أقترح دورات لغة في المساء"


class GatedTranslator:
    """Translates Arabic and Finnish both ways (marking the text with the target language), each
    text once the gate is open."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.finished = threading.Event()

    def can_translate(self, source: str, target: str) -> bool:
        """Arabic to Finnish and back."""
        return {source, target} == {"ar", "fi"}

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` marked with ``target``, once the test opens the gate."""
        self.entered.set()
        self.gate.wait(timeout=30)  # only a guard: before the fix the event loop itself waited here
        self.finished.set()
        return f"[{target}] {text}"


def gated_core(core: Core, translator: GatedTranslator) -> Core:
    return Core(
        core.knowledge, core.texts, core.nlu, core.translations, translator, today=core.today, steering=core.steering
    )


async def others_answered_meanwhile(peer: Peer, translator: GatedTranslator, waiting: int) -> None:
    """While a translation is under way, another user's command is answered; ``waiting`` is
    how many messages the user whose text is being translated has so far."""
    await asyncio.to_thread(translator.entered.wait, 30)
    await peer.send_text(OTHER, "/help")
    await peer.wait_for_texts(OTHER, 1)
    assert len(peer.texts(USER)) == waiting, "the translated reply is still waiting for the translator"
    translator.gate.set()


def test_a_council_message_being_translated_holds_up_no_one(core: Core, tmp_path: Path) -> None:
    translator = GatedTranslator()
    mt = gated_core(core, translator)

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/council", language_code="ar")
        await peer.wait_for_texts(USER, 1)
        await peer.send_text(USER, COUNCIL_MESSAGE, language_code="ar")
        await others_answered_meanwhile(peer, translator, 1)
        [_, preview] = await peer.wait_for_texts(USER, 2)
        assert f"[fi] {COUNCIL_MESSAGE}" in preview
        assert peer.texts(OTHER) == [core.texts.get("help", "en")]

    with_staff(mt, tmp_path, scenario)


def test_a_ticket_and_a_staff_answer_being_translated_hold_up_no_one(core: Core, tmp_path: Path) -> None:
    translator = GatedTranslator()
    mt = gated_core(core, translator)

    async def scenario(peer: Peer, store: Store) -> None:
        opening = asyncio.create_task(open_ticket(peer))
        await others_answered_meanwhile(peer, translator, 2)  # the offer and "write your question"
        ticket = await opening
        assert "[fi] " in ticket["text"], "the ticket's Finnish translation"
        translator.gate.clear()
        translator.entered.clear()
        await peer.send_text(STAFF, "Tervetuloa maanantaina.", user_id=1, reply_to=ticket)
        await asyncio.to_thread(translator.entered.wait, 30)
        await peer.send_text(OTHER, "/help")
        await peer.wait_for_texts(OTHER, 2)
        assert len(peer.texts(USER)) == 3, "the answer is still waiting for the translator"
        translator.gate.set()
        texts = await peer.wait_for_texts(USER, 4)
        assert "[ar] Tervetuloa maanantaina." in texts[-1]

    with_staff(mt, tmp_path, scenario)


def test_a_staff_answer_from_the_console_being_translated_holds_up_no_page(core: Core, tmp_path: Path) -> None:
    """The console sends a staff answer after translating it: the translation runs in a worker
    thread, so the console's other pages are served meanwhile (one event loop serves them all)."""
    translator = GatedTranslator()
    translator.gate.set()  # the ticket itself is translated at once
    mt = gated_core(core, translator)

    async def scenario(peer: Peer, store: Store) -> None:
        number, services = await ticket_for_the_console(peer, store, mt, tmp_path)
        pages: list[str] = []

        def work_in_console() -> None:
            # One client in a `with` block: every request is served by the same event loop.
            with TestClient(create_app(services, check_report), base_url="http://127.0.0.1") as client:
                client.post("/login", data={"csrf": csrf(client.get("/login").text), "name": "aino",
                                            "password": "console password"})  # fmt: skip
                page = client.get(f"/tickets/{number}").text
                for event in (translator.gate, translator.entered, translator.finished):
                    event.clear()
                sending = threading.Thread(
                    target=client.post,
                    args=(f"/tickets/{number}",),
                    kwargs={"data": {"csrf": csrf(page), "answer": "Tervetuloa."}},
                )
                sending.start()
                translator.entered.wait(30)
                listed = client.get("/tickets")
                pages.append(f"{listed.status_code} while translating: {not translator.finished.is_set()}")
                translator.gate.set()
                sending.join(30)

        await asyncio.to_thread(work_in_console)
        assert pages == ["200 while translating: True"]
        texts = await peer.wait_for_texts(USER, 4)
        assert "[ar] Tervetuloa." in texts[-1]

    with_staff(mt, tmp_path, scenario)
