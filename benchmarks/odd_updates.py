"""Odd updates through the real Telegram stack: crashes, unanswered ones, rejected sends.

Run: nice .venv/bin/python -m benchmarks.odd_updates [count]
Sends `count` (default 1000) odd updates (tests/odd_updates.py: long, combining-mark and emoji
floods, controls, HTML, unknown commands, forged buttons, photos, channel posts...) to the bot
through the Bot API peer, each from its own chat and followed by an addressed question in the
same chat (the same updates on every run: their random parts are seeded), and prints how many
raised an error, how many that expect an answer got none, and how many messages Telegram would
have rejected.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.app import load_core
from tests.botapi import Peer, running_bot
from tests.odd_updates import odd_updates


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def main(count: int) -> None:
    """Send, wait for every sentinel answer, count."""
    core = load_core()
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    peer = Peer()
    await peer.start()
    unanswered: Counter[str] = Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as data_dir:
        async with running_bot(core, Path(data_dir), peer, rate_limit=count):
            updates = list(odd_updates(count))
            for _, _, update, _ in updates:
                await peer.send_update(update)
            for kind, chat, update, answered in updates:
                target = update.get("message", {}).get("chat", {}).get("id", chat)
                await peer.send_text(target, "@OpastinBot Where is Kajaani Info?", user_id=chat)
                try:
                    await peer.wait_for_texts(target, 2 if answered else 1, deadline=60)
                except TimeoutError:
                    unanswered[kind] += 1
    await peer.stop()
    print(f"{count} odd updates in {time.perf_counter() - started:.0f} s")
    print(f"errors logged: {len(errors.messages)}; unanswered where an answer is expected: {sum(unanswered.values())}")
    print(f"messages Telegram would reject: {len(peer.rejected)}; unanswered kinds: {dict(unanswered)}")
    for message in errors.messages[:5]:
        print("  error:", message)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
