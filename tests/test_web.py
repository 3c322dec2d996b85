"""The staff console through an in-process client: auth, CSRF, every page, statistics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.app import Services
from bot.core import Core, State
from bot.settings import Settings
from bot.store import Store
from bot.tooling.check import check_report
from bot.web.app import create_app
from bot.web.auth import hash_password
from bot.web.views import KNOWLEDGE_PAGE
from bot.web.words import LANGUAGE_COOKIE
from tests.conftest import ROOT, TODAY

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.in_dir(tmp_path)
    store.add_staff("aino", hash_password(PASSWORD))
    yield store
    store.close()


@pytest.fixture
def client(core: Core, store: Store, tmp_path: Path) -> TestClient:
    services = Services(Settings(data_dir=tmp_path, secret="web-test"), ROOT, cores=lambda: core, store=store)
    app = create_app(services, check_report, today=TODAY)
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(LANGUAGE_COOKIE, "en")  # pages in English, as in a browser that chose it
    return client


def csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def login(client: TestClient, password: str = PASSWORD) -> None:
    token = csrf(client.get("/login").text)
    client.post("/login", data={"csrf": token, "name": "aino", "password": password})


@pytest.mark.parametrize("path", ["/", "/try", "/knowledge", "/stats", "/stats.csv", "/unanswered"])
def test_every_page_but_login_refuses_strangers(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_posts_without_a_session_are_refused(client: TestClient) -> None:
    assert client.post("/try", data={"question": "hi"}, follow_redirects=False).status_code == 403


def test_a_wrong_password_is_refused_politely(client: TestClient) -> None:
    token = csrf(client.get("/login").text)
    response = client.post("/login", data={"csrf": token, "name": "aino", "password": "wrong password"})
    assert response.status_code == 401
    assert "Wrong name or password." in response.text
    assert client.get("/try", follow_redirects=False).status_code == 303


def test_login_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"name": "aino", "password": PASSWORD})
    assert response.status_code == 403


def test_the_session_cookie_is_httponly_and_samesite_strict(client: TestClient) -> None:
    token = csrf(client.get("/login").text)
    response = client.post("/login", data={"csrf": token, "name": "aino", "password": PASSWORD}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert (response.status_code, response.headers["location"]) == (303, "/try")
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_try_a_question_shows_the_answer_and_its_details(client: TestClient, core: Core) -> None:
    login(client)
    page = client.get("/try").text
    response = client.post(
        "/try", data={"csrf": csrf(page), "question": "Kuka tekee kotoutumissuunnitelman Sotkamossa?"}
    )
    assert response.status_code == 200
    entry = core.knowledge.entry("integration_plan_sotkamo")
    assert entry is not None
    for expected in (
        "integration_plan_sotkamo",
        "Marjo Leinonen",
        "Runner-up intents",
        "reviewed translation",
    ):
        assert expected in response.text


def test_try_keeps_the_conversation_until_a_new_one_is_started(client: TestClient) -> None:
    login(client)
    page = client.get("/try").text
    client.post("/try", data={"csrf": csrf(page), "question": "Who is the contact person in Kuusamo?", "new": "1"})
    followed = client.post("/try", data={"csrf": csrf(page), "question": "And in Paltamo?"})
    assert "helena.hynynen@paltamo.fi" in followed.text
    assert 'id="turn">turn 2<' in followed.text
    fresh = client.post("/try", data={"csrf": csrf(page), "question": "And in Paltamo?", "new": "1"})
    assert "helena.hynynen@paltamo.fi" not in fresh.text
    assert 'id="turn">turn 1<' in fresh.text


def test_try_refuses_a_post_with_a_forged_csrf_token(client: TestClient) -> None:
    login(client)
    client.get("/try")
    assert client.post("/try", data={"csrf": "forged", "question": "hi"}).status_code == 403


def test_answers_are_escaped_in_the_page(client: TestClient) -> None:
    login(client)
    page = client.get("/try").text
    response = client.post("/try", data={"csrf": csrf(page), "question": "<script>alert(1)</script> weather"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_knowledge_lists_entries_gaps_translations_and_check(client: TestClient, core: Core) -> None:
    login(client)
    page = client.get("/knowledge").text
    assert page.count('<tr><td><a href="/knowledge/') == min(KNOWLEDGE_PAGE, len(core.knowledge.entries))
    assert "opastin check" in page
    gap = "council e-mail address not in the sources"
    entry = next(entry for entry in core.knowledge.entries if gap in entry.gaps)
    assert gap in client.get(f"/knowledge/{entry.id}").text


def test_statistics_plot_and_export_what_was_asked(client: TestClient, store: Store, core: Core) -> None:
    for text in ("Where is Kajaani Info?", "Kuka tekee kotoutumissuunnitelman Sotkamossa?", "weather tomorrow?"):
        store.record_question("user-a", text, core.reply(State(), text))
    login(client)
    page = client.get("/stats").text
    assert page.count("<svg") == 4
    assert "3 questions, 1 without an answer" in page
    export = client.get("/stats.csv")
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.text.splitlines()
    assert lines[0] == "asked_at,language,topic,intent,confidence,fallback,municipality"
    assert len(lines) == 4
    assert "user-a" not in export.text


def test_unanswered_questions_are_redacted_and_anonymous(client: TestClient, store: Store, core: Core) -> None:
    text = "my phone is 040 123 4567, what is the weather?"
    store.record_question("user-b", text, core.reply(State(), text))
    login(client)
    page = client.get("/unanswered").text
    assert "[phone]" in page
    assert "040 123 4567" not in page
    assert "user-b" not in page


def test_logout_ends_the_session(client: TestClient) -> None:
    login(client)
    page = client.get("/try").text
    client.post("/logout", data={"csrf": csrf(page)})
    assert client.get("/try", follow_redirects=False).status_code == 303
