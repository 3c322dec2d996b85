"""Webhook mode loses no update and answers none twice: `opastin run` as a process, Telegram
played by the test (it calls again unless it got a 2xx answer), killed with -9 mid-update."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path
from typing import Any

import httpx

from bot.channels.telegram.app import webhook_secret
from bot.settings import Settings
from tests.botapi import Peer
from tests.test_run import SECRET, free_port, opastin_run, stop

CHAT = 78


def update(update_id: int, text: str) -> dict[str, Any]:
    """A user's text as Telegram posts it to the webhook."""
    user = {"id": CHAT, "is_bot": False, "first_name": "T"}
    message = {"message_id": update_id, "date": 0, "chat": {"id": CHAT, "type": "private"}, "from": user, "text": text}
    return {"update_id": update_id, "message": message}


UPDATE = update(1, "Where is Kajaani Info?")


async def telegram_calls(client: httpx.AsyncClient, url: str, update: dict[str, Any]) -> int | None:
    """One webhook call as Telegram makes it; its status, or None when the bot never answered."""
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": webhook_secret(Settings(secret=SECRET)),
    }
    try:
        response = await client.post(url, content=json.dumps(update), headers=headers)
    except httpx.TransportError:  # the bot died with the call open
        return None
    return response.status_code


def test_a_webhook_call_is_answered_only_once_its_update_is_handled(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    environ = {"OPASTIN_WEBHOOK_URL": url, "OPASTIN_WEBHOOK_PORT": str(port)}

    async def main() -> None:
        peer = Peer()
        await peer.start()
        process = await opastin_run(peer, tmp_path, **environ)
        await peer.wait_until(lambda: len(peer.sent(None, "setWebhook")) == 1, deadline=120)
        async with httpx.AsyncClient(timeout=120) as client:
            peer.black_hole.add("sendMessage")  # the answer never arrives: the bot is mid-update
            call = asyncio.create_task(telegram_calls(client, url, UPDATE))
            await peer.wait_until(lambda: peer.swallowed > 0, deadline=60)
            process.send_signal(signal.SIGKILL)
            await process.wait()
            first = await call
            await peer.end_black_hole()
            process = await opastin_run(peer, tmp_path, **environ)
            await peer.wait_until(lambda: len(peer.sent(None, "setWebhook")) == 2, deadline=120)
            if first is None or not 200 <= first < 300:  # Telegram calls again
                assert await telegram_calls(client, url, UPDATE) == 200
            await peer.wait_for_texts(CHAT, 1, deadline=60)
            assert await telegram_calls(client, url, UPDATE) == 200, "a repeated call after it was handled"
            assert await telegram_calls(client, url, update(2, "When is Walk and Talk?")) == 200
        await stop(process)
        await peer.stop()
        texts = peer.texts(CHAT)
        assert first is None, "no answer to Telegram while the reply was on its way"
        assert len(texts) == 2, texts
        assert "Kajaani Info" in texts[0]
        assert "Walk and Talk" in texts[1], "answered before its call was"

    asyncio.run(main())
