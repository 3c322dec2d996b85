"""Whether a short question takes up a word of the last answer ("whats the theme?" after the Walk
and Talk entry, whose text alone names its theme): then it asks about that answer, however the
intent ranking reads it. A word counts when few entries' texts in the same language hold it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from .languages import FALLBACK_LANGUAGE
from .project.knowledge import Entry, Knowledge
from .project.phrases import plain
from .project.translations import Translation

#: Words are compared by their first this many letters, so that inflected forms meet ("secteurs",
#: "secteur"); a word one letter shorter counts as a whole word ("tema", the Spanish theme: in most
#: languages a stem of four letters would meet too many other words); shorter words never count.
STEM_LETTERS = 5
#: A stem in more than this share of the entries' texts says nothing of one answer ("what",
#: "when", "este" are in many).
COMMON_SHARE = 0.05
_WORD = re.compile(rf"[^\W\d_]{{{STEM_LETTERS - 1},}}")


def stems(text: str) -> frozenset[str]:
    """The stems of the words of ``text`` with at least ``STEM_LETTERS`` letters, and its words
    of one letter fewer whole."""
    return frozenset(word[:STEM_LETTERS] for word in _WORD.findall(plain(text)))


class Wording:
    """Every entry's text in each language as the knowledge base and its translations have it
    (English where a language has none), and how many of them hold each stem."""

    def __init__(self, knowledge: Knowledge, translations: Mapping[str, Mapping[str, Translation]]) -> None:
        self.knowledge = knowledge
        self.translations = translations
        self._stems: dict[str, tuple[dict[str, frozenset[str]], Counter[str]]] = {}

    def echoes(self, last: Entry, language: str | None, text: str) -> bool:
        """Tell whether ``text`` shares a stem with the ``last`` answer in ``language`` that few
        other entries' texts hold."""
        by_entry, counts = self._of(language or FALLBACK_LANGUAGE)
        limit = COMMON_SHARE * len(by_entry)
        return any(counts[stem] <= limit for stem in stems(text) & by_entry.get(last.id, frozenset()))

    def _of(self, language: str) -> tuple[dict[str, frozenset[str]], Counter[str]]:
        if language not in self._stems:
            own = self.translations.get(language, {})
            by_entry = {
                entry.id: stems(
                    own[entry.id].text if entry.id in own else entry.text.get(language, entry.text[FALLBACK_LANGUAGE])
                )
                for entry in self.knowledge.entries
            }
            self._stems[language] = (by_entry, Counter(stem for found in by_entry.values() for stem in found))
        return self._stems[language]
