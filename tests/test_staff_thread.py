"""Staff answer a ticket by replying to any of the bot's messages about it, through the real
Telegram stack; a reply to a colleague's message is never sent to the user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core import Core
from bot.project.texts import load_staff_texts
from bot.store import Store
from tests.botapi import Peer
from tests.conftest import ROOT
from tests.test_handoff import STAFF, USER, buttons, message_with, open_ticket, with_staff

STAFF_MEMBER = 1


async def staff_says(peer: Peer, text: str, reply_to: dict[str, Any]) -> dict[str, Any]:
    """A staff member replies to ``reply_to`` in the staff group; their message."""
    await peer.send_text(STAFF, text, user_id=STAFF_MEMBER, reply_to=reply_to)
    return dict(peer.history[-1]["message"])


def test_a_reply_to_a_later_message_of_the_ticket_reaches_the_user(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer)
        number = store.tickets()[0]["number"]
        await staff_says(peer, "Tervetuloa Kajaani Infoon maanantaina.", ticket)
        await peer.wait_for_texts(USER, 4)
        note = peer.last_message(STAFF)
        assert number in note["text"], "the bot's note: the answer was sent"
        await staff_says(peer, "Ovi on auki kello 9.", note)  # a reply to the bot's note, not to the ticket
        await peer.wait_for_texts(USER, 5)
        assert "Ovi on auki kello 9." in peer.texts(USER)[-1]

        reply = f"ticket:reply:{number}"
        await peer.press(USER, message_with(peer, USER, reply), reply, language_code="ar")
        await peer.wait_for_texts(USER, 6)
        await peer.send_text(USER, "وما هو العنوان؟", language_code="ar")
        await peer.wait_until(lambda: "وما هو العنوان؟" in peer.last_message(STAFF)["text"])
        follow_up = peer.last_message(STAFF)
        await staff_says(peer, "Kello 10 on hyvä aika.", follow_up)  # a reply to the user's follow-up
        await peer.wait_for_texts(USER, 8)
        assert "Kello 10 on hyvä aika." in peer.texts(USER)[-1]
        assert buttons(peer.last_message(USER))[1] == reply
        assert store.ticket_messages(number)[-1]["original"] == "Kello 10 on hyvä aika."

    with_staff(core, tmp_path, scenario)


def test_a_reply_to_a_colleagues_message_is_not_sent_and_staff_are_told_what_to_reply_to(
    core: Core, tmp_path: Path
) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        ticket = await open_ticket(peer)
        number = store.tickets()[0]["number"]
        answer = await staff_says(peer, "Tervetuloa maanantaina.", ticket)
        await peer.wait_for_texts(USER, 4)
        await peer.wait_for_texts(STAFF, 2)  # the ticket, "answer sent"
        await staff_says(peer, "Hyvä vastaus!", answer)  # a word between colleagues
        texts = await peer.wait_for_texts(STAFF, 3)
        assert texts[-1] == staff_text("reply_to_the_bot", number)
        assert len(peer.texts(USER)) == 4, "nothing more reached the user"

    with_staff(core, tmp_path, scenario)


def staff_text(key: str, number: str) -> str:
    """What staff are told, in their language (Finnish by default)."""
    return load_staff_texts(ROOT / "translations" / "staff", "fi").get(key, number=number)
