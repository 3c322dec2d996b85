"""Settings from the environment and .env, and office hours."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.handoff import OfficeHours
from bot.settings import Settings


def test_the_environment_wins_over_dotenv_and_secrets_stay_out_of_repr(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# deployment\nOPASTIN_TELEGRAM_TOKEN='from-file'\nexport OPASTIN_STAFF_CHAT_ID=-100123\n"
        "OPASTIN_DATA_DIR=/srv/opastin\n",
        encoding="utf-8",
    )
    settings = Settings.from_env({"OPASTIN_DATA_DIR": str(tmp_path)}, dotenv=dotenv)
    assert (settings.telegram_token, settings.staff_chat_id, settings.data_dir) == ("from-file", -100123, tmp_path)
    assert "from-file" not in repr(settings)


def test_a_wrong_number_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="OPASTIN_RATE_LIMIT must be a whole number, not 'many'"):
        Settings.from_env({"OPASTIN_RATE_LIMIT": "many"}, dotenv=None)


def test_a_missing_secret_is_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = settings.pseudonym_key()
    assert first == Settings(data_dir=tmp_path).pseudonym_key()
    assert len(first) == 64
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_office_hours() -> None:
    hours = OfficeHours.parse("mon-fri 9-15")
    assert hours.is_open(datetime(2026, 11, 24, 10, 0))  # a Tuesday
    assert not hours.is_open(datetime(2026, 11, 24, 15, 0))
    assert not hours.is_open(datetime(2026, 11, 28, 10, 0))  # a Saturday
    with pytest.raises(ValueError, match="not like 'mon-fri 9-15'"):
        OfficeHours.parse("weekdays")
