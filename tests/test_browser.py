"""The staff console end to end in a real headless Chromium, against `opastin web` on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.core import Core, State
from bot.store import Store
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "a long staff password"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed: sudo apt-get install chromium"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, core: Core) -> Iterator[str]:
    """`opastin web` with one staff account and a few questions asked, as staff would run it."""
    data = tmp_path_factory.mktemp("console-data")
    env = {**os.environ, "OPASTIN_DATA_DIR": str(data), "OPASTIN_SECRET": "browser-test"}
    opastin = str(Path(sys.executable).parent / "opastin")
    subprocess.run(
        [opastin, "staff", "add", "aino", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        text=True,
        check=True,
        cwd=ROOT,
    )
    store = Store.in_dir(data)
    for text in ("Where is Kajaani Info?", "مرحبا، أين يقع Kajaani Info؟", "What is the weather?"):
        store.record_question("someone", text, core.reply(State(), text))
    store.close()
    port = free_port()
    server = subprocess.Popen(
        [opastin, "web", "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/login", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(10)


def test_staff_sign_in_ask_in_arabic_and_see_statistics(console: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(ARTIFACTS / "console", ignore_errors=True)
    (ARTIFACTS / "console").mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.goto(f"{console}/stats")
        expect(page).to_have_url(f"{console}/login")
        expect(page.locator("html")).to_have_attribute("lang", "fi")
        expect(page.locator("h1")).to_have_text("Kirjaudu sisään")
        page.click("text=In English")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.screenshot(path=str(ARTIFACTS / "console" / "login.png"))
        page.fill("input[name=name]", "aino")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        expect(page).to_have_url(f"{console}/try")
        page.fill("textarea[name=question]", "أين يقع Kajaani Info وما هي ساعات العمل؟")
        page.click("main button[type=submit]")
        expect(page.locator("#answer")).to_contain_text("Kajaani Info")
        expect(page.locator("#details")).to_contain_text("service_point")
        expect(page.locator("#details")).to_contain_text("ar")
        expect(page.locator("#original")).to_contain_text("kaupungintalo")
        page.screenshot(path=str(ARTIFACTS / "console" / "try.png"), full_page=True)
        page.click("text=Statistics")
        expect(page.locator("svg").first).to_be_visible()
        assert page.locator("svg rect").count() > 3
        page.screenshot(path=str(ARTIFACTS / "console" / "stats.png"), full_page=True)
        page.click("text=Knowledge")
        expect(page.locator("h1")).to_have_text("Knowledge")
        page.screenshot(path=str(ARTIFACTS / "console" / "knowledge.png"))
        page.click("text=Unanswered")
        expect(page.locator("table")).to_contain_text("weather")
        page.screenshot(path=str(ARTIFACTS / "console" / "unanswered.png"))
        browser.close()
