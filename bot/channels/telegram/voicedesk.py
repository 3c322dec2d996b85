"""Telegram's side of voice messages: refuse or download (getFile) a voice message or audio file,
answer what was heard, and, for users who turned it on with /voice, send answers as voice
messages too (sendVoice). The audio stays in memory and is dropped once transcribed: it is never
stored, on disk or in the database; the transcript is stored like a typed question.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from telegram import Audio, Update
from telegram import Voice as VoiceMessage
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ...cleantext import clean
from ...core import Button, Reply, State
from ...errors import ConfigError
from ...languages import FALLBACK_LANGUAGE
from ...speech import Heard, Transcript, Voice
from ...speech.voice import notice
from ...store import Store
from .staffdesk import AWAITING
from .updates import BusyError, ModelWorker

log = logging.getLogger(__name__)
#: Where Telegram's own Bot API serves files (python-telegram-bot's default).
TELEGRAM_FILES = "https://api.telegram.org/file/bot"


def file_url(api_url: str) -> str:
    """Where the Bot API server of ``api_url`` serves files, as python-telegram-bot's
    ``base_file_url``: the path segment ``bot`` (or ``bot{token}``) becomes ``file/bot``.

    Telegram serves methods at ``/bot<token>/<method>`` and files at ``/file/bot<token>/<path>``
    (a local Bot API server too); ``https://api.telegram.org/bot{token}/test``, the test
    environment, gives ``https://api.telegram.org/file/bot{token}/test``.
    """
    parts = urlsplit(api_url)
    segments = parts.path.split("/")
    found = [i for i, segment in enumerate(segments) if segment == "bot" or segment.startswith("bot{")]
    if not found:
        raise ConfigError(
            f"OPASTIN_TELEGRAM_API_URL {api_url!r} has no /bot path segment: give the Bot API server's "
            "URL as Telegram's, e.g. http://127.0.0.1:8081/bot."
        )
    segments.insert(found[-1], "file")
    return urlunsplit(parts._replace(path="/".join(segments)))


class VoiceOutbox(Protocol):
    """What the voice desk needs of the channel."""

    def user_key(self, update: Update) -> str | None:
        """The user's pseudonym."""
        ...

    def state(self, update: Update) -> State:
        """The user's conversation state."""
        ...

    def text(self, update: Update, key: str, **values: str) -> str:
        """Interface string ``key`` in the user's language."""
        ...

    async def too_fast(self, update: Update, user: str) -> bool:
        """Count the message; tell (once) and True when the user is over the rate limit."""
        ...

    async def send(self, update: Update, text: str, buttons: Sequence[Button] = (), per_row: int = 2) -> None:
        """Answer in the update's chat with ``text`` and buttons."""
        ...

    async def send_reply(self, update: Update, reply: Reply) -> None:
        """Send a core Reply."""
        ...

    async def save(self, update: Update, reply: Reply, question: str | None = None, **flags: bool) -> None:
        """Keep the reply's state, the question (redacted) and that the update is handled."""
        ...


class VoiceDesk:
    """The handlers of voice messages and /voice, over the channel-free ``Voice``."""

    def __init__(
        self,
        outbox: VoiceOutbox,
        voice: Voice,
        store: Store,
        worker: ModelWorker,
        remember: Callable[[ContextTypes.DEFAULT_TYPE, Reply], None],
        take_text: Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[bool]],
    ) -> None:
        self.outbox = outbox
        self.voice = voice
        self.store = store
        self.worker = worker
        self.remember = remember
        self.take_text = take_text

    async def listen(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a voice message or an audio file as the question spoken in it."""
        message = update.effective_message
        key = self.outbox.user_key(update)
        media = (message.voice or message.audio) if message else None
        if media is None or key is None or await self.outbox.too_fast(update, key):
            return
        state = self.outbox.state(update)
        refusal = self.voice.refusal(state, stated_seconds(media), media.file_size)
        if refusal is not None:
            await self.outbox.send_reply(update, refusal)
            return
        waiting = self.voice.queue_notice(state)
        if waiting is not None:
            await self.outbox.send(update, waiting.text)
        try:
            audio = bytes(await (await context.bot.get_file(media.file_id)).download_as_bytearray())
        except TelegramError as error:
            log.warning("a voice message could not be downloaded: %s", error)
            await self.outbox.send_reply(update, notice(self.voice.cores(), state, "voice_unreadable"))
            return
        heard = await self.voice.listen(audio, lambda: self.outbox.state(update))
        del audio  # never kept: only the transcript goes on
        if not isinstance(heard, Heard) and await self.for_the_desk(update, context, heard):
            return
        if not isinstance(heard, Heard):
            try:  # the core runs where text messages run it, one at a time, off the event loop
                heard = await self.worker.run(self.voice.answer, self.voice.cores(), self.outbox.state(update), heard)
            except BusyError:
                await self.outbox.send(update, self.outbox.text(update, "busy"))
                return
        await self.outbox.send_reply(update, replace(heard.reply, text=heard.text))
        if heard.transcript is None:  # a refusal: nothing was asked
            return
        await self.outbox.save(update, heard.reply, question=heard.transcript)
        self.remember(context, heard.reply)
        await self.speak(update, heard.reply)

    async def for_the_desk(self, update: Update, context: ContextTypes.DEFAULT_TYPE, transcript: Transcript) -> bool:
        """What the user said for a ticket or the council (the bot asked them to write it) goes
        there, under the "I heard" line, as the same typed text would; False for a question."""
        text = clean(transcript.text)
        if not (context.user_data and context.user_data.get(AWAITING)) or not any(c.isalpha() for c in text):
            return False
        heard = notice(self.voice.cores(), self.outbox.state(update), "voice_heard", transcript=text)
        await self.outbox.send(update, heard.text)
        return await self.take_text(update, context, text)

    async def toggle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Turns spoken answers on or off for this user (/voice)."""
        key = self.outbox.user_key(update)
        if update.effective_message is None or key is None:
            return
        settings = self.store.settings(key)
        on = not (settings and settings.voice_answers)
        state = self.outbox.state(update)
        language = state.language or FALLBACK_LANGUAGE
        said = ("voice_on" if self.voice.can_speak(language) else "voice_no_voice") if on else "voice_off"
        reply = notice(self.voice.cores(), state, said)
        await self.outbox.send_reply(update, reply)
        await self.outbox.save(update, reply, voice_answers=on)

    async def speak(self, update: Update, reply: Reply) -> None:
        """Send ``reply`` as a voice message too, if this user turned spoken answers on."""
        message = update.effective_message
        key = self.outbox.user_key(update)
        settings = self.store.settings(key) if key else None
        if message is None or not (settings and settings.voice_answers):
            return
        note = await self.voice.speak(reply)
        if note is None:
            return
        try:
            await message.reply_voice(note.data, duration=round(note.seconds))
        except TelegramError as error:  # the text went out; a voice message Telegram refuses is only logged
            log.warning("a spoken answer could not be sent: %s", error)


def stated_seconds(media: VoiceMessage | Audio) -> int | None:
    """How long Telegram says the recording is, read before anything is downloaded (from the
    update's own field: the attribute warns that it will become a timedelta)."""
    seconds = media.to_dict().get("duration")
    return int(seconds) if seconds is not None else None
