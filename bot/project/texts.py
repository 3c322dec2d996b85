"""Interface strings (greetings, fallback, questions, errors) from gettext catalogs.

translations/ui/opastin.pot holds every key (msgctxt) with its English text (msgid);
translations/ui/<code>.po holds the translations. Translators open them in Poedit or Weblate.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ..errors import ConfigError, DataError
from ..languages import FALLBACK_LANGUAGE

TEMPLATE = "opastin.pot"


@dataclass(frozen=True)
class Texts:
    """Every interface string, by language and key."""

    by_language: Mapping[str, Mapping[str, str]]

    def get(self, key: str, language: str, **values: str) -> str:
        """The string ``key`` in ``language`` (else English), with ``{placeholders}`` filled."""
        text = self.by_language.get(language, {}).get(key) or self.by_language[FALLBACK_LANGUAGE][key]
        return text.format(**values) if values else text

    def has(self, key: str, language: str) -> bool:
        """Tell whether ``key`` is translated into ``language``."""
        return key in self.by_language.get(language, {})


@dataclass(frozen=True)
class StaffTexts:
    """The wording for service-point staff (translations/staff/<code>.po), in the staff's language."""

    texts: Texts
    language: str

    def get(self, key: str, **values: str) -> str:
        """The string ``key`` in the staff's language, with ``{placeholders}`` filled."""
        return self.texts.get(key, self.language, **values)

    def language_name(self, code: str) -> str:
        """A user's language named for staff; the code itself for a language without a name here."""
        key = f"language_{code}"
        return self.get(key) if self.texts.has(key, self.language) else code


def load_staff_texts(folder: Path, language: str) -> StaffTexts:
    """Read translations/staff/<code>.po; a language without a catalog is a ConfigError, a
    translation whose placeholders differ from its source a DataError."""
    by_language: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.po")):
        messages = [m for m in read_catalog(path) if m.id and m.context and m.string]
        by_language[path.stem] = {str(m.context): str(m.string) for m in messages}
        _check_placeholders(path, {str(m.context): str(m.id) for m in messages}, by_language[path.stem])
    if language not in by_language:
        known = ", ".join(sorted(by_language))
        raise ConfigError(f"OPASTIN_STAFF_LANGUAGE is '{language}'; {folder} has catalogs for: {known}.")
    return StaffTexts(Texts(by_language=by_language), language)


def read_catalog(path: Path) -> Catalog:
    """A gettext catalog; one that cannot be read is a DataError saying how to fix it."""
    try:
        with path.open("rb") as handle:
            return read_po(handle)
    except (OSError, ValueError) as error:
        raise DataError(
            path, "catalog", f"The catalog cannot be read: {error}.", "Open it in Poedit and save it."
        ) from error


def placeholders(text: str) -> frozenset[str] | None:
    """The ``{names}`` in ``text``; None when its braces do not pair up."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return None


def _check_placeholders(path: Path, english: Mapping[str, str], translated: Mapping[str, str]) -> None:
    """A translation must use exactly the placeholders of its English source, or filling it in
    would fail in front of a user (``{kunta}`` for ``{municipality}``)."""
    wrong = [
        key
        for key, text in translated.items()
        if key in english and (placeholders(text) is None or placeholders(text) != placeholders(english[key]))
    ]
    if wrong:
        expected = "; ".join(
            f"{key}: {' '.join(sorted(f'{{{name}}}' for name in placeholders(english[key]) or ())) or 'none'}"
            for key in wrong
        )
        raise DataError(
            path,
            ", ".join(wrong),
            f"The translation's {{placeholders}} differ from the English text's ({expected}).",
            "Copy each {name} exactly as in the English text, without translating it.",
        )


def load_texts(folder: Path) -> Texts:
    """Read the template and every catalog in ``folder``; a catalog whose placeholders differ
    from the template's is a DataError (``opastin check`` reports it, a reload keeps the last good)."""
    template = folder / TEMPLATE
    if not template.is_file():
        raise DataError(template, "catalog", "The interface template is missing.", f"Restore {TEMPLATE}.")
    english = {str(m.context): str(m.id) for m in read_catalog(template) if m.id and m.context}
    by_language: dict[str, dict[str, str]] = {FALLBACK_LANGUAGE: english}
    for path in sorted(folder.glob("*.po")):
        catalog = read_catalog(path)
        by_language[path.stem] = {
            str(m.context): str(m.string) for m in catalog if m.id and m.context and m.string and not m.fuzzy
        }
        _check_placeholders(path, english, by_language[path.stem])
    return Texts(by_language=by_language)
