"""Which language a message is written in: script rules, then CLD2 and lingua for Latin script."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, ClassVar

import pycld2
from lingua import Language, LanguageDetectorBuilder

from ..languages import SUPPORTED
from ..project.knowledge import Knowledge

# Latin-script languages lingua can tell apart; Kinyarwanda is not among lingua's languages.
_LINGUA = {
    Language.FINNISH: "fi", Language.SWEDISH: "sv", Language.ENGLISH: "en", Language.ESTONIAN: "et",
    Language.FRENCH: "fr", Language.SOMALI: "so", Language.SPANISH: "es", Language.TURKISH: "tr",
    Language.VIETNAMESE: "vi", Language.SWAHILI: "sw",
}  # fmt: skip
# CLD2 names Kinyarwanda's close relatives when it misses it; none of them is supported here.
_CLD2_AS_KINYARWANDA = {"rw", "rn", "zu", "xh", "ny", "lg", "sn", "st", "ig"}
_SORANI_LETTERS = set("ێۆڕڵەڤ")
_PERSIAN_LETTERS = set("پچژگکی")
_UKRAINIAN_LETTERS = set("іїєґ")


class LanguageDetector:
    """Script rules first, then CLD2 and lingua for Latin script; names are hidden first."""

    defaults: ClassVar[Mapping[str, Any]] = {"min_letters": 3, "low_accuracy_mode": True}

    def __init__(self, knowledge: Knowledge, settings: dict[str, Any]) -> None:
        self.knowledge = knowledge
        self.min_letters = int(settings["min_letters"])
        self.low_accuracy_mode = bool(settings["low_accuracy_mode"])

    @cached_property
    def _lingua(self) -> Any:
        builder = LanguageDetectorBuilder.from_languages(*_LINGUA)
        return (builder.with_low_accuracy_mode() if self.low_accuracy_mode else builder).build()

    def detect(self, text: str) -> str | None:
        """The language of ``text``, or None when it has too few letters to tell."""
        letters = [char for char in self.knowledge.without_names(text) if char.isalpha()]
        if len(letters) < self.min_letters:
            return None
        scripts = _script_counts(letters)
        script = max(scripts, key=lambda name: scripts[name])
        if script == "arabic":
            present = set(letters)
            if present & _SORANI_LETTERS:
                return "ckb"
            return "fa" if present & _PERSIAN_LETTERS else "ar"
        if script == "cyrillic":
            return "uk" if set(letters) & _UKRAINIAN_LETTERS else "ru"
        if script in ("thai", "han"):
            return {"thai": "th", "han": "zh"}[script]
        if script != "latin":
            return None
        return self._latin("".join(char if char.isalpha() else " " for char in self.knowledge.without_names(text)))

    def _latin(self, text: str) -> str | None:
        """CLD2 knows Kinyarwanda, lingua tells short Latin texts apart best; unsure of both: None."""
        try:
            reliable, _, details = pycld2.detect(text, bestEffort=True)
        except pycld2.error:
            reliable, details = False, ()
        cld2 = details[0][1] if details else "un"
        if reliable and cld2 in _CLD2_AS_KINYARWANDA:
            return "rw"
        if reliable and cld2 not in SUPPORTED and cld2 not in ("un", "xx") and len(text.split()) >= 4:
            return str(cld2)  # a language outside the 18: answered through MT where a model exists
        confidences = self._lingua.compute_language_confidence_values(text)
        best = confidences[0] if confidences else None
        if best is not None and best.value >= 0.5:
            return _LINGUA[best.language]
        if reliable and cld2 in SUPPORTED:
            return cld2
        return _LINGUA[best.language] if best is not None and best.value >= 0.3 else None


def _script_counts(letters: Iterable[str]) -> dict[str, int]:
    counts = {"latin": 0, "arabic": 0, "cyrillic": 0, "thai": 0, "han": 0, "other": 0}
    for char in letters:
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            counts["latin"] += 1
        elif name.startswith("ARABIC"):
            counts["arabic"] += 1
        elif name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith("THAI"):
            counts["thai"] += 1
        elif name.startswith("CJK"):
            counts["han"] += 1
        else:
            counts["other"] += 1
    return counts
