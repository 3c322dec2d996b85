"""The Telegram channel: python-telegram-bot 22 over the core.

One wiring point, ``build_application``; thin handlers that turn an Update into a call of the
core (or the store) and render its Reply as escaped Telegram HTML with inline buttons.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any
from urllib.parse import urlparse

from aiolimiter import AsyncLimiter
from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from ..core import Button, Core, Reply, State
from ..errors import ConfigError
from ..handoff import Handoff, OfficeHours
from ..languages import FALLBACK_LANGUAGE, SUPPORTED
from ..mail import MailSettings
from ..privacy import pseudonym
from ..settings import Settings
from ..store import Store
from .render import keyboard, render_html, split_message
from .staffdesk import StaffDesk

log = logging.getLogger(__name__)

COMMANDS = ("start", "language", "municipality", "topics", "help", "contact", "council", "privacy", "delete")
LANGUAGE_ACTION = "language:"
DELETE_YES, DELETE_NO = "delete:yes", "delete:no"


class PoliteRateLimiter(AIORateLimiter):
    """Telegram's limits (30 messages/s overall, 1/s per chat), and retries that lose nothing.

    AIORateLimiter handles 429 (RetryAfter) and the overall and group limits; this adds a limit
    per private chat and retries on 5xx answers and timeouts, with a growing pause.
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
            except RetryAfter:
                raise
            except (NetworkError, TimedOut) as error:
                if attempt == self.network_retries:
                    raise
                pause = self.backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, error, attempt + 1, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")


class UserRate:
    """Counts each user's messages in the last minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._times: dict[str, deque[float]] = defaultdict(deque)

    def over(self, user: str) -> int:
        """Record a message of ``user``; how many messages over the limit this minute (0: fine)."""
        now = self.clock()
        times = self._times[user]
        while times and now - times[0] > 60:
            times.popleft()
        times.append(now)
        return max(0, len(times) - self.per_minute)


class TelegramBot:
    """The handlers; each turns an Update into a call of the core or the store."""

    def __init__(self, cores: Callable[[], Core], store: Store, settings: Settings) -> None:
        self.cores = cores
        self.desk: StaffDesk | None = None
        self.application_bot: Bot | None = None
        self.store = store
        self.secret = settings.pseudonym_key()
        self.rate = UserRate(settings.rate_limit)

    @property
    def core(self) -> Core:
        """The current core (a new one after the knowledge files were edited)."""
        return self.cores()

    # Conversation state -------------------------------------------------------------------

    def user_key(self, update: Update) -> str | None:
        """The user's pseudonym; Telegram ids never go further than this."""
        user = update.effective_user
        return pseudonym(user.id, self.secret) if user else None

    def state(self, update: Update) -> State:
        """The stored state, or a new one guessing the language from Telegram's language_code."""
        key = self.user_key(update)
        stored = self.store.state(key) if key else None
        if stored:
            return stored
        user = update.effective_user
        code = (user.language_code or "").split("-")[0] if user else ""
        return State(language=code if code in SUPPORTED else None)

    def language(self, update: Update) -> str:
        """The language to speak to this user in."""
        return self.state(update).language or FALLBACK_LANGUAGE

    def text(self, update: Update, key: str, **values: str) -> str:
        """Interface string ``key`` in the user's language."""
        return self.core.texts.get(key, self.language(update), **values)

    def save(self, update: Update, reply: Reply, question: str | None = None, **flags: bool) -> None:
        """Keep the reply's state, and the question (redacted) for statistics."""
        key = self.user_key(update)
        if key is None:
            return
        self.store.save_state(key, reply.state, **flags)
        if question is not None:
            self.store.record_question(key, question, reply)

    async def send(self, message: Message, text: str, buttons: Sequence[Button] = (), per_row: int = 2) -> None:
        """Send ``text`` as escaped HTML, split to Telegram's limit, buttons under the last part."""
        parts = split_message(render_html(text))
        for index, part in enumerate(parts):
            markup = keyboard(buttons, per_row) if index == len(parts) - 1 else None
            await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def send_to_chat(self, chat_id: int, text: str, buttons: Sequence[Button] = ()) -> None:
        """Send ``text`` to a chat the user is not writing in right now (a staff answer)."""
        assert self.application_bot is not None
        for index, part in enumerate(parts := split_message(render_html(text))):
            markup = keyboard(buttons, 1) if index == len(parts) - 1 else None
            await self.application_bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def send_reply(self, message: Message, reply: Reply) -> None:
        """Send a core Reply."""
        per_row = 2 if len(reply.buttons) > 4 else 1
        await self.send(message, reply.text, reply.buttons, per_row)

    # Handlers -----------------------------------------------------------------------------

    async def skip_handled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stops an update that was handled before a restart from being answered twice."""
        if not self.store.claim_update(update.update_id):
            log.info("update %d was handled before; skipped", update.update_id)
            raise ApplicationHandlerStop

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greets the user, shows the privacy notice and asks for the language."""
        if not update.effective_message:
            return
        state = self.state(update)
        language = state.language or FALLBACK_LANGUAGE
        welcome = self.core.texts.get("welcome", language)
        privacy = self.core.texts.get("privacy_notice", language)
        choose = self.core.texts.get("choose_language", language)
        reply = Reply(text=f"{welcome}\n\n{privacy}\n\n{choose}", state=state, language=language)
        await self.send(update.effective_message, reply.text, self.language_buttons(), per_row=3)
        self.save(update, reply, privacy_notice_shown=True)

    def language_buttons(self) -> tuple[Button, ...]:
        """The supported languages by their own names."""
        return tuple(
            Button(self.core.texts.get("language_name", code), f"{LANGUAGE_ACTION}{code}") for code in SUPPORTED
        )

    async def choose_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the language picker."""
        if update.effective_message:
            await self.send(update.effective_message, self.text(update, "choose_language"), self.language_buttons(), 3)

    async def choose_municipality(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the municipality picker."""
        if update.effective_message:
            text = self.text(update, "choose_municipality")
            await self.send(update.effective_message, text, self.core.municipality_buttons())

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the topic buttons."""
        if update.effective_message:
            language = self.language(update)
            await self.send(update.effective_message, self.text(update, "topics"), self.core.topic_buttons(language), 1)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says what the bot can do and lists the commands."""
        if update.effective_message:
            await self.send(update.effective_message, self.text(update, "help"))

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the privacy notice."""
        if update.effective_message:
            await self.send(update.effective_message, self.text(update, "privacy_notice"))
            self.save(update, Reply("", self.state(update), self.language(update)), privacy_notice_shown=True)

    async def contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tells where a person can help."""
        if update.effective_message:
            reply = self.core.select(self.state(update), "topic:human_contact")
            await self.send_reply(update.effective_message, reply)
            self.save(update, reply)

    async def council(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Starts the council e-mail helper: the user writes, sees the Finnish, and confirms."""
        if update.effective_message and self.desk and context.user_data is not None:
            context.user_data["awaiting"] = "council"
            await update.effective_message.reply_text(self.text(update, "council_write"))

    async def delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Asks for confirmation before erasing everything stored about the user."""
        if update.effective_message:
            buttons = (
                Button(self.text(update, "delete_yes"), DELETE_YES),
                Button(self.text(update, "delete_no"), DELETE_NO),
            )
            await self.send(update.effective_message, self.text(update, "delete_confirm"), buttons)

    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a text message with the core's reply."""
        message = update.effective_message
        key = self.user_key(update)
        if message is None or message.text is None or key is None:
            return
        over = self.rate.over(key)
        if over:
            if over == 1:  # say it once, not to every further message
                await message.reply_text(self.text(update, "slow_down"))
            return
        text = self.strip_mention(message.text, context)
        if self.desk and await self.desk.take_text(update, context, text):
            return
        reply = self.core.reply(self.state(update), text)
        await self.send_reply(message, reply)
        self.save(update, reply, question=text)
        if self.desk:
            self.desk.remember(context, reply, text)

    def strip_mention(self, text: str, context: ContextTypes.DEFAULT_TYPE) -> str:
        """The message without the bot's @username (how groups address it)."""
        username = context.bot.username
        return text.replace(f"@{username}", " ").strip() if username else text

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers every button press: language, municipality, topic or delete confirmation."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        action = query.data or ""
        if action in (DELETE_YES, DELETE_NO):
            await self.confirm_delete(update, query, action == DELETE_YES)
            return
        if self.desk and await self.desk.take_button(update, context, action):
            return
        state = self.state(update)
        reply = self.core.select(state, action)
        if isinstance(query.message, Message):
            if action.startswith(LANGUAGE_ACTION) and not reply.fallback:
                text = f"{self.core.texts.get('welcome', reply.language)}\n\n"
                text += self.core.texts.get("choose_municipality", reply.language)
                await query.message.edit_text(render_html(text), parse_mode=ParseMode.HTML,
                                              reply_markup=keyboard(self.core.municipality_buttons()))  # fmt: skip
            else:
                await self.send_reply(query.message, reply)
        self.save(update, reply)

    async def confirm_delete(self, update: Update, query: CallbackQuery, confirmed: bool) -> None:
        """Erases the user's data after the confirmation button, or leaves it."""
        language = self.language(update)
        key = self.user_key(update)
        if confirmed and key:
            removed = self.store.delete_user(key)
            log.info("a user erased their data (%d rows)", removed)
        text = self.core.texts.get("delete_done" if confirmed else "delete_cancelled", language)
        if isinstance(query.message, Message):
            await query.message.edit_text(render_html(text), parse_mode=ParseMode.HTML)

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says politely that only text messages are understood."""
        if update.effective_message:
            await update.effective_message.reply_text(self.text(update, "unsupported_message"))

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says that edits are not read: send the question again."""
        if update.edited_message:
            await update.edited_message.reply_text(self.text(update, "edited_message"))

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the error with an incident id and tells the user politely, in their language."""
        incident = uuid.uuid4().hex[:8]
        log.error("incident %s while handling an update", incident, exc_info=context.error)
        if isinstance(update, Update) and update.effective_message:
            try:
                language = self.language(update)
            except Exception:  # the store itself may be what failed
                language = FALLBACK_LANGUAGE
            text = self.core.texts.get("error", language, incident=incident)
            try:
                await update.effective_message.reply_text(text)
            except Exception:
                log.exception("incident %s: could not tell the user", incident)


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


def _on_start(store: Store) -> Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]:
    async def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await application.bot.set_my_commands([BotCommand(command, command) for command in COMMANDS])
        application.create_task(_purge_regularly(store), name="opastin-retention")

    return start


async def _purge_regularly(store: Store) -> None:
    """Apply the retention periods now and every few hours while the bot runs."""
    while True:
        blanked = store.purge_expired()
        if blanked:
            log.info("retention: %d old texts deleted", blanked)
        await asyncio.sleep(PURGE_EVERY)


def build_application(
    cores: Callable[[], Core], store: Store, settings: Settings, rate_limiter: PoliteRateLimiter | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The one wiring point: the Application with every handler and the error handler."""
    if not settings.telegram_token:
        raise ValueError("build_application needs OPASTIN_TELEGRAM_TOKEN")
    builder = ApplicationBuilder().token(settings.telegram_token).rate_limiter(rate_limiter or PoliteRateLimiter())
    if settings.telegram_api_url:
        builder = builder.base_url(settings.telegram_api_url).base_file_url(settings.telegram_api_url)
    application = builder.post_init(_on_start(store)).concurrent_updates(False).build()
    bot = TelegramBot(cores, store, settings)
    bot.application_bot = application.bot
    try:
        office_hours = OfficeHours.parse(settings.office_hours) if settings.office_hours else None
    except ValueError as error:
        raise ConfigError(f"OPASTIN_OFFICE_HOURS: {error}, e.g. mon-fri 9-15.") from error
    handoff = Handoff(cores, store, cores().translator, office_hours)
    bot.desk = StaffDesk(bot, handoff, settings, MailSettings.from_env(settings.environ))
    application.add_handler(TypeHandler(Update, bot.skip_handled), group=-1)
    if settings.staff_chat_id:
        staff = filters.Chat(settings.staff_chat_id) & filters.TEXT & filters.REPLY
        application.add_handler(MessageHandler(staff, bot.desk.staff_reply))
    for command, handler in (
        ("start", bot.start), ("language", bot.choose_language), ("municipality", bot.choose_municipality),
        ("topics", bot.topics), ("help", bot.help), ("contact", bot.contact), ("council", bot.council),
        ("privacy", bot.privacy),
        ("delete", bot.delete),
    ):  # fmt: skip
        application.add_handler(CommandHandler(command, handler))
    addressed = _AddressedInGroup()
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, bot.edited))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & addressed, bot.message))
    application.add_handler(CallbackQueryHandler(bot.button))
    application.add_handler(
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL & filters.ChatType.PRIVATE, bot.unsupported)
    )
    application.add_error_handler(bot.error)
    return application


def webhook_secret(settings: Settings) -> str:
    """The token Telegram sends with every webhook call, derived from (never equal to) the secret."""
    return hashlib.sha256(settings.pseudonym_key() + b"webhook").hexdigest()[:32]


def run(cores: Callable[[], Core], store: Store, settings: Settings) -> None:
    """Run the bot: a webhook when OPASTIN_WEBHOOK_URL is set, else long polling."""
    application = build_application(cores, store, settings)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
