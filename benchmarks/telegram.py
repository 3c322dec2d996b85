"""The Telegram channel under load, through the Bot API peer on loopback.

Run: .venv/bin/python -m benchmarks.telegram [users] [messages] [rate]
200 simulated users (default) each send 25 messages, one after the other, each waiting for the
answer and pausing so that all users together offer `rate` messages a second (default 25, under
Telegram's 30/s; 0 = as fast as the bot answers, to find its ceiling). Prints messages/s
sustained, p50/p95 from a user's message to the bot's reply, the core's
own reply() p50/p95 on the same questions, the bot's peak RSS, and whether every message was
answered exactly once. Telegram's own limits (30/s overall, 1/s per chat) are switched off here
to show what the bot itself sustains.
"""

from __future__ import annotations

import asyncio
import random
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks.core import percentile
from bot.app import Services, load_core
from bot.channels.telegram.app import PoliteRateLimiter, build_application
from bot.core import State
from bot.paths import project_root
from bot.settings import Settings
from bot.store import Store
from tests.botapi import TOKEN, Peer
from tests.heldout import load_heldout


async def main(users: int, messages: int, rate: float) -> None:
    """Run the load and print the figures."""
    core = load_core()
    questions = [q.text for q in load_heldout() if q.intent not in ("out_of_scope", "emergency")]
    core_ms = []
    for text in questions:
        start = time.perf_counter()
        core.reply(State(), text)
        core_ms.append((time.perf_counter() - start) * 1000)
    peer = Peer()
    await peer.start()
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), telegram_token=TOKEN, telegram_api_url=peer.base_url,
                            secret="bench", rate_limit=messages + 1)  # fmt: skip
        limiter = PoliteRateLimiter(per_chat_rate=0)
        limiter._base_limiter = None  # measure the bot, not Telegram's 30/s
        services = Services(settings, project_root(), cores=lambda: core, store=Store.in_dir(Path(data_dir)))
        application = build_application(services, limiter)

        def answered_more_than(chat_id: int, count: int) -> bool:
            return len(peer.texts(chat_id)) > count

        async def user(chat_id: int) -> None:
            if rate:  # users arrive spread over one round, as people do
                await asyncio.sleep(random.uniform(0, users / rate))
            for number in range(messages):
                start = time.perf_counter()
                await peer.send_text(chat_id, questions[(chat_id + number) % len(questions)])
                await peer.wait_until(partial(answered_more_than, chat_id, number), deadline=600)
                latencies.append((time.perf_counter() - start) * 1000)
                if rate:
                    await asyncio.sleep(max(0.0, users / rate - (time.perf_counter() - start)))

        async with application:
            await application.start()
            assert application.updater
            await application.updater.start_polling(poll_interval=0, timeout=1)
            start = time.perf_counter()
            await asyncio.gather(*(user(1000 + number) for number in range(users)))
            seconds = time.perf_counter() - start
            await application.updater.stop()
            await application.stop()
    await peer.stop()
    answered = [len(peer.texts(1000 + number)) for number in range(users)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{users} users x {messages} messages = {users * messages} in {seconds:.1f} s: "
          f"{users * messages / seconds:.1f} messages/s")  # fmt: skip
    print(f"message to reply: p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms")
    print(f"core reply(): p50 {percentile(core_ms, 0.5):.1f} ms, p95 {percentile(core_ms, 0.95):.1f} ms")
    once = all(count == messages for count in answered)
    print(f"answered exactly once: {once} (min {min(answered)}, max {max(answered)})")
    print(f"peak RSS {rss:.0f} MB (bot, peer and simulated users in one process)")


if __name__ == "__main__":
    defaults = [200, 25, 25]
    arguments = [float(value) for value in sys.argv[1:4]]
    users, messages, rate = arguments + defaults[len(arguments) :]
    asyncio.run(main(int(users), int(messages), rate))
