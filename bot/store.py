"""The SQLite store: the only module that speaks SQL (with its console sessions in ``store_sessions.py``).

It keeps the least: per pseudonymous user settings and state, per question its time, language,
topic, confidence, fallback flag, municipality and the redacted text (for the retention period).
No names, usernames or phone numbers; one Telegram id, ``tickets.chat_id`` (a staff answer needs
a chat to go to), only while the ticket is open: closing it or ``/delete`` erases it, a ticket
open for the ticket retention period is closed. ``secure_delete`` overwrites erased rows and the
write-ahead log is truncated after erasing.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from .core import Reply, State
from .errors import StoreError
from .privacy import redact
from .schema import migrations
from .store_feedback import FeedbackRows
from .store_sessions import SessionRows
from .store_thread import StaffThreadRows

_T = TypeVar("_T")
DATABASE_FILE = "opastin.sqlite"
#: Ticket numbers: short, unambiguous to read aloud (no 0/O, 1/I).
TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: How a statistics breakdown groups questions.
BREAKDOWNS = {
    "language": "language",
    "topic": "CASE WHEN fallback = 1 THEN 'fallback' ELSE coalesce(topic, intent) END",
    "municipality": "municipality",
}


@dataclass(frozen=True)
class UserSettings:
    """What is stored about one user besides the conversation state."""

    privacy_notice_shown: bool
    created: str
    last_seen: str
    voice_answers: bool = False


class Store(SessionRows, FeedbackRows, StaffThreadRows):
    """One SQLite file in WAL mode, migrated on open."""

    def __init__(
        self,
        path: Path,
        retention_days: int = 90,
        now: Callable[[], datetime] | None = None,
        ticket_retention_days: int = 90,
        context_minutes: int = 30,
    ) -> None:
        self.path = path
        self.retention_days = retention_days
        self.ticket_retention_days = ticket_retention_days
        self._silence = timedelta(minutes=context_minutes)
        self.now = now or (lambda: datetime.now(UTC))
        # One connection, used by the bot's and the console's threads in one process: one writer
        # at a time, or one's COMMIT would end the other's transaction.
        self._writing = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False, isolation_level=None))
            self.db.enable_wal()
            self.db.execute("PRAGMA secure_delete = ON")
            # A commit survives the process being killed without an fsync of the WAL (only a power
            # cut can roll the last ones back): the moment between an answer sent and its update
            # recorded stays short (ARCHITECTURE.md, "Delivery").
            self.db.execute("PRAGMA synchronous = NORMAL")
            migrations.apply(self.db)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"Cannot open the store {path}: {error}. Check OPASTIN_DATA_DIR.") from error

    @classmethod
    def in_dir(cls, data_dir: Path, retention_days: int = 90, ticket_retention_days: int = 90) -> Store:
        """The store file inside ``data_dir``."""
        return cls(data_dir / DATABASE_FILE, retention_days, ticket_retention_days=ticket_retention_days)

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

    def state(self, user: str) -> State | None:
        """The saved state of ``user``, if any; after ``context_minutes`` of silence without the context."""
        row = self._user(user)
        if row is None:
            return None
        state = replace(
            State(**{f.name: row[f.name] for f in fields(State)}), fallbacks_in_row=row["fallbacks_in_row"] or 0
        )
        fresh = row["context_at"] and self.now() - datetime.fromisoformat(row["context_at"]) <= self._silence
        return state if fresh else state.forgetting_the_conversation()

    def settings(self, user: str) -> UserSettings | None:
        """Consent flags and dates of ``user``."""
        row = self._user(user)
        if row is None:
            return None
        return UserSettings(
            bool(row["privacy_notice_shown"]), row["created"], row["last_seen"], bool(row["voice_answers"])
        )

    def save_state(
        self, user: str, state: State, *, privacy_notice_shown: bool | None = None, voice_answers: bool | None = None
    ) -> None:
        """Remember ``state`` for ``user`` and that they were seen today; a flag given is changed.

        One statement and no read first: it runs between an answer being sent and its update
        being recorded as handled, a moment a crash must rarely fall into."""
        now = self.now()
        today = now.date().isoformat()
        row: dict[str, Any] = {
            "user": user,
            **asdict(state),
            "context_at": now.isoformat(timespec="seconds"),
            "last_seen": today,
            "created": today,
            "privacy_notice_shown": int(bool(privacy_notice_shown)),
            "voice_answers": int(bool(voice_answers)),
        }
        flags = (("privacy_notice_shown", privacy_notice_shown), ("voice_answers", voice_answers))
        kept = {"user", "created", *(name for name, value in flags if value is None)}
        changed = ", ".join(f"{column} = excluded.{column}" for column in row if column not in kept)
        self._insert("users", row, f"ON CONFLICT(user) DO UPDATE SET {changed}")

    def record_question(self, user: str, text: str, reply: Reply) -> None:
        """Keep a question for statistics, its text redacted (one statement, as ``save_state``)."""
        row = {
            "user": user,
            "asked_at": self.now().strftime("%Y-%m-%dT%H:%M"),
            "language": reply.language,
            "topic": reply.topic,
            "intent": reply.intent,
            "confidence": round(reply.confidence, 4),
            "fallback": int(reply.fallback),
            "municipality": reply.state.municipality,
            "text": redact(text)[:1000],
        }
        self._insert("questions", row)

    def _insert(self, table: str, row: dict[str, Any], conflict: str = "") -> None:
        """One plain INSERT of ``row`` (no read first, unlike sqlite-utils' upsert): what runs
        between an answer sent and its update recorded must be short."""
        columns, marks = ", ".join(row), ", ".join("?" * len(row))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) {conflict}"  # noqa: S608
        self._write(lambda: self.db.execute(sql, list(row.values())))

    def questions(self, user: str | None = None) -> list[dict[str, Any]]:
        """Stored questions, oldest first (all, or of one user)."""
        where, params = ("user = ?", [user]) if user else (None, None)
        return list(self.db.table("questions").rows_where(where, params, order_by="id"))

    def handled(self, update_id: int) -> bool:
        """Tell whether a Telegram update was handled before (Telegram sent it again after a crash)."""
        try:
            return bool(self.db.execute("SELECT 1 FROM handled_updates WHERE update_id = ?", [update_id]).fetchone())
        except sqlite3.Error as error:
            raise StoreError(f"Cannot read the store {self.path}: {error}.") from error

    def mark_handled(self, update_id: int) -> None:
        """Record a Telegram update as handled, once its answer is sent; again changes nothing."""
        self._write(
            lambda: self.db.execute(
                "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
                [update_id, self.now().isoformat(timespec="seconds")],
            )
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes that happen all or none: a crash in between leaves none of them."""
        try:
            with self._writing, self.db.atomic():
                yield
        except sqlite3.Error as error:
            raise StoreError(f"Cannot write to the store {self.path}: {error}.") from error

    def delete_user(self, user: str) -> int:
        """Erase every row that belongs to ``user`` (settings and conversation state, questions,
        feedback, tickets and their messages) in one transaction: all of them, or on any failure
        none; the number of rows removed."""
        with self.transaction():
            removed = 0
            for table in ("ticket_messages", "staff_thread"):
                removed += self.db.execute(
                    f"DELETE FROM {table} WHERE ticket IN (SELECT number FROM tickets WHERE user = ?)",  # noqa: S608
                    [user],
                ).rowcount
            removed += self.db.execute("DELETE FROM tickets WHERE user = ?", [user]).rowcount
            removed += self.db.execute("DELETE FROM questions WHERE user = ?", [user]).rowcount
            removed += self.db.execute("DELETE FROM feedback WHERE user = ?", [user]).rowcount
            removed += self.db.execute("DELETE FROM users WHERE user = ?", [user]).rowcount
        self._write(self._checkpoint)
        return int(removed)

    def purge_expired(self) -> int:
        """Blank old question and feedback texts, forget old update ids and ended console sessions, close tickets
        open for the ticket retention period (their chat forgotten), blank the texts of tickets
        closed that long ago."""
        cutoff = (self.now() - timedelta(days=self.retention_days)).strftime("%Y-%m-%dT%H:%M")
        ticket_cutoff = (self.now() - timedelta(days=self.ticket_retention_days)).strftime("%Y-%m-%dT%H:%M")

        def purge() -> int:
            with self.db.conn:
                self.db.execute(
                    "UPDATE tickets SET status = 'closed', closed = ?, chat_id = NULL "
                    "WHERE status = 'open' AND created < ?",
                    [self._minute(), ticket_cutoff],
                )
                blanked = self.db.execute(
                    "UPDATE questions SET text = NULL WHERE asked_at < ? AND text IS NOT NULL", [cutoff]
                ).rowcount
                blanked += self.db.execute(
                    "UPDATE feedback SET question = NULL, comment = NULL WHERE at < ? "
                    "AND (question IS NOT NULL OR comment IS NOT NULL)",
                    [cutoff],
                ).rowcount
                self.db.execute("DELETE FROM handled_updates WHERE handled_at < ?", [cutoff])
                self.db.execute(
                    "DELETE FROM staff_sessions WHERE expires <= ?", [self.now().isoformat(timespec="seconds")]
                )
                blanked += self.db.execute(
                    "UPDATE ticket_messages SET original = NULL, finnish = NULL WHERE original IS NOT NULL "
                    "AND ticket IN (SELECT number FROM tickets WHERE status = 'closed' AND closed < ?)",
                    [ticket_cutoff],
                ).rowcount
            self._checkpoint()
            return int(blanked)

        return self._write(purge)

    def open_ticket(self, user: str, chat_id: int, language: str, municipality: str | None) -> str:
        """A new open ticket for ``user``; its short number."""
        while True:
            number = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(5))
            if not list(self.db.table("tickets").rows_where("number = ?", [number])):
                break
        row = {
            "number": number,
            "user": user,
            "chat_id": chat_id,
            "language": language,
            "municipality": municipality,
            "status": "open",
            "created": self._minute(),
        }
        self._write(lambda: self.db.table("tickets").insert(row))
        return number

    def add_ticket_message(
        self, number: str, author: str, original: str, finnish: str | None, staff: str | None = None
    ) -> int:
        """Keep one message of a ticket (``author`` is "user" or "staff", ``staff`` the console
        account that wrote it); its id."""
        row = {
            "ticket": number,
            "at": self._minute(),
            "author": author,
            "original": original,
            "finnish": finnish,
            "staff": staff,
        }
        table = self.db.table("ticket_messages")
        self._write(lambda: table.insert(row))
        return int(table.last_pk)  # type: ignore[arg-type]

    def set_staff_message(self, number: str, message_id: int) -> None:
        """Remember which message in the staff chat shows the ticket (staff reply to it)."""
        self._write(lambda: self.db.table("tickets").update(number, {"staff_message_id": message_id}))

    def ticket(self, number: str) -> dict[str, Any] | None:
        """The ticket with ``number``."""
        rows = list(self.db.table("tickets").rows_where("number = ?", [number]))
        return rows[0] if rows else None

    def tickets(self, status: str | None = None) -> list[dict[str, Any]]:
        """Tickets newest first, without the user's pseudonym or chat."""
        where, params = ("status = ?", [status]) if status else (None, None)
        rows = self.db.table("tickets").rows_where(where, params, order_by="created DESC")
        return [{k: v for k, v in row.items() if k not in ("user", "chat_id")} for row in rows]

    def ticket_messages(self, number: str) -> list[dict[str, Any]]:
        """The messages of a ticket, oldest first."""
        return list(self.db.table("ticket_messages").rows_where("ticket = ?", [number], order_by="id"))

    def ticket_message(self, message_id: int) -> dict[str, Any] | None:
        """One message of a ticket."""
        rows = list(self.db.table("ticket_messages").rows_where("id = ?", [message_id]))
        return rows[0] if rows else None

    def close_ticket(self, number: str, by: str | None = None) -> None:
        """Close a ticket (``by`` the console account that did); the chat to answer in is forgotten."""
        changes = {"status": "closed", "closed": self._minute(), "chat_id": None, "closed_by": by}
        self._write(lambda: self.db.table("tickets").update(number, changes))

    def count(self, name: str) -> int:
        """Add one to counter ``name``; its new value (nothing else is kept of what was counted)."""

        def increment() -> int:
            with self.db.conn:
                self.db.execute(
                    "INSERT INTO counters (name, count) VALUES (?, 1) "
                    "ON CONFLICT(name) DO UPDATE SET count = count + 1",
                    [name],
                )
            return int(self.db.execute("SELECT count FROM counters WHERE name = ?", [name]).fetchone()[0])

        return self._write(increment)

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the database and truncate it: no erased text in -wal."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def _minute(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M")

    def add_staff(self, name: str, password_hash: str, role: str | None = None, languages: Sequence[str] = ()) -> None:
        """Create a console account (with a ``role``: staff, or reviewer of ``languages``), or give
        it a new password, its role kept when none is given: its sessions end either way."""
        row = {"name": name, "password_hash": password_hash, "created": self.now().date().isoformat()}
        if role is not None:
            row.update(role=role, languages=",".join(languages))

        def add() -> None:
            with self.db.atomic():
                self.db.execute("DELETE FROM staff_sessions WHERE staff = ?", [name])
                self.db.table("staff").upsert(row, pk="name")

        self._write(add)

    def remove_staff(self, name: str) -> bool:
        """Remove a staff account and end its sessions; whether there was one."""

        def remove() -> bool:
            with self.db.atomic():
                self.db.execute("DELETE FROM staff_sessions WHERE staff = ?", [name])
                return bool(self.db.execute("DELETE FROM staff WHERE name = ?", [name]).rowcount)

        return self._write(remove)

    def staff_hash(self, name: str) -> str | None:
        """The password hash of staff member ``name``, if the account exists."""
        rows = list(self.db.table("staff").rows_where("name = ?", [name]))
        return str(rows[0]["password_hash"]) if rows else None

    def statistics(self, breakdown: str) -> list[tuple[str, str, bool]]:
        """Every question's time (UTC), its ``breakdown`` value and whether it went unanswered."""
        sql = f"SELECT asked_at, coalesce({BREAKDOWNS[breakdown]}, '-'), fallback FROM questions ORDER BY id"  # noqa: S608
        return [(str(row[0]), str(row[1]), bool(row[2])) for row in self.db.execute(sql).fetchall()]

    def unanswered(self, threshold: float, limit: int = 200) -> list[dict[str, Any]]:
        """Fallbacks and low-confidence answers, newest first, without the user's pseudonym."""
        sql = (
            "SELECT asked_at, language, municipality, intent, topic, confidence, fallback, text FROM questions "
            "WHERE (fallback = 1 OR confidence < ?) AND text IS NOT NULL ORDER BY id DESC LIMIT ?"
        )
        cursor = self.db.execute(sql, [threshold, limit])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def export(self) -> list[dict[str, Any]]:
        """Every question for statistics export: no pseudonym, no text."""
        sql = "SELECT asked_at, language, topic, intent, confidence, fallback, municipality FROM questions ORDER BY id"
        cursor = self.db.execute(sql)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def _user(self, user: str) -> dict[str, Any] | None:
        rows = list(self.db.table("users").rows_where("user = ?", [user]))
        return rows[0] if rows else None

    def _write(self, action: Callable[[], _T]) -> _T:
        try:
            with self._writing:
                return action()
        except sqlite3.Error as error:
            raise StoreError(f"Cannot write to the store {self.path}: {error}.") from error
