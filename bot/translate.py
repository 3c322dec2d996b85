"""Machine translation beyond the curated languages, with verbatim facts protected.

``Translator`` is the seam: the core asks it, tests and deployments choose what answers.
``protect`` swaps every fact (e-mails, URLs, phone numbers, dates, times, the knowledge base's
Finnish names) for a placeholder before MT and ``restore`` puts them back after; a translation
that lost a placeholder is refused rather than shown with a fact missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .errors import TranslationError

_PROTECTED = (
    r"https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?]",  # URLs
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mails
    r"\+?\d[\d\s-]{6,}\d",  # phone numbers
    r"\d{1,2}\.\d{1,2}\.(?:\d{4})?",  # dates: 23.4. and 23.5.2026
    r"\d{1,2}(?:[.:]\d{2})?\s?[–-]\s?\d{1,2}(?:[.:]\d{2})?",  # times and ranges: 17–19, 9-12
    r"#\w+",  # hashtags
)


class Translator(Protocol):
    """Anything that translates text between two languages by ISO code."""

    def can_translate(self, source: str, target: str) -> bool:
        """Tell whether a model path (direct or through English) exists."""
        ...

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` in ``target``; raises TranslationError when it cannot."""
        ...


@dataclass(frozen=True)
class Protected:
    """A text with its facts replaced by placeholders, and the facts to put back."""

    text: str
    facts: tuple[str, ...]


def placeholder(number: int) -> str:
    """The stand-in for fact ``number``: letters and digits only, which MT models copy through."""
    return f"ZQX{number}XQZ"


def protect(text: str, names: Iterable[str] = ()) -> Protected:
    """Replace facts and ``names`` (longest first) in ``text`` with numbered placeholders."""
    known = sorted({name for name in names if name}, key=len, reverse=True)
    pattern = re.compile("|".join([*(re.escape(name) for name in known), *_PROTECTED]))
    facts: list[str] = []

    def swap(match: re.Match[str]) -> str:
        facts.append(match.group(0))
        return placeholder(len(facts) - 1)

    return Protected(pattern.sub(swap, text), tuple(facts))


def restore(translated: str, protected: Protected) -> str:
    """Put the facts back; a lost or mangled placeholder is a TranslationError."""
    for number, fact in enumerate(protected.facts):
        token = placeholder(number)
        if token not in translated:
            raise TranslationError(f"machine translation lost a protected fact ({fact!r})")
        translated = translated.replace(token, fact, 1)
    return translated
