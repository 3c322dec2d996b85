"""Knowledge translations as gettext catalogs, one per language, beside the interface catalogs.

translations/knowledge/knowledge.pot is made from knowledge/ (msgctxt "<entry id>#title" or
"<entry id>#text", msgid the Finnish source, the English text and the verbatim facts as notes for
the translator). translations/knowledge/<code>.po holds each language. When the Finnish text of
an entry changes, `opastin translations update` (bot/tooling/catalogs.py) marks its translations
fuzzy: outdated.
A translator comment `# reviewed-by: NAME, YYYY-MM-DD` marks a translation reviewed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message

from ..languages import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, SUPPORTED
from .knowledge import Entry, Knowledge
from .texts import read_catalog

TEMPLATE = "knowledge.pot"
REVIEWED = "reviewed-by:"
FIELDS = ("title", "text")
#: Languages whose knowledge translations live in catalogs (fi is the source, en is in the entry).
CATALOG_LANGUAGES = tuple(code for code in SUPPORTED if code not in (SOURCE_LANGUAGE, FALLBACK_LANGUAGE))


@dataclass(frozen=True)
class Translation:
    """An entry in one language, and how far it can be trusted."""

    title: str
    text: str
    status: str  # "reviewed", "draft" or "outdated"
    reviewer: str | None = None


def context(entry_id: str, field: str) -> str:
    """The msgctxt of one field of an entry."""
    return f"{entry_id}#{field}"


def load_translations(knowledge: Knowledge, folder: Path) -> dict[str, dict[str, Translation]]:
    """Every language's translations by entry id; outdated ones are kept, marked as such."""
    return {path.stem: translations_in(knowledge, path) for path in sorted(folder.glob("*.po"))}


def translations_in(knowledge: Knowledge, path: Path) -> dict[str, Translation]:
    """One language's translations (the catalog at ``path``) by entry id, as the file says now."""
    messages = {str(m.context): m for m in read_catalog(path) if m.id and m.context}
    return {
        entry.id: translation
        for entry in knowledge.entries
        if (translation := _translation(entry, messages)) is not None
    }


def _translation(entry: Entry, messages: Mapping[str, Message]) -> Translation | None:
    found = [messages.get(context(entry.id, field)) for field in FIELDS]
    if any(message is None or not message.string for message in found):
        return None
    title, text = found[0], found[1]
    assert title is not None
    assert text is not None
    outdated = any(
        message.fuzzy or message.id != source
        for message, source in ((title, entry.title["fi"]), (text, entry.text["fi"]))
    )
    reviewers = [c.split(":", 1)[1].strip() for c in text.user_comments if c.startswith(REVIEWED)]
    status = "outdated" if outdated else "reviewed" if reviewers else "draft"
    return Translation(str(title.string).strip(), str(text.string).strip(), status, reviewers[0] if reviewers else None)
