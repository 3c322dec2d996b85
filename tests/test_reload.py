"""Edited knowledge is picked up without a restart; a broken edit keeps the last good version."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.app import load_core
from bot.core import State
from bot.reload import LiveCore
from tests.conftest import TODAY


def welcome_text(live: LiveCore) -> str:
    entry = live().knowledge.entry("event_welcome")
    assert entry is not None
    return entry.text["en"]


def edit(tree: Path, old: str, new: str) -> None:
    path = tree / "knowledge" / "kainuu" / "events.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_a_changed_file_is_picked_up_in_the_background(tree: Path) -> None:
    live = LiveCore(lambda: load_core(tree, today=lambda: TODAY), tree, interval=0)
    edit(tree, "The event is for new residents", "The event welcomes new residents")
    deadline = time.monotonic() + 60
    while "welcomes new residents" not in welcome_text(live) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "welcomes new residents" in welcome_text(live)
    assert live().reply(State(), "When is Tervetuloa Kajaaniin?").topic == "event_welcome"


def test_a_broken_edit_keeps_the_last_good_knowledge(tree: Path, caplog: pytest.LogCaptureFixture) -> None:
    live = LiveCore(lambda: load_core(tree, today=lambda: TODAY), tree, interval=3600)
    before = live()
    edit(tree, "    intent: event_welcome\n", "    intent: [event_welcome\n")
    assert live.reload() is False
    assert live() is before
    assert "Knowledge not reloaded, the bot keeps the last good version" in caplog.text
    assert "events.yml" in caplog.text
    edit(tree, "    intent: [event_welcome\n", "    intent: event_welcome\n")
    assert live.reload() is True
    assert live() is not before


def test_a_catalog_placeholder_typo_keeps_the_last_good_texts(tree: Path, caplog: pytest.LogCaptureFixture) -> None:
    live = LiveCore(lambda: load_core(tree, today=lambda: TODAY), tree, interval=3600)
    before = live()
    catalog = tree / "translations" / "ui" / "fi.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("kunnan {municipality} tiedoilla", "kunnan {kunta} tiedoilla"), encoding="utf-8")
    assert live.reload() is False
    assert live() is before
    assert "fi.po: municipality_set" in caplog.text
    assert live().texts.get("municipality_set", "fi", municipality="Kuhmo").endswith("kunnan Kuhmo tiedoilla.")
