"""Settings from the environment (and an optional .env file); secrets never leave this object.

| variable | meaning | default |
|---|---|---|
| OPASTIN_TELEGRAM_TOKEN | the bot's token from @BotFather; without it `opastin run` is a terminal chat | none |
| OPASTIN_TELEGRAM_API_URL | another Bot API server, e.g. http://127.0.0.1:8081/bot | Telegram's |
| OPASTIN_WEBHOOK_URL | public https URL: use a webhook instead of long polling | none (polling) |
| OPASTIN_WEBHOOK_LISTEN / OPASTIN_WEBHOOK_PORT | where the webhook server listens | 127.0.0.1 / 8443 |
| OPASTIN_DATA_DIR | the folder of the SQLite file and the generated secret | ./data |
| OPASTIN_SECRET | the key that pseudonymises user ids | generated into the data dir |
| OPASTIN_RETENTION_DAYS | days question texts are kept (counts stay) | 90 |
| OPASTIN_RATE_LIMIT | messages a user may send per minute before being asked to slow down | 20 |
| OPASTIN_STAFF_CHAT_ID | the staff's Telegram group: tickets go there, staff answer by replying | none |
| OPASTIN_SERVICE_EMAIL | the service point's mailbox: tickets also go there by e-mail (needs SMTP) | none |
| OPASTIN_COUNCIL_EMAIL | the immigrant council's address: the council helper sends there (needs SMTP) | none |
| OPASTIN_OFFICE_HOURS | when staff answer, e.g. `mon-fri 9-15`; outside them users are told so | none |
| OPASTIN_STAFF_LANGUAGE | the language of ticket messages, the staff group and the console: `fi` or `en` | fi |
| OPASTIN_CONSOLE_HOSTS | the console's host names, comma-separated; others are refused | where `opastin web` listens |
| OPASTIN_TICKET_RETENTION_DAYS | days ticket texts are kept after closing; a ticket left open that long closes | 90 |
| OPASTIN_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS, _CA_FILE | the SMTP server | none |
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import ConfigError

log = logging.getLogger(__name__)
SECRET_FILE = "secret.key"  # noqa: S105 - the name of the file, not a secret


@dataclass(frozen=True)
class Settings:
    """Every setting Opastin reads from the environment."""

    data_dir: Path = Path("data")
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    secret: str | None = field(default=None, repr=False)
    retention_days: int = 90
    rate_limit: int = 20
    staff_chat_id: int | None = None
    service_email: str | None = None
    council_email: str | None = None
    office_hours: str | None = None
    staff_language: str = "fi"
    ticket_retention_days: int = 90
    context_minutes: int = 30
    console_hosts: tuple[str, ...] = ()
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """Read the settings; values in the environment win over the .env file."""
        values = dict(read_dotenv(dotenv)) if dotenv else {}
        values.update(environ if environ is not None else os.environ)

        def get(name: str) -> str | None:
            return values.get(f"OPASTIN_{name}") or None

        return cls(
            data_dir=paths.data_dir(values),
            telegram_token=get("TELEGRAM_TOKEN"),
            telegram_api_url=get("TELEGRAM_API_URL"),
            webhook_url=get("WEBHOOK_URL"),
            webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=_integer("OPASTIN_WEBHOOK_PORT", get("WEBHOOK_PORT"), 8443),
            secret=get("SECRET"),
            retention_days=_integer("OPASTIN_RETENTION_DAYS", get("RETENTION_DAYS"), 90),
            rate_limit=_integer("OPASTIN_RATE_LIMIT", get("RATE_LIMIT"), 20),
            staff_chat_id=_integer("OPASTIN_STAFF_CHAT_ID", get("STAFF_CHAT_ID"), 0) or None,
            service_email=get("SERVICE_EMAIL"),
            council_email=get("COUNCIL_EMAIL"),
            office_hours=get("OFFICE_HOURS"),
            staff_language=get("STAFF_LANGUAGE") or "fi",
            ticket_retention_days=_integer("OPASTIN_TICKET_RETENTION_DAYS", get("TICKET_RETENTION_DAYS"), 90),
            context_minutes=_integer("OPASTIN_CONTEXT_MINUTES", get("CONTEXT_MINUTES"), 30),
            console_hosts=tuple(host.strip() for host in (get("CONSOLE_HOSTS") or "").split(",") if host.strip()),
            environ=values,
        )

    @property
    def models_dir(self) -> Path:
        """Where machine-translation models are installed (`opastin models`)."""
        return self.data_dir / "models"

    @property
    def speech_dir(self) -> Path:
        """Where the speech-recognition model is installed (`opastin models install-speech`)."""
        return self.data_dir / "speech"

    def pseudonym_key(self) -> bytes:
        """The secret for pseudonyms: OPASTIN_SECRET, else one generated once into the data dir."""
        if self.secret:
            return self.secret.encode()
        path = self.data_dir / SECRET_FILE
        if not path.is_file():
            log.warning("OPASTIN_SECRET is not set: generated a secret into %s; back it up with the data.", path)
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32), encoding="ascii")
        return path.read_text(encoding="ascii").strip().encode()


def _integer(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not '{value}'.") from error


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blank lines skipped); none if it is absent."""
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values
