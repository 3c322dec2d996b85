"""Speech to text with faster-whisper (CTranslate2), offline, from an installed model folder.

The model is loaded on the first voice message, never at start: a bot that only gets text keeps
its start time and memory. faster-whisper itself is imported only then.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import NoSpeechModelError
from ..languages import SUPPORTED
from .audio import SAMPLE_RATE, decode
from .models import SpeechModel

log = logging.getLogger(__name__)

#: Longest voice message read as one question (Telegram states the length before download).
MAX_SECONDS = 120
#: About 100 tokens of names. Measured with tiny.en: with 600 characters of names "Kajaani Info"
#: came back as "Kajani Info", with 300 exact; more names crowd out the question's own words.
PROMPT_CHARS = 300
#: Languages Whisper knows among Opastin's (it has no Kinyarwanda and no Sorani).
WHISPER_LANGUAGES = frozenset(SUPPORTED) - {"rw", "ckb"}


@dataclass(frozen=True)
class Transcript:
    """What was heard: the text, the language Whisper detected (None for an English-only model
    or a language Opastin does not speak) and the audio's length."""

    text: str
    language: str | None
    language_probability: float
    seconds: float


class Transcriber(Protocol):
    """Turns a voice message into text."""

    def transcribe(self, audio: bytes, prompt: str, language: str | None = None) -> Transcript:
        """The text of ``audio``; ``prompt`` gives the names to expect, ``language`` the user's choice."""
        ...


def initial_prompt(names: Iterable[str], limit: int = PROMPT_CHARS) -> str:
    """The proper names to expect, as Whisper's initial prompt, within ``limit`` characters.

    Names come in order of importance; the prompt is cut after the last one that fits, so the
    important ones are never the ones Whisper drops.
    """
    chosen: list[str] = []
    length = 0
    for name in dict.fromkeys(name.strip() for name in names if name.strip()):
        if length + len(name) + 2 > limit:
            break
        chosen.append(name)
        length += len(name) + 2
    return ", ".join(chosen) + "." if chosen else ""


class WhisperTranscriber:
    """faster-whisper on the CPU with int8 weights; loaded once, on first use, thread-safe.

    ``workers`` transcriptions can run at once (one per core), each on one thread.
    """

    def __init__(self, model: SpeechModel, workers: int = 1) -> None:
        self.model = model
        self.workers = workers
        self._whisper: Any = None  # a faster_whisper.WhisperModel once loaded
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Tell whether the model has been loaded (by a first voice message)."""
        return self._whisper is not None

    def _load(self) -> Any:
        with self._lock:
            if self._whisper is None:
                started, before = time.perf_counter(), resident_megabytes()
                try:
                    from faster_whisper import WhisperModel

                    self._whisper = WhisperModel(
                        str(self.model.path),
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=1,
                        num_workers=self.workers,
                    )
                except (OSError, RuntimeError, ValueError) as error:
                    message = f"The speech model {self.model.path} cannot be loaded: {error}."
                    raise NoSpeechModelError(message) from error
                log.info(
                    "speech model %s loaded in %.1f s; the process grew by %d MB (now %d MB resident)",
                    self.model.name,
                    time.perf_counter() - started,
                    resident_megabytes() - before,
                    resident_megabytes(),
                )
            return self._whisper

    def transcribe(self, audio: bytes, prompt: str, language: str | None = None) -> Transcript:
        """The text of ``audio`` (raises UnreadableAudioError, AudioTooLongError or NoSpeechModelError)."""
        samples = decode(audio, MAX_SECONDS)
        whisper = self._load()
        multilingual = self.model.multilingual
        segments, info = whisper.transcribe(
            samples,
            language=(language if language in WHISPER_LANGUAGES else None) if multilingual else "en",
            initial_prompt=prompt or None,
            beam_size=5,
            condition_on_previous_text=False,
        )
        text = " ".join(segment.text.strip() for segment in segments).strip()
        detected = info.language if multilingual and info.language in WHISPER_LANGUAGES else None
        return Transcript(text, detected, info.language_probability if detected else 0.0, samples.size / SAMPLE_RATE)


def resident_megabytes() -> int:
    """This process's resident memory in MB (Linux), 0 where it cannot be read."""
    try:
        with Path("/proc/self/statm").open(encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // 2**20
