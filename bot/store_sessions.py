"""The store's console sessions (``staff_sessions``): part of ``Store``, in a file of its own."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlite_utils

_T = TypeVar("_T")


class SessionRows:
    """Console sessions by the SHA-256 of their random id, so a copy of the file opens none."""

    db: sqlite_utils.Database
    now: Callable[[], datetime]

    def _write(self, action: Callable[[], _T]) -> _T:
        raise NotImplementedError

    def create_session(self, staff: str | None, data: Mapping[str, Any], lifetime: timedelta) -> str:
        """A new console session (expired ones are forgotten first); the random id for its cookie."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        row = {
            "id": _session_key(token),
            "staff": staff,
            "created": now.isoformat(timespec="seconds"),
            "expires": (now + lifetime).isoformat(timespec="seconds"),
            "last_seen": now.isoformat(timespec="seconds"),
            "data": json.dumps(dict(data)),
        }

        def create() -> None:
            with self.db.atomic():
                self.db.execute("DELETE FROM staff_sessions WHERE expires <= ?", [row["created"]])
                self.db.table("staff_sessions").insert(row)

        self._write(create)
        return token

    def session(self, token: str, idle: timedelta) -> tuple[str | None, dict[str, Any]] | None:
        """The staff member (None before signing in) and data of the session with id ``token``;
        None once it expired, sat unused for ``idle``, ended, or its account is gone."""
        now = self.now()
        row = self.db.execute(
            "SELECT s.staff, s.data FROM staff_sessions AS s LEFT JOIN staff AS a ON a.name = s.staff "
            "WHERE s.id = ? AND s.expires > ? AND s.last_seen > ? AND (s.staff IS NULL OR a.name IS NOT NULL)",
            [_session_key(token), now.isoformat(timespec="seconds"), (now - idle).isoformat(timespec="seconds")],
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[1]) if row[1] else {}
        return (None if row[0] is None else str(row[0])), (data if isinstance(data, dict) else {})

    def touch_session(self, token: str, data: Mapping[str, Any] | None = None) -> None:
        """Mark the session used now, with new ``data`` if given."""
        seen, key = self.now().isoformat(timespec="seconds"), _session_key(token)
        sql, params = "UPDATE staff_sessions SET last_seen = ? WHERE id = ?", [seen, key]
        if data is not None:
            sql, params = (
                "UPDATE staff_sessions SET last_seen = ?, data = ? WHERE id = ?",
                [seen, json.dumps(dict(data)), key],
            )
        self._write(lambda: self.db.execute(sql, params))

    def end_session(self, token: str) -> None:
        """End (forget) one session: its cookie opens nothing any more."""
        self._write(lambda: self.db.execute("DELETE FROM staff_sessions WHERE id = ?", [_session_key(token)]))


def _session_key(token: str) -> str:
    """What the store keeps of a session id: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()
