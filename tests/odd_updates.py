"""Odd but valid updates, as Telegram can send them: for the tests and benchmarks/odd_updates.py.

Each is an update without its ``update_id``, and whether the bot must answer it in the chat.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any

BOT = {"id": 999, "is_bot": True, "first_name": "Opastin"}
PHOTO = [{"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}]
CHANNEL = {"id": -1009, "type": "channel", "title": "C"}
#: Random texts and ids from a seeded generator: a run that finds a problem finds it again.
_RANDOM = random.Random()


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Odd"}


def _message(chat_id: int, **content: Any) -> dict[str, Any]:
    kind = "private" if chat_id > 0 else "supergroup"
    return {
        "message_id": _RANDOM.randrange(1, 2**31),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": kind, **({"title": "Group"} if chat_id < 0 else {})},
        "from": _user(abs(chat_id) % 10**9),
        **content,
    }


def _text(chat_id: int, text: str) -> dict[str, Any]:
    return {"message": _message(chat_id, text=text)}


def _command(chat_id: int, text: str) -> dict[str, Any]:
    command = text.split()[0] if text.split() else text
    return {
        "message": _message(chat_id, text=text, entities=[{"type": "bot_command", "offset": 0, "length": len(command)}])
    }


def _press(chat_id: int, data: str | None, accessible: bool = True) -> dict[str, Any]:
    if accessible:
        message = {**_message(chat_id, text="old"), "from": BOT}
    else:  # date 0: Telegram's mark of a message the bot can no longer see
        message = {"chat": {"id": chat_id, "type": "private"}, "message_id": 1, "date": 0}
    query: dict[str, Any] = {"id": str(_RANDOM.randrange(2**40)), "from": _user(chat_id), "chat_instance": "1"}
    query["message"] = message
    if data is not None:
        query["data"] = data
    return {"callback_query": query}


def _member(chat_id: int) -> dict[str, Any]:
    change = {"chat": {"id": -abs(chat_id), "type": "group", "title": "G"}, "from": _user(chat_id), "date": 0}
    change["old_chat_member"] = {"status": "left", "user": BOT}
    change["new_chat_member"] = {"status": "member", "user": BOT}
    return {"my_chat_member": change}


def _inline(chat_id: int) -> dict[str, Any]:
    return {"inline_query": {"id": "1", "from": _user(chat_id), "query": "kajaani", "offset": ""}}


def _other(chat_id: int, **content: Any) -> dict[str, Any]:
    return {"message": _message(chat_id, **content)}


def _random_text() -> str:
    pieces = [
        "Kajaani",
        "Info",
        "&",
        "<b>",
        "&amp;",
        "\u200f",
        "\u202e",
        "😀",
        "\u0301" * 50,
        "ا",
        "中",
        " ",
        "\n",
        "/",
    ]
    return "".join(_RANDOM.choice(pieces) for _ in range(_RANDOM.randrange(1, 200)))


#: (kind, builder of the update for a chat, answered in that chat?)
KINDS: tuple[tuple[str, Callable[[int], dict[str, Any]], bool], ...] = (
    ("long text", lambda chat: _text(chat, "Kajaani Info " * 315), True),
    ("combining marks", lambda chat: _text(chat, "a" + "\u0301" * 3000), True),
    ("right-to-left override", lambda chat: _text(chat, "\u202eofnI inajaK si erehW"), True),
    ("zero width only", lambda chat: _text(chat, "\u200b\u200c\u200d"), True),
    ("emoji only", lambda chat: _text(chat, "😀" * 2000), True),
    ("invisible letters only", lambda chat: _text(chat, "\u3164\u2800\u2060\u00ad"), True),
    ("emoji only, not a thanks", lambda chat: _text(chat, "🤔🎲🇫🇮"), True),
    ("html", lambda chat: _text(chat, "<b>bold</b> &amp; <a href='x'>x</a> &"), True),
    ("random", lambda chat: _text(chat, _random_text()), True),
    ("nul and controls", lambda chat: _text(chat, "Kajaani\x00Info\x07\x1b[31m"), True),
    ("only a slash", lambda chat: _command(chat, "/"), True),
    ("unknown command", lambda chat: _command(chat, "/settings now"), True),
    ("command for another bot", lambda chat: _command(chat, "/start@OtherBot"), True),
    ("very long command", lambda chat: _command(chat, "/" + "x" * 300), True),
    ("reply to a missing message", lambda chat: _other(chat, text="hi", reply_to_message=_message(chat)), True),
    ("photo", lambda chat: _other(chat, photo=PHOTO), True),
    ("contact", lambda chat: _other(chat, contact={"phone_number": "+358401234567", "first_name": "X"}), True),
    ("dice", lambda chat: _other(chat, dice={"emoji": "🎲", "value": 3}), True),
    ("forged button", lambda chat: _press(chat, "ticket:original:1"), True),
    ("button without data", lambda chat: _press(chat, None), True),
    ("button with a 23-digit id", lambda chat: _press(chat, "ticket:original:" + "9" * 23), True),
    ("button on an inaccessible message", lambda chat: _press(chat, "language:fi", accessible=False), True),
    ("edited private message", lambda chat: {"edited_message": {**_message(chat, text="x"), "edit_date": 1}}, True),
    ("group message, not addressed", lambda chat: _text(-abs(chat), "people talking"), False),
    ("channel post", lambda chat: {"channel_post": {"message_id": 5, "date": 1, "chat": CHANNEL, "text": "x"}}, False),
    ("bot added to a group", _member, False),
    ("inline query", _inline, False),
    ("unknown update kind", lambda chat: {"some_future_field": {"x": 1}}, False),
)  # fmt: skip


def odd_updates(count: int, first_chat: int = 8000, seed: int = 0) -> Iterator[tuple[str, int, dict[str, Any], bool]]:
    """``count`` odd updates round the kinds, each from its own private chat: (kind, chat, update,
    answered); the same ``seed`` gives the same updates."""
    _RANDOM.seed(seed)
    for number in range(count):
        kind, build, answered = KINDS[number % len(KINDS)]
        chat = first_chat + number
        yield kind, chat, build(chat), answered
