"""The staff console end to end in a real headless Chromium, against `opastin web` on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from bot.core import Core, State
from bot.store import Store
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "a long staff password"
#: A question of a thousand letters without a space: it must not widen any page.
LONG = "Kysymys" + "a" * 993
#: The knowledge page must stay short (all entries on one page made it 17,600 px long).
KNOWLEDGE_HEIGHT = 4000
#: The width of the browser's window.
VIEWPORT = 1024
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
    for text in ("Where is Kajaani Info?", "مرحبا، أين يقع Kajaani Info؟", LONG):
        store.record_question("someone", text, core.reply(State(), text))
    # an unanswered question whatever the model makes of it (the page is tested, not the model)
    weather = "What is the weather?"
    store.record_question("someone", weather, replace(core.reply(State(), weather), fallback=True, confidence=0.1))
    ticket = store.open_ticket("someone", 42, "ar", "Kajaani")
    store.add_ticket_message(ticket, "user", "مرحبا، أين يقع مكتب الخدمة؟", "Hei, missä palvelupiste on?")
    store.add_ticket_message(ticket, "user", LONG, LONG)
    store.close()
    with serving(env, ROOT) as url:
        yield url


@contextmanager
def serving(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`opastin web` on a free loopback port with ``env``, once it answers; its address."""
    port = free_port()
    opastin = str(Path(sys.executable).parent / "opastin")
    server = subprocess.Popen(
        [opastin, "web", "--port", str(port)], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/login", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(10)


@contextmanager
def chromium() -> Iterator[Page]:
    """A page in Debian's headless Chromium, a window VIEWPORT pixels wide."""
    from playwright.sync_api import sync_playwright

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
        yield browser.new_page(viewport={"width": VIEWPORT, "height": 800})
        browser.close()


def sign_in(page: Page, console: str) -> None:
    page.goto(f"{console}/login")
    page.fill("input[name=name]", "aino")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_staff_sign_in_ask_in_arabic_and_see_statistics(console: str) -> None:
    from playwright.sync_api import expect

    shutil.rmtree(ARTIFACTS / "console", ignore_errors=True)
    (ARTIFACTS / "console").mkdir(parents=True)
    with chromium() as page:
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


#: How far the page scrolls sideways: no further than its window when nothing is too wide.
SCROLL_WIDTH = "document.documentElement.scrollWidth"
#: The gaps between an Arabic cell's edges and its text: (right, left).
RTL_GAPS = """() => {
  const cell = [...document.querySelectorAll('td[dir=auto]')].find(td => td.textContent.includes('مرحبا'));
  const range = document.createRange();
  range.selectNodeContents(cell);
  const text = range.getBoundingClientRect(), box = cell.getBoundingClientRect();
  return [box.right - text.right, text.left - box.left];
}"""


def test_a_long_word_widens_no_page_and_arabic_stands_on_the_right(console: str) -> None:
    with chromium() as page:
        sign_in(page, console)
        page.goto(f"{console}/tickets")
        assert page.evaluate(SCROLL_WIDTH) <= VIEWPORT
        page.click("#messages a, table a")
        assert page.locator("#messages").inner_text().count("a" * 100) >= 1
        assert page.evaluate(SCROLL_WIDTH) <= VIEWPORT, "the ticket page"
        right, left = page.evaluate(RTL_GAPS)
        assert right < 12 < left, "a right-to-left message is aligned right"
        page.screenshot(path=str(ARTIFACTS / "console" / "ticket-long.png"), full_page=True)
        page.goto(f"{console}/unanswered")
        assert page.locator("table").inner_text().count("a" * 100) >= 1
        assert page.evaluate(SCROLL_WIDTH) <= VIEWPORT, "the unanswered list"
        page.goto(f"{console}/try")
        page.fill("textarea[name=question]", LONG)
        page.click("main button[type=submit]")
        assert page.evaluate(SCROLL_WIDTH) <= VIEWPORT, "try a question"
        page.goto(f"{console}/knowledge")
        assert page.evaluate("document.documentElement.scrollHeight") < KNOWLEDGE_HEIGHT
        page.click("#entries a")
        assert page.locator("#translations section").count() > 2
        page.screenshot(path=str(ARTIFACTS / "console" / "entry.png"), full_page=True)


def test_another_page_of_the_same_site_cannot_frame_a_signed_in_page(console: str) -> None:
    """A page on another port of the same machine is the same site: the SameSite cookie goes along
    into its frame, so only frame-ancestors 'none' keeps a ticket from being closed by a click."""
    framing = HTTPServer(("127.0.0.1", 0), _framing_page(f"{console}/tickets"))
    threading.Thread(target=framing.serve_forever, daemon=True).start()
    try:
        with chromium() as page:
            sign_in(page, console)
            page.goto(f"{console}/tickets")
            assert page.locator('form[action="/logout"]').count() == 1, "signed in"
            page.goto(f"http://127.0.0.1:{framing.server_port}/")
            page.wait_for_load_state("load")
            framed = [frame for frame in page.frames if frame is not page.main_frame]
            assert len(framed) == 1
            assert framed[0].locator('form[action="/logout"]').count() == 0
            assert "Opastin" not in framed[0].content()
    finally:
        framing.shutdown()
        framing.server_close()


def _framing_page(target: str) -> type[BaseHTTPRequestHandler]:
    class Framing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f'<!doctype html><title>other</title><iframe src="{target}"></iframe>'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Framing
