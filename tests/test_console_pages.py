"""The console made for a service-point worker: one language per page (Finnish unless the browser
chose English), values and times as the page's readers write them, tickets that are safe to act on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.app import Services
from bot.core import Core, State
from bot.project.translations import CATALOG_LANGUAGES
from bot.settings import Settings
from bot.store import Store
from bot.tooling.check import check_report
from bot.web.app import create_app
from bot.web.auth import hash_password
from bot.web.plots import LEFT, WIDTH
from bot.web.views import KNOWLEDGE_PAGE
from bot.web.words import LANGUAGE_COOKIE, linked
from tests.conftest import ROOT, TODAY
from tests.test_web import PASSWORD, csrf, login

#: 12.05 UTC on 2 December 2026: 14.05 in Kajaani, ISO week 49.
NOON = datetime(2026, 12, 2, 12, 5, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.in_dir(tmp_path)
    store.now = lambda: NOON
    store.add_staff("aino", hash_password(PASSWORD))
    yield store
    store.close()


@pytest.fixture
def client(core: Core, store: Store, tmp_path: Path) -> TestClient:
    """The console as deployed without Telegram, in a browser that has chosen no language."""
    services = Services(Settings(data_dir=tmp_path, secret="pages-test"), ROOT, cores=lambda: core, store=store)
    return TestClient(create_app(services, check_report, today=TODAY), base_url="http://127.0.0.1")


def lang(page: str) -> str:
    match = re.search(r'<html lang="([a-z]+)">', page)
    assert match, "every page says its language"
    return match.group(1)


def choose(client: TestClient, language: str, back: str) -> str:
    """Press the language switch on the page at ``back``; where the browser lands."""
    page = client.get(back).text
    response = client.post("/language", data={"csrf": csrf(page), "to": language, "next": back}, follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def test_pages_are_finnish_by_default_and_english_by_choice_kept_in_a_cookie(client: TestClient) -> None:
    login_page = client.get("/login").text
    assert lang(login_page) == "fi"
    assert "<h1>Kirjaudu sisään</h1>" in login_page
    assert 'lang="en">In English</button>' in login_page
    assert choose(client, "en", "/login") == "/login"
    english = client.get("/login").text
    assert (lang(english), "<h1>Sign in</h1>" in english) == ("en", True)
    assert 'lang="fi">Suomeksi</button>' in english
    login(client)
    for path, heading in [("/try", "Try a question"), ("/tickets", "Tickets"), ("/stats", "Statistics")]:
        page = client.get(path).text
        assert (lang(page), f"<h1>{heading}</h1>" in page) == ("en", True), path
    assert choose(client, "fi", "/stats?period=week") == "/stats?period=week"
    page = client.get("/tickets").text
    assert (lang(page), "<h1>Tiketit</h1>" in page, "Tickets" in page) == ("fi", True, False)


def test_the_switch_goes_back_only_to_a_page_of_the_console(client: TestClient) -> None:
    assert choose(client, "en", "/login") == "/login"
    page = client.get("/login").text
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/language", data={"csrf": csrf(page), "to": "en", "next": elsewhere}, follow_redirects=False
        )
        assert response.headers["location"] == "/try", elsewhere
    refused = client.post("/language", data={"csrf": "forged", "to": "fi", "next": "/login"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.cookies.get(LANGUAGE_COOKIE) == "en"


def test_errors_are_pages_in_the_page_language(client: TestClient) -> None:
    refused = client.post("/try", data={"question": "hei"})
    assert (refused.status_code, lang(refused.text), "Kirjaudu ensin sisään." in refused.text) == (403, "fi", True)
    login(client)
    missing = client.get("/no-such-page")
    assert (missing.status_code, lang(missing.text), "Sivua ei ole." in missing.text) == (404, "fi", True)
    ticket = client.get("/tickets/XXXXX")
    assert (ticket.status_code, "Tikettiä ei ole" in ticket.text) == (404, True)
    forged = client.post("/try", data={"csrf": "forged", "question": "hei"})
    assert (forged.status_code, "Lomake vanheni." in forged.text) == (403, True)
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get("/no-such-page")
    assert (lang(english.text), "There is no such page." in english.text) == ("en", True)


def test_a_ticket_shows_its_values_and_times_in_the_page_language(client: TestClient, store: Store) -> None:
    number = store.open_ticket("someone", 42, "ar", "Kajaani")
    store.add_ticket_message(number, "user", "مرحبا", "Hei")
    login(client)
    page = client.get(f"/tickets/{number}").text
    assert "Kieli: arabia · Kunta: Kajaani · Tila: avoin" in page
    assert "<td>käyttäjä</td>" in page
    assert "2.12.2026 klo 14.05" in page, "Helsinki time, as Finns write it"
    assert "Ajat ovat Suomen aikaa (Europe/Helsinki)." in page
    listing = client.get("/tickets").text
    assert "<td>arabia</td>" in listing
    assert "2.12.2026 klo 14.05" in listing
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get(f"/tickets/{number}").text
    assert "Language: Arabic · Municipality: Kajaani · Status: open" in english
    assert "<td>user</td>" in english
    assert "2 Dec 2026 14:05" in english


def test_without_telegram_send_is_disabled_and_says_why(client: TestClient, store: Store) -> None:
    number = store.open_ticket("someone", 42, "ar", None)
    login(client)
    page = client.get(f"/tickets/{number}").text
    assert re.search(r'<button type="submit" id="send" disabled[^>]*>Lähetä', page)
    assert "OPASTIN_TELEGRAM_TOKEN puuttuu" in page


def test_closing_a_ticket_asks_to_confirm(client: TestClient, store: Store) -> None:
    number = store.open_ticket("someone", 42, "ar", None)
    login(client)
    page = client.get(f"/tickets/{number}").text
    asked = client.post(f"/tickets/{number}", data={"csrf": csrf(page), "close": "ask"})
    assert f"Suljetaanko tiketti {number}?" in asked.text
    assert store.ticket(number)["status"] == "open"  # type: ignore[index]
    closed = client.post(f"/tickets/{number}", data={"csrf": csrf(page), "close": "confirmed"})
    assert store.ticket(number)["status"] == "closed"  # type: ignore[index]
    assert "Tila: suljettu" in closed.text


def ask_at(store: Store, core: Core, moment: datetime, text: str) -> None:
    store.now = lambda: moment
    store.record_question("someone", text, core.reply(State(), text))


def test_statistics_count_iso_weeks_and_helsinki_days(client: TestClient, store: Store, core: Core) -> None:
    ask_at(store, core, datetime(2026, 1, 1, 9, 0, tzinfo=UTC), "Where is Kajaani Info?")  # %W: week 00
    ask_at(store, core, NOON, "Where is Kajaani Info?")  # %W: week 48
    ask_at(store, core, datetime(2026, 12, 6, 22, 30, tzinfo=UTC), "Where is Kajaani Info?")  # Monday in Kajaani
    login(client)
    weeks = client.get("/stats?period=week").text
    periods = set(re.findall(r'<text class="period"[^>]*>([^<]+)</text>', weeks))
    assert periods == {"vk 1/2026", "vk 49/2026", "vk 50/2026"}
    days = client.get("/stats").text
    assert set(re.findall(r'<text class="period"[^>]*>([^<]+)</text>', days)) == {"1.1.", "2.12.", "7.12."}
    assert "Päivät ja viikot Suomen aikaa (Europe/Helsinki)" in days


def test_statistics_labels_are_whole_and_named(client: TestClient, store: Store, core: Core) -> None:
    ask_at(store, core, NOON, "Kuka tekee kotoutumissuunnitelman Sotkamossa?")
    ask_at(store, core, NOON, "مرحبا، أين يقع Kajaani Info؟")
    login(client)
    legends = set(re.findall(r'<text class="legend"[^>]*>([^<]+)</text>', client.get("/stats").text))
    assert {"integration_plan_sotkamo", "arabia", "suomi"} <= legends


def test_the_fallback_rate_reads_with_one_period(client: TestClient, store: Store, core: Core) -> None:
    ask_at(store, core, NOON, "Where is Kajaani Info?")
    ask_at(store, core, NOON, "What is the weather tomorrow?")
    login(client)
    chart = client.get("/stats").text.split("<figure>")[-1]
    assert "<polyline" not in chart
    circle = re.search(r'<circle cx="([0-9.]+)"', chart)
    assert circle
    assert float(circle.group(1)) == pytest.approx(LEFT + (WIDTH - LEFT - 10) / 2)
    assert '<text class="share"' in chart
    assert ">50\xa0%</text>" in chart, "the share is written out, as Finns write it"


def test_addresses_in_answers_are_links_and_user_text_finds_its_direction(
    client: TestClient, store: Store, core: Core
) -> None:
    ask_at(store, core, NOON, "What is the weather tomorrow?")
    login(client)
    page = client.get("/try").text
    assert re.search(r'<textarea name="question"[^>]* dir="auto"', page)
    answer = client.post("/try", data={"csrf": csrf(page), "question": "Where is Kajaani Info?", "new": "1"}).text
    link = '<a href="http://www.kajaani.fi/fi/palvelut/kajaani-info" rel="noopener noreferrer" target="_blank">'
    assert link in answer.split('id="answer"')[1].split("</div>")[0]
    assert link in answer.split('id="original"')[1].split("</div>")[0]
    status = re.search(r'<td id="translation">([^<]+)</td>', answer)
    assert status
    assert status.group(1) in {"tarkistettu käännös", "käännösluonnos, ei vielä tarkistettu", "konekäännös"}
    assert "<th>Tekstin käännöksen tila</th>" in answer
    assert '<td dir="auto">What is the weather tomorrow?</td>' in client.get("/unanswered").text


def test_a_link_is_escaped_and_ends_before_the_sentence_does() -> None:
    text = 'See https://example.fi/a?b=1&c="x" and <https://example.fi/x>. Or http://kajaani.fi.'
    html = str(linked(text))
    assert '<a href="https://example.fi/a?b=1&amp;c=" rel=' in html
    assert "&lt;" in html
    assert "<script" not in str(linked("<script>alert(1)</script> https://x.fi/<script>"))
    assert '<a href="http://kajaani.fi" rel="noopener noreferrer" target="_blank">http://kajaani.fi</a>.' in html


def entry_ids(page: str) -> list[str]:
    return re.findall(r'<tr><td><a href="/knowledge/([a-z0-9_]+)">', page)


def test_knowledge_is_searched_filtered_and_paged(client: TestClient, core: Core) -> None:
    login(client)
    first = client.get("/knowledge").text
    assert len(entry_ids(first)) == KNOWLEDGE_PAGE < len(core.knowledge.entries)
    assert 'rel="next"' in first
    second = client.get("/knowledge?page=2").text
    assert not set(entry_ids(first)) & set(entry_ids(second))
    sotkamo = entry_ids(client.get("/knowledge?municipality=Sotkamo").text)
    assert "integration_plan_sotkamo" in sotkamo
    assert all(core.knowledge.entry(id_).municipality == "Sotkamo" for id_ in sotkamo)  # type: ignore[union-attr]
    marjo = entry_ids(client.get("/knowledge?q=Marjo+Leinonen").text)
    assert "integration_plan_sotkamo" in marjo
    assert "service_point" not in marjo
    topic = entry_ids(client.get("/knowledge?topic=service_point").text)
    assert topic == [entry.id for entry in core.knowledge.entries if entry.intent == "service_point"]
    language = next(iter(core.translations))
    status = next(iter(core.translations[language].values())).status
    wanted = [
        entry.id
        for entry in core.knowledge.entries
        if (t := core.translations[language].get(entry.id)) and t.status == status
    ]
    assert entry_ids(client.get(f"/knowledge?language={language}&status={status}").text) == wanted[:KNOWLEDGE_PAGE]
    missing = entry_ids(client.get(f"/knowledge?language={language}&status=missing").text)
    assert not set(missing) & set(core.translations[language])
    assert entry_ids(client.get("/knowledge?q=no-such-words-anywhere").text) == []


def test_an_entry_page_shows_its_translations_side_by_side(client: TestClient, core: Core) -> None:
    login(client)
    page = client.get("/knowledge/integration_plan_sotkamo").text
    cards = re.findall(r'<section lang="([a-z]+)"', page.split('id="translations"')[1])
    assert cards[:2] == ["fi", "en"]
    assert set(cards) == {"fi", "en", *core.translations} | set(CATALOG_LANGUAGES)
    assert "Marjo Leinonen" in page
    assert client.get("/knowledge/no_such_entry").status_code == 404
