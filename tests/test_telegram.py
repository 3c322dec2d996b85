"""The real python-telegram-bot stack over HTTP against the Bot API peer on loopback."""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.channels.telegram.render import html_parts
from bot.core import Core
from bot.privacy import pseudonym
from bot.store import Store
from tests.botapi import SECRET, SIGNATURE, Fault, Peer, play, running_bot

USER = 4242
OTHER = 5151

Scenario = Callable[[Peer, Store], Awaitable[None]]


def test_start_offers_languages_then_municipalities_then_answers(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/start", language_code="fi")
        [welcome] = await peer.wait_for_texts(USER, 1)
        assert "Opastin" in welcome
        buttons = [b for row in peer.sent(USER)[-1]["reply_markup"]["inline_keyboard"] for b in row]
        assert len(buttons) == 18
        assert ("العربية", "language:ar") in [(b["text"], b["callback_data"].rpartition(SIGNATURE)[0]) for b in buttons]
        await peer.press(USER, peer.last_message(USER), "language:ar")
        await peer.wait_until(lambda: len(peer.sent(None, "editMessageText")) == 1)
        edited = peer.sent(USER, "editMessageText")[0]
        first = next(b["callback_data"] for row in edited["reply_markup"]["inline_keyboard"] for b in row)
        assert first.rpartition(SIGNATURE)[0] == "municipality:Hyrynsalmi"
        await peer.press(USER, peer.last_message(USER), "municipality:Sotkamo")
        await peer.wait_for_texts(USER, 3)
        await peer.send_text(USER, "Who makes my integration plan?")
        texts = await peer.wait_for_texts(USER, 4)
        assert "marjo.leinonen@sotkamo.fi" in texts[-1] or "Sotkamo" in texts[-1]
        assert len(peer.sent(None, "answerCallbackQuery")) == 2, "every button press is answered"
        state = store.state(pseudonym(USER, SECRET.encode()))
        assert state is not None
        assert (state.language, state.language_chosen, state.municipality) == ("ar", True, "Sotkamo")
        stored = store.settings(pseudonym(USER, SECRET.encode()))
        assert stored is not None
        assert stored.privacy_notice_shown, "/start showed the privacy notice"

    play(core, tmp_path, scenario)


def test_questions_in_several_languages_get_answers(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "Kuka tekee kotoutumissuunnitelman Sotkamossa?")
        await peer.send_text(OTHER, "Где находится Kajaani Info?", language_code="ru")
        await peer.wait_until(lambda: len(peer.texts(USER)) == 1 and len(peer.texts(OTHER)) == 1)
        assert "Sotkamo" in peer.texts(USER)[0]
        assert "Kajaani Info" in peer.texts(OTHER)[0]
        assert all(p["parse_mode"] == "HTML" for p in peer.sent())

    play(core, tmp_path, scenario)


def test_html_in_answers_and_questions_is_escaped(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "<b>weather</b> & <script>x</script>")
        await peer.wait_for_texts(USER, 1)
        [sent] = peer.sent(USER)
        assert "<b>" not in sent["text"]
        assert "<script>" not in sent["text"]
        assert peer.rejected == [], "Telegram parsed every message: & and < escaped"

    play(core, tmp_path, scenario)


def test_long_texts_are_split_under_telegrams_limit() -> None:
    text = ("Kajaani Info & kaupungintalo. " * 40 + "\n\n") * 8 + "😀" * 3000
    parts = html_parts(text)
    assert len(parts) > 2
    assert all(len(part.encode("utf-16-le")) // 2 <= 4096 for part in parts), "as Telegram counts: emoji are 2"
    assert all(part.count("&") == part.count("&amp;") for part in parts), "never cut inside &amp;"
    joined = html.unescape("".join(parts))
    assert joined.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_an_entity_at_the_limit_is_not_cut() -> None:
    text = "a" * 4093 + "&" + " b"
    first, second = html_parts(text)
    assert first == "a" * 4093, "&amp; would end at 4098: the whole entity moves to the next part"
    assert second == "&amp; b"


def test_non_text_messages_and_edits_get_a_polite_line(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_other(USER, "photo", [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}])
        await peer.send_other(USER, "location", {"latitude": 64.22, "longitude": 27.73})
        await peer.send_other(
            USER,
            "sticker",
            {
                "file_id": "s",
                "file_unique_id": "t",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
        )
        await peer.edit_text(USER, 1000, "edited question")
        texts = await peer.wait_for_texts(USER, 4)
        assert texts[:3] == [core.texts.get("unsupported_message", "en")] * 3
        assert texts[3] == core.texts.get("edited_message", "en")

    play(core, tmp_path, scenario)


def test_groups_are_answered_only_when_addressed(core: Core, tmp_path: Path) -> None:
    group = -100123

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(group, "Where is Kajaani Info?", user_id=USER)
        await peer.send_text(group, "@OpastinBot Where is Kajaani Info?", user_id=USER)
        await peer.wait_for_texts(group, 1)
        await peer.send_text(USER, "Hello")
        await peer.wait_for_texts(USER, 1)
        assert len(peer.texts(group)) == 1

    play(core, tmp_path, scenario)


def test_unknown_buttons_get_a_polite_line_and_an_answer(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "Hello")
        await peer.wait_for_texts(USER, 1)
        await peer.press_data(USER, peer.last_message(USER), "stale:button-from-an-old-version")
        await peer.wait_for_texts(USER, 2)
        assert len(peer.sent(None, "answerCallbackQuery")) == 1
        assert core.texts.get("stale_button", "en") in peer.texts(USER)[1]

    play(core, tmp_path, scenario)


def test_delete_erases_everything_after_confirmation(core: Core, tmp_path: Path) -> None:
    question = "My number is 040 123 4567, who makes my integration plan in Sotkamo?"

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, question)
        await peer.send_text(OTHER, "Where is Kajaani Info?")
        await peer.wait_until(lambda: len(peer.texts(USER)) == 1 and len(peer.texts(OTHER)) == 1)
        await peer.send_text(USER, "/delete")
        await peer.wait_for_texts(USER, 2)
        await peer.press(USER, peer.last_message(USER), "delete:yes")
        await peer.wait_until(lambda: len(peer.sent(USER, "editMessageText")) == 1)

    play(core, tmp_path, scenario)
    key = pseudonym(USER, SECRET.encode())
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    assert key not in dump
    assert "integration plan in Sotkamo" not in dump
    assert "040 123 4567" not in dump
    assert pseudonym(OTHER, SECRET.encode()) in dump, "other users' data stays"


def test_delete_forgets_what_the_conversation_was_waiting_for(core: Core, tmp_path: Path) -> None:
    """A council message being written is forgotten with the rest: the next text is a question."""

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "/council")
        await peer.send_text(USER, "/delete")
        await peer.wait_for_texts(USER, 2)
        await peer.press(USER, peer.last_message(USER), "delete:yes")
        await peer.wait_until(lambda: len(peer.sent(USER, "editMessageText")) == 1)
        await peer.send_text(USER, "Where is Kajaani Info?")
        texts = await peer.wait_for_texts(USER, 4)  # the confirmation is edited into "done"
        assert texts[2] == core.texts.get("delete_done", "en")
        assert "Kajaani Info" in texts[3]
        for preview in ("council_preview", "council_no_translation"):
            assert core.texts.get(preview, "en") not in texts[3], "not taken as the council message"

    play(core, tmp_path, scenario)


def test_stored_questions_are_redacted_and_pseudonymous(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "I am ali@example.com, hetu 131052-308T, where is Kajaani Info?")
        await peer.wait_for_texts(USER, 1)

    play(core, tmp_path, scenario)
    dump = "\n".join(sqlite3.connect(tmp_path / "opastin.sqlite").iterdump())
    assert "ali@example.com" not in dump
    assert "131052-308T" not in dump
    # The raw id as a value of its own, not digits inside a timestamp ("16:02:51.542425") or a
    # pseudonym's hex digits.
    assert not re.search(rf"(?<![\w.]){USER}(?!\w)", dump)
    assert "[e-mail]" in dump
    assert "[henkilötunnus]" in dump


def test_429_and_5xx_are_retried_without_losing_or_duplicating(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        peer.faults["sendMessage"] = [Fault(429, retry_after=1), Fault(500), Fault(502)]
        await peer.send_text(USER, "Where is Kajaani Info?")
        await peer.send_text(USER, "When is Walk and Talk?")
        texts = await peer.wait_for_texts(USER, 2)
        assert len(texts) == 2
        assert "Kajaani Info" in texts[0]
        assert "Walk and Talk" in texts[1]
        assert peer.faults["sendMessage"] == []

    play(core, tmp_path, scenario)


def test_a_user_sending_too_fast_is_told_once_to_slow_down(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        for number in range(23):
            await peer.send_text(USER, f"hello {number}")
        await peer.send_text(OTHER, "hello")
        await peer.wait_for_texts(OTHER, 1)
        await peer.wait_for_texts(USER, 21)
        texts = peer.texts(USER)
        assert texts.count(core.texts.get("slow_down", "en")) == 1
        assert len(texts) == 21

    play(core, tmp_path, scenario)


def test_a_restart_keeps_settings_and_answers_no_update_twice(core: Core, tmp_path: Path) -> None:
    async def main() -> None:
        peer = Peer()
        await peer.start()
        async with running_bot(core, tmp_path, peer, secret=SECRET):
            await peer.send_text(USER, "I live in Kuusamo")
            await peer.wait_for_texts(USER, 1)
        peer.redeliver()  # as after a crash before the bot confirmed its updates
        async with running_bot(core, tmp_path, peer, secret=SECRET):
            await peer.send_text(USER, "Who makes my integration plan?")
            texts = await peer.wait_for_texts(USER, 2)
        await peer.stop()
        assert len(texts) == 2
        assert "Kuusamo" in texts[1]

    asyncio.run(main())
