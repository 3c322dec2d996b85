"""The store's staff thread (``staff_thread``): part of ``Store``, in a file of its own.

Every message in the staff chat that belongs to a ticket besides its first (``tickets.staff_message_id``)
is kept here with the ticket's number and who wrote it, so a staff member's reply to any of them
finds the ticket. Message ids of the staff chat say nothing about a user; ``/delete`` erases a
user's rows with their tickets (``Store.delete_user``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlite_utils

_T = TypeVar("_T")


class StaffThreadRows:
    """Which ticket a message in the staff chat belongs to."""

    db: sqlite_utils.Database

    def _write(self, action: Callable[[], _T]) -> _T:
        raise NotImplementedError

    def ticket(self, number: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def add_to_staff_thread(self, number: str, message_ids: Iterable[int], author: str = "bot") -> None:
        """Remember that ``message_ids`` in the staff chat belong to ticket ``number`` (written by
        "bot" or "staff")."""
        rows = [{"message_id": message_id, "ticket": number, "author": author} for message_id in message_ids]
        self._write(lambda: self.db.table("staff_thread").upsert_all(rows, pk="message_id"))

    def ticket_by_staff_message(self, message_id: int) -> tuple[dict[str, Any], str] | None:
        """The ticket ``message_id`` in the staff chat belongs to, and who wrote that message ("bot"
        or "staff")."""
        rows = list(self.db.table("tickets").rows_where("staff_message_id = ?", [message_id]))
        if rows:
            return rows[0], "bot"
        thread = self.db.execute(
            "SELECT ticket, author FROM staff_thread WHERE message_id = ?", [message_id]
        ).fetchone()
        ticket = self.ticket(str(thread[0])) if thread else None
        return (ticket, str(thread[1])) if ticket and thread else None
