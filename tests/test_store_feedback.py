"""Feedback rows and account roles in the store: redacted, the user's own, erased and blanked like questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core import Core, State
from bot.names import HELPFUL, NOT_RIGHT
from bot.store import Store
from bot.store_feedback import REVIEWER, STAFF, Account

QUESTION = "I am ali@example.com, where is Kajaani Info?"


def test_a_complaint_keeps_the_redacted_question_and_only_its_users_line(tmp_path: Path, core: Core) -> None:
    store = Store.in_dir(tmp_path)
    store.record_question("alice", QUESTION, core.reply(State(), QUESTION))
    row = store.record_feedback("alice", NOT_RIGHT, "en", "draft", "service_point")
    assert not store.add_feedback_comment("bob", row, "Bob writes into Alice's row"), "only one's own row"
    assert store.add_feedback_comment("alice", row, "Wrong hours,\ncall 040 123 4567")
    assert not store.add_feedback_comment("alice", row, "a second line"), "one line per complaint"
    store.record_feedback("bob", NOT_RIGHT, "ar", "draft", "service_point")
    store.record_feedback("bob", HELPFUL, "ar", "draft", "service_point")  # Bob changed his mind
    [complaint] = store.complaints()
    assert complaint == {
        "at": complaint["at"],
        "entry": "service_point",
        "language": "en",
        "translation": "draft",
        "question": "I am [e-mail], where is Kajaani Info?",
        "comment": "Wrong hours, call [phone]",
    }
    assert store.complaints(["ar", "so"]) == []
    assert store.feedback_counts() == [("service_point", "en", 0, 1), ("service_point", "ar", 1, 0)]
    assert store.feedback_counts(["ar"]) == [("service_point", "ar", 1, 0)]
    assert store.delete_user("alice") >= 2
    assert store.complaints() == []
    assert store.feedback_counts() == [("service_point", "ar", 1, 0)], "the other user's stays"


def test_feedback_texts_are_blanked_after_the_retention_period(tmp_path: Path, core: Core) -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    clock = [now - timedelta(days=100)]
    store = Store(tmp_path / "s.sqlite", retention_days=90, now=lambda: clock[0])
    store.record_question("alice", QUESTION, core.reply(State(), QUESTION))
    old = store.record_feedback("alice", NOT_RIGHT, "en", "draft", "service_point")
    store.add_feedback_comment("alice", old, "old line")
    clock[0] = now
    store.purge_expired()
    [complaint] = store.complaints()
    assert (complaint["question"], complaint["comment"]) == (None, None)
    assert store.feedback_counts() == [("service_point", "en", 0, 1)], "counts stay"


def test_accounts_have_roles_kept_over_a_new_password(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.add_staff("aino", "hash")
    store.add_staff("amina", "hash", REVIEWER, ["ar", "so"])
    store.add_staff("amina", "new hash")
    assert store.staff_account("aino") == Account("aino", STAFF)
    amina = store.staff_account("amina")
    assert amina == Account("amina", REVIEWER, frozenset({"ar", "so"}))
    assert (amina.reviews("ar"), amina.reviews("fa"), amina.sees("so"), amina.sees("ru")) == (True, False, True, False)
    assert store.staff_account("nobody") is None
