"""An entry's title and text in one language: the Finnish source, a reviewed or draft
translation, else the English text machine-translated (once per entry and language), else the
English text."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import TranslationError
from .languages import FALLBACK_LANGUAGE, SOURCE_LANGUAGE
from .mt.argos import Translator
from .project.knowledge import Entry
from .project.translations import Translation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Localized:
    """An entry's title and text in one language, and how that text got into it."""

    title: str
    text: str
    translation: str  # "curated", "draft", "machine" or "none" (the English text)


class Localizer:
    """Entries in the user's language from the translations and, where they have none, the translator."""

    def __init__(self, translations: Mapping[str, Mapping[str, Translation]], translator: Translator | None) -> None:
        self.translations = translations
        self.translator = translator
        self._machine: dict[tuple[str, str], Localized | None] = {}

    def localize(self, entry: Entry, language: str) -> Localized:
        """The entry in ``language``: curated or draft text, else machine-translated, else English."""
        if language == SOURCE_LANGUAGE:
            return Localized(entry.title[language], entry.text[language], "curated")
        if language == FALLBACK_LANGUAGE:
            return Localized(entry.title[language], entry.text[language], "draft")
        translation = self.translations.get(language, {}).get(entry.id)
        if translation and translation.status != "outdated":
            status = "curated" if translation.status == "reviewed" else "draft"
            return Localized(translation.title, translation.text, status)
        machine = self._machine_translated(entry, language)
        return machine or Localized(entry.title[FALLBACK_LANGUAGE], entry.text[FALLBACK_LANGUAGE], "none")

    def _machine_translated(self, entry: Entry, language: str) -> Localized | None:
        """The English text machine-translated, once per entry and language; None without a model."""
        if self.translator is None or not self.translator.can_translate(FALLBACK_LANGUAGE, language):
            return None
        key = (entry.id, language)
        if key not in self._machine:
            try:
                self._machine[key] = Localized(
                    self.translator.translate(entry.title[FALLBACK_LANGUAGE], FALLBACK_LANGUAGE, language),
                    self.translator.translate(entry.text[FALLBACK_LANGUAGE], FALLBACK_LANGUAGE, language),
                    "machine",
                )
            except TranslationError:
                log.warning("machine translation of %s into %s failed; answering in English", entry.id, language)
                self._machine[key] = None
        return self._machine[key]
