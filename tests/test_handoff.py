"""A person when the bot can't help: tickets through the real Telegram stack to a staff group,
answers back in the user's language through real tiny Argos models, e-mail through a real SMTP
server on loopback, and the council e-mail helper."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services
from bot.core import Core, State
from bot.mt.argos import ArgosTranslator
from bot.mt.models import install_model
from bot.names import COUNCIL_ACTION, HANDOFF_ACTION, OUT_OF_SCOPE
from bot.nlu import NLU
from bot.privacy import pseudonym
from bot.settings import Settings
from bot.store import Store
from tests.botapi import SECRET, SIGNATURE, TOKEN, Peer, play
from tests.conftest import ROOT, ScriptedRanking, with_ranking
from tests.smtp import SmtpServer, free_port
from tests.tiny_argos import build_copy_model

USER = 4242
STAFF = -100777
ARABIC_QUESTION = "هل يمكن أن تساعدني في ملء استمارة Kela؟ بريدي ali@example.com وهاتفي 040 123 4567"
Scenario = Callable[[Peer, Store], Awaitable[None]]


@pytest.fixture(scope="module")
def translator(tmp_path_factory: pytest.TempPathFactory, core: Core) -> ArgosTranslator:
    """Real Argos models: ar->en and fi->en copy, en->fi and en->ar write capitals (to show MT ran)."""
    models = tmp_path_factory.mktemp("argos-models")
    built = tmp_path_factory.mktemp("argos-files")
    for source, target, uppercase in (("ar", "en", False), ("en", "fi", True), ("fi", "en", False), ("en", "ar", True)):
        install_model(models, build_copy_model(built, source, target, uppercase=uppercase))
    return ArgosTranslator(models)


@pytest.fixture
def mt_core(core: Core, translator: ArgosTranslator) -> Core:
    return Core(
        core.knowledge, core.texts, core.nlu, core.translations, translator, today=core.today, steering=core.steering
    )


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def smtp_environ(server: SmtpServer | None, port: int | None = None) -> dict[str, str]:
    if server is None and port is None:
        return {}
    return {
        "OPASTIN_SMTP_HOST": "127.0.0.1",
        "OPASTIN_SMTP_PORT": str(port or (server.port if server else 0)),
        "OPASTIN_SMTP_USER": server.user if server else "x",
        "OPASTIN_SMTP_PASSWORD": server.password if server else "x",
        "OPASTIN_SMTP_FROM": "opastin@kajaani.test",
        "OPASTIN_SMTP_CA_FILE": str(server.ca_file) if server else "",
    }


def with_staff(core: Core, data_dir: Path, scenario: Scenario, **settings: Any) -> None:
    """Play ``scenario`` with the staff group configured."""
    play(core, data_dir, scenario, staff_chat_id=STAFF, **settings)


def buttons(message: dict[str, Any]) -> list[str]:
    """The actions of the message's buttons, without their signatures."""
    datas = [b["callback_data"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    return [data.rpartition(SIGNATURE)[0] for data in datas]


def message_with(peer: Peer, chat: int, action: str) -> dict[str, Any]:
    return next(m for m in reversed(list(peer.messages.values())) if m["chat"]["id"] == chat and action in buttons(m))


async def open_ticket(peer: Peer, question: str = ARABIC_QUESTION) -> dict[str, Any]:
    """The user asks for a person, consents with one tap, writes the question; the staff's copy."""
    await peer.send_text(USER, "أريد التحدث مع موظف من فضلك", language_code="ar")
    await peer.wait_until(lambda: any(HANDOFF_ACTION in buttons(m) for m in peer.messages.values()))
    await peer.press(USER, message_with(peer, USER, HANDOFF_ACTION), HANDOFF_ACTION, language_code="ar")
    await peer.wait_for_texts(USER, 2)
    await peer.send_text(USER, question, language_code="ar")
    await peer.wait_for_texts(STAFF, 1)
    await peer.wait_for_texts(USER, 3)
    return peer.last_message(STAFF)


def test_round_trip_user_staff_user_in_arabic(mt_core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer)
        staff_text = ticket["text"]
        assert "Kieli: arabia (ar)" in staff_text
        assert "Alkuperäinen:" in staff_text
        assert ARABIC_QUESTION in staff_text, "delivered intact to staff, with consent"
        assert "Suomeksi (konekäännös):" in staff_text
        assert str(USER) not in staff_text
        assert "Test" not in staff_text, "no name reaches staff"
        number = store.tickets()[0]["number"]
        assert number in peer.texts(USER)[-1]
        await peer.send_text(STAFF, "Tervetuloa Kajaani Infoon maanantaina.", user_id=1, reply_to=ticket)
        await peer.wait_for_texts(USER, 4)
        answer = peer.texts(USER)[-1]
        assert mt_core.texts.get("staff_answer", "ar", ticket=number) in answer
        assert "TERVETULOA" in answer, "machine-translated through English by the real Argos models"
        assert mt_core.texts.get("machine_translated", "ar") in answer
        actions = buttons(peer.last_message(USER))
        assert actions[1] == f"ticket:reply:{number}"
        await peer.press(USER, peer.last_message(USER), actions[0], language_code="ar")
        await peer.wait_for_texts(USER, 5)
        assert peer.texts(USER)[-1] == "Tervetuloa Kajaani Infoon maanantaina."
        await peer.press(USER, message_with(peer, USER, actions[1]), actions[1], language_code="ar")
        await peer.wait_for_texts(USER, 6)
        await peer.send_text(USER, "شكرا، وما هو العنوان؟", language_code="ar")
        await peer.wait_for_texts(STAFF, 3)
        follow_up = peer.sent(STAFF)[-1]
        assert "شكرا، وما هو العنوان؟" in follow_up["text"]
        assert follow_up["reply_parameters"]["message_id"] == ticket["message_id"]

    with_staff(mt_core, tmp_path, scenario)
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    assert "ali@example.com" not in dump, "redacted in storage"
    assert "040 123 4567" not in dump
    assert "[e-mail]" in dump


def test_no_consent_no_ticket(mt_core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "أريد التحدث مع موظف من فضلك", language_code="ar")
        await peer.wait_for_texts(USER, 1)
        await peer.send_text(USER, "ما هي الفعاليات القادمة؟", language_code="ar")
        await peer.wait_for_texts(USER, 2)
        assert store.tickets() == []
        assert peer.texts(STAFF) == []

    with_staff(mt_core, tmp_path, scenario)


def test_two_fallbacks_offer_a_person_with_the_last_question(mt_core: Core, tmp_path: Path) -> None:
    """Two messages the bot is sure it cannot help with: the second fallback offers a person
    (a fixed ranking, so no trained model's borderline decision can change the test)."""
    sure_out_of_scope = with_ranking(mt_core, (OUT_OF_SCOPE, 0.9), ("initial_services", 0.05))

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "Qwerty zxcvb asdf?")
        await peer.wait_for_texts(USER, 1)
        assert HANDOFF_ACTION not in buttons(peer.last_message(USER)), "one out-of-scope message is not enough"
        await peer.send_text(USER, "How do I renew my driving licence?")
        await peer.wait_for_texts(USER, 2)
        offer = message_with(peer, USER, HANDOFF_ACTION)
        assert "“How do I renew my driving licence?”" in offer["text"], "shown before the user consents"
        await peer.press(USER, offer, HANDOFF_ACTION)
        staff = await peer.wait_for_texts(STAFF, 1)
        assert "How do I renew my driving licence?" in staff[0]

    with_staff(sure_out_of_scope, tmp_path, scenario)


def test_an_unsure_ranking_offers_a_person_at_once(core: Core) -> None:
    unsure = with_ranking(core, ("initial_services", 0.04), ("work_employment", 0.03))
    reply = unsure.reply(State(), "How do I renew my driving licence?")
    assert reply.fallback
    assert HANDOFF_ACTION in [button.action for button in reply.buttons]


def test_a_person_please_never_forwards_an_older_question(mt_core: Core, tmp_path: Path) -> None:
    """Two fallbacks (the second with an e-mail), two answers, then "a person, please": the button
    asks for the question instead of sending the old fallback text, which was never shown again."""
    script = ScriptedRanking(
        {
            "zxcvb": ((OUT_OF_SCOPE, 0.9), ("initial_services", 0.05)),
            "info": (("service_point", 0.95), ("initial_services", 0.02)),
            "work": (("work_employment", 0.95), ("initial_services", 0.02)),
            "human": (("human_contact", 0.95), ("initial_services", 0.02)),
            "kela": ((OUT_OF_SCOPE, 0.9), ("initial_services", 0.05)),
        }
    )
    nlu = NLU(mt_core.knowledge, mt_core.nlu.detector, script, mt_core.nlu.fallback)
    scripted = Core(
        mt_core.knowledge,
        mt_core.texts,
        nlu,
        mt_core.translations,
        mt_core.translator,
        today=mt_core.today,
        steering=mt_core.steering,
    )

    async def scenario(peer: Peer, store: Store) -> None:
        for number, text in enumerate(
            (
                "Qwerty zxcvb asdf?",
                "Zxcvb qwerty, my mail is stale@example.com",
                "Where is Kajaani Info?",
                "How do I find work in Kajaani?",
                "I want to talk to a human",
            ),
            start=1,
        ):
            await peer.send_text(USER, text)
            await peer.wait_for_texts(USER, number)
        assert "“Zxcvb qwerty, my mail is stale@example.com”" in peer.texts(USER)[1], "the offer showed it"
        offer = peer.last_message(USER)
        assert HANDOFF_ACTION in buttons(offer)
        assert "stale@example.com" not in offer["text"]
        await peer.press(USER, offer, HANDOFF_ACTION)
        prompt = await peer.wait_for_texts(USER, 6)
        assert prompt[-1] == mt_core.texts.get("handoff_write", "en")
        assert peer.texts(STAFF) == []
        await peer.send_text(USER, "Who can help me fill in the Kela form?")
        staff = await peer.wait_for_texts(STAFF, 1)
        assert "Who can help me fill in the Kela form?" in staff[0]
        assert "stale@example.com" not in staff[0]

    with_staff(scripted, tmp_path, scenario)


def test_staff_reply_to_a_closed_ticket_reaches_nobody(mt_core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer)
        await peer.send_text(STAFF, "/close", user_id=1, reply_to=ticket)
        await peer.wait_for_texts(STAFF, 2)
        before = len(peer.texts(USER))
        await peer.send_text(STAFF, "Vielä yksi asia.", user_id=1, reply_to=ticket)
        texts = await peer.wait_for_texts(STAFF, 3)
        assert "suljettu" in texts[-1]
        assert len(peer.texts(USER)) == before
        assert store.tickets()[0]["status"] == "closed"

    with_staff(mt_core, tmp_path, scenario)


def test_tickets_are_e_mailed_to_the_service_mailbox(mt_core: Core, tmp_path: Path, smtp: SmtpServer) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await open_ticket(peer)
        await peer.wait_until(lambda: bool(smtp.messages), deadline=30)

    with_staff(
        mt_core,
        tmp_path,
        scenario,
        service_email="palvelupiste@kajaani.test",
        environ=smtp_environ(smtp),
    )
    [mail] = smtp.messages
    assert mail["To"] == "palvelupiste@kajaani.test"
    assert mail["Subject"].startswith("Opastin: tiketti ")
    assert ARABIC_QUESTION in mail.get_content()


def test_smtp_down_still_reaches_the_group_and_logs(
    mt_core: Core, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer)
        assert ARABIC_QUESTION in ticket["text"]
        assert len(store.tickets()) == 1

    with caplog.at_level(logging.ERROR):
        with_staff(
            mt_core,
            tmp_path,
            scenario,
            service_email="palvelupiste@kajaani.test",
            environ=smtp_environ(None, port=free_port()),
        )
    assert "not e-mailed (it is in the staff group and the console)" in caplog.text


def test_delete_removes_open_tickets(mt_core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer)
        await peer.send_text(USER, "/delete", language_code="ar")
        await peer.wait_until(lambda: any("delete:yes" in buttons(m) for m in peer.messages.values()))
        await peer.press(USER, message_with(peer, USER, "delete:yes"), "delete:yes", language_code="ar")
        await peer.wait_until(lambda: len(peer.sent(USER, "editMessageText")) == 1)
        await peer.send_text(STAFF, "Vastaus poistetulle.", user_id=1, reply_to=ticket)
        await peer.wait_for_texts(STAFF, 2)
        assert store.tickets() == []

    with_staff(mt_core, tmp_path, scenario)
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    assert pseudonym(USER, SECRET.encode()) not in dump
    assert "Kela" not in dump


def test_council_message_is_sent_in_finnish_and_original(mt_core: Core, tmp_path: Path, smtp: SmtpServer) -> None:
    message = "أقترح دورات لغة في المساء. ردوا علي على ali@example.com"

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/council", language_code="ar")
        await peer.wait_for_texts(USER, 1)
        await peer.send_text(USER, message, language_code="ar")
        await peer.wait_for_texts(USER, 2)
        preview = peer.last_message(USER)
        assert buttons(preview) == ["council:send", "council:edit", "council:cancel"]
        assert message in preview["text"]
        await peer.press(USER, preview, "council:send", language_code="ar")
        await peer.wait_for_texts(USER, 3)
        assert peer.texts(USER)[-1] == mt_core.texts.get("council_sent", "ar")

    with_staff(
        mt_core,
        tmp_path,
        scenario,
        council_email="neuvosto@kajaani.test",
        environ=smtp_environ(smtp),
    )
    [mail] = smtp.messages
    assert (mail["To"], mail["Reply-To"]) == ("neuvosto@kajaani.test", "ali@example.com")
    assert message in mail.get_content()
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    assert "دورات" not in dump, "nothing of the message is stored"
    assert "'council_messages',1" in dump.replace(" ", "")


def test_council_helper_without_an_address_gives_the_text_and_the_web_page(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "How can I contact the immigrant council?")
        await peer.wait_for_texts(USER, 1)
        await peer.press(USER, message_with(peer, USER, COUNCIL_ACTION), COUNCIL_ACTION)
        await peer.wait_for_texts(USER, 2)
        await peer.send_text(USER, "I propose evening language courses.")
        await peer.wait_for_texts(USER, 3)
        await peer.press(USER, peer.last_message(USER), "council:send")
        texts = await peer.wait_for_texts(USER, 5)
        assert "maahanmuuttajaneuvosto/" in texts[3]
        assert texts[4] == "I propose evening language courses."

    with_staff(core, tmp_path, scenario)


async def ticket_for_the_console(peer: Peer, store: Store, core: Core, data_dir: Path) -> tuple[str, Services]:
    """A ticket opened through Telegram, a console account "aino" (password "console password")
    and the services a console sending answers to ``peer`` is built from; the ticket's number."""
    from bot.web.auth import hash_password

    await open_ticket(peer)
    store.add_staff("aino", hash_password("console password"))
    settings = Settings(data_dir=data_dir, telegram_token=TOKEN, telegram_api_url=peer.base_url, secret=SECRET)
    return str(store.tickets()[0]["number"]), Services(settings, ROOT, cores=lambda: core, store=store)


def test_staff_answer_a_ticket_in_the_console(mt_core: Core, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from bot.tooling.check import check_report
    from bot.web.app import create_app
    from tests.test_web import csrf

    async def scenario(peer: Peer, store: Store) -> None:
        number, services = await ticket_for_the_console(peer, store, mt_core, tmp_path)
        client = TestClient(create_app(services, check_report), base_url="http://127.0.0.1")

        def work_in_console() -> str:
            token = csrf(client.get("/login").text)
            client.post("/login", data={"csrf": token, "name": "aino", "password": "console password"})
            assert number in client.get("/tickets").text
            page = client.get(f"/tickets/{number}").text
            assert "[e-mail]" in page, "the console shows what is stored: redacted"
            answered = client.post(f"/tickets/{number}", data={"csrf": csrf(page), "answer": "Tervetuloa maanantaina."})
            asked = client.post(f"/tickets/{number}", data={"csrf": csrf(page), "close": "ask"})
            assert 'id="confirm-close"' in asked.text
            assert store.tickets()[0]["status"] == "open", "closing asks to confirm first"
            client.post(f"/tickets/{number}", data={"csrf": csrf(page), "close": "confirmed"})
            closed = client.get(f"/tickets/{number}").text
            assert "<td>aino</td>" in closed, "the answer says who wrote it"
            assert 'id="closed-by">Sulki aino' in closed
            return str(answered.text)

        notice = await asyncio.to_thread(work_in_console)
        assert "Vastaus lähetetty käyttäjälle käännettynä." in notice
        answer = await peer.wait_for_texts(USER, 4)
        assert "TERVETULOA MAANANTAINA." in answer[-1]
        assert store.tickets()[0]["status"] == "closed"
        assert store.tickets()[0]["closed_by"] == "aino"
        assert [m["staff"] for m in store.ticket_messages(number)] == [None, "aino"]

    with_staff(mt_core, tmp_path, scenario)


def test_tickets_keep_no_name_mobile_iban_or_landline(mt_core: Core, tmp_path: Path) -> None:
    """Staff see the question intact (the user consented); the store keeps it, and the staff
    answer, redacted: only the contacts the knowledge base publishes stay in the answer."""
    question = "اسمي Fatima Ali، هاتفي 050/8306699 والمنزل (08) 612 3456، حسابي FI46 8414 1420 8312 85"
    published = "karoliina.homanen@kajaani.fi"

    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer, question)
        assert question in ticket["text"]
        await peer.send_text(STAFF, f"Soita Sanna Virtaselle 040 765 4321 tai kirjoita {published}.", user_id=1,
                             reply_to=ticket)  # fmt: skip
        await peer.wait_for_texts(USER, 4)
        assert "040 765 4321" in peer.texts(USER)[-1], "the user gets the answer intact"

    with_staff(mt_core, tmp_path, scenario)
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    for personal in ("Fatima", "8306699", "612 3456", "FI46", "8414", "040 765 4321"):
        assert personal not in dump, personal
    assert published in dump
    assert "[IBAN]" in dump
