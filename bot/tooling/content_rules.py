"""Content rules of `opastin check`: answers right for every municipality, current on the day of
the check, reachable, and translations that keep what the user must say or show.

Each function is one rule and returns its findings; ``Checker.check_content`` records them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from ..patterns import DATE, EMAIL, URL
from ..project.knowledge import Entry, Knowledge
from ..project.translations import Translation
from . import messages
from .problems import Wording

#: A contact or date people act on: a URL, an e-mail, a phone number or a Finnish date.
CONTACT_LIKE = re.compile("|".join((URL, EMAIL, r"\+?\d[\d -]{6,}\d", DATE)))
#: Metadata that is no fact: ISO dates (timestamps, reviewers' dates) and generated header fields.
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{4})?)?")
_GENERATED = frozenset({"POT-Creation-Date", "PO-Revision-Date", "Generated-By"})
#: A word that carries meaning (five letters or more), compared by its first six letters.
_WORD = re.compile(r"[^\W\d_]{5,}")
_STEM = 6
#: A sentence about the user's own municipality ("kysy kuntasi yhteyshenkilöltä") is no fact.
_YOUR_MUNICIPALITY = re.compile(r"\bkuntasi\b", re.IGNORECASE)
#: How many words of a sentence may be missing elsewhere before it counts as a lost fact
#: (one is usually just another inflection).
_LOST_WORDS = 2
_YEAR_RANGE = re.compile(r"\b(20\d\d)\s*[–-]\s*(20\d\d)\b")
_SEASON = re.compile(r"\b(kevä|kesä|syks|talv)\w*\s+(20\d\d)\b", re.IGNORECASE)
#: Months of each season: spring 3-5, summer 6-8, autumn 9-11, winter 12-2 (ends the next year).
_SEASONS = {"kevä": (3, 5), "kesä": (6, 8), "syks": (9, 11), "talv": (12, 2)}
#: The past tense as editors write it: "oli", a passive past ("järjestettiin") or a common verb.
_PAST = re.compile(
    r"\b(?:oli|olivat|ollut|olleet|oltiin|\w+ttiin|\w+tiin|tarjosi|järjesti|toteutti|kuului|toimi|palveli"
    r"|päättyi|alkoi)\b",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\(([^()]+)\)")


@dataclass(frozen=True)
class Finding:
    """One problem a content rule found, before the checker records it."""

    severity: str
    rule: str
    path: Path
    item: str
    wording: Wording
    line: int | None = None


def sentences(text: str) -> list[str]:
    """The sentences of a text (lines, then full stops)."""
    return [part for part in re.split(r"(?<=[.!?])\s+|\n", text) if part.strip()]


def municipality_coverage(knowledge: Knowledge) -> Iterator[Finding]:
    """Every municipality-dependent intent answers each municipality with its own entry, or with a
    general entry whose gaps name the municipality (so the text says plainly that nothing is known)."""
    for intent in sorted(knowledge.intents()):
        if not knowledge.depends_on_municipality(intent):
            continue
        general = next((e for e in knowledge.entries_for(intent) if e.municipality is None), None)
        for municipality in knowledge.municipalities:
            if knowledge.own_entry(intent, municipality.name) is not None:
                continue
            if general is None:
                first = knowledge.entries_for(intent)[0]
                wording = messages.municipality_without_answer(intent, municipality.name)
                yield Finding("error", "municipality-without-answer", first.path, intent, wording, first.line)
            elif not any(municipality.name in gap for gap in general.gaps):
                wording = messages.municipality_unmarked(intent, municipality.name)
                yield Finding("error", "municipality-unmarked", general.path, general.id, wording, general.line)


def unreachable_entries(knowledge: Knowledge) -> set[str]:
    """General entries never shown: every municipality has its own entry for their intent."""
    return {
        entry.id
        for intent in knowledge.intents()
        if knowledge.depends_on_municipality(intent)
        and all(knowledge.own_entry(intent, m.name) for m in knowledge.municipalities)
        for entry in knowledge.entries_for(intent)
        if entry.municipality is None
    }


def _stems(text: str) -> set[str]:
    return {word.casefold()[:_STEM] for word in _WORD.findall(text)}


def unreachable_facts(knowledge: Knowledge) -> Iterator[Finding]:
    """An entry no question reaches must not hold a fact (or a sentence) no reachable entry holds."""
    hidden = unreachable_entries(knowledge)
    reachable = [entry for entry in knowledge.entries if entry.id not in hidden]
    words = set().union(*(_stems(entry.text["fi"]) for entry in reachable))
    for entry in sorted((entry for entry in knowledge.entries if entry.id in hidden), key=lambda e: e.id):
        for fact in entry.facts:
            if not any(fact in other.text["fi"] for other in reachable):
                wording = messages.unreachable_fact(fact)
                yield Finding("warning", "unreachable-fact", entry.path, entry.id, wording, entry.line)
        for sentence in sentences(entry.text["fi"]):
            lost = sorted(stem for stem in _stems(sentence) if stem not in words)
            if len(lost) >= _LOST_WORDS and not _YOUR_MUNICIPALITY.search(sentence):
                wording = messages.unreachable_fact(sentence)
                yield Finding("warning", "unreachable-fact", entry.path, entry.id, wording, entry.line)


def _periods(sentence: str) -> Iterator[tuple[str, date]]:
    """The date ranges and seasons of a sentence, with the day each ends."""
    for match in _YEAR_RANGE.finditer(sentence):
        yield match.group(0), date(int(match.group(2)), 12, 31)
    for match in _SEASON.finditer(sentence):
        first, last = _SEASONS[match.group(1).casefold()]
        year = int(match.group(2)) + (1 if first > last else 0)
        yield match.group(0), date(year, last, calendar.monthrange(year, last)[1])


def stale_periods(knowledge: Knowledge, today: date) -> Iterator[Finding]:
    """A period that is over, told in the present tense; a review due after a current period ends."""
    for entry in knowledge.entries:
        for sentence in sentences(entry.text["fi"]):
            if _PAST.search(sentence):
                continue
            for period, end in _periods(sentence):
                if end < today:
                    wording = messages.period_over(period, end, sentence)
                    yield Finding("warning", "period-over", entry.path, entry.id, wording, entry.line)
                elif entry.review_by > end:
                    wording = messages.review_after_period(period, end, entry.review_by)
                    yield Finding("warning", "review-after-period", entry.path, entry.id, wording, entry.line)


def finnish_terms(entry: Entry, glossary: Mapping[str, object]) -> list[str]:
    """The Finnish terms the English text keeps: in brackets (and in the Finnish text), or glossary terms."""
    finnish = entry.text["fi"].casefold()
    english = entry.text["en"]
    terms: list[str] = []
    for inner in _BRACKETED.findall(english):
        for part in (piece.strip() for piece in inner.split(",")):
            word = re.escape(part.casefold())
            if part and not part.isdigit() and re.search(rf"(?<!\w){word}(?!\w)", finnish) and part not in terms:
                terms.append(part)
    terms.extend(term for term in glossary if term.casefold() in english.casefold() and term not in terms)
    return terms


def dropped_terms(
    knowledge: Knowledge, translations: Mapping[str, Mapping[str, Translation]], root: Path
) -> Iterator[Finding]:
    """A translation keeps every Finnish term the English keeps: the user says it at the counter."""
    for language, by_id in sorted(translations.items()):
        path = root / "translations" / "knowledge" / f"{language}.po"
        for entry_id, translation in sorted(by_id.items()):
            entry = knowledge.entry(entry_id)
            if entry is None or translation.status == "outdated":
                continue
            for term in finnish_terms(entry, knowledge.glossary):
                if term.casefold() not in translation.text.casefold():
                    wording = messages.term_dropped(language, term)
                    yield Finding("warning", "term-dropped", path, f"{entry_id} ({language})", wording, entry.line)


def _catalog_texts(path: Path) -> Iterator[tuple[str, int | None]]:
    """Every text of a catalog a person reads, with its line: the header as written, messages, comments."""
    raw = path.read_text(encoding="utf-8")
    header = raw.split("\n\n", 1)[0].splitlines()
    yield "\n".join(line for line in header if not line.startswith(tuple(f'"{key}:' for key in _GENERATED))), 1
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in (*ids, *strings, *message.auto_comments, *message.user_comments):
            yield str(text), message.lineno


def translation_contacts(root: Path, known: str, allowed: Mapping[str, str]) -> Iterator[Finding]:
    """Every e-mail, URL, phone number and date anywhere under translations/ (headers, comments and
    notes included) is in a source; timestamps and reviewers' ISO dates are metadata, not facts."""
    for path in sorted(p for p in (root / "translations").rglob("*") if p.is_file()):
        if path.suffix in {".po", ".pot"}:
            texts = list(_catalog_texts(path))
        elif path.suffix == ".md":
            texts = [(line, number) for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)]
        else:
            continue
        reported: set[str] = set()
        for text, line in texts:
            for found in sorted({m.group(0) for m in CONTACT_LIKE.finditer(_ISO_DATE.sub(" ", text))}):
                if found not in known and found not in allowed and found not in reported:
                    reported.add(found)
                    wording = messages.unlisted_contact(found)
                    yield Finding("error", "unlisted-contact", path, found, wording, line)


def check_content(
    knowledge: Knowledge, translations: Mapping[str, Mapping[str, Translation]], root: Path, today: date, known: str
) -> list[Finding]:
    """Every content rule over the knowledge base and its translations."""
    return [
        *municipality_coverage(knowledge),
        *unreachable_facts(knowledge),
        *stale_periods(knowledge, today),
        *dropped_terms(knowledge, translations, root),
        *translation_contacts(root, known, knowledge.allowed_facts),
    ]
