"""How long one user waits behind another user's trouble, through the real Telegram stack.

Run: nice .venv/bin/python -m benchmarks.stall [rounds]
Bot API peer on loopback, the bot with its real retry pauses (0.5 s, doubling). Each round, user
A causes trouble and user B writes at once; printed: B's wait for the answer to /help behind
A's button press that Telegram answers with 400, and B's wait for an answer to a question
behind A's 1,000-character Cyrillic question (median and worst of the rounds).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.app import Services, load_core
from bot.channels.telegram.app import PoliteRateLimiter, build_application
from bot.paths import project_root
from bot.settings import Settings
from bot.store import Store
from tests.botapi import TOKEN, Fault, Peer

A, B = 111, 222
LONG = ("Где находится Kajaani Info и как туда добраться на автобусе? " * 17)[:1000]


async def wait_for(peer: Peer, chat: int, count: int) -> float:
    """Seconds until ``chat`` has ``count`` texts."""
    start = time.perf_counter()
    await peer.wait_until(lambda: len(peer.texts(chat)) >= count, deadline=60)
    return time.perf_counter() - start


async def main(rounds: int) -> None:
    """Run the rounds and print the waits."""
    core = load_core()
    peer = Peer()
    await peer.start()
    behind_400, behind_long = [], []
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), telegram_token=TOKEN, telegram_api_url=peer.base_url,
                            secret="stall", rate_limit=1000)  # fmt: skip
        services = Services(settings, project_root(), cores=lambda: core, store=Store.in_dir(Path(data_dir)))
        application = build_application(services, PoliteRateLimiter(per_chat_rate=0))
        async with application:
            await application.start()
            assert application.updater
            await application.updater.start_polling(poll_interval=0, timeout=1)
            for _ in range(rounds):
                a, b = len(peer.texts(A)), len(peer.texts(B))
                await peer.send_text(A, "/start")
                await wait_for(peer, A, a + 1)
                peer.faults["editMessageText"] = [Fault(400)] * 6  # as "message is not modified" does
                await peer.press(A, peer.last_message(A), "language:fi")
                await peer.send_text(B, "/help")
                behind_400.append(await wait_for(peer, B, b + 1))
                await wait_for(peer, A, a + 2)
                peer.faults["editMessageText"] = []
                await peer.send_text(A, LONG, language_code="ru")
                await peer.send_text(B, "Where is Kajaani Info?")
                behind_long.append(await wait_for(peer, B, b + 2))
                await wait_for(peer, A, a + 3)
            await application.updater.stop()
            await application.stop()
    await peer.stop()
    for name, waits in (("a 400 to another user's button", behind_400), ("a 1,000-character question", behind_long)):
        print(f"B's wait behind {name}: median {statistics.median(waits):.2f} s, worst {max(waits):.2f} s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
