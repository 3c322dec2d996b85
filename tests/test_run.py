"""`opastin run` as a deployment starts it: a process, settings from the environment only."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from bot.channels.telegram.app import webhook_secret
from bot.settings import Settings
from tests.botapi import TOKEN, Peer
from tests.conftest import ROOT

OPASTIN = Path(sys.executable).parent / "opastin"
SECRET = "run-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def opastin_run(peer: Peer, data_dir: Path, **extra: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "OPASTIN_TELEGRAM_TOKEN": TOKEN,
        "OPASTIN_TELEGRAM_API_URL": peer.base_url,
        "OPASTIN_DATA_DIR": str(data_dir),
        "OPASTIN_SECRET": SECRET,
        **extra,
    }
    return await asyncio.create_subprocess_exec(
        str(OPASTIN), "run", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    return stderr.decode()


def test_polling_answers_and_never_logs_the_token(tmp_path: Path) -> None:
    async def main() -> str:
        peer = Peer()
        await peer.start()
        process = await opastin_run(peer, tmp_path)
        await peer.send_text(77, "Where is Kajaani Info?")
        texts = await peer.wait_for_texts(77, 1, deadline=120)
        logs = await stop(process)
        await peer.stop()
        assert "Kajaani Info" in texts[0]
        return logs

    logs = asyncio.run(main())
    assert TOKEN not in logs
    assert "TEST-TOKEN" not in logs
    assert "Task was destroyed but it is pending" not in logs, "the retention task is cancelled on stop"
    assert "won't be automatically awaited" not in logs
    assert (tmp_path / "opastin.sqlite").is_file()


def test_webhook_mode_registers_and_answers_posted_updates(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"

    async def main() -> None:
        peer = Peer()
        await peer.start()
        process = await opastin_run(peer, tmp_path, OPASTIN_WEBHOOK_URL=url, OPASTIN_WEBHOOK_PORT=str(port))
        await peer.wait_until(lambda: bool(peer.sent(None, "setWebhook")), deadline=120)
        registered = peer.sent(None, "setWebhook")[0]
        secret = webhook_secret(Settings(secret=SECRET))
        assert (registered["url"], registered["secret_token"]) == (url, secret)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 78, "type": "private"},
                "from": {"id": 78, "is_bot": False, "first_name": "T"},
                "text": "Where is Kajaani Info?",
            },
        }
        async with httpx.AsyncClient() as client:
            refused = await client.post(url, content=json.dumps(update), headers={"Content-Type": "application/json"})
            accepted = await client.post(
                url,
                content=json.dumps(update),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            )
        assert refused.status_code == 403
        assert accepted.status_code == 200
        texts = await peer.wait_for_texts(78, 1, deadline=60)
        await stop(process)
        await peer.stop()
        assert "Kajaani Info" in texts[0]

    asyncio.run(main())
