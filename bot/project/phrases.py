"""Phrases of every language matched in a message however they are typed: the matching under the
steering words of knowledge/conversation.yml (``bot.project.conversation``).

Latin and Cyrillic phrases match at word boundaries (a stem at the start of a word), Arabic-script
phrases at the start of a word or after a glued particle, Thai and Chinese anywhere; letters people
type either way (diacritics, Arabic-script variants) are folded alike (``plain``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from itertools import groupby

from .places import normalize

# Scripts written without spaces between words (Thai, Chinese) cannot use word boundaries: their
# phrases are matched as substrings; Arabic script glues particles to words ("وفي").
_NO_WORD_BOUNDARY = re.compile(r"[\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
#: A letter of a script written with spaces: a Latin or Cyrillic word glued to Thai or Chinese
#: ("的Instagram账号", "Kajaani的咨询点") still starts and ends there.
_SPACED_LETTER = r"[^\W\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]"
#: Where a word starts in Arabic script: after no letter, or after a particle glued to the word
#: (و "and", ب, ل, ف, the article ال and their combinations).
_GLUED = ("و", "ب", "ل", "ف", "ال", "وال", "بال", "فال", "لل")
_ARABIC_WORD_START = "(?:" + "|".join([r"(?<!\w)", *(rf"(?<=(?<!\w){glued})" for glued in _GLUED)]) + ")"
#: Letters typed in more than one way, matched alike: without the diacritics a phone keyboard
#: lacks ("dotless" ı, đ), and the Arabic-script letters people write either way (أ/ا, ي/ی, ك/ک,
#: ة/ه); a zero-width non-joiner ("می‌کنم") is as if not there ("میکنم").
_PLAIN_LETTERS = str.maketrans(
    {
        "ı": "i",
        "đ": "d",
        "ø": "o",
        "ł": "l",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ك": "ک",
        "ة": "ه",
        "\u200c": "",
    }
)
#: Arabic short vowels and other marks written above or below the letters ("کِی").
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
#: What may stand before a message's first word: "¿y en Puolanka?", "Kiitos! Entä ...".
_LEADING = " ¿¡\"'«(-,.!;:…"

#: Up to this many letters a Latin or Cyrillic phrase matches whole words only, never as a stem.
STEM_LETTERS = 3
#: The same for an Arabic-script phrase, whose three-letter stems take endings ("کجاست", where is).
ARABIC_STEM_LETTERS = 2


@lru_cache(maxsize=256)  # one reply asks for the same text's plain form dozens of times
def plain(text: str) -> str:
    """``text`` normalized, and the way it was typed folded away: Latin letters without their
    diacritics ("khi nao" for "khi nào", "sahkoposti"), Arabic-script letters in one spelling
    and without vowel marks. Cyrillic, Thai and others keep every mark."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", normalize(text).translate(_PLAIN_LETTERS)):
        if not (unicodedata.combining(char) and kept and kept[-1].isascii()):
            kept.append(char)
    return _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", "".join(kept)))


def _marked(phrase: str) -> bool:
    """Tell whether ``phrase`` (normalized) must match with its diacritics: one short Latin word
    whose plain form is another word ("où" is not "ou", "or"; Vietnamese "giá", price, is not the
    "gia" of "gia đình", family). Arabic-script spellings are only ways to write the same word."""
    short = " " not in phrase and len(phrase) <= STEM_LETTERS
    return short and not _ARABIC_SCRIPT.search(phrase) and plain(phrase) != phrase


def phrase_pattern(phrases: Iterable[str], whole_words: bool = True, to_word_end: bool = False) -> re.Pattern[str]:
    """One pattern matching any of ``phrases`` in text folded as they are, longest first. Latin
    and Cyrillic phrases match at word boundaries (with ``whole_words`` false only at the start, so
    a stem matches its inflected forms; a phrase of up to ``STEM_LETTERS`` letters is a whole word:
    Vietnamese "ai" is no stem of "aikuinen"); Arabic-script phrases match at the start of a word
    or after a particle glued to it ("ومتى") and end like Latin ones (``ARABIC_STEM_LETTERS``); Thai
    and Chinese match anywhere, and a Latin word glued to them is a word of its own ("的Instagram"). With
    ``to_word_end`` a stem's match takes in the rest of its word ("sähköpostinsa", "بريدها")."""
    framed = []  # (before, phrase, after) in the order the alternatives are tried
    for phrase in sorted({phrase for phrase in phrases if phrase.strip()}, key=len, reverse=True):
        escaped = re.escape(phrase)
        tail = r"\w*" if to_word_end and not whole_words else ""
        if _ARABIC_SCRIPT.search(phrase):  # a short one whole: Persian "کی" (who) is no stem of "كيف" (how)
            whole = whole_words or len(phrase) <= ARABIC_STEM_LETTERS
            framed.append((_ARABIC_WORD_START, escaped, r"(?!\w)" if whole else tail))
        elif _NO_WORD_BOUNDARY.search(phrase):
            framed.append(("", escaped, ""))
        else:
            whole = whole_words or len(phrase) <= STEM_LETTERS
            latin_tail = rf"{_SPACED_LETTER}*" if tail else ""
            framed.append((rf"(?<!{_SPACED_LETTER})", escaped, rf"(?!{_SPACED_LETTER})" if whole else latin_tail))
    # Alternatives framed alike and tried one after another share one frame: the same matches
    # (the engine tries the next phrase inside the group when the frame fails), and compiling
    # the frame's character class once per phrase took a second for a few hundred phrases.
    groups = [
        f"{before}(?:{'|'.join(phrase for _, phrase, _ in run)}){after}"
        for (before, after), run in groupby(framed, key=lambda item: (item[0], item[2]))
    ]
    return re.compile("|".join(groups) or r"(?!)")


#: A phrase can only occur in a text holding its first this many characters (all of a shorter one).
ANCHOR = 5


@lru_cache(maxsize=64)
def _pieces(text: str) -> frozenset[str]:
    """Every run of 1 to ``ANCHOR`` characters of ``text``."""
    return frozenset(text[start : start + size] for size in range(1, ANCHOR + 1) for start in range(len(text)))


class Alternatives:
    """A ``phrase_pattern`` with the pattern's answers, sooner: its few hundred alternatives, each
    behind a lookbehind, cost about 0.1 ms a search, and a text holding none of its phrases' first
    ``ANCHOR`` characters (most texts, for most sets) cannot match; that takes microseconds.

    The patterns are compiled when first needed: compiling all 68 took a fifth of a second of every
    start, and a text that cannot match needs none."""

    def __init__(self, phrases: Iterable[str], whole_words: bool) -> None:
        self.phrases = tuple(sorted({phrase for phrase in phrases if phrase.strip()}))
        self.whole_words = whole_words
        self.anchors = frozenset(phrase[:ANCHOR] for phrase in self.phrases)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any of the phrases."""
        return phrase_pattern(self.phrases, self.whole_words)

    @cached_property
    def whole(self) -> re.Pattern[str]:
        """Any of the phrases, a stem with the rest of its word: what removing takes."""
        return phrase_pattern(self.phrases, self.whole_words, to_word_end=True)

    def may_match(self, text: str) -> bool:
        """False when ``text`` surely holds none of the phrases."""
        return not self.anchors.isdisjoint(_pieces(text))

    def search(self, text: str) -> re.Match[str] | None:
        """The first phrase in ``text``, as ``re.Pattern.search``."""
        return self.pattern.search(text) if self.may_match(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        """The phrase ``text`` begins with, as ``re.Pattern.match``."""
        return self.pattern.match(text) if self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The phrases in ``text``, left to right, as ``re.Pattern.finditer``."""
        return self.pattern.finditer(text) if self.may_match(text) else iter(())

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        """``text`` with the phrases replaced, a stem with the rest of its word, as ``re.Pattern.sub``."""
        return self.whole.sub(replacement, text, count=count) if self.may_match(text) else text


class Phrases:
    """A set of phrases of every language, matched in normalized text: ``plain``, so that they
    match however they are typed, except short ``_marked`` words, which match as written."""

    def __init__(self, phrases: Iterable[str], whole_words: bool) -> None:
        written = {normalize(phrase) for phrase in phrases}
        self.marked = Alternatives({phrase for phrase in written if _marked(phrase)}, whole_words)
        self.pattern = Alternatives({plain(phrase) for phrase in written if not _marked(phrase)}, whole_words)

    def matches(self, text: str) -> list[re.Match[str]]:
        """Where the phrases occur in ``text`` (normalized), as written or plain."""
        return [*self.marked.finditer(text), *self.pattern.finditer(plain(text))]

    def found(self, text: str) -> bool:
        """Tell whether ``text`` (normalized) contains one of the phrases."""
        return self.marked.search(text) is not None or self.pattern.search(plain(text)) is not None

    def starts(self, text: str) -> bool:
        """Tell whether ``text`` (normalized) begins with one of the phrases."""
        text = text.lstrip(_LEADING)
        return self.marked.match(text) is not None or self.pattern.match(plain(text)) is not None

    def without_start(self, text: str) -> str:
        """``text`` (normalized) without the phrase it begins with, if any."""
        text = text.lstrip(_LEADING)
        if self.marked.match(text):
            return self.marked.sub(" ", text, count=1)
        return self.pattern.sub(" ", plain(text), count=1) if self.pattern.match(plain(text)) else text

    def after_start(self, text: str) -> str:
        """``text`` (normalized) after the phrase it begins with, if any, as written ("työ
        kuhmossa?" of "entä työ kuhmossa?"; plain where folding changed its length)."""
        text = text.lstrip(_LEADING)
        if written := self.marked.match(text):
            return text[written.end() :]
        folded = plain(text)
        if found := self.pattern.match(folded):
            return text[found.end() :] if len(folded) == len(text) else folded[found.end() :]
        return text

    def removed(self, text: str) -> str:
        """``text`` (normalized) without the phrases, also those glued to a removed one; plain."""
        return removed(text, (self,))


def removed(text: str, every: Iterable[Phrases]) -> str:
    """``text`` (normalized) without the phrases of ``every``, written ones first; ``plain``."""
    sets = tuple(every)
    for phrases in sets:
        text = _without(phrases.marked, text)
    text = plain(text)
    for phrases in sets:
        text = _without(phrases.pattern, text)
    return text


def _without(pattern: Alternatives, text: str) -> str:
    while (shorter := pattern.sub(" ", text)) != text:
        text = shorter
    return text
