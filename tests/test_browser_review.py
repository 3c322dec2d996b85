"""The Review and Feedback pages end to end in headless Chromium, against `opastin web` on a copy
of the project's files (a review writes into its translations/knowledge/<code>.po)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from bot.core import Core, State
from bot.names import NOT_RIGHT
from bot.project.translations import translations_in
from bot.store import Store
from tests.conftest import copy_project
from tests.test_browser import ARTIFACTS, CHROMIUM, PASSWORD, chromium, serving

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed: sudo apt-get install chromium"
)
QUESTION = "أين يقع Kajaani Info؟"
LINE = "الساعات غير صحيحة"
ADDED = "راجعه متحدث أصلي."


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, core: Core) -> Iterator[tuple[str, Path]]:
    """`opastin web` over a copy of the project, with a staff account, an Arabic reviewer and one
    "not right" from an Arabic user; its address and the copy."""
    tree = copy_project(tmp_path_factory.mktemp("review-project"))
    data = tmp_path_factory.mktemp("review-data")
    env = {**os.environ, "OPASTIN_DATA_DIR": str(data), "OPASTIN_SECRET": "browser-test", "OPASTIN_HOME": str(tree)}
    opastin = str(Path(sys.executable).parent / "opastin")
    for account in (["aino"], ["amina", "--role", "reviewer", "--languages", "ar"]):
        add = [opastin, "staff", "add", *account, "--password-stdin"]
        subprocess.run(add, input=PASSWORD + "\n", env=env, text=True, check=True, cwd=tree)
    store = Store.in_dir(data)
    store.record_question("someone", QUESTION, core.reply(State(language="ar", language_chosen=True), QUESTION))
    row = store.record_feedback("someone", NOT_RIGHT, "ar", "draft", "service_point")
    store.add_feedback_comment("someone", row, LINE)
    store.close()
    with serving(env, tree) as url:
        yield url, tree


def sign_in_as(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/login")
    page.click("text=In English")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_a_reviewer_corrects_an_arabic_draft_users_complained_of(console: tuple[str, Path], core: Core) -> None:
    from playwright.sync_api import expect

    url, tree = console
    (ARTIFACTS / "console").mkdir(parents=True, exist_ok=True)
    with chromium() as page:
        sign_in_as(page, url, "amina")
        expect(page).to_have_url(f"{url}/review")
        expect(page.locator("header")).not_to_contain_text("Tickets")
        expect(page.locator("#languages")).to_contain_text("Arabic")
        expect(page.locator("#languages")).not_to_contain_text("Persian")
        page.click("text=Arabic")
        first = page.locator("#entries tr[data-status] a").first
        expect(first).to_have_text("service_point")
        first.click()
        expect(page.locator("#texts section")).to_have_count(3)
        expect(page.locator("#texts section[lang=fi]")).to_contain_text("Kajaani Info")
        expect(page.locator("#complaints")).to_contain_text(LINE)
        draft = page.locator("textarea[name=text]").input_value()
        page.fill("textarea[name=text]", f"{draft}\n{ADDED}")
        page.screenshot(path=str(ARTIFACTS / "console" / "review.png"), full_page=True)
        page.click("#mark-reviewed")
        expect(page.locator("#notice")).to_be_visible()
        expect(page.locator("#status")).to_contain_text("reviewed by amina")
        page.goto(f"{url}/tickets")
        expect(page).to_have_url(f"{url}/review")
        page.goto(f"{url}/feedback")
        expect(page.locator("#complaints")).to_contain_text(LINE)
    reviewed = translations_in(core.knowledge, tree / "translations" / "knowledge" / "ar.po")["service_point"]
    assert reviewed.status == "reviewed"
    assert reviewed.text.endswith(ADDED)
    assert (reviewed.reviewer or "").startswith("amina, ")


def test_staff_read_the_queue_and_the_counts(console: tuple[str, Path]) -> None:
    from playwright.sync_api import expect

    url, _ = console
    with chromium() as page:
        sign_in_as(page, url, "aino")
        expect(page).to_have_url(f"{url}/try")
        page.click("header >> text=Feedback")
        expect(page.locator("#complaints")).to_contain_text(LINE)
        expect(page.locator("#complaints")).to_contain_text(QUESTION)
        page.click("header >> text=Statistics")
        expect(page.locator("#feedback")).to_contain_text("service_point")
        page.goto(f"{url}/review/ar/service_point")
        expect(page.locator("#read-only")).to_be_visible()
        expect(page.locator("textarea")).to_have_count(0)
