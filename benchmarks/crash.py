"""kill -9 during a stream of updates: how many are lost or answered twice.

Run: nice .venv/bin/python -m benchmarks.crash [kills] [users] [messages] [rate]
`opastin run` polls the Bot API peer on loopback while `users` (default 40) each send
`messages` (default 40) messages, `rate` a second in all (default 8). The bot process is killed
with SIGKILL `kills` times (default 10) at random moments and started again at once. Messages
of one chat are answered in order, and each kind of message has its own answer, so comparing
each chat's answers with its messages counts the lost and the duplicated ones.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

from bot.app import load_core
from tests.botapi import TOKEN, Peer
from tests.conftest import ROOT

#: Messages whose answers tell them apart.
MESSAGES = ("/help", "/privacy", "/topics", "When is Walk and Talk?")


async def start_bot(peer: Peer, data_dir: Path) -> asyncio.subprocess.Process:
    """`opastin run` against the peer, its output thrown away."""
    env = {
        **os.environ,
        "OPASTIN_TELEGRAM_TOKEN": TOKEN,
        "OPASTIN_TELEGRAM_API_URL": peer.base_url,
        "OPASTIN_DATA_DIR": str(data_dir),
        "OPASTIN_SECRET": "crash-benchmark",
        "OPASTIN_RATE_LIMIT": "1000",
    }
    return await asyncio.create_subprocess_exec(  # this checkout's code, whatever .venv points at
        sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def label(text: str, help_text: str, privacy: str) -> str:
    """Which message an answer answers."""
    if text == help_text:
        return MESSAGES[0]
    if text == privacy:
        return MESSAGES[1]
    return MESSAGES[3] if "Walk and Talk" in text else MESSAGES[2]  # the topics, or a busy reply


async def main(kills: int, users: int, messages: int, rate: float) -> None:
    """Stream, kill, restart, and count."""
    texts = load_core().texts
    peer = Peer()
    await peer.start()
    chats = [9000 + number for number in range(users)]
    sent: dict[int, list[str]] = {chat: [] for chat in chats}
    total = users * messages
    with tempfile.TemporaryDirectory() as data_dir:
        process = await start_bot(peer, Path(data_dir))

        async def stream() -> None:
            for number in range(total):
                chat = chats[number % users]
                text = MESSAGES[random.randrange(len(MESSAGES))]
                sent[chat].append(text)
                await peer.send_text(chat, text)
                await asyncio.sleep(1 / rate)

        streaming = asyncio.create_task(stream())
        started = time.perf_counter()
        for moment in sorted(random.uniform(0.05, 0.95) * total / rate for _ in range(kills)):
            await asyncio.sleep(max(0.0, moment - (time.perf_counter() - started)))
            process.send_signal(signal.SIGKILL)
            await process.wait()
            process = await start_bot(peer, Path(data_dir))
        await streaming

        def answered() -> int:
            return sum(len(peer.texts(chat)) for chat in chats)

        last, still = -1, 0.0
        while still < 30 and answered() < total:  # wait for the last answers, or 30 s of silence
            await asyncio.sleep(1)
            still = still + 1 if answered() == last else 0.0
            last = answered()
        seconds = time.perf_counter() - started
        process.send_signal(signal.SIGINT)
        await process.wait()
    await peer.stop()
    lost = duplicated = 0
    help_text, privacy = texts.get("help", "en"), texts.get("privacy_notice", "en")
    for chat in chats:
        got = [label(text, help_text, privacy) for text in peer.texts(chat)]
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=sent[chat], b=got, autojunk=False).get_opcodes():
            if tag in ("delete", "replace"):
                lost += i2 - i1
            if tag in ("insert", "replace"):
                duplicated += j2 - j1
    print(f"{total} messages from {users} users in {seconds:.0f} s, {kills} kill -9 and restarts")
    print(f"lost {lost}, duplicated {duplicated}, answered {answered()}")


if __name__ == "__main__":
    defaults = [10, 40, 40, 8]
    arguments = [float(value) for value in sys.argv[1:5]]
    kills, users, messages, rate = arguments + defaults[len(arguments) :]
    asyncio.run(main(int(kills), int(users), int(messages), rate))
