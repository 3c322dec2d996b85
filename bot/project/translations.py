"""Knowledge translations as gettext catalogs, one per language, beside the interface catalogs.

translations/knowledge/knowledge.pot is made from knowledge/ (msgctxt "<entry id>#title" or
"<entry id>#text", msgid the Finnish source, the English text and the verbatim facts as notes for
the translator). translations/knowledge/<code>.po holds each language. When the Finnish text of
an entry changes, `opastin translations update` marks its translations fuzzy: outdated.
A translator comment `# reviewed-by: NAME, YYYY-MM-DD` marks a translation reviewed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from .errors import DataError
from .knowledge import Entry, Knowledge
from .languages import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, SUPPORTED

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


def template(knowledge: Knowledge, root: Path) -> Catalog:
    """The template catalog: every entry's Finnish title and text, with notes for translators."""
    catalog = Catalog(project="Opastin knowledge", locale=None, charset="utf-8")
    for entry in knowledge.entries:
        notes = [f"en: {entry.title['en'] if field == 'title' else entry.text['en']}" for field in FIELDS]
        for field, note in zip(FIELDS, notes, strict=True):
            comments = [note]
            if field == "text" and entry.facts:
                comments.append("Keep these exactly as written: " + " | ".join(entry.facts))
            source = entry.title["fi"] if field == "title" else entry.text["fi"]
            location = (str(entry.path.relative_to(root)), entry.line or 0)
            catalog[source] = Message(source, "", locations=[location], auto_comments=comments,
                                      context=context(entry.id, field))  # fmt: skip
    return catalog


def update_catalogs(
    knowledge: Knowledge, folder: Path, root: Path, languages: Iterable[str] = CATALOG_LANGUAGES
) -> None:
    """Write the template and merge it into every language's catalog (changed sources turn fuzzy)."""
    folder.mkdir(parents=True, exist_ok=True)
    fresh = template(knowledge, root)
    _write(folder / TEMPLATE, fresh)
    for language in languages:
        path = folder / f"{language}.po"
        catalog = _read(path) if path.is_file() else Catalog(locale=language, project="Opastin knowledge")
        catalog.update(fresh, update_creation_date=False)
        _write(path, catalog)


def load_translations(knowledge: Knowledge, folder: Path) -> dict[str, dict[str, Translation]]:
    """Every language's translations by entry id; outdated ones are kept, marked as such."""
    by_language: dict[str, dict[str, Translation]] = {}
    for path in sorted(folder.glob("*.po")):
        messages = {str(m.context): m for m in _read(path) if m.id and m.context}
        by_language[path.stem] = {
            entry.id: translation
            for entry in knowledge.entries
            if (translation := _translation(entry, messages)) is not None
        }
    return by_language


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


def _read(path: Path) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle)
    except (OSError, ValueError) as error:
        problem = f"The catalog cannot be read: {error}."
        raise DataError(path, "catalog", problem, "Open it in Poedit and save it.") from error


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=True)
