"""A reviewer's correction written into translations/knowledge/<code>.po, one entry at a time.

The catalogs are the translators' own files (Poedit, Weblate), so the console edits only the
lines of the entry reviewed and leaves every other byte as it was: no rewrite with Babel, which
would drop the ``#|`` lines and re-wrap what it writes. The entry's text gets the translator
comment ``# reviewed-by: NAME, YYYY-MM-DD`` (bot/project/translations.py reads it) and the new
msgstr; the file is replaced in one step, so a bot reloading it never reads half of it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import normalize

from ..errors import DataError
from .translations import REVIEWED, context

#: One reviewer's save at a time: two at once would each write the other's entry back as it was.
_WRITING = threading.Lock()
_FUZZY = "fuzzy"


@dataclass(frozen=True)
class Correction:
    """A reviewed entry: its Finnish source and the translation to keep, and who reviewed it when."""

    entry: str
    source_title: str
    source_text: str
    title: str
    text: str
    reviewer: str
    day: date


def save_review(path: Path, correction: Correction) -> None:
    """Write ``correction`` into the catalog at ``path``; a DataError when the entry is not in it."""
    with _WRITING:
        lines = path.read_text(encoding="utf-8").split("\n")
        stamp = f"# {REVIEWED} {correction.reviewer}, {correction.day.isoformat()}"
        for field, source, translation, comment in (
            ("title", correction.source_title, correction.title, None),
            ("text", correction.source_text, correction.text, stamp),
        ):
            start, end = _block(lines, path, context(correction.entry, field))
            lines[start:end] = _rewritten(lines[start:end], source, translation, comment)
        _replace(path, "\n".join(lines))


def _block(lines: list[str], path: Path, wanted: str) -> tuple[int, int]:
    """Where the entry with msgctxt ``wanted`` begins and ends: the lines between blank lines."""
    marker = f'msgctxt "{wanted}"'
    try:
        at = lines.index(marker)
    except ValueError:
        raise DataError(
            path, wanted, "The catalog has no such entry.", "Run `opastin translations update`, then review it."
        ) from None
    start = at
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = at
    while end < len(lines) and lines[end].strip():
        end += 1
    return start, end


def _rewritten(block: list[str], source: str, translation: str, comment: str | None) -> list[str]:
    """The entry's lines with ``translation`` for the current ``source``: no longer fuzzy, without
    the previous source (``#|``) and an older review; unchanged when it already says just that."""
    at = next(index for index, line in enumerate(block) if line.startswith("msgctxt "))
    comments, rest = block[:at], block[at:]
    body = [rest[0], "msgid " + normalize(source, width=0), "msgstr " + normalize(translation, width=0)]
    kept = [line for line in comments if not line.startswith("#|") and not line.startswith(f"# {REVIEWED}")]
    kept = [_without_fuzzy(line) if line.startswith("#,") else line for line in kept]
    kept = [line for line in kept if line != "#,"]
    if comment is None and kept == comments and "\n".join(body) == "\n".join(rest):
        return block
    return [*([comment] if comment else []), *kept, *"\n".join(body).split("\n")]


def _without_fuzzy(flags: str) -> str:
    """A ``#,`` flags line without ``fuzzy``."""
    kept = [flag.strip() for flag in flags[2:].split(",") if flag.strip() and flag.strip() != _FUZZY]
    return "#, " + ", ".join(kept) if kept else "#,"


def _replace(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` in one step (a new file renamed over the old)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(content)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
