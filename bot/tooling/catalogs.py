"""`opastin translations update`: the knowledge template written from knowledge/ and merged
into every language's catalog, so translations whose Finnish source changed turn fuzzy (outdated)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from ..project.knowledge import Knowledge
from ..project.texts import read_catalog
from ..project.translations import CATALOG_LANGUAGES, FIELDS, TEMPLATE, context


def template(knowledge: Knowledge, root: Path) -> Catalog:
    """The template catalog: every entry's Finnish title and text, with notes for translators."""
    catalog = _catalog(None)
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
        catalog = read_catalog(path) if path.is_file() else _catalog(language)
        catalog.update(fresh, update_creation_date=False)
        _write(path, catalog)


def _catalog(language: str | None) -> Catalog:
    """A new catalog whose header names no placeholder person, team or e-mail address."""
    catalog = Catalog(locale=language, project="Opastin knowledge", version="1", charset="utf-8")
    name = Locale.parse(language).english_name if language else None
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "draft, not yet reviewed by a native speaker"
    catalog.language_team = f"{name} translators of Opastin (no team address yet)" if name else ""
    title = f"{name} ({language})" if name else "the template"
    catalog.header_comment = (
        f"# Opastin knowledge translations: {title}.\n# translations/REVIEW.md says what a reviewer reads first."
    )
    return catalog


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=True)
