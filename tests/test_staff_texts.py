"""Staff wording from translations/staff/<code>.po: Finnish by default, English on request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.app import Services
from bot.core import Core
from bot.errors import ConfigError
from bot.handoff import Handoff
from bot.project.texts import load_staff_texts
from bot.settings import Settings
from bot.store import Store
from bot.tooling.check import check_report
from bot.web.app import create_app
from bot.web.auth import hash_password
from tests.conftest import ROOT
from tests.test_web import PASSWORD, login

STAFF = ROOT / "translations" / "staff"
#: The values the console shows in the page's language, by the key family that words them.
VALUES = {
    "console_status_": ("open", "closed"),
    "console_author_": ("user", "staff"),
    "console_text_": ("curated", "draft", "machine", "none"),
    "console_severity_": ("error", "warning"),
    "console_translation_": ("reviewed", "draft", "outdated", "missing"),
    "console_answered_": ("reviewed", "draft", "source", "machine", "none"),
}
#: The code that asks for the wording: this checkout's, whatever OPASTIN_HOME says.
BOT = Path(__file__).resolve().parent.parent / "bot"


def test_both_catalogs_have_every_key_the_code_asks_for_with_the_same_placeholders() -> None:
    staff = load_staff_texts(STAFF, "fi").texts.by_language
    code = "\n".join(path.read_text(encoding="utf-8") for path in BOT.rglob("*.py"))
    code += "\n".join(path.read_text(encoding="utf-8") for path in BOT.rglob("*.html"))
    asked = set(re.findall(r'(?:staff|words)\.get\(\s*"([a-z_]+)"', code)) | set(
        re.findall(r'"((?:answer|console)_sent_[a-z]+)"', code)
    )
    assert asked, "the test must see what the code asks for"
    families = {key for key in asked if key.endswith("_")}  # "console_status_" + ticket.status
    assert families == set(VALUES)
    asked = (asked - families) | {prefix + value for prefix, values in VALUES.items() for value in values}
    assert asked <= set(staff["fi"])
    assert asked <= set(staff["en"])
    assert set(staff["fi"]) == set(staff["en"])
    for key, text in staff["fi"].items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", staff["en"][key])), key


@pytest.mark.parametrize(
    ("language", "heading", "name"),
    [
        ("fi", "Kysymys palvelupisteelle, tiketti K7", "arabia"),
        ("en", "Question for the service point, ticket K7", "Arabic"),
    ],
)
def test_a_ticket_is_worded_in_the_staff_language(tmp_path: Path, language: str, heading: str, name: str) -> None:
    store = Store.in_dir(tmp_path)
    handoff = Handoff(lambda: pytest.fail("no core is needed"), store, None, load_staff_texts(STAFF, language))
    ticket = {"number": "K7", "language": "ar", "municipality": None}
    text = handoff.staff_text(ticket, "مرحبا", None)
    assert text.splitlines()[0] == heading
    assert f"{name} (ar)" in text
    assert "مرحبا" in text


def test_a_staff_language_without_a_catalog_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, staff_language="de")
    services = Services(settings, ROOT, cores=lambda: pytest.fail("no core is needed"), store=Store.in_dir(tmp_path))
    with pytest.raises(ConfigError, match=r"OPASTIN_STAFF_LANGUAGE is 'de'.*en, fi"):
        services.handoff  # noqa: B018 - building it is what fails


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({"OPASTIN_STAFF_LANGUAGE": "en"}, dotenv=None).staff_language == "en"
    assert Settings.from_env({}, dotenv=None).staff_language == "fi"


@pytest.mark.parametrize(
    ("language", "heading", "close"), [("fi", "Tiketti", "Sulje tiketti"), ("en", "Ticket", "Close the ticket")]
)
def test_the_console_ticket_page_is_in_the_staff_language(
    core: Core, tmp_path: Path, language: str, heading: str, close: str
) -> None:
    store = Store.in_dir(tmp_path)
    store.add_staff("aino", hash_password(PASSWORD))
    number = store.open_ticket("someone", 42, "ar", None)
    settings = Settings(data_dir=tmp_path, secret="web-test", staff_language=language)
    app = create_app(Services(settings, ROOT, cores=lambda: core, store=store), check_report)
    client = TestClient(app, base_url="http://127.0.0.1")
    login(client)
    page = client.get(f"/tickets/{number}").text
    assert f"<h1>{heading} {number}</h1>" in page
    assert close in page
