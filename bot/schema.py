"""The store's schema: named migrations, each applied once in a transaction with its record."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("opastin")


@migrations()
def create_users_and_questions(db: sqlite_utils.Database) -> None:
    """Users by pseudonym, questions for statistics, handled Telegram updates."""
    db.table("users").create(
        {
            "user": str,
            "language": str,
            "language_chosen": int,
            "municipality": str,
            "pending_intent": str,
            "fallbacks_in_row": int,
            "privacy_notice_shown": int,
            "created": str,
            "last_seen": str,
        },
        pk="user",
    )
    db.table("questions").create(
        {
            "id": int,
            "user": str,
            "asked_at": str,
            "language": str,
            "topic": str,
            "intent": str,
            "confidence": float,
            "fallback": int,
            "municipality": str,
            "text": str,
        },
        pk="id",
    )
    db.table("questions").create_index(["user"])
    db.table("questions").create_index(["asked_at"])
    db.table("handled_updates").create({"update_id": int, "handled_at": str}, pk="update_id")


@migrations()
def create_staff(db: sqlite_utils.Database) -> None:
    """Staff accounts of the web console: a name and an argon2 hash, nothing else."""
    db.table("staff").create({"name": str, "password_hash": str, "created": str}, pk="name")


@migrations()
def create_tickets(db: sqlite_utils.Database) -> None:
    """Questions forwarded to staff, their messages both ways, and plain counters."""
    db.table("tickets").create(
        {
            "number": str,
            "user": str,
            "chat_id": int,
            "language": str,
            "municipality": str,
            "status": str,
            "created": str,
            "closed": str,
            "staff_message_id": int,
        },
        pk="number",
    )
    db.table("tickets").create_index(["user"])
    db.table("tickets").create_index(["staff_message_id"])
    db.table("ticket_messages").create(
        {"id": int, "ticket": str, "at": str, "author": str, "original": str, "finnish": str}, pk="id"
    )
    db.table("ticket_messages").create_index(["ticket"])
    db.table("counters").create({"name": str, "count": int}, pk="name")


@migrations()
def add_conversation_context(db: sqlite_utils.Database) -> None:
    """Whether the user said where they live, the last answered entry, when the context was saved."""
    for column, kind in (("municipality_stated", int), ("topic", str), ("context_at", str)):
        db.table("users").add_column(column, kind)


@migrations()
def add_voice_answers(db: sqlite_utils.Database) -> None:
    """Per user: whether answers also come as voice messages (the /voice toggle)."""
    db.table("users").add_column("voice_answers", int)


@migrations()
def create_staff_sessions(db: sqlite_utils.Database) -> None:
    """Console sessions kept server-side: the SHA-256 of the cookie's random id (the id itself is
    never stored), the staff member (none before signing in), when it began, ends and was last
    used, and its data (the CSRF token, the try page's conversation) as JSON."""
    db.table("staff_sessions").create(
        {"id": str, "staff": str, "created": str, "expires": str, "last_seen": str, "data": str}, pk="id"
    )
    db.table("staff_sessions").create_index(["staff"])
    db.table("staff_sessions").create_index(["expires"])


@migrations()
def add_ticket_staff(db: sqlite_utils.Database) -> None:
    """Which staff member (their console account) wrote an answer and closed a ticket."""
    db.table("ticket_messages").add_column("staff", str)
    db.table("tickets").add_column("closed_by", str)


@migrations()
def create_feedback(db: sqlite_utils.Database) -> None:
    """What users said of an answer (helpful or not right): by pseudonym, the answer's entry, its
    language and translation status, the question that got it and the user's one line, both redacted."""
    db.table("feedback").create(
        {
            "id": int,
            "user": str,
            "at": str,
            "entry": str,
            "language": str,
            "translation": str,
            "verdict": str,
            "question": str,
            "comment": str,
        },
        pk="id",
    )
    db.table("feedback").create_index(["user"])
    db.table("feedback").create_index(["entry", "language"])


@migrations()
def add_staff_roles(db: sqlite_utils.Database) -> None:
    """A console account's role: staff (NULL: the accounts made before roles) or reviewer, with the
    languages (comma-separated codes) a reviewer reviews."""
    db.table("staff").add_column("role", str)
    db.table("staff").add_column("languages", str)


@migrations()
def create_staff_thread(db: sqlite_utils.Database) -> None:
    """Every message in the staff chat that belongs to a ticket besides its first (its other parts,
    follow-ups, the bot's notes, staff replies): a reply to any of them finds the ticket."""
    db.table("staff_thread").create({"message_id": int, "ticket": str, "author": str}, pk="message_id")
    db.table("staff_thread").create_index(["ticket"])


@migrations()
def add_conversation_intents(db: sqlite_utils.Database) -> None:
    """The intent the last answer was for, and the one its question's ranking put close behind."""
    for column in ("intent", "runner_up"):
        db.table("users").add_column(column, str)


@migrations()
def add_earlier_intent(db: sqlite_utils.Database) -> None:
    """The conversation's intent before its last answer changed it."""
    db.table("users").add_column("earlier_intent", str)
