"""The store on a real SQLite file: migrations, retention, deletion."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Core, State
from bot.errors import StoreError
from bot.schema import migrations
from bot.store import Store


def test_migrations_create_the_schema_once_and_wal_is_on(tmp_path: Path) -> None:
    first = Store.in_dir(tmp_path)
    first.close()
    again = Store.in_dir(tmp_path)
    tables = set(again.db.table_names())
    assert {"users", "questions", "handled_updates", "staff", "tickets", "ticket_messages", "counters"} <= tables
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [m.name for m in migrations.applied(again.db)] == [
        "create_users_and_questions",
        "create_staff",
        "create_tickets",
        "add_conversation_context",
        "add_voice_answers",
        "create_staff_sessions",
        "add_ticket_staff",
        "create_feedback",
        "add_staff_roles",
        "create_staff_thread",
        "add_conversation_intents",
        "add_earlier_intent",
    ]


def test_a_flag_stays_until_it_is_changed(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.save_state("user", State(language="fi"), voice_answers=True)
    store.save_state("user", State(language="fi"), privacy_notice_shown=True)
    settings = store.settings("user")
    assert settings is not None
    assert (settings.voice_answers, settings.privacy_notice_shown) == (True, True)
    store.save_state("user", State(language="fi"), voice_answers=False)
    settings = store.settings("user")
    assert settings is not None
    assert (settings.voice_answers, settings.privacy_notice_shown) == (False, True)


def test_retention_blanks_old_texts_but_keeps_counts(tmp_path: Path, core: Core) -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    clock = [now - timedelta(days=100)]
    store = Store(tmp_path / "s.sqlite", retention_days=90, now=lambda: clock[0], ticket_retention_days=30)
    reply = core.reply(State(), "Where is Kajaani Info?")
    store.record_question("old", "Where is Kajaani Info?", reply)
    number = store.open_ticket("old", 1, "en", None)
    store.add_ticket_message(number, "user", "old ticket text", None)
    store.close_ticket(number)
    clock[0] = now - timedelta(days=10)
    store.record_question("new", "Where is Kajaani Info?", reply)
    clock[0] = now
    assert store.purge_expired() == 2
    assert [row["text"] for row in store.questions()] == [None, "Where is Kajaani Info?"]
    assert store.ticket_messages(number)[0]["original"] is None
    assert len(store.export()) == 2, "counts stay"


def test_the_conversation_is_kept_and_forgotten_after_silence_settings_stay(tmp_path: Path) -> None:
    start = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    clock = [start]
    store = Store(tmp_path / "s.sqlite", now=lambda: clock[0], context_minutes=30)
    said = State(
        language="ru",
        municipality="Kuhmo",
        municipality_stated=True,
        topic="coordinator_contact_kuhmo",
        intent="coordinator_contact",
        runner_up="human_contact",
        earlier_intent="integration_training",
    )
    store.save_state("user", replace(said, pending_intent="integration_plan", fallbacks_in_row=1))
    clock[0] = start + timedelta(minutes=29)
    assert store.state("user") == replace(said, pending_intent="integration_plan", fallbacks_in_row=1)
    clock[0] = start + timedelta(minutes=31)
    forgotten = replace(said, topic=None, intent=None, runner_up=None, earlier_intent=None)
    assert store.state("user") == forgotten, "the conversation is forgotten, the settings stay"
    store.close()
    reopened = Store(tmp_path / "s.sqlite", now=lambda: start + timedelta(minutes=1)).state("user")
    assert reopened is not None
    assert (reopened.topic, reopened.runner_up) == ("coordinator_contact_kuhmo", "human_contact"), (
        "kept across a restart"
    )


def test_a_closed_ticket_forgets_the_chat(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    number = store.open_ticket("user", 42, "ar", "Kajaani")
    store.close_ticket(number)
    ticket = store.ticket(number)
    assert ticket is not None
    assert (ticket["status"], ticket["chat_id"]) == ("closed", None)


def test_a_ticket_left_open_is_closed_after_the_ticket_retention(tmp_path: Path) -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    store = Store(tmp_path / "opastin.sqlite", now=lambda: now, ticket_retention_days=30)
    number = store.open_ticket("user", 42, "ar", "Kajaani")
    now += timedelta(days=31)
    store.purge_expired()
    ticket = store.ticket(number)
    assert ticket is not None
    assert (ticket["status"], ticket["chat_id"]) == ("closed", None)


def test_erased_text_is_not_left_in_the_files(tmp_path: Path, core: Core) -> None:
    """After /delete neither the write-ahead log nor freed pages of the database hold the text."""
    store = Store.in_dir(tmp_path)
    secret = "Väkivaltaa kotona, apua"
    store.record_question("user", secret, core.reply(State(), secret))
    number = store.open_ticket("user", 42, "fi", None)
    store.add_ticket_message(number, "user", secret, secret)
    wal = tmp_path / "opastin.sqlite-wal"
    assert secret.encode() in wal.read_bytes() + (tmp_path / "opastin.sqlite").read_bytes()
    store.delete_user("user")
    assert secret.encode() not in wal.read_bytes()
    assert secret.encode() not in (tmp_path / "opastin.sqlite").read_bytes()
    store.close()


def test_a_delete_that_fails_midway_erases_nothing(tmp_path: Path, core: Core) -> None:
    """/delete is one transaction: the last table refusing (here a trigger, as a full disk or a
    lock would) leaves the questions, tickets and conversation state erased before it in place."""
    store = Store.in_dir(tmp_path)
    store.save_state("user", State(language="fi", municipality="Kuhmo", topic="finnish_courses"))
    store.record_question("user", "Missä on Kajaani Info?", core.reply(State(), "Missä on Kajaani Info?"))
    number = store.open_ticket("user", 42, "fi", None)
    store.add_ticket_message(number, "user", "Apua", "Apua")
    rows = {table: store.db.table(table).count for table in ("users", "questions", "tickets", "ticket_messages")}
    store.db.execute("CREATE TRIGGER refuse BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    with pytest.raises(StoreError):
        store.delete_user("user")
    assert {table: store.db.table(table).count for table in rows} == rows
    assert store.state("user") is not None
    store.db.execute("DROP TRIGGER refuse")
    assert store.delete_user("user") == sum(rows.values())
    assert {table: store.db.table(table).count for table in rows} == dict.fromkeys(rows, 0)
    store.close()


def test_what_runs_after_an_answer_is_sent_is_three_plain_writes(tmp_path: Path, core: Core) -> None:
    """The moment between an answer sent and its update recorded (a crash in it answers the update
    again) holds no read and no fsync: the state, the question and the update id, one statement each."""
    store = Store.in_dir(tmp_path)
    reply = core.reply(State(), "Where is Kajaani Info?")
    store.save_state("user", reply.state, privacy_notice_shown=True)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    with store.transaction():
        store.save_state("user", reply.state)
        store.record_question("user", "Where is Kajaani Info?", reply)
        store.mark_handled(1)
    store.db.conn.set_trace_callback(None)
    assert [statement.split()[0] for statement in statements] == ["BEGIN", "INSERT", "INSERT", "INSERT", "COMMIT"]
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1, "NORMAL: no fsync at commit in WAL mode"
    settings = store.settings("user")
    assert settings is not None
    assert settings.privacy_notice_shown, "a flag not given stays"
    store.close()
