"""Feedback under answers through the real python-telegram-bot stack against the Bot API peer."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.core import Core
from bot.languages import SUPPORTED
from bot.privacy import pseudonym
from bot.store import Store
from tests.botapi import SECRET, SIGNATURE, Peer, play

USER = 4242
OTHER = 5151
ARABIC = 6161
#: The answer to it is the service point's entry, far above any threshold, in English and in Arabic.
QUESTION = "Where is Kajaani Info?"
ARABIC_QUESTION = "أين يقع Kajaani Info؟"
HELPFUL = "fb:+:en:d:service_point"
NOT_RIGHT = "fb:-:en:d:service_point"
LINE = "The opening hours are wrong, call me on 040 123 4567"


def actions(message: dict[str, Any]) -> list[list[str]]:
    """The rows of a message's buttons, each button's action without its signature."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [[button["callback_data"].rpartition(SIGNATURE)[0] for button in row] for row in rows]


def rows(store: Store) -> list[dict[str, Any]]:
    return [dict(row) for row in store.db.table("feedback").rows_where(order_by="id")]


def test_every_language_has_both_labels(core: Core) -> None:
    labels = {
        code: (core.texts.get("feedback_helpful", code), core.texts.get("feedback_not_right", code))
        for code in SUPPORTED
    }
    assert all(core.texts.has("feedback_not_right", code) for code in SUPPORTED if code != "en")
    assert len(set(labels.values())) == len(SUPPORTED), "each language its own words"


def test_helpful_and_not_right_with_a_line_are_kept_redacted(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, QUESTION)
        await peer.wait_for_texts(USER, 1)
        message = peer.last_message(USER)
        assert actions(message)[-1] == [HELPFUL, NOT_RIGHT], "the two small buttons, in a row of their own"
        labels = [button["text"] for button in message["reply_markup"]["inline_keyboard"][-1]]
        assert labels == [core.texts.get("feedback_helpful", "en"), core.texts.get("feedback_not_right", "en")]
        await peer.press(USER, message, HELPFUL)
        await peer.wait_for_texts(USER, 2)
        await peer.press(USER, message, NOT_RIGHT)
        texts = await peer.wait_for_texts(USER, 3)
        assert texts[-1] == core.texts.get("feedback_ask_line", "en")
        assert actions(peer.last_message(USER)) == [["fb:skip"]]
        await peer.send_text(USER, LINE)
        texts = await peer.wait_for_texts(USER, 4)
        assert texts[-1] == core.texts.get("feedback_thanks", "en")
        await peer.send_text(USER, QUESTION)  # the next message is a question again
        texts = await peer.wait_for_texts(USER, 5)
        assert "Kajaani Info" in texts[-1]

    play(core, tmp_path, scenario)
    store = Store.in_dir(tmp_path)
    [wrong] = rows(store)  # "not right" pressed after "helpful": the user's last word on the answer counts
    assert {key: wrong[key] for key in ("user", "entry", "language", "translation", "verdict", "question")} == {
        "user": pseudonym(USER, SECRET.encode()),
        "entry": "service_point",
        "language": "en",
        "translation": "draft",
        "verdict": "not_right",
        "question": QUESTION,
    }
    assert wrong["comment"] == "The opening hours are wrong, call me on [phone]"
    assert len(store.questions()) == 2, "the line about the answer is not kept as a question"
    store.close()


def test_helpful_pressed_again_and_again_counts_once(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, QUESTION)
        await peer.wait_for_texts(USER, 1)
        message = peer.last_message(USER)
        for _ in range(3):
            await peer.press(USER, message, HELPFUL)
        await peer.wait_for_texts(USER, 4)
        assert [(row["verdict"], row["comment"]) for row in rows(store)] == [("helpful", None)]
        assert store.feedback_counts() == [("service_point", "en", 1, 0)]

    play(core, tmp_path, scenario)


def test_not_right_in_arabic_may_be_skipped(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(ARABIC, ARABIC_QUESTION, language_code="ar")
        await peer.wait_for_texts(ARABIC, 1)
        message = peer.last_message(ARABIC)
        labels = [button["text"] for button in message["reply_markup"]["inline_keyboard"][-1]]
        assert labels == [core.texts.get("feedback_helpful", "ar"), core.texts.get("feedback_not_right", "ar")]
        await peer.press(ARABIC, message, "fb:-:ar:d:service_point", language_code="ar")
        await peer.wait_for_texts(ARABIC, 2)
        await peer.press(ARABIC, peer.last_message(ARABIC), "fb:skip", language_code="ar")
        texts = await peer.wait_for_texts(ARABIC, 3)
        assert texts[-1] == core.texts.get("feedback_thanks", "ar")
        await peer.send_text(ARABIC, ARABIC_QUESTION, language_code="ar")
        texts = await peer.wait_for_texts(ARABIC, 4)
        assert "Kajaani Info" in texts[-1], "after skipping, a message is a question again"

    play(core, tmp_path, scenario)
    store = Store.in_dir(tmp_path)
    [row] = rows(store)
    assert (row["language"], row["translation"], row["verdict"], row["comment"]) == ("ar", "draft", "not_right", None)
    assert row["question"] == ARABIC_QUESTION
    store.close()


def test_finnish_answers_say_they_are_the_source_and_fallbacks_get_no_buttons(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, "Missä Kajaani Info on?", language_code="fi")
        await peer.wait_for_texts(USER, 1)
        assert actions(peer.last_message(USER))[-1] == ["fb:+:fi:s:service_point", "fb:-:fi:s:service_point"]
        await peer.send_text(OTHER, "What is the weather tomorrow?")
        await peer.wait_for_texts(OTHER, 1)
        assert not any(action.startswith("fb:") for row in actions(peer.last_message(OTHER)) for action in row)

    play(core, tmp_path, scenario)


def test_forged_and_foreign_feedback_buttons_get_the_outdated_button_reply(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, QUESTION)
        await peer.wait_for_texts(USER, 1)
        alice = peer.last_message(USER)
        signed = [
            data for row in alice["reply_markup"]["inline_keyboard"] for data in (b["callback_data"] for b in row)
        ]
        await peer.send_text(OTHER, "Hello")
        await peer.wait_for_texts(OTHER, 1)
        bob = peer.last_message(OTHER)
        forged = [*signed, NOT_RIGHT, f"{NOT_RIGHT}{SIGNATURE}AAAAAAAAAAA", "fb:skip", "fb:-:en:d:no_such_entry"]
        for data in forged:
            await peer.press_data(OTHER, bob, data)
        texts = await peer.wait_for_texts(OTHER, 1 + len(forged))
        stale = core.texts.get("stale_button", "en")
        assert all(stale in text for text in texts[1:])
        await peer.send_text(OTHER, "This should be a question, not a line of feedback")
        await peer.wait_for_texts(OTHER, 2 + len(forged))
        assert rows(store) == [], "nothing was kept"

    play(core, tmp_path, scenario)


def test_delete_erases_the_users_feedback(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        for user in (USER, OTHER):
            await peer.send_text(user, QUESTION)
            await peer.wait_for_texts(user, 1)
            await peer.press(user, peer.last_message(user), NOT_RIGHT)
            await peer.wait_for_texts(user, 2)
            await peer.send_text(user, LINE)
            await peer.wait_for_texts(user, 3)
        await peer.send_text(USER, "/delete")
        await peer.wait_for_texts(USER, 4)
        await peer.press(USER, peer.last_message(USER), "delete:yes")
        await peer.wait_until(lambda: len(peer.sent(USER, "editMessageText")) == 1)

    play(core, tmp_path, scenario)
    connection = sqlite3.connect(tmp_path / "opastin.sqlite")
    dump = "\n".join(connection.iterdump())
    assert pseudonym(USER, SECRET.encode()) not in dump
    assert connection.execute("SELECT count(*) FROM feedback").fetchone() == (1,), "the other user's stays"
