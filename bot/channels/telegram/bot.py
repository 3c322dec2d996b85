"""The Telegram handlers: each turns an Update into a call of the core (or the store) and renders
its Reply as escaped Telegram HTML with inline buttons. ``app.py`` wires them into an Application.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Sequence

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from ... import names
from ...cleantext import clean
from ...core import Button, Core, Reply, State
from ...errors import StoreError
from ...handoff import Handoff
from ...languages import FALLBACK_LANGUAGE, SUPPORTED
from ...mail import MailSettings
from ...names import DELETE_NO, DELETE_YES, LANGUAGE
from ...privacy import pseudonym
from ...settings import Settings
from ...speech import Voice
from ...store import Store
from .callbacks import CallbackSigner
from .feedbackdesk import FeedbackDesk
from .render import html_parts, keyboard
from .staffdesk import StaffDesk, send_parts
from .updates import BusyError, ModelWorker
from .voicedesk import VoiceDesk

log = logging.getLogger(__name__)


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

    def __init__(
        self,
        cores: Callable[[], Core],
        store: Store,
        settings: Settings,
        application_bot: Bot,
        handoff: Handoff,
        mail: MailSettings | None,
        worker: ModelWorker,
        voice: Voice,
    ) -> None:
        self.cores = cores
        self.worker = worker
        self.application_bot = application_bot
        self.store = store
        self.secret = settings.pseudonym_key()
        self.signer = CallbackSigner(self.secret)
        self.rate = UserRate(settings.rate_limit)
        self.unsaved: set[str] = set()  # users told that the store cannot be written
        self.desk = StaffDesk(self, cores, store, handoff, settings, mail)
        self.feedback = FeedbackDesk(self, cores, store)
        self.voicedesk = VoiceDesk(self, voice, store, worker, self.desk.remember, self.take_text)

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

    async def save(self, update: Update, reply: Reply, question: str | None = None, **flags: bool) -> None:
        """Keep the reply's state, the question (redacted) for statistics, and that the update is handled.

        Called after the answer was sent; all in one transaction, so a crash either keeps all
        (and the re-delivered update is skipped) or nothing (and it is answered again).
        A store that cannot be written (a full disk) is logged once and told to each user once.
        """
        key = self.user_key(update)
        if key is None:
            return
        try:
            with self.store.transaction():
                self.store.save_state(key, reply.state, **flags)
                if question is not None:
                    self.store.record_question(key, question, reply)
                self.store.mark_handled(update.update_id)
        except StoreError as error:
            if not self.unsaved:
                log.error("the store cannot be written; answering without keeping anything: %s", error)
            if key not in self.unsaved:
                self.unsaved.add(key)
                await self.send(update, self.text(update, "store_unavailable"))
            return
        if self.unsaved:
            log.warning("the store can be written again")
            self.unsaved.clear()

    def signs_for(self, user: str | None, chat_id: int) -> Callable[[str], str]:
        """Signs button actions so that only ``user`` can press them, only in ``chat_id``."""
        return lambda action: self.signer.sign(action, user or "", chat_id)

    async def send(
        self, update: Update, text: str, buttons: Sequence[Button] = (), per_row: int = 2, footer: Sequence[Button] = ()
    ) -> None:
        """Answer in the update's chat: escaped HTML, split to Telegram's limit, buttons under the last
        part (``footer`` in a row of its own below them)."""
        message = update.effective_message
        if message is None:
            return
        sign = self.signs_for(self.user_key(update), message.chat_id)
        parts = html_parts(text)
        for index, part in enumerate(parts):
            markup = keyboard(buttons, sign, per_row, footer) if index == len(parts) - 1 else None
            await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def send_to_chat(self, chat_id: int, user: str, text: str, buttons: Sequence[Button] = ()) -> None:
        """Send ``text`` to a chat the user is not writing in right now (a staff answer)."""
        await send_parts(self.application_bot, chat_id, text, buttons, self.signs_for(user, chat_id))

    async def post(self, chat_id: int, text: str, reply_to: int | None = None) -> list[int]:
        """Send plain ``text`` to a chat (the staff group), split, as a reply when ``reply_to`` is given;
        the ids of the messages sent (the last one says how to answer)."""
        sent = await send_parts(self.application_bot, chat_id, text, reply_to_message_id=reply_to)
        return [message.message_id for message in sent]

    def is_mine(self, user_id: int) -> bool:
        """Tell whether ``user_id`` is this bot (a reply to one of its own messages)."""
        return user_id == self.application_bot.id

    async def send_reply(self, update: Update, reply: Reply) -> None:
        """Send a core Reply; an answer from the knowledge base with the feedback buttons."""
        per_row = 2 if len(reply.buttons) > 4 else 1
        await self.send(update, reply.text, reply.buttons, per_row, footer=self.feedback.buttons(reply))

    async def too_fast(self, update: Update, user: str) -> bool:
        """Count the message; tell (once, not at every further message) and True when over the rate limit."""
        over = self.rate.over(user)
        if over == 1:
            await self.send(update, self.text(update, "slow_down"))
        return over > 0

    # Handlers -----------------------------------------------------------------------------

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
        await self.send(update, reply.text, self.language_buttons(), per_row=3)
        await self.save(update, reply, privacy_notice_shown=True)

    def language_buttons(self) -> tuple[Button, ...]:
        """The supported languages by their own names."""
        return tuple(
            Button(self.core.texts.get("language_name", code), names.action(LANGUAGE, code)) for code in SUPPORTED
        )

    async def choose_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the language picker."""
        if update.effective_message:
            await self.send(update, self.text(update, "choose_language"), self.language_buttons(), 3)

    async def choose_municipality(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the municipality picker."""
        if update.effective_message:
            text = self.text(update, "choose_municipality")
            await self.send(update, text, self.core.municipality_buttons())

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the topic buttons."""
        if update.effective_message:
            language = self.language(update)
            await self.send(update, self.text(update, "topics"), self.core.topic_buttons(language), 1)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says what the bot can do and lists the commands."""
        if update.effective_message:
            await self.send(update, self.text(update, "help"))

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the privacy notice."""
        if update.effective_message:
            shown = Reply("", self.state(update), self.language(update))  # read before sending, not after
            await self.send(update, self.text(update, "privacy_notice"))
            await self.save(update, shown, privacy_notice_shown=True)

    async def contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tells where a person can help."""
        if update.effective_message:
            reply = self.core.select(self.state(update), names.action(names.TOPIC, names.HUMAN_CONTACT))
            await self.send_reply(update, reply)
            await self.save(update, reply)

    async def council(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Starts the council e-mail helper: the user writes, sees the Finnish, and confirms."""
        if update.effective_message and context.user_data is not None:
            context.user_data["awaiting"] = "council"
            await self.send(update, self.text(update, "council_write"))

    async def delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Asks for confirmation before erasing everything stored about the user."""
        if update.effective_message:
            buttons = (
                Button(self.text(update, "delete_yes"), DELETE_YES),
                Button(self.text(update, "delete_no"), DELETE_NO),
            )
            await self.send(update, self.text(update, "delete_confirm"), buttons)

    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a text message with the core's reply."""
        message = update.effective_message
        key = self.user_key(update)
        if message is None or message.text is None or key is None or await self.too_fast(update, key):
            return
        text = clean(self.strip_mention(message.text, context))
        if await self.take_text(update, context, text):
            return
        try:
            reply = await self.worker.run(self.core.reply, self.state(update), text)
        except BusyError:
            await self.send(update, self.text(update, "busy"))
            return
        await self.send_reply(update, reply)
        await self.save(update, reply, question=text)
        self.desk.remember(context, reply)
        await self.voicedesk.speak(update, reply)

    async def take_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
        """Hand a text the bot asked for (a line of feedback, a ticket, the council) to its desk;
        False for a question."""
        return await self.feedback.take_text(update, context, text) or await self.desk.take_text(update, context, text)

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
        chat_id = query.message.chat.id if isinstance(query.message, Message) else None
        action = self.signer.verify(query.data, self.user_key(update), chat_id)
        if action is None:
            await self.refuse(update, "a button not signed for this user and chat")
            return
        if action in (DELETE_YES, DELETE_NO):
            await self.confirm_delete(update, context, query, action == DELETE_YES)
            return
        if await self.feedback.take_button(update, context, action) or await self.desk.take_button(
            update, context, action
        ):
            return
        try:
            reply = await self.worker.run(self.core.select, self.state(update), action)
        except BusyError:
            await self.send(update, self.text(update, "busy"))
            return
        picked_language = names.parse_action(action)[0] == LANGUAGE and not reply.fallback
        if isinstance(query.message, Message):
            if picked_language:
                text = f"{self.core.texts.get('welcome', reply.language)}\n\n"
                text += self.core.texts.get("choose_municipality", reply.language)
                await self.edit(update, query.message, text, self.core.municipality_buttons())
            else:
                await self.send_reply(update, reply)
        await self.save(update, reply)
        if isinstance(query.message, Message) and not picked_language:
            await self.voicedesk.speak(update, reply)

    async def refuse(self, update: Update, what: str) -> None:
        """Answers a forged, foreign or outdated button with the stale-button reply; logs no content."""
        log.warning("refused %s (update %d)", what, update.update_id)
        if isinstance(update.effective_message, Message):
            await self.send_reply(update, self.core.select(self.state(update), ""))

    async def confirm_delete(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, confirmed: bool
    ) -> None:
        """Erases the user's data after the confirmation button, or leaves it: the stored rows in one
        transaction (a failure erases none), then what the conversation keeps in memory (a draft, a
        message awaited for a ticket or the council)."""
        language = self.language(update)
        key = self.user_key(update)
        if confirmed and key:
            removed = self.store.delete_user(key)
            if context.user_data is not None:
                context.user_data.clear()
            log.info("a user erased their data (%d rows)", removed)
        text = self.core.texts.get("delete_done" if confirmed else "delete_cancelled", language)
        if isinstance(query.message, Message):
            await self.edit(update, query.message, text)

    async def edit(self, update: Update, message: Message, text: str, buttons: Sequence[Button] = ()) -> None:
        """Replace the text of the bot's ``message``; a new message when Telegram refuses the edit."""
        sign = self.signs_for(self.user_key(update), message.chat_id)
        parts = html_parts(text)
        try:
            if len(parts) == 1:
                await message.edit_text(parts[0], parse_mode=ParseMode.HTML, reply_markup=keyboard(buttons, sign))
                return
        except BadRequest as error:  # e.g. "message can't be edited": too old
            log.info("edit refused (%s); sending a new message", error.message)
        await self.send(update, text, buttons)

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says politely that only text and voice messages are understood."""
        if update.effective_message:
            await self.send(update, self.text(update, "unsupported_message"))

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says that edits are not read: send the question again."""
        if update.edited_message:
            await self.send(update, self.text(update, "edited_message"))

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
                await self.send(update, text)
            except Exception:
                log.exception("incident %s: could not tell the user", incident)
