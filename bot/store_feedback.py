"""The store's feedback rows and console accounts' roles: part of ``Store``, in a file of its own.

A feedback row is kept like a question: by the user's pseudonym, its texts redacted, erased by
``/delete`` (``Store.delete_user``) and blanked after the retention period (``Store.purge_expired``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlite_utils

from .names import HELPFUL, NOT_RIGHT
from .privacy import redact

_T = TypeVar("_T")
#: The longest line about what was not right that is kept (a line, not a letter).
MAX_COMMENT = 500
STAFF, REVIEWER = "staff", "reviewer"
ROLES = (STAFF, REVIEWER)


@dataclass(frozen=True)
class Account:
    """A console account: its name, role, and the languages a reviewer reviews."""

    name: str
    role: str
    languages: frozenset[str] = frozenset()

    def sees(self, language: str) -> bool:
        """Tell whether this account may see feedback and translations in ``language``."""
        return self.role == STAFF or language in self.languages

    def reviews(self, language: str) -> bool:
        """Tell whether this account may mark translations into ``language`` reviewed."""
        return self.role == REVIEWER and language in self.languages


class FeedbackRows:
    """Feedback on answers, and the roles of console accounts."""

    db: sqlite_utils.Database
    now: Callable[[], datetime]

    def _write(self, action: Callable[[], _T]) -> _T:
        raise NotImplementedError

    def record_feedback(self, user: str, verdict: str, language: str, translation: str, entry: str) -> int:
        """Keep what ``user`` said of an answer, with the question that got it (the user's latest
        stored question answered by ``entry``, already redacted; none after a topic button); its id.
        It replaces the user's earlier word on the entry in that language: the counts are of
        people, so pressing a button ten times is not ten complaints."""
        asked = self.db.execute(
            "SELECT text FROM questions WHERE user = ? AND topic = ? ORDER BY id DESC LIMIT 1", [user, entry]
        ).fetchone()
        row = {
            "user": user,
            "at": self.now().strftime("%Y-%m-%dT%H:%M"),
            "entry": entry,
            "language": language,
            "translation": translation,
            "verdict": verdict,
            "question": asked[0] if asked else None,
        }
        table = self.db.table("feedback")

        def replace_earlier() -> int:
            with self.db.atomic():
                self.db.execute(
                    "DELETE FROM feedback WHERE user = ? AND entry = ? AND language = ?", [user, entry, language]
                )
                table.insert(row)
            return int(table.last_pk)  # type: ignore[arg-type]

        return self._write(replace_earlier)

    def add_feedback_comment(self, user: str, feedback_id: int, text: str) -> bool:
        """Keep ``user``'s one line (redacted) on their own "not right" row; whether there was one."""
        line = redact(" ".join(text.split()))[:MAX_COMMENT]
        sql = "UPDATE feedback SET comment = ? WHERE id = ? AND user = ? AND verdict = ? AND comment IS NULL"
        return bool(self._write(lambda: self.db.execute(sql, [line, feedback_id, user, NOT_RIGHT]).rowcount))

    def complaints(self, languages: Collection[str] | None = None, limit: int = 500) -> list[dict[str, Any]]:
        """The "not right" feedback, newest first (in ``languages`` only, if given), without the pseudonym."""
        where, params = _in_languages(languages)
        cursor = self.db.execute(
            "SELECT at, entry, language, translation, question, comment FROM feedback "  # noqa: S608 - placeholders only
            f"WHERE verdict = ?{where} ORDER BY id DESC LIMIT ?",
            [NOT_RIGHT, *params, limit],
        )
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def feedback_counts(self, languages: Collection[str] | None = None) -> list[tuple[str, str, int, int]]:
        """Per entry and language: (entry, language, helpful, not right), most complained of first."""
        where, params = _in_languages(languages)
        rows = self.db.execute(
            "SELECT entry, language, sum(verdict = ?), sum(verdict = ?) FROM feedback "  # noqa: S608
            f"WHERE 1 = 1{where} GROUP BY entry, language ORDER BY 4 DESC, 3 DESC, entry, language",
            [HELPFUL, NOT_RIGHT, *params],
        ).fetchall()
        return [(str(entry), str(language), int(helpful), int(wrong)) for entry, language, helpful, wrong in rows]

    def staff_account(self, name: str) -> Account | None:
        """The console account ``name`` with its role; accounts made before roles are staff."""
        row = self.db.execute("SELECT role, languages FROM staff WHERE name = ?", [name]).fetchone()
        if row is None:
            return None
        languages = frozenset(code for code in (row[1] or "").split(",") if code)
        return Account(name, row[0] or STAFF, languages)


def _in_languages(languages: Collection[str] | None) -> tuple[str, list[str]]:
    """An SQL condition (and its parameters) keeping rows in ``languages``; none for None."""
    if languages is None:
        return "", []
    return f" AND language IN ({', '.join('?' * len(languages)) or 'NULL'})", list(languages)
