"""The words that steer a conversation, from knowledge/conversation.yml (editors own it).

``Steering.read(text)`` tells what a message does besides asking a question: a short reply ("ok",
"kiitos", "👍"), a "no", where the user lives ("I live in Sotkamo"), a follow-up ("and in Kuhmo?"),
a question about one detail of the last answer ("her e-mail?", "where?"), or a request to be
answered in another language. The core decides what to do with it; this module only reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from ..errors import DataError
from ..languages import FALLBACK_LANGUAGE, SUPPORTED
from ..patterns import DATE, EMAIL, URL
from .knowledge import Knowledge
from .places import normalize
from .texts import Texts
from .yamlfile import load_yaml

Key = TypeVar("Key")

FILE = "conversation.yml"
#: What kind of fact shows a detail in an entry's text.
_PHONE = r"(?:\+358|\b0)\d{1,3}[\s-]?\d{2,4}[\s-]?\d{2,4}"
SHAPES: Mapping[str, re.Pattern[str]] = {
    "email": re.compile(EMAIL),
    "phone": re.compile(_PHONE),
    "contact": re.compile(f"{EMAIL}|{_PHONE}"),
    "url": re.compile(URL),
    "date": re.compile(rf"{DATE}|\b\d{{1,2}}(?:[.:]\d{{2}})?\s?[–-]\s?\d{{1,2}}(?:[.:]\d{{2}})?\b"),
    "address": re.compile(r"\b[A-ZÄÖÅ][a-zäöå]+(?:tie|katu|kuja|polku|tori|väylä|raitti|kaari|aukio)\s\d+"),
    # A number or a range of them standing alone ("250" days, "3-4" years), or an event's date (a
    # day's event): not a year, a law's number or an address ("Kauppatie 19").
    "duration": re.compile(rf"^(?!(?:19|20)\d\d$)\d+(?:[–-]\d+)?$|{DATE}"),
    "price": re.compile(r"\d+(?:[,.]\d+)?\s?(?:€|euroa?\b)|\bmaksu(?:ton|ttom)", re.IGNORECASE),
    # How to sign up is told in words, never by one fact: the whole entry answers.
    "none": re.compile(r"(?!)"),
}
# Scripts written without spaces between words (Thai, Chinese) cannot use word boundaries: their
# phrases are matched as substrings; Arabic script glues particles to words ("وفي").
_NO_WORD_BOUNDARY = re.compile(r"[\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
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
#: A word of a message's remainder (punctuation weighs in a ranking of a few letters: "e em ?").
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
#: Up to this many letters a Latin or Cyrillic phrase matches whole words only, never as a stem.
STEM_LETTERS = 3
# Chinese characters are words: each weighs as much as a few Latin letters.
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_WEIGHT = 3


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
    or after a particle glued to it ("ومتى"); Thai and Chinese match anywhere. With
    ``to_word_end`` a stem's match takes in the rest of its word ("sähköpostinsa", "بريدها")."""
    alternatives = []
    for phrase in sorted({phrase for phrase in phrases if phrase.strip()}, key=len, reverse=True):
        escaped = re.escape(phrase)
        tail = r"\w*" if to_word_end and not whole_words else ""
        if _ARABIC_SCRIPT.search(phrase):
            alternatives.append(f"{_ARABIC_WORD_START}(?:{escaped}){tail}")
        elif _NO_WORD_BOUNDARY.search(phrase):
            alternatives.append(f"(?:{escaped})")
        else:
            whole = whole_words or len(phrase) <= STEM_LETTERS
            alternatives.append(rf"(?<!\w)(?:{escaped})" + (r"(?!\w)" if whole else tail))
    return re.compile("|".join(alternatives) or r"(?!)")


#: A phrase can only occur in a text holding its first this many characters (all of a shorter one).
ANCHOR = 5


@lru_cache(maxsize=64)
def _pieces(text: str) -> frozenset[str]:
    """Every run of 1 to ``ANCHOR`` characters of ``text``."""
    return frozenset(text[start : start + size] for size in range(1, ANCHOR + 1) for start in range(len(text)))


class Alternatives:
    """A ``phrase_pattern`` with the pattern's answers, sooner: its few hundred alternatives, each
    behind a lookbehind, cost about 0.1 ms a search, and a text holding none of its phrases' first
    ``ANCHOR`` characters (most texts, for most sets) cannot match; that takes microseconds."""

    def __init__(self, phrases: Iterable[str], whole_words: bool) -> None:
        self.phrases = tuple(sorted({phrase for phrase in phrases if phrase.strip()}))
        self.pattern = phrase_pattern(self.phrases, whole_words)
        self.whole = phrase_pattern(self.phrases, whole_words, to_word_end=True)  # what removing takes
        self.anchors = frozenset(phrase[:ANCHOR] for phrase in self.phrases)

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


@dataclass(frozen=True)
class Detail:
    """One detail a follow-up can ask for: its name, the shape of facts showing it, the words of a
    ``gaps:`` line saying the sources lack it, and how people ask for it."""

    name: str
    shape: str
    gaps: re.Pattern[str]
    phrases: Phrases
    #: Asked with another detail, the other one is meant: "e-mail address", "where and when?".
    yields: bool = False
    #: Asked of an entry that neither shows nor lacks it, a related entry may answer it (how to
    #: contact the council: the council's contact entry).
    from_related: bool = False
    #: The intent whose entry answers when neither the last answer nor a related entry shows or
    #: lacks it ("her e-mail?" after an answer naming nobody: the municipality's contact person).
    otherwise: str | None = None
    #: ``otherwise`` only after an answer naming no one and nothing ("who?" of the Red Cross café
    #: is the café's).
    unless_named: bool = False

    def lacked_by(self, gaps: Iterable[str]) -> bool:
        """Tell whether one of an entry's ``gaps:`` lines says the sources lack this detail."""
        return any(self.gaps.search(plain(gap)) for gap in gaps)

    def lines(self, text: str, facts: Iterable[str]) -> list[str]:
        """The lines of ``text`` that show this detail: those holding a fact of its shape."""
        shown = [fact for fact in facts if SHAPES[self.shape].search(fact)]
        return [line for line in text.splitlines() if any(fact in line for fact in shown)]


#: A language named inside a longer question ("¿cómo me apunto a un curso de finlandés?",
#: "tietoa somaliksi") is what it is about, not a request to answer in it: only a message with at
#: most this many other letters ("in English please", "suomeksi?") asks for a language.
REQUEST_REST = 12


#: Where a message's clauses end: "sorry, English is easier. where is ...", "en français svp : ...".
_CLAUSE_END = re.compile(r"[.:;!?,…\n،؛؟。，！？：；]+")


@dataclass(frozen=True)
class Switch:
    """A message that asks for another language in a clause of its own and asks a question in
    another: "sorry, English is easier: where is the office?"."""

    language: str
    #: The clauses besides the request: after it, else before it.
    question: str


#: At most this many short replies open a message before what it asks ("ok kiitos, entä ...").
OPENING_REPLIES = 3


@dataclass(frozen=True)
class Signals:
    """What a message does for the conversation (besides any question it asks)."""

    acknowledgement: bool = False
    decline: bool = False
    home: bool = False
    followup: bool = False
    #: Points back to the last answer's place ("... there?").
    there: bool = False
    detail: Detail | None = None
    language: str | None = None
    #: The language a request phrase names, however much else the message says ("can you tell me
    #: that in Russian?"): the core decides whether that is a request.
    named_language: str | None = None
    #: Letters left once names and every steering phrase are taken out (Chinese characters weigh more).
    rest: int = 0
    #: The message without municipality names, the short replies it opens with and a follow-up
    #: phrase at its start: what may name a topic of its own ("työ" of "entä työ Kuhmossa?").
    remainder: str = ""


@dataclass(frozen=True)
class Steering:
    """Every steering phrase of knowledge/conversation.yml, compiled."""

    acknowledgements: Phrases
    declines: Phrases
    home: Phrases
    followups: Phrases
    there: Phrases
    #: Words pointing back to what the last answer is about ("about it", "siitä"): no topic of their own.
    references: Phrases
    details: tuple[Detail, ...]
    language_requests: Mapping[str, Phrases]

    def read(self, text: str, without_names: Callable[[str], str]) -> Signals:
        """What ``text`` does; ``without_names`` takes municipality names out of normalized text."""
        folded = normalize(text)
        short = self.acknowledgements.removed(folded)
        acknowledgement = plain(folded) != short and not _letters(short)
        decline = self.declines.found(folded) and not _letters(removed(folded, (self.declines, self.acknowledgements)))
        unnamed = self._without_opening(without_names(folded))
        remainder = self.followups.after_start(unnamed)
        rest = removed(
            remainder,
            (self.home, self.references, *(d.phrases for d in self.details), *self.language_requests.values()),
        )
        named = self._requested_language(folded)
        return Signals(
            acknowledgement=acknowledgement and not decline,
            decline=decline,
            home=self.home.found(folded),
            followup=self.followups.starts(unnamed),
            there=self.there.found(folded),
            detail=self._asked_detail(folded),
            language=named if _letters(rest) <= REQUEST_REST else None,
            named_language=named,
            rest=_letters(rest),
            remainder=" ".join(_WORD.findall(remainder)),
        )

    def switch(self, text: str) -> Switch | None:
        """The language a clause of ``text`` asks for (the last such clause's) and the question
        the other clauses ask ("Pardon, en français svp : c'est quoi ... ?"). A request clause
        holds little besides the request (``REQUEST_REST`` letters: "sorry", "svp", "لو سمحت");
        the question is what follows the last one, else what comes before the first, and must
        hold more than a greeting (over ``REQUEST_REST`` letters). None when no clause is a
        request or nothing else is asked ("can you tell me that in Russian?")."""
        starts, spans = 0, []
        for end in _CLAUSE_END.finditer(text):
            spans.append((starts, end.end()))
            starts = end.end()
        spans.append((starts, len(text)))
        requests = [
            (start, end, language)
            for start, end in spans
            if (language := self._requested_language(folded := normalize(text[start:end])))
            and _letters(removed(folded, (*self.language_requests.values(), self.acknowledgements))) <= REQUEST_REST
        ]
        if not requests:
            return None
        after, before = text[requests[-1][1] :], text[: requests[0][0]]
        question = after if _letters(after) > REQUEST_REST else before
        if _letters(question) <= REQUEST_REST:
            return None
        return Switch(requests[-1][2], question.strip())

    def _without_opening(self, text: str) -> str:
        """``text`` without the short replies it opens with ("Kiitos! Entä Kuhmossa?", "ok thanks,
        and her e-mail?"): what follows is what it asks."""
        for _ in range(OPENING_REPLIES):
            shorter = self.acknowledgements.after_start(text)
            if shorter == text:
                break
            text = shorter
        return text

    def _asked_detail(self, folded: str) -> Detail | None:
        """The detail asked for; of several, one that does not yield to others ("his e-mail
        address?" asks for the e-mail), and of those the one of the longest phrase ("mihin
        aikaan?" asks for a time, though "mihin" alone asks where)."""
        asked = {detail: detail.phrases for detail in self.details if detail.phrases.found(folded)}
        firm = {detail: phrases for detail, phrases in asked.items() if not detail.yields}
        return _strongest(firm or asked, folded, lambda match: len(match.group()))

    def _requested_language(self, folded: str) -> str | None:
        """The language asked for; of several, the one named last ("I don't understand Finnish,
        can you write in Russian?": a request comes after what the user cannot read)."""
        return _strongest(self.language_requests, folded, lambda match: match.start())


def _strongest(by_key: Mapping[Key, Phrases], folded: str, weight: Callable[[re.Match[str]], int]) -> Key | None:
    """The key whose phrases match ``folded`` with the greatest ``weight``; None when none match."""
    weights = {
        key: max(weight(match) for match in matches)
        for key, phrases in by_key.items()
        if (matches := phrases.matches(folded))
    }
    return max(weights, key=weights.__getitem__) if weights else None


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text) + (_HAN_WEIGHT - 1) * len(_HAN.findall(text))


def load_steering(root: Path, texts: Texts) -> Steering:
    """Read knowledge/conversation.yml under ``root`` (the knowledge/ folder); every detail needs
    its interface string in ``texts``."""
    path = root / FILE
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "conversation", "Expected a mapping (key: value lines).", "Compare with its comments.")

    def phrases(key: str, section: Any, whole_words: bool) -> Phrases:
        if not isinstance(section, dict) or not all(isinstance(v, list) for v in section.values()):
            raise DataError(path, key, f"'{key}' needs a list of phrases per language.", "Write 'fi: [..., ...]'.")
        return Phrases((str(p) for values in section.values() for p in values), whole_words)

    details = []
    for name, raw in (data.get("details") or {}).items():
        if not isinstance(raw, dict) or raw.get("shape") not in SHAPES:
            shapes = ", ".join(SHAPES)
            raise DataError(path, f"details: {name}", "A detail needs a 'shape:'.", f"Use one of: {shapes}.")
        if not texts.has(f"detail_missing_{name}", FALLBACK_LANGUAGE):
            raise DataError(
                path,
                f"details: {name}",
                f"The interface string 'detail_missing_{name}' is missing.",
                "Add it to translations/ui/opastin.pot (and the catalogs).",
            )
        gaps = phrase_pattern(plain(str(word)) for word in raw.get("gaps") or ())
        asked = phrases(f"details: {name}", raw.get("phrases"), False)
        flags = {flag: raw.get(flag) is True for flag in ("yields", "from_related", "unless_named")}
        otherwise = str(raw["otherwise"]) if raw.get("otherwise") else None
        details.append(Detail(str(name), str(raw["shape"]), gaps, asked, **flags, otherwise=otherwise))
    requests = data.get("language_requests") or {}
    unknown = sorted(set(requests) - set(SUPPORTED))
    if unknown:
        raise DataError(path, "language_requests", f"Unknown language '{unknown[0]}'.", "Use a supported code.")
    return Steering(
        acknowledgements=phrases("acknowledgements", data.get("acknowledgements"), True),
        declines=phrases("declines", data.get("declines"), True),
        home=phrases("home", data.get("home"), False),
        followups=phrases("followups", data.get("followups"), True),
        there=phrases("there", data.get("there"), True),
        references=phrases("references", data.get("references") or {}, True),
        details=tuple(details),
        language_requests={
            code: phrases(f"language_requests: {code}", {code: values}, False) for code, values in requests.items()
        },
    )


def names_another_topic(knowledge: Knowledge, text: str, intent: str) -> bool:
    """Tell whether ``text`` names something (a project, an event, a place other than a
    municipality) that only entries of another intent than ``intent`` know: then it is a new question."""
    folded, names = normalize(text), knowledge.proper_names
    own = {fact for entry in knowledge.entries_for(intent) for fact in entry.facts}
    others = {fact for entry in knowledge.entries if entry.intent != intent for fact in entry.facts} - own
    return any(
        normalize(fact) in folded
        for fact in others
        if len(fact) >= 4 and fact in names and not knowledge.find_municipality(fact)
    )
