"""Webhook mode with the same guarantee as polling: an update is confirmed only once handled.

Telegram counts a webhook call as delivered when it gets a 2xx answer, and calls again after any
other answer or none. python-telegram-bot's own webhook server answers 200 as soon as the update
is queued, so a crash (even ``kill -9``) between that answer and the reply loses the update.
Here the answer waits until the update went through the ``ChatOrderProcessor`` like a polled
one (one chat in order, a re-delivery of a handled update skipped, recorded as handled with
what it changed): a crash before that leaves the call unanswered and Telegram sends the update
again; a call Telegram repeats after it was handled is answered 200 without a second reply.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
#: The header in which Telegram sends the token given to setWebhook.
CHECK_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(application: Application[Any, Any, Any, Any, Any, Any], secret: str, path: str) -> web.Application:
    """The aiohttp application that takes Telegram's calls at ``/path``."""

    async def take(request: web.Request) -> web.Response:
        """Handle one update; answer only once it is handled (403 without the secret, 400 if unreadable)."""
        if not hmac.compare_digest(request.headers.get(CHECK_HEADER, ""), secret):
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("an unreadable webhook call was refused (%s)", type(error).__name__)
            return web.Response(status=400)
        await application.update_processor.process_update(update, application.process_update(update))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(f"/{path}", take)
    return app


async def serve(
    application: Application[Any, Any, Any, Any, Any, Any],
    url: str,
    path: str,
    listen: str,
    port: int,
    secret: str,
) -> None:
    """Register the webhook, take Telegram's calls until SIGINT or SIGTERM, then stop cleanly."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stopping.set)
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        runner = web.AppRunner(webhook_app(application, secret, path), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        await application.bot.set_webhook(url, allowed_updates=Update.ALL_TYPES, secret_token=secret)
        log.info("taking webhook calls on %s:%d", listen, port)
        try:
            await stopping.wait()
        finally:
            await runner.cleanup()  # lets the calls being handled finish
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
