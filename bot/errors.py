"""Opastin's exception tree: catch ``OpastinError`` for everything the project raises.

OpastinError
├── ConfigError        a setting or config.yml is missing or wrong
├── DataError          a knowledge, intent or translation file is broken (file, item, rule, fix)
├── TranslationError   machine translation could not run
├── StoreError         the SQLite store could not be read or written
└── SpeechError        a voice message could not be turned into text, or an answer into speech
    ├── NoSpeechModelError    no speech model is installed (or it cannot be loaded)
    ├── UnreadableAudioError  the audio is damaged, empty or not audio at all
    └── AudioTooLongError     longer than one question needs (bot.speech.MAX_SECONDS)

Users never see these: the channels turn them into a polite line in the user's language.
Editors always see the file, the item, the rule that was broken and how to fix it.
"""

from __future__ import annotations

from pathlib import Path


class OpastinError(Exception):
    """Base class of every error Opastin raises on purpose."""


class ConfigError(OpastinError):
    """A setting or config.yml is missing or has a wrong value."""


class DataError(OpastinError):
    """A data file editors own is broken."""

    def __init__(self, path: Path | str, item: str, rule: str, fix: str, line: int | None = None) -> None:
        self.path = str(path)
        self.item = item
        self.rule = rule
        self.fix = fix
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {item}: {rule} Fix: {fix}")


class TranslationError(OpastinError):
    """Machine translation could not run (no model, broken model file, no network)."""


class StoreError(OpastinError):
    """The SQLite store could not be opened, migrated, read or written."""


class SpeechError(OpastinError):
    """A voice message could not be transcribed, or an answer could not be spoken."""


class NoSpeechModelError(SpeechError):
    """No speech-recognition model is installed, or the installed one cannot be loaded."""


class UnreadableAudioError(SpeechError):
    """The audio is damaged, empty, or not audio."""


class AudioTooLongError(SpeechError):
    """The audio is longer than the limit for one question."""
