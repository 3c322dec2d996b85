"""The Telegram channel's wiring: python-telegram-bot 22's Application over the services, with
Telegram's rate limits, the handlers of ``bot.py``, and polling or a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlparse

from aiolimiter import AsyncLimiter
from telegram import BotCommand, Message, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from ...app import Services
from ...errors import StoreError
from ...settings import Settings
from ...store import Store
from . import webhook
from .bot import TelegramBot
from .updates import ChatOrderProcessor, LedgerBot, ModelWorker, UpdateLedger
from .voicedesk import TELEGRAM_FILES, file_url

log = logging.getLogger(__name__)

COMMANDS = ("start", "language", "municipality", "topics", "help", "contact", "council", "voice", "privacy", "delete")
#: Telegram's 400 for an edit that would change nothing.
NOT_MODIFIED = "message is not modified"


class PoliteRateLimiter(AIORateLimiter):
    """Telegram's limits (30 messages/s overall, 1/s per chat), and retries that lose nothing.

    AIORateLimiter handles 429 (RetryAfter) and the overall and group limits; this adds a limit
    per private chat and retries on 5xx answers and timeouts, with a growing pause. A 400
    (BadRequest, which python-telegram-bot derives from NetworkError) is never retried: the
    same request would fail the same way. An edit that changes nothing ("message is not
    modified", a double tap) is what was wanted, so it counts as done.
    """

    def __init__(self, per_chat_rate: float = 1.0, max_retries: int = 5, backoff: float = 0.5) -> None:
        super().__init__(max_retries=max_retries)
        self.per_chat_rate = per_chat_rate
        self.network_retries = max_retries
        self.backoff = backoff
        self._chats: dict[int, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the chat's turn, then send, retrying on 5xx and timeouts."""
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0 and self.per_chat_rate:
            limiter = self._chats.setdefault(chat_id, AsyncLimiter(1, 1 / self.per_chat_rate))
            await limiter.acquire()
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest as error:
                if endpoint.startswith("edit") and NOT_MODIFIED in error.message.lower():
                    return True
                raise
            except RetryAfter:
                raise
            except (NetworkError, TimedOut) as error:
                if attempt == self.network_retries:
                    raise
                pause = self.backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, error, attempt + 1, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")


class _AddressedInGroup(filters.MessageFilter):
    """Private chats always; in groups only messages that mention or reply to the bot."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == "private":
            return True
        bot = message.get_bot()
        replied_to = message.reply_to_message.from_user if message.reply_to_message else None
        if replied_to and replied_to.id == bot.id:
            return True
        return bool(bot.username and message.text and f"@{bot.username}" in message.text)


PURGE_EVERY = 6 * 3600.0
#: Messages waiting for the model before new ones are told the bot is busy (about 50 ms each).
MAX_WAITING = 100


class Lifecycle:
    """What runs beside the handlers while the bot runs: the retention task and the model thread."""

    def __init__(self, store: Store, worker: ModelWorker, close_voice: Callable[[], None]) -> None:
        self.store = store
        self.worker = worker
        self.close_voice = close_voice
        self._retention: asyncio.Task[None] | None = None

    async def started(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Registers the commands and starts applying the retention periods."""
        await application.bot.set_my_commands([BotCommand(command, command) for command in COMMANDS])
        self._retention = asyncio.create_task(self._purge_regularly(), name="opastin-retention")

    async def stopped(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Cancels the retention task and lets the model and speech threads finish."""
        if self._retention:
            self._retention.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retention
        self.worker.close()
        self.close_voice()

    async def _purge_regularly(self) -> None:
        """Apply the retention periods now and every few hours while the bot runs."""
        while True:
            try:
                blanked = self.store.purge_expired()
            except StoreError as error:
                log.error("retention could not run: %s", error)
            else:
                if blanked:
                    log.info("retention: %d old texts deleted", blanked)
            await asyncio.sleep(PURGE_EVERY)


def build_application(
    services: Services, rate_limiter: PoliteRateLimiter | None = None, max_waiting: int = MAX_WAITING
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application with every handler and the error handler, over the services."""
    settings = services.settings
    if not settings.telegram_token:
        raise ValueError("build_application needs OPASTIN_TELEGRAM_TOKEN")
    ledger = UpdateLedger()
    telegram = LedgerBot(
        settings.telegram_token,
        base_url=settings.telegram_api_url or "https://api.telegram.org/bot",
        base_file_url=file_url(settings.telegram_api_url) if settings.telegram_api_url else TELEGRAM_FILES,
        rate_limiter=rate_limiter or PoliteRateLimiter(),
        ledger=ledger,
    )
    worker = ModelWorker(max_waiting)
    voice = services.voice
    lifecycle = Lifecycle(services.store, worker, voice.close)
    application = (
        ApplicationBuilder()
        .bot(telegram)
        .concurrent_updates(ChatOrderProcessor(ledger, services.store))
        .post_init(lifecycle.started)
        .post_stop(lifecycle.stopped)
        .build()
    )
    bot = TelegramBot(
        services.cores, services.store, settings, application.bot, services.handoff, services.mail, worker, voice
    )
    if settings.staff_chat_id:
        staff = filters.Chat(settings.staff_chat_id) & filters.TEXT & filters.REPLY
        application.add_handler(MessageHandler(staff, bot.desk.staff_reply))
    for command, handler in (
        ("start", bot.start), ("language", bot.choose_language), ("municipality", bot.choose_municipality),
        ("topics", bot.topics), ("help", bot.help), ("contact", bot.contact), ("council", bot.council),
        ("voice", bot.voicedesk.toggle), ("privacy", bot.privacy),
        ("delete", bot.delete),
    ):  # fmt: skip
        application.add_handler(CommandHandler(command, handler))
    addressed = _AddressedInGroup()
    application.add_handler(MessageHandler(filters.UpdateType.EDITED & addressed, bot.edited))
    application.add_handler(MessageHandler(filters.COMMAND & addressed, bot.help))  # /foo, /stop: the help
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & addressed, bot.message))
    application.add_handler(CallbackQueryHandler(bot.button))
    spoken = (filters.VOICE | filters.AUDIO) & filters.ChatType.PRIVATE  # in groups only text is addressed
    application.add_handler(MessageHandler(spoken, bot.voicedesk.listen))
    application.add_handler(
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL & filters.ChatType.PRIVATE, bot.unsupported)
    )
    application.add_error_handler(bot.error)
    return application


def webhook_secret(settings: Settings) -> str:
    """The token Telegram sends with every webhook call, derived from (never equal to) the secret."""
    return hashlib.sha256(settings.pseudonym_key() + b"webhook").hexdigest()[:32]


def run(services: Services) -> None:
    """Run the bot: a webhook when OPASTIN_WEBHOOK_URL is set, else long polling."""
    settings = services.settings
    application = build_application(services)
    if settings.webhook_url:  # answered only once handled, see webhook.py
        path = urlparse(settings.webhook_url).path.lstrip("/")
        secret = webhook_secret(settings)
        listen, port = settings.webhook_listen, settings.webhook_port
        asyncio.run(webhook.serve(application, settings.webhook_url, path, listen, port, secret))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
