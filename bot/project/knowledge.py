"""The knowledge base: entries, sources, municipalities and emergency phrases from knowledge/.

Editors own the files; this module only reads them into frozen objects. Each entry has Finnish
text (the source language) and texts in other languages, the verbatim facts it relies on, the
source it comes from and when it must be reviewed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..languages import FALLBACK_LANGUAGE, SOURCE_LANGUAGE
from .places import Places, normalize
from .places import key as name_key
from .yamlfile import line_of, load_yaml

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Source:
    """A source document every fact must come from."""

    file: str
    title: str
    title_en: str
    published: str


@dataclass(frozen=True)
class Entry:
    """One answer of the knowledge base."""

    id: str
    intent: str
    title: Mapping[str, str]
    text: Mapping[str, str]
    source: str
    section: str
    review_by: date
    path: Path
    line: int | None = None
    municipality: str | None = None
    facts: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    gaps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Municipality:
    """A municipality and the names people write for it in every language and inflection."""

    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """Everything the bot may answer, for one region."""

    region: str
    default_municipality: str
    entries: tuple[Entry, ...]
    sources: Mapping[str, Source]
    municipalities: tuple[Municipality, ...]
    emergency_phrases: Mapping[str, tuple[str, ...]]
    allowed_facts: Mapping[str, str] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    glossary: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Intent -> intent whose entry of a municipality answers where the first has none of its own.
    answered_by: Mapping[str, str] = field(default_factory=dict)
    #: Places outside the region people ask about (Helsinki, Oulu): their questions are not ours.
    elsewhere: tuple[Municipality, ...] = ()
    #: Intents whose region-wide entry only says which municipalities have what: a question naming
    #: no municipality may get the entry of the one whose entry holds what it asks (bot/nlu/entries.py).
    overviews: frozenset[str] = frozenset()

    @cached_property
    def _by_intent(self) -> dict[str, tuple[Entry, ...]]:
        grouped: dict[str, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.intent, []).append(entry)
        return {intent: tuple(entries) for intent, entries in grouped.items()}

    @cached_property
    def places(self) -> Places:
        """The municipalities as a tolerant matcher of names in any script (bot/project/places.py)."""
        return Places([(m.name, m.aliases) for m in self.municipalities])

    @cached_property
    def public_facts(self) -> frozenset[str]:
        """The facts the knowledge base publishes (officials' e-mails, office addresses): not
        personal data, so redaction keeps them."""
        return frozenset({fact for entry in self.entries for fact in entry.facts} | set(self.allowed_facts))

    @cached_property
    def proper_names(self) -> frozenset[str]:
        """Finnish names and terms that stay as written in every language (and through MT); read
        on every reply, so gathered once."""
        names = {
            alias
            for m in self.municipalities
            for alias in (m.name, *m.aliases)
            if alias.isascii() or any("a" <= char.lower() <= "z" or char in "äöå" for char in alias)
        }
        names.update(fact for entry in self.entries for fact in entry.facts if _is_name(fact))
        names.update(self.glossary)
        return frozenset(names)

    @cached_property
    def _names_pattern(self) -> re.Pattern[str]:
        """Proper names of the knowledge base, which say nothing about the writer's language."""
        names = {normalize(alias) for m in self.municipalities for alias in (m.name, *m.aliases)}
        names.update(normalize(name) for name in self.proper_names)
        ordered = sorted(names, key=len, reverse=True)
        return re.compile("|".join(re.escape(name) for name in ordered))

    def intents(self) -> set[str]:
        """The intents some entry answers."""
        return set(self._by_intent)

    def entries_for(self, intent: str) -> tuple[Entry, ...]:
        """Every entry that answers ``intent``."""
        return self._by_intent.get(intent, ())

    def depends_on_municipality(self, intent: str) -> bool:
        """Tell whether the answer to ``intent`` differs between municipalities."""
        return any(entry.municipality for entry in self.entries_for(intent))

    def own_entry(self, intent: str, municipality: str) -> Entry | None:
        """The entry of ``municipality`` for ``intent``, or of the intent that answers for it. An
        intent with no municipal entries at all has its general entry written for the default
        municipality (integration_services: "Kajaani's integration services"): that one answers
        there, the other intent's entry everywhere else."""
        for entry in self.entries_for(intent):
            if entry.municipality == municipality:
                return entry
        stands_for_default = municipality == self.default_municipality and not self.depends_on_municipality(intent)
        if intent not in self.answered_by or stands_for_default:
            return None
        for entry in self.entries_for(self.answered_by[intent]):
            if entry.municipality == municipality:
                return entry
        return None

    def entry_for(self, intent: str, municipality: str | None) -> Entry | None:
        """The entry answering ``intent`` for ``municipality``: its own, else the general one."""
        own = self.own_entry(intent, municipality) if municipality else None
        general = [entry for entry in self.entries_for(intent) if entry.municipality is None]
        return own or (general[0] if general else None)

    def related(self, entry: Entry) -> tuple[Entry, ...]:
        """Entries of other intents from the same section of the same source as ``entry``, for its
        municipality or the whole region (what the council does, and how to contact it)."""
        return tuple(
            other
            for other in self.entries
            if (other.source, other.section) == (entry.source, entry.section)
            and other.intent != entry.intent
            and other.municipality in (entry.municipality, None)
        )

    @cached_property
    def _by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with id ``entry_id``."""
        return self._by_id.get(entry_id)

    @cached_property
    def _elsewhere(self) -> Places:
        return Places([(m.name, m.aliases) for m in self.elsewhere], strict=True)

    def names_elsewhere(self, text: str) -> bool:
        """Tell whether ``text`` names a place outside the region (and none inside it)."""
        return bool(self._elsewhere.find(text)) and not self.places.find(text)

    @cached_property
    def people(self) -> Mapping[str, frozenset[str]]:
        """The people the entries name, by surname: a name among an entry's facts with an e-mail
        address of its own ("Karoliina Homanen", karoliina.homanen@kajaani.fi), each with the
        intents whose entries name them."""
        mailboxes = {name_key(fact.split("@")[0]) for entry in self.entries for fact in entry.facts if "@" in fact}
        people: dict[str, set[str]] = {}
        for entry in self.entries:
            for fact in entry.facts:
                if " " in fact and name_key(fact) in mailboxes:
                    people.setdefault(fact.split()[-1], set()).add(entry.intent)
        return {surname: frozenset(intents) for surname, intents in people.items()}

    @cached_property
    def _people(self) -> Places:
        return Places([(surname, ()) for surname in self.people])

    def intents_naming_people(self, text: str) -> frozenset[str]:
        """The intents whose entries name a person ``text`` names (by surname, in any script)."""
        return frozenset(intent for found in self._people.find(text) for intent in self.people[found.municipality])

    def find_municipality(self, text: str) -> str | None:
        """The municipality named in ``text`` (any script, spelling or inflection), if exactly one is."""
        return self.places.municipality(text)

    def without_municipalities(self, text: str) -> str:
        """``text`` with municipality names removed: they say nothing about the intent."""
        return self.places.without(text)

    def without_names(self, text: str) -> str:
        """``text`` with the knowledge base's proper names removed, for language detection."""
        return self._names_pattern.sub(" ", self.places.without(text))

    def is_emergency(self, text: str) -> bool:
        """Tell whether ``text`` contains an emergency phrase of any language."""
        folded = normalize(text)
        return any(phrase in folded for phrases in self.emergency_phrases.values() for phrase in phrases)

    def events(self) -> list[Entry]:
        """Entries about dated events, earliest first."""
        return sorted((entry for entry in self.entries if entry.dates), key=lambda entry: entry.dates[0])


def _is_name(fact: str) -> bool:
    return "@" not in fact and "://" not in fact and not any(char.isdigit() for char in fact)


def load_knowledge(root: Path, region: str) -> Knowledge:
    """Read the knowledge base of ``region`` under ``root`` (the knowledge/ folder)."""
    region_dir = root / region
    region_file = region_dir / "region.yml"
    if not region_file.is_file():
        raise DataError(region_file, "region", "The region has no region.yml.", f"Create {region_file}.")
    region_data = _mapping(load_yaml(region_file), region_file, "region")
    sources = _load_sources(root / "sources.yml")
    entries: list[Entry] = []
    for path in sorted(region_dir.glob("*.yml")):
        if path.name != "region.yml":
            entries.extend(_load_entries(path, sources))
    _check_unique_ids(entries)
    return Knowledge(
        region=region,
        default_municipality=str(region_data.get("default_municipality", "")),
        entries=tuple(entries),
        sources=sources,
        municipalities=_load_municipalities(root / "municipalities.yml"),
        elsewhere=_load_municipalities(root / "municipalities.yml", "elsewhere"),
        emergency_phrases=_load_emergency(root / "emergency.yml"),
        allowed_facts=_load_allowed_facts(root / "allowed_facts.yml"),
        topics=tuple(str(intent) for intent in region_data.get("topics") or ()),
        answered_by={
            str(intent): str(other)
            for intent, other in _mapping(region_data.get("answered_by") or {}, region_file, "answered_by").items()
        },
        glossary=_load_glossary(root / "glossary.yml"),
        overviews=frozenset(str(intent) for intent in region_data.get("overviews") or ()),
    )


def _mapping(value: Any, path: Path, item: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DataError(path, item, "Expected a mapping (key: value lines).", "Compare with knowledge/README.md.")
    return value


def _items(data: Mapping[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise DataError(path, key, f"The file needs a list under '{key}:'.", f"Add '{key}:' with '- ' items.")
    return value


def _load_sources(path: Path) -> dict[str, Source]:
    data = _mapping(load_yaml(path), path, "sources")
    sources = {}
    for item in _items(data, "sources", path):
        item = _mapping(item, path, "source")
        sources[str(item["file"])] = Source(
            file=str(item["file"]),
            title=str(item["title"]),
            title_en=str(item.get("title_en", item["title"])),
            published=str(item.get("published", "")),
        )
    return sources


def _languages(value: Any, path: Path, item: str, key: str, line: int | None) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(text, str) and text.strip() for text in value.values()):
        raise DataError(
            path, item, f"'{key}' needs a text per language.", f"Write '{key}:' with 'fi:' and 'en:'.", line
        )
    for required in (SOURCE_LANGUAGE, FALLBACK_LANGUAGE):
        if required not in value:
            raise DataError(
                path, item, f"'{key}' has no '{required}' text.", f"Add '{required}:' under '{key}:'.", line
            )
    return {language: text.strip() for language, text in value.items()}


def _load_entries(path: Path, sources: Mapping[str, Source]) -> list[Entry]:
    data = _mapping(load_yaml(path), path, "entries")
    entries = []
    for raw in _items(data, "entries", path):
        line = line_of(raw)
        raw = _mapping(raw, path, "entry")
        entry_id = str(raw.get("id", ""))
        if not _ID.match(entry_id):
            raise DataError(path, entry_id or "entry", "An entry needs an id of a-z, 0-9 and _.", "Add 'id:'.", line)
        for key in ("intent", "source", "review_by"):
            if not raw.get(key):
                raise DataError(path, entry_id, f"The entry has no '{key}'.", f"Add '{key}:' to the entry.", line)
        if raw["source"] not in sources:
            raise DataError(
                path, entry_id, f"Source '{raw['source']}' is not listed.", "Add it to knowledge/sources.yml.", line
            )
        entries.append(
            Entry(
                id=entry_id,
                intent=str(raw["intent"]),
                title=_languages(raw.get("title"), path, entry_id, "title", line),
                text=_languages(raw.get("text"), path, entry_id, "text", line),
                source=str(raw["source"]),
                section=str(raw.get("section", "")),
                review_by=_date(raw["review_by"], path, entry_id, line),
                path=path,
                line=line,
                municipality=raw.get("municipality"),
                facts=tuple(str(fact) for fact in raw.get("facts") or ()),
                dates=tuple(_date(day, path, entry_id, line) for day in raw.get("dates") or ()),
                gaps=tuple(str(gap) for gap in raw.get("gaps") or ()),
            )
        )
    return entries


def _date(value: Any, path: Path, item: str, line: int | None) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise DataError(
            path, item, f"'{value}' is not a date.", "Write dates as YYYY-MM-DD, e.g. 2027-06-30.", line
        ) from error


def _check_unique_ids(entries: Iterable[Entry]) -> None:
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in seen:
            first = seen[entry.id]
            raise DataError(
                entry.path,
                entry.id,
                f"The id is used twice (also {first.path}:{first.line}).",
                "Rename one.",
                entry.line,
            )
        seen[entry.id] = entry


def _load_municipalities(path: Path, key: str = "municipalities") -> tuple[Municipality, ...]:
    data = _mapping(load_yaml(path), path, "municipalities")
    if key not in data and key != "municipalities":
        return ()
    return tuple(
        Municipality(name=str(item["name"]), aliases=tuple(str(alias) for alias in item.get("aliases") or ()))
        for item in _items(data, key, path)
    )


def _load_emergency(path: Path) -> dict[str, tuple[str, ...]]:
    data = _mapping(load_yaml(path), path, "emergency")
    languages = _mapping(data.get("languages"), path, "languages")
    return {language: tuple(normalize(str(p)) for p in phrases or ()) for language, phrases in languages.items()}


def _load_glossary(path: Path) -> dict[str, dict[str, str]]:
    data = _mapping(load_yaml(path), path, "terms")
    return {str(item["term"]): dict(item.get("explanation") or {}) for item in _items(data, "terms", path)}


def _load_allowed_facts(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    data = _mapping(load_yaml(path), path, "facts")
    return {str(item["fact"]): str(item["source"]) for item in _items(data, "facts", path)}
