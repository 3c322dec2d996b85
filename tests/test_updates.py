"""Updates through the real Telegram stack: none lost on a crash, none answered twice, no user
waiting behind another, a 400 never retried, odd updates and a full disk answered politely."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest

from bot.core import Core, Reply, State
from bot.store import Store
from tests.botapi import Fault, Peer, play
from tests.odd_updates import KINDS, odd_updates
from tests.test_run import opastin_run

ALICE = 4242
BOB = 5151
GROUP = -100555
SLOW = "a question that takes the model a long time"


class GatedCore:
    """The real core, except that a SLOW question waits in the model thread until the test opens the gate."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.entered = threading.Event()
        self.gate = threading.Event()

    def reply(self, state: State, text: str) -> Reply:
        if text == SLOW:
            self.entered.set()
            self.gate.wait(timeout=60)
        return self.core.reply(state, text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.core, name)


def test_no_user_waits_behind_another_users_long_message(core: Core, tmp_path: Path) -> None:
    gated = GatedCore(core)

    async def scenario(peer: Peer, store: Store) -> None:
        slow = await peer.send_text(ALICE, SLOW)
        await asyncio.to_thread(gated.entered.wait, 20)
        await peer.send_text(BOB, "/help")
        await peer.send_text(BOB, "/start")
        texts = await peer.wait_for_texts(BOB, 2)
        assert core.texts.get("help", "en") in texts[0]
        assert peer.texts(ALICE) == [], "Alice's message is still with the model"
        polls = [params for method, params in peer.calls if method == "getUpdates"]
        assert all(int(params.get("offset") or 0) <= slow for params in polls), "no poll confirmed it"
        gated.gate.set()
        await peer.wait_for_texts(ALICE, 1)
        await peer.send_text(ALICE, "Where is Kajaani Info?")
        await peer.wait_for_texts(ALICE, 2)
        assert int(peer.sent(None, "getUpdates")[-1]["offset"]) > slow, "confirmed once answered"

    play(cast(Core, gated), tmp_path, scenario)


def test_a_full_queue_gets_a_polite_busy_reply(core: Core, tmp_path: Path) -> None:
    gated = GatedCore(core)

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(ALICE, SLOW)
        await asyncio.to_thread(gated.entered.wait, 20)
        await peer.send_text(BOB, "Where is Kajaani Info?")
        [busy] = await peer.wait_for_texts(BOB, 1)
        assert busy == core.texts.get("busy", "en")
        gated.gate.set()
        await peer.wait_for_texts(ALICE, 1)
        await peer.send_text(BOB, "Where is Kajaani Info?")
        texts = await peer.wait_for_texts(BOB, 2)
        assert "Kajaani Info" in texts[-1]

    play(cast(Core, gated), tmp_path, scenario, max_waiting=1)


def test_one_chats_messages_are_answered_in_order(core: Core, tmp_path: Path) -> None:
    questions = ["Where is Kajaani Info?", "/privacy", "/help", "When is Walk and Talk?"]

    async def scenario(peer: Peer, store: Store) -> None:
        for question in questions:
            await peer.send_text(ALICE, question)
        texts = await peer.wait_for_texts(ALICE, 4)
        assert "Kajaani Info" in texts[0]
        assert texts[1] == core.texts.get("privacy_notice", "en")
        assert texts[2] == core.texts.get("help", "en")
        assert "Walk and Talk" in texts[3]

    play(core, tmp_path, scenario)


def test_a_400_is_never_retried_and_a_double_tap_is_done(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(ALICE, "/start")
        await peer.wait_for_texts(ALICE, 1)
        picker = peer.last_message(ALICE)
        await peer.press(ALICE, picker, "language:fi")
        await peer.press(ALICE, picker, "language:fi")  # the double tap: the same edit again
        await peer.wait_until(lambda: len(peer.rejected) == 1 and len(peer.sent(None, "answerCallbackQuery")) == 2)
        assert peer.rejected[0][1].startswith("message is not modified")
        await peer.send_text(ALICE, "/help")
        texts = await peer.wait_for_texts(ALICE, 3)
        assert texts[-1] == core.texts.get("help", "fi"), "no error message came before it"
        assert len(peer.rejected) == 1, "not retried"
        peer.faults["editMessageText"] = [Fault(400)]  # e.g. "message can't be edited"
        await peer.press(ALICE, picker, "language:sv")
        texts = await peer.wait_for_texts(ALICE, 4)
        assert core.texts.get("choose_municipality", "sv") in texts[-1], "sent as a new message instead"
        assert peer.faults["editMessageText"] == []
        assert len([m for m, _ in peer.calls if m == "editMessageText"]) == 1, "the 400 was not retried"

    play(core, tmp_path, scenario)


def test_unknown_commands_get_the_help(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        for command in ("/foo", "/stop", "/settings", "/help@OpastinBot extra"):
            await peer.send_text(ALICE, command)
        texts = await peer.wait_for_texts(ALICE, 4)
        assert texts == [core.texts.get("help", "en")] * 4

    play(core, tmp_path, scenario)


def test_edited_group_messages_are_ignored_unless_the_bot_was_addressed(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.edit_text(GROUP, 1000, "people talking among themselves")
        await peer.edit_text(GROUP, 1001, "@OpastinBot where is Kajaani Info?")
        texts = await peer.wait_for_texts(GROUP, 1)
        await peer.send_text(GROUP, "@OpastinBot Where is Kajaani Info?", user_id=ALICE)
        texts = await peer.wait_for_texts(GROUP, 2)
        assert texts[0] == core.texts.get("edited_message", "en")
        assert "Kajaani Info" in texts[1]

    play(core, tmp_path, scenario)


def test_a_full_disk_is_logged_for_staff_and_told_to_each_user_once(
    core: Core, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Long questions: each stored row needs a new page once the free space in the pages is gone.
    questions = [f"Where is Kajaani Info? {number} " + "please " * 130 for number in range(6)]

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(ALICE, "Where is Kajaani Info?")
        await peer.wait_for_texts(ALICE, 1)
        fill_the_disk(store)
        for question in questions:
            await peer.send_text(ALICE, question)
        alice = await peer.wait_for_texts(ALICE, 2 + len(questions))
        for question in questions[:2]:
            await peer.send_text(BOB, question)
        bob = await peer.wait_for_texts(BOB, 3)
        notice = core.texts.get("store_unavailable", "en")
        assert alice.count(notice) == 1
        assert bob.count(notice) == 1
        assert sum("Kajaani Info" in text for text in alice) == 1 + len(questions)
        assert sum("Kajaani Info" in text for text in bob) == 2
        assert not any("incident" in text for text in alice + bob), "no error text before the answers"

    play(core, tmp_path, scenario)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "store cannot be written" in errors[0].getMessage()


def fill_the_disk(store: Store) -> None:
    """The store's file can grow no more, as on a full disk (SQLite's own limit: SQLITE_FULL)."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    store.db.execute("CREATE TABLE filler (x BLOB)")
    for _ in range(100):
        try:
            store.db.execute("INSERT INTO filler VALUES (zeroblob(1000))")
        except sqlite3.OperationalError as error:
            if "full" in str(error):
                return
            raise
    pytest.fail("the store never filled up")


def test_a_crash_loses_no_update_and_answers_none_twice(tmp_path: Path) -> None:
    """kill -9 while answers are on their way; the restarted bot answers every message once."""
    users = range(7001, 7007)

    async def main() -> None:
        peer = Peer()
        await peer.start()
        process = await opastin_run(peer, tmp_path)
        await peer.send_text(users[0], "Where is Kajaani Info?")
        await peer.wait_for_texts(users[0], 1, deadline=120)
        peer.black_hole.add("sendMessage")  # from now on answers never arrive: the bot is mid-update
        for user in users:
            await peer.send_text(user, "When is Walk and Talk?")
        await peer.wait_until(lambda: peer.swallowed > 0, deadline=60)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        await peer.end_black_hole()
        process = await opastin_run(peer, tmp_path)
        for user in users:  # after each user's earlier messages, in order
            await peer.send_text(user, "/help")
        for user in users:
            await peer.wait_for_texts(user, 3 if user == users[0] else 2, deadline=120)
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), 60)
        await peer.stop()
        for user in users:
            texts = peer.texts(user)
            walk = [text for text in texts if "Walk and Talk" in text]
            assert len(walk) == 1, f"user {user}: {len(walk)} answers to one question"
            assert len(texts) == (3 if user == users[0] else 2)

    asyncio.run(main())


#: Messages that show nothing: a Hangul filler (an "empty" message people send), a braille blank,
#: zero-width and word joiners, a soft hyphen and a tag character.
INVISIBLE = ("\u3164", "\u2800\u2060\u200b", "\u115f\u00ad\U000e0041", "\u200b\u200c\u200d")


def test_a_message_that_shows_nothing_is_asked_for_again_in_the_users_language(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        for chat, text in enumerate(INVISIBLE, start=ALICE):
            await peer.send_text(chat, text, language_code="fi")
            assert await peer.wait_for_texts(chat, 1) == [core.texts.get("empty_message", "fi")], repr(text)

    play(core, tmp_path, scenario)


def test_odd_updates_are_answered_politely_and_crash_nothing(
    core: Core, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    updates = list(odd_updates(len(KINDS)))

    async def scenario(peer: Peer, store: Store) -> None:
        for _, _, update, _ in updates:
            await peer.send_update(update)
        for kind, chat, update, answered in updates:
            target = update.get("message", {}).get("chat", {}).get("id", chat)
            await peer.send_text(target, "@OpastinBot Where is Kajaani Info?", user_id=chat)  # after it, in order
            texts = await peer.wait_for_texts(target, 2 if answered else 1)
            assert len(texts) == (2 if answered else 1), kind
            assert "Kajaani Info" in texts[-1], kind
        assert peer.rejected == [], "Telegram accepted every message the bot sent"

    play(core, tmp_path, scenario)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_odd_updates_are_the_same_for_the_same_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)  # the messages' dates

    def updates(seed: int) -> list[dict[str, Any]]:
        return [update for _, _, update, _ in odd_updates(60, seed=seed)]

    assert updates(1) == updates(1)
    assert updates(1) != updates(2), "the random texts and ids follow the seed"
