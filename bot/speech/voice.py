"""Voice messages as questions, and answers as voice notes: channel-free.

A channel asks ``Voice.refusal`` before it downloads anything (too long, too big, no model),
shows ``Voice.queue_notice`` when others are waiting, and awaits ``Voice.ask`` with the audio
(or ``Voice.listen``, then ``Voice.answer`` where it runs the core).
The answer is the core's answer to the transcript, with one line "I heard: ..." on top so a
wrong transcript is visible. Transcription runs in worker threads, one per core, never on the
event loop; the audio stays in memory and is dropped when the call returns.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..bidi import isolate_ltr
from ..core import MAX_CHARS, Core, Reply, State
from ..errors import AudioTooLongError, NoSpeechModelError, SpeechError, UnreadableAudioError
from ..languages import FALLBACK_LANGUAGE, RIGHT_TO_LEFT
from ..project.knowledge import Knowledge
from .audio import VoiceNote
from .models import installed_speech_model
from .speaker import Speaker, spoken_text
from .transcriber import MAX_SECONDS, Transcriber, Transcript, WhisperTranscriber, initial_prompt

log = logging.getLogger(__name__)

#: Telegram lets bots download files up to 20 MB.
MAX_BYTES = 20 * 2**20
#: Whisper's detected language counts as a signal only when it is at least this sure.
HEARD_LANGUAGE_PROBABILITY = 0.5


def cores_available() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def speech_names(knowledge: Knowledge) -> list[str]:
    """The knowledge base's proper names, the most useful first: municipalities, the names the
    glossary keeps in Finnish (Kela, Kajaani Info), contacts, places and projects, then the
    glossary's Finnish terms. Inflected forms are left out."""
    municipalities = [m.name for m in knowledge.municipalities]
    inflected = {alias for m in knowledge.municipalities for alias in m.aliases}
    kept = [term for term in knowledge.glossary if term[:1].isupper()]
    others = sorted(knowledge.proper_names - inflected - set(municipalities) - set(knowledge.glossary))
    terms = [term for term in knowledge.glossary if not term[:1].isupper()]
    return [*municipalities, *kept, *(name for name in others if name[:1].isupper()), *terms]


def notice(core: Core, state: State, key: str, *, topics: bool = False, **values: str) -> Reply:
    """Interface string ``key`` as a Reply in the conversation's language (optionally with the
    topic buttons); the state is unchanged: a notice is not a turn of the conversation."""
    language = state.language or FALLBACK_LANGUAGE
    text = core.texts.get(key, language, **values)
    return Reply(
        text=isolate_ltr(text) if language in RIGHT_TO_LEFT else text,
        state=state,
        language=language,
        buttons=core.topic_buttons(language) if topics else (),
    )


@dataclass(frozen=True)
class Heard:
    """A voice message answered: the core's reply (or a refusal), the transcript to store as the
    question (None when nothing was understood: a refusal stores nothing) and the line showing it."""

    reply: Reply
    transcript: str | None = None
    heard_line: str = ""

    @property
    def text(self) -> str:
        """What the user reads: the "I heard" line, then the reply."""
        return f"{self.heard_line}\n\n{self.reply.text}" if self.heard_line else self.reply.text


class Voice:
    """Listens with a Transcriber, one voice message per core at a time; speaks with a Speaker."""

    def __init__(
        self,
        cores: Callable[[], Core],
        transcriber: Transcriber | None,
        speaker: Speaker | None = None,
        workers: int | None = None,
    ) -> None:
        self.cores = cores
        self.transcriber = transcriber
        self.speaker = speaker
        self.workers = workers or cores_available()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="opastin-speech")
        self._busy = 0  # voice messages being transcribed or waiting for a worker
        self._prompt: tuple[Knowledge, str] | None = None

    def refusal(self, state: State, seconds: float | None, size: int | None) -> Reply | None:
        """The reply that turns a voice message down before it is downloaded, or None to go on."""
        if self.transcriber is None:
            return notice(self.cores(), state, "voice_unavailable", topics=True)
        if (seconds or 0) > MAX_SECONDS or (size or 0) > MAX_BYTES:
            return notice(self.cores(), state, "voice_too_long")
        return None

    def queue_notice(self, state: State) -> Reply | None:
        """ "N voice messages before yours" when every worker is busy, else None."""
        ahead = self._busy - self.workers + 1
        return notice(self.cores(), state, "voice_queue", count=str(ahead)) if ahead > 0 else None

    async def ask(self, audio: bytes, state: Callable[[], State]) -> Heard:
        """Transcribe ``audio`` and answer it in the conversation ``state()`` has when the text is ready."""
        heard = await self.listen(audio, state)
        return heard if isinstance(heard, Heard) else self.answer(self.cores(), state(), heard)

    async def listen(self, audio: bytes, state: Callable[[], State]) -> Transcript | Heard:
        """What ``audio`` says, transcribed in a worker thread; or, when it cannot be heard, the polite
        reply why (in the conversation ``state()`` has then). A channel answers the transcript with
        ``answer`` wherever it runs the core."""
        core = self.cores()
        chosen = state()
        if self.transcriber is None:
            return Heard(notice(core, chosen, "voice_unavailable", topics=True))
        language = chosen.language if chosen.language_chosen else None
        self._busy += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._pool, self.transcriber.transcribe, audio, self.prompt(core.knowledge), language
            )
        except AudioTooLongError:
            return Heard(notice(core, state(), "voice_too_long"))
        except UnreadableAudioError as error:
            log.info("a voice message could not be read: %s", error)
            return Heard(notice(core, state(), "voice_unreadable"))
        except NoSpeechModelError:
            log.exception("the speech model failed; voice messages get 'not available'")
            return Heard(notice(core, state(), "voice_unavailable", topics=True))
        finally:
            self._busy -= 1

    def answer(self, core: Core, state: State, transcript: Transcript) -> Heard:
        """The core's reply to what was heard, under one line showing it."""
        text = transcript.text[:MAX_CHARS]
        if not any(char.isalpha() for char in text):
            return Heard(notice(core, state, "voice_empty"))
        heard = transcript.language if transcript.language_probability >= HEARD_LANGUAGE_PROBABILITY else None
        reply = core.reply(state, text, heard_language=heard)
        return Heard(reply, text, notice(core, reply.state, "voice_heard", transcript=text).text)

    def prompt(self, knowledge: Knowledge) -> str:
        """Whisper's initial prompt for this knowledge base (built again after a reload)."""
        if self._prompt is None or self._prompt[0] is not knowledge:
            self._prompt = (knowledge, initial_prompt(speech_names(knowledge)))
        return self._prompt[1]

    def can_speak(self, language: str) -> bool:
        """Tell whether answers in ``language`` can be read aloud here."""
        return self.speaker is not None and self.speaker.can_speak(language)

    async def speak(self, reply: Reply) -> VoiceNote | None:
        """``reply`` read aloud as a voice note, or None where there is no voice for its language."""
        if self.speaker is None or not self.speaker.can_speak(reply.language):
            return None
        instead = self.cores().texts.get("voice_address_in_text", reply.language)
        text = spoken_text(reply.text, instead)
        try:
            return await asyncio.get_running_loop().run_in_executor(None, self.speaker.speak, text, reply.language)
        except SpeechError:
            log.exception("an answer could not be spoken; the text was sent")
            return None

    def close(self) -> None:
        """Stop the worker threads (after the ones running now)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def build_voice(cores: Callable[[], Core], speech_dir: Path, workers: int | None = None) -> Voice:
    """Voice with the model installed in ``speech_dir`` (not loaded yet) and espeak-ng, where they are."""
    model = installed_speech_model(speech_dir)
    workers = workers or cores_available()
    transcriber = WhisperTranscriber(model, workers) if model else None
    return Voice(cores, transcriber, Speaker(), workers)
