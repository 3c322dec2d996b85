"""Conversations that remember, through the real python-telegram-bot stack and the Bot API peer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core import Core
from bot.privacy import pseudonym
from bot.store import Store
from tests.botapi import SECRET, Peer, play, running_bot

USER = 4343
KUUSAMO = "Who is the contact person for integration in Kuusamo?"


def test_a_follow_up_by_place_answers_the_same_topic_there(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, KUUSAMO)
        await peer.send_text(USER, "And in Paltamo?")
        first, second = await peer.wait_for_texts(USER, 2)
        assert "raisa.kuusisto@kuusamo.fi" in first
        assert "helena.hynynen@paltamo.fi" in second
        assert core.texts.get("answer_for", "en", municipality="Paltamo") in second

    play(core, tmp_path, scenario)


def test_a_follow_up_by_detail_answers_that_detail_or_says_the_sources_lack_it(core: Core, tmp_path: Path) -> None:
    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, KUUSAMO)
        await peer.send_text(USER, "What is her e-mail?")
        await peer.send_text(USER, "phone?")
        _, email, phone = await peer.wait_for_texts(USER, 3)
        assert "raisa.kuusisto@kuusamo.fi" in email
        assert core.texts.get("detail_missing_phone", "en") not in email
        assert core.texts.get("detail_missing_phone", "en") in phone
        assert "raisa.kuusisto@kuusamo.fi" in phone, "and what the sources do give"

    play(core, tmp_path, scenario)


def test_a_restart_in_the_middle_of_a_conversation_keeps_it(core: Core, tmp_path: Path) -> None:
    async def main() -> None:
        peer = Peer()
        await peer.start()
        async with running_bot(core, tmp_path, peer, secret=SECRET):
            await peer.send_text(USER, KUUSAMO)
            await peer.wait_for_texts(USER, 1)
        async with running_bot(core, tmp_path, peer, secret=SECRET):
            await peer.send_text(USER, "And in Paltamo?")
            texts = await peer.wait_for_texts(USER, 2)
        await peer.stop()
        assert "helena.hynynen@paltamo.fi" in texts[1]

    asyncio.run(main())


def test_delete_erases_the_conversation_too(core: Core, tmp_path: Path) -> None:
    key = pseudonym(USER, SECRET.encode())

    async def scenario(peer: Peer, store: Store) -> None:
        await peer.send_text(USER, KUUSAMO)
        await peer.send_text(USER, "/delete")
        await peer.wait_for_texts(USER, 2)
        remembered = store.state(key)  # updates are handled one by one: the first one is saved by now
        assert remembered is not None
        assert remembered.topic == "coordinator_contact_kuusamo"
        await peer.press(USER, peer.last_message(USER), "delete:yes")
        await peer.wait_until(lambda: len(peer.sent(USER, "editMessageText")) == 1)
        assert store.state(key) is None
        await peer.send_text(USER, "And in Paltamo?")
        texts = await peer.wait_for_texts(USER, 3)
        assert "helena.hynynen@paltamo.fi" not in texts[-1], "nothing to go on from after /delete"

    play(core, tmp_path, scenario)
