"""The words that steer a conversation, from knowledge/conversation.yml (editors own it).

``Steering.read(text)`` tells what a message does besides asking a question: a short reply ("ok",
"kiitos", "👍"), a "no", where the user lives ("I live in Sotkamo"), a follow-up ("and in Kuhmo?"),
a question about one detail of the last answer ("her e-mail?", "where?"), or a request to be
answered in another language. The core decides what to do with it; this module only reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import DataError
from ..languages import FALLBACK_LANGUAGE, SUPPORTED
from ..patterns import DATE, EMAIL, QUESTION_MARKS, URL
from .knowledge import Knowledge
from .phrases import Phrases, phrase_pattern, plain, removed
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
    # A social media channel is named in words ("the Foreigners in Kajaani Instagram account"):
    # read in the lines themselves, not in their facts (LINE_SHAPES).
    "social": re.compile(
        r"\b(?:instagram|facebook|tiktok|whatsapp|youtube)|\bsome(?:ssa|postau|kanav)|social media", re.I
    ),
    # Whether children may come is said in words too: the lines naming them, in any language.
    "children": re.compile(
        r"\b(?:child|children|kids?|lap(?:si|set|sia|sen|sineen)|lasten|lapsed|barn\w*|enfants?|niñ[oa]s?|hij[oa]s?"
        r"|çocuk\w*|watoto|mtoto|abana|umwana|carruur\w*|дет(?:и|ей|ям|ьми|ях|ск\w*)|ребён\w*|ребен\w*"
        r"|діт(?:и|ей|ям|ьми|ях)|дитин\w*|дитяч\w*|trẻ em|trẻ nhỏ)\b|孩子|小孩|儿童|أطفال|اطفال|طفل|کودک|بچه|منداڵ|เด็ก",
        re.IGNORECASE,
    ),
}
#: Shapes read in an entry's lines rather than in its facts.
LINE_SHAPES = frozenset({"social", "children"})
#: A word of a message's remainder (punctuation weighs in a ranking of a few letters: "e em ?").
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Chinese characters are words: each weighs as much as a few Latin letters.
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_WEIGHT = 3


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
    #: Asked of an entry that neither shows nor lacks it, the entry about a place or service the
    #: last answer names answers it, whole if need be ("where is it?" of Kajaani's guidance, naming
    #: Kajaani Info: the Kajaani Info entry).
    from_named: bool = False

    def lacked_by(self, gaps: Iterable[str]) -> bool:
        """Tell whether one of an entry's ``gaps:`` lines says the sources lack this detail."""
        return any(self.gaps.search(plain(gap)) for gap in gaps)

    def lines(self, text: str, facts: Iterable[str]) -> list[str]:
        """The lines of ``text`` that show this detail: those holding a fact of its shape (or, for
        a shape of ``LINE_SHAPES``, matching it)."""
        if self.shape in LINE_SHAPES:
            return [line for line in text.splitlines() if SHAPES[self.shape].search(line)]
        shown = [fact for fact in facts if SHAPES[self.shape].search(fact)]
        return [line for line in text.splitlines() if any(fact in line for fact in shown)]


#: A language named inside a longer question ("¿cómo me apunto a un curso de finlandés?",
#: "tietoa somaliksi") is what it is about, not a request to answer in it: only a message with at
#: most this many other letters ("in English please", "suomeksi?") asks for a language.
REQUEST_REST = 12


#: Where a message's clauses end: "sorry, English is easier. where is ...", "en français svp : ...",
#: "English please - when is it?" (a dash between spaces; in a word it joins: "Kaiku-kortti").
_CLAUSE_END = re.compile(r"[.:;!?,…\n،؛؟。，！？：；]+|\s[-–—]+\s")


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
    #: Opens by asking about the last answer for another situation ("and if I'm retired?").
    condition: bool = False
    #: Points back to the last answer's place ("... there?").
    there: bool = False
    #: Points back to what the last answer is about ("who do I ask about it?").
    reference: bool = False
    detail: Detail | None = None
    language: str | None = None
    #: The language a request phrase names, however much else the message says ("can you tell me
    #: that in Russian?"): the core decides whether that is a request.
    named_language: str | None = None
    #: Asks which language the last answer's service is in ("is it in English?"): no request.
    language_question: bool = False
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
    #: Openings asking about the last answer for another situation ("what if I'm not a job seeker?").
    conditions: Phrases
    there: Phrases
    #: Words pointing back to what the last answer is about ("about it", "siitä"): no topic of their own.
    references: Phrases
    details: tuple[Detail, ...]
    language_requests: Mapping[str, Phrases]
    #: Words that, with a language's name, ask which language a service is in ("is it in English?",
    #: "на каком языке?"): then the name is no request to answer in it.
    language_questions: Phrases
    #: Why a language is asked for ("I don't understand", "my reading is weak"): a clause saying
    #: only that asks nothing of its own.
    reasons: Phrases

    def read(self, text: str, without_names: Callable[[str], str]) -> Signals:
        """What ``text`` does; ``without_names`` takes municipality names out of normalized text."""
        folded = normalize(text)
        short = self.acknowledgements.removed(folded)
        acknowledgement = plain(folded) != short and not letters(short)
        decline = self.declines.found(folded) and not letters(removed(folded, (self.declines, self.acknowledgements)))
        unnamed = self._without_opening(without_names(folded))
        remainder = self.followups.after_start(unnamed)
        named = self._requested_language(folded)
        language_question = named is not None and self.language_questions.found(folded)
        requests = (*self.language_requests.values(), *([self.language_questions] if language_question else []))
        rest = removed(remainder, (self.home, self.references, *(d.phrases for d in self.details), *requests))
        named = None if language_question else named
        return Signals(
            acknowledgement=acknowledgement and not decline,
            decline=decline,
            home=self.home.found(folded),
            followup=self.followups.starts(unnamed),
            condition=self.conditions.starts(unnamed),
            there=self.there.found(folded),
            reference=self.references.found(folded),
            detail=self._asked_detail(folded),
            language=named if letters(rest) <= REQUEST_REST else None,
            named_language=named,
            language_question=language_question,
            rest=letters(rest),
            remainder=" ".join(_WORD.findall(remainder)),
        )

    def home_named(self, text: str, knowledge: Knowledge) -> str | None:
        """Where a message naming several municipalities says the user lives ("ой, я переплутала,
        живу в Соткамо, не в Каяані", "من لە پالتامۆ دەژیم نەک کایانی"): the one named nearest
        the words saying so, before or after them; None when it says nothing of living somewhere."""
        # Asked of every message naming no single municipality: the names first, which the
        # understanding has just looked up (Places keeps them), and the words only for two or more.
        found = knowledge.places.find(text)
        if len({place.municipality for place in found}) < 2:
            return None
        said = self.home.matches(normalize(text))
        if not said:
            return None

        def distance(start: int, end: int) -> int:
            return min(max(match.start() - end, start - match.end(), 0) for match in said)

        return min(found, key=lambda place: distance(place.start, place.end)).municipality

    def switch(self, text: str) -> Switch | None:
        """The language a clause of ``text`` asks for (the last such clause's) and the question
        the other clauses ask ("Pardon, en français svp : c'est quoi ... ?"). A request clause
        holds little besides the request (``REQUEST_REST`` letters: "sorry", "svp", "لو سمحت");
        the question is what follows the last one, else what comes before the first, and must
        ask something (``_asks``: more than a greeting); where it only gives a reason
        for the request (``reasons``, asking nothing: no question mark), the request clause is
        all that is asked. None when no clause is a
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
            and not self.language_questions.found(folded)  # "is it in English?" asks, about the service
            and letters(removed(folded, (*self.language_requests.values(), self.acknowledgements))) <= REQUEST_REST
        ]
        if not requests:
            return None
        after, before = text[requests[-1][1] :], text[: requests[0][0]]
        question = after if _asks(after) else before
        if not _asks(question):
            return None
        if QUESTION_MARKS.isdisjoint(question) and self.reasons.found(normalize(question)):
            # "please in English, my reading is weak": the request alone, as "in English please"
            return Switch(requests[-1][2], text[requests[-1][0] : requests[-1][1]].strip())
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


def _asks(clauses: str) -> bool:
    """Tell whether ``clauses`` beside a request for a language ask something: more than a
    greeting's letters (``REQUEST_REST``), or a question mark after a few ("أين المكتب؟", "ở đâu?")."""
    return letters(clauses) > REQUEST_REST or (letters(clauses) > 2 and not QUESTION_MARKS.isdisjoint(clauses))


def _strongest(by_key: Mapping[Key, Phrases], folded: str, weight: Callable[[re.Match[str]], int]) -> Key | None:
    """The key whose phrases match ``folded`` with the greatest ``weight``; None when none match."""
    weights = {
        key: max(weight(match) for match in matches)
        for key, phrases in by_key.items()
        if (matches := phrases.matches(folded))
    }
    return max(weights, key=weights.__getitem__) if weights else None


def letters(text: str) -> int:
    """How many letters ``text`` holds (a Chinese character weighs as much as a few Latin ones)."""
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
        flags = {flag: raw.get(flag) is True for flag in ("yields", "from_related", "unless_named", "from_named")}
        otherwise = str(raw["otherwise"]) if raw.get("otherwise") else None
        details.append(Detail(str(name), str(raw["shape"]), gaps, asked, **flags, otherwise=otherwise))
    requests = data.get("language_requests") or {}
    unknown = sorted(set(requests) - set(SUPPORTED))
    if unknown:
        raise DataError(path, "language_requests", f"Unknown language '{unknown[0]}'.", "Use a supported code.")
    return Steering(
        acknowledgements=phrases("acknowledgements", data.get("acknowledgements"), True),
        declines=phrases("declines", data.get("declines"), True),
        home=phrases("home", data.get("home"), True),  # "asun" is no stem of "vuokra-asunto"
        followups=phrases("followups", data.get("followups"), True),
        conditions=phrases("conditions", data.get("conditions") or {}, True),
        there=phrases("there", data.get("there"), True),
        references=phrases("references", data.get("references") or {}, True),
        reasons=phrases("reasons", data.get("reasons") or {}, False),
        language_questions=phrases("language_questions", data.get("language_questions") or {}, False),
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
