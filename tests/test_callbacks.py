"""Forged and foreign button presses through the real Telegram stack: nothing shown, nothing changed."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.callbacks import CallbackSigner
from bot.core import Core
from bot.names import HANDOFF_ACTION
from bot.privacy import pseudonym
from bot.store import Store
from tests.botapi import SECRET, SIGNATURE, Peer, play

ALICE = 4242
BOB = 5151
STAFF = -100777
GROUP = -100555
QUESTION = "My partner hits me at home, what can I do? Write to alice@example.com"
# No phone number in it: the stored Finnish original of a staff answer is redacted (privacy.py).
STAFF_ANSWER = "Tule Kajaani Infoon kaupungintalolle, niin autamme lomakkeen kanssa."
Scenario = Callable[[Peer, Store], Awaitable[None]]


def test_signatures_bind_the_action_to_the_user_and_the_chat() -> None:
    signer = CallbackSigner(b"secret")
    data = signer.sign("ticket:original:17", "alice", 4242)
    assert len(data.encode()) <= 64
    assert signer.verify(data, "alice", 4242) == "ticket:original:17"
    assert signer.verify(data, "bob", 4242) is None
    assert signer.verify(data, "alice", 5151) is None
    assert signer.verify(data.replace("17", "18"), "alice", 4242) is None
    assert CallbackSigner(b"other").verify(data, "alice", 4242) is None
    for junk in (None, "", SIGNATURE, "ticket:original:17", "x" * 65, data + SIGNATURE):
        assert signer.verify(junk, "alice", 4242) is None
    with pytest.raises(ValueError, match="too long"):
        signer.sign("topic:" + "x" * 60, "alice", 4242)


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def alice_gets_an_answer(peer: Peer, store: Store) -> dict[str, Any]:
    """Alice opens a ticket, staff answer it; the message with her two ticket buttons."""
    await peer.send_text(ALICE, "I want to talk to a human")
    await peer.wait_until(lambda: any(HANDOFF_ACTION in str(buttons(m)) for m in peer.messages.values()))
    offer = next(m for m in peer.messages.values() if HANDOFF_ACTION in str(buttons(m)))
    await peer.press(ALICE, offer, HANDOFF_ACTION)
    await peer.wait_for_texts(ALICE, 2)
    await peer.send_text(ALICE, QUESTION)
    await peer.wait_for_texts(STAFF, 1)
    await peer.wait_for_texts(ALICE, 3)
    await peer.send_text(STAFF, STAFF_ANSWER, user_id=1, reply_to=peer.last_message(STAFF))
    await peer.wait_for_texts(ALICE, 4)
    return peer.last_message(ALICE)


def test_forged_and_foreign_ticket_buttons_show_and_change_nothing(
    core: Core, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    attempts: list[str] = []

    async def scenario(peer: Peer, store: Store) -> None:
        answer = await alice_gets_an_answer(peer, store)
        [number] = [ticket["number"] for ticket in store.tickets()]
        messages = store.ticket_messages(number)
        original, reply = buttons(answer)
        await peer.send_text(BOB, "Hello")
        await peer.wait_for_texts(BOB, 1)
        bob_message = peer.last_message(BOB)
        ids = [str(message["id"]) for message in messages]
        forged = [
            *(f"ticket:original:{id_}" for id_ in ids),  # the attack of the issue: ids in sequence
            *(f"ticket:original:{id_}{SIGNATURE}AAAAAAAAAAA" for id_ in ids),
            f"ticket:reply:{number}",
            original,  # Alice's own signed buttons, replayed by Bob
            reply,
            "ticket:original:abc",
            "ticket:original:" + "9" * 23,
            "ticket:original:",
            "ticket:original:١٢",
            "delete:yes",
            SIGNATURE,
            "x" * 64,
        ]
        attempts.extend(forged)
        for data in forged:
            await peer.press_data(BOB, bob_message, data)
        await peer.wait_for_texts(BOB, 1 + len(forged))
        # Bob writes, as if a forged "reply in the ticket" button had worked.
        await peer.send_text(BOB, "I am Bob and I write into Alice's ticket")
        await peer.wait_for_texts(BOB, 2 + len(forged))
        stale = core.texts.get("stale_button", "en")
        assert all(stale in text for text in peer.texts(BOB)[1 : 1 + len(forged)])
        shown = "\n".join(peer.texts(BOB))
        assert "partner" not in shown
        assert "alice@example.com" not in shown
        assert STAFF_ANSWER not in shown
        assert "Nollalinja" not in shown
        assert store.ticket_messages(number) == messages, "nothing was added to Alice's ticket"
        assert len(peer.texts(STAFF)) == 2, "staff saw only Alice's question and their own confirmation"
        assert store.state(pseudonym(BOB, SECRET.encode())) is not None, "/delete:yes forged: Bob kept his data"
        assert len(peer.sent(None, "answerCallbackQuery")) == 1 + len(forged), "every press is answered"

    play(core, tmp_path, scenario, staff_chat_id=STAFF)
    refusals = [record for record in caplog.records if record.getMessage().startswith("refused")]
    assert len(refusals) == len(attempts)
    assert all(record.levelno == logging.WARNING for record in refusals)
    assert not any("Alice" in r.getMessage() or "ticket:" in r.getMessage() for r in refusals), "no content"
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_ticket_button_signed_for_another_user_is_still_refused(core: Core, tmp_path: Path) -> None:
    """Even with the signing key (a leak), Bob cannot read or write Alice's ticket: ownership is checked."""
    signer = CallbackSigner(SECRET.encode())
    bob = pseudonym(BOB, SECRET.encode())

    async def scenario(peer: Peer, store: Store) -> None:
        await alice_gets_an_answer(peer, store)
        [number] = [ticket["number"] for ticket in store.tickets()]
        messages = store.ticket_messages(number)
        await peer.send_text(BOB, "Hello")
        await peer.wait_for_texts(BOB, 1)
        for message in messages:
            data = signer.sign(f"ticket:original:{message['id']}", bob, BOB)
            await peer.press_data(BOB, peer.last_message(BOB), data)
        await peer.press_data(BOB, peer.last_message(BOB), signer.sign(f"ticket:reply:{number}", bob, BOB))
        await peer.wait_for_texts(BOB, 2 + len(messages))
        await peer.send_text(BOB, "Bob writes into Alice's ticket")
        await peer.wait_for_texts(BOB, 3 + len(messages))
        shown = "\n".join(peer.texts(BOB))
        assert "partner" not in shown
        assert STAFF_ANSWER not in shown
        assert store.ticket_messages(number) == messages

    play(core, tmp_path, scenario, staff_chat_id=STAFF)


def test_alice_can_use_her_own_ticket_buttons(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        answer = await alice_gets_an_answer(peer, store)
        original, reply = buttons(answer)
        await peer.press_data(ALICE, answer, original)
        texts = await peer.wait_for_texts(ALICE, 5)
        assert texts[-1] == STAFF_ANSWER
        await peer.press_data(ALICE, answer, reply)
        await peer.wait_for_texts(ALICE, 6)
        await peer.send_text(ALICE, "Thank you, one more question")
        staff = await peer.wait_for_texts(STAFF, 3)
        assert "Thank you, one more question" in staff[-1]

    play(core, tmp_path, scenario, staff_chat_id=STAFF)


def test_in_a_group_only_the_user_who_asked_can_press_the_buttons(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(GROUP, "@OpastinBot Where is Kajaani Info?", user_id=ALICE)
        await peer.wait_for_texts(GROUP, 1)
        await peer.send_text(GROUP, "@OpastinBot qwerty zxcvb", user_id=ALICE)
        await peer.wait_for_texts(GROUP, 2)
        message = peer.last_message(GROUP)
        topic = next(data for data in buttons(message) if data.startswith("topic:"))
        await peer.press_data(GROUP, message, topic, user_id=BOB)
        texts = await peer.wait_for_texts(GROUP, 3)
        assert core.texts.get("stale_button", "en") in texts[-1]
        await peer.press_data(GROUP, message, topic, user_id=ALICE)
        texts = await peer.wait_for_texts(GROUP, 4)
        assert core.texts.get("stale_button", "en") not in texts[-1]

    play(core, tmp_path, scenario)
