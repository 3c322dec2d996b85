"""Shared fixtures: the real core, built once per session from the project's own files."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core import Core, State, load_core, project_root

ROOT = project_root()
#: A fixed "today" between Tervetuloa Kajaaniin (23.4.2026) and Walk and Talk (23.5.2026).
TODAY = date(2026, 5, 1)


@pytest.fixture(scope="session")
def core() -> Core:
    """The core from the project's files. Its model cache is named by a hash of everything
    training depends on, so a cached model is exactly the one these files would train."""
    return load_core(today=lambda: TODAY)


@pytest.fixture
def state() -> State:
    return State()
