"""The editors' queue, the Review page and reviewer accounts, through an in-process client on a
copy of the project's files (a review writes into translations/knowledge/<code>.po)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.app import Services, load_core
from bot.cli import main
from bot.core import Core, State
from bot.names import HELPFUL, NOT_RIGHT
from bot.project.translations import translations_in
from bot.reload import LiveCore, fingerprint
from bot.settings import Settings
from bot.store import Store
from bot.store_feedback import REVIEWER, STAFF, Account
from bot.tooling.check import check_report
from bot.web.app import create_app
from bot.web.auth import hash_password
from bot.web.words import LANGUAGE_COOKIE
from tests.conftest import TODAY, copy_project
from tests.test_web import PASSWORD, csrf

ENTRY = "service_point"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def store(tmp_path: Path, core: Core) -> Iterator[Store]:
    store = Store.in_dir(tmp_path / "data")
    store.add_staff("aino", hash_password(PASSWORD))
    store.add_staff("amina", hash_password(PASSWORD), REVIEWER, ["ar", "so"])
    for user, language, question in (("u1", "ar", "أين يقع Kajaani Info؟"), ("u2", "fa", "Kajaani Info کجاست؟")):
        store.record_question(user, question, core.reply(State(language=language, language_chosen=True), question))
        row = store.record_feedback(user, NOT_RIGHT, language, "draft", ENTRY)
        store.add_feedback_comment(user, row, f"wrong hours ({language}), call 040 123 4567")
    store.record_feedback("u3", HELPFUL, "ar", "draft", ENTRY)
    yield store
    store.close()


@pytest.fixture
def services(core: Core, store: Store, tree: Path, tmp_path: Path) -> Services:
    return Services(Settings(data_dir=tmp_path / "data", secret="review-test"), tree, cores=lambda: core, store=store)


def client_of(services: Services, name: str) -> TestClient:
    client = TestClient(create_app(services, check_report, today=TODAY), base_url="http://127.0.0.1")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    token = csrf(client.get("/login").text)
    client.post("/login", data={"csrf": token, "name": name, "password": PASSWORD})
    return client


@pytest.fixture
def reviewer(services: Services) -> TestClient:
    return client_of(services, "amina")


@pytest.fixture
def staff(services: Services) -> TestClient:
    return client_of(services, "aino")


def catalog(tree: Path, language: str) -> Path:
    return tree / "translations" / "knowledge" / f"{language}.po"


def review(client: TestClient, language: str, title: str, text: str, token: str | None = None) -> int:
    page = client.get(f"/review/{language}/{ENTRY}").text
    data = {"csrf": token if token is not None else csrf(page), "title": title, "text": text}
    return client.post(f"/review/{language}/{ENTRY}", data=data, follow_redirects=False).status_code


def test_a_reviewer_sees_only_the_review_and_feedback_pages_of_their_languages(reviewer: TestClient) -> None:
    for path in ("/", "/try", "/tickets", "/stats", "/knowledge", "/unanswered", "/stats.csv"):
        response = reviewer.get(path, follow_redirects=False)
        assert (response.status_code, response.headers.get("location")) == (303, "/review"), path
    assert reviewer.post("/try", data={"question": "x"}).status_code == 403
    page = reviewer.get("/review").text
    assert ('href="/review/ar"' in page, 'href="/review/so"' in page, 'href="/review/fa"' in page) == (
        True,
        True,
        False,
    )
    assert 'href="/tickets"' not in page, "the menu shows only the reviewer's pages"
    assert reviewer.get("/review/fa").status_code == 403
    assert reviewer.get(f"/review/fa/{ENTRY}").status_code == 403
    feedback = reviewer.get("/feedback").text
    assert "wrong hours (ar), call [phone]" in feedback
    assert "(fa)" not in feedback, "feedback of other languages is not the reviewer's to read"
    assert "040 123 4567" not in feedback


def test_staff_see_every_languages_feedback_and_counts_and_may_only_read_reviews(staff: TestClient, tree: Path) -> None:
    feedback = staff.get("/feedback").text
    assert "wrong hours (ar)" in feedback
    assert "wrong hours (fa)" in feedback
    assert "Kajaani Info کجاست؟" in feedback, "with the question"
    stats = staff.get("/stats").text
    assert 'id="feedback"' in stats
    assert f"<td>{ENTRY}</td><td>Arabic</td><td>1</td><td>1</td>" in stats
    page = staff.get(f"/review/ar/{ENTRY}").text
    assert 'id="read-only"' in page
    assert "<textarea" not in page
    before = catalog(tree, "ar").read_bytes()
    assert review(staff, "ar", "x", "y", token=csrf(page)) == 403
    assert catalog(tree, "ar").read_bytes() == before


def test_drafts_with_complaints_come_first(reviewer: TestClient) -> None:
    page = reviewer.get("/review/ar").text
    first = page.index('<tr data-status="')
    assert f'href="/review/ar/{ENTRY}"' in page[first : first + 300]
    assert page.index('data-status="draft"') < page.rindex('data-status="draft"')


def test_marking_reviewed_writes_the_comment_and_text_and_leaves_every_other_entry_as_it_was(
    reviewer: TestClient, tree: Path, core: Core
) -> None:
    path = catalog(tree, "ar")
    before = path.read_text(encoding="utf-8")
    draft = translations_in(core.knowledge, path)[ENTRY]
    text = draft.text + "\n\nتم التحقق."
    assert review(reviewer, "ar", draft.title, text.replace("\n", "\r\n")) == 303
    after = path.read_text(encoding="utf-8")
    changed = [block for block in after.split("\n\n") if block not in before.split("\n\n")]
    gone = [block for block in before.split("\n\n") if block not in after.split("\n\n")]
    assert len(changed) == len(gone) == 1, "only the entry's text changed"
    assert changed[0].startswith(f"# reviewed-by: amina, {TODAY.isoformat()}\n")
    assert f'msgctxt "{ENTRY}#text"' in changed[0]
    assert [b for b in before.split("\n\n") if b != gone[0]] == [b for b in after.split("\n\n") if b != changed[0]]
    reviewed = translations_in(core.knowledge, path)[ENTRY]
    assert (reviewed.status, reviewed.reviewer, reviewed.text) == ("reviewed", f"amina, {TODAY.isoformat()}", text)
    page = reviewer.get(f"/review/ar/{ENTRY}?saved=1").text
    assert 'id="notice"' in page
    assert "reviewed by amina" in page


def test_a_review_of_another_language_without_the_token_or_losing_a_fact_is_refused(
    reviewer: TestClient, tree: Path, core: Core
) -> None:
    files = {code: catalog(tree, code).read_bytes() for code in ("ar", "fa")}
    token = csrf(reviewer.get(f"/review/ar/{ENTRY}").text)
    assert review(reviewer, "fa", "x", "y", token=token) == 403, "not the reviewer's language"
    assert review(reviewer, "ar", "x", "y", token="forged") == 403, "CSRF"
    draft = translations_in(core.knowledge, catalog(tree, "ar"))[ENTRY]
    entry = core.knowledge.entry(ENTRY)
    assert entry is not None
    assert entry.facts
    lost = draft.text.replace(entry.facts[0], "")
    assert review(reviewer, "ar", draft.title, lost) == 400
    assert review(reviewer, "ar", "", draft.text) == 400
    assert {code: catalog(tree, code).read_bytes() for code in ("ar", "fa")} == files


def test_the_new_pages_carry_the_security_headers(reviewer: TestClient) -> None:
    for path in ("/review", "/review/ar", f"/review/ar/{ENTRY}", "/feedback"):
        headers = reviewer.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["cache-control"] == "no-store", path


def run_cli(monkeypatch: pytest.MonkeyPatch, data: Path, *argv: str) -> int:
    monkeypatch.setenv("OPASTIN_DATA_DIR", str(data))
    monkeypatch.setenv("OPASTIN_SECRET", "review-test")
    monkeypatch.chdir(data)
    try:
        return main(list(argv), stdin=io.StringIO("Kainuun kevät 2027\n"), stdout=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_staff_add_makes_reviewers_of_catalog_languages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    add = ("staff", "add", "--password-stdin")
    assert run_cli(monkeypatch, tmp_path, *add, "leila", "--role", "reviewer", "--languages", "fa,ckb") == 0
    assert run_cli(monkeypatch, tmp_path, *add, "x1", "--role", "reviewer") == 1, "a reviewer needs languages"
    assert run_cli(monkeypatch, tmp_path, *add, "x2", "--role", "reviewer", "--languages", "fi") == 1, (
        "fi is the source"
    )
    assert run_cli(monkeypatch, tmp_path, *add, "x3", "--languages", "ar") == 1, "staff review no language"
    assert run_cli(monkeypatch, tmp_path, *add, "eero") == 0
    assert run_cli(monkeypatch, tmp_path, "staff", "password", "leila", "--password-stdin") == 0
    store = Store.in_dir(tmp_path)
    assert store.staff_account("leila") == Account("leila", REVIEWER, frozenset({"fa", "ckb"}))
    assert store.staff_account("eero") == Account("eero", STAFF)
    assert [name for (name,) in store.db.execute("SELECT name FROM staff ORDER BY name")] == ["eero", "leila"]
    store.close()


def test_an_entry_missing_from_the_catalog_is_said_and_nothing_is_written(
    reviewer: TestClient, tree: Path, core: Core
) -> None:
    entry = core.knowledge.entry(ENTRY)
    assert entry is not None
    path = catalog(tree, "ar")
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(b for b in blocks if f'msgctxt "{ENTRY}#text"' not in b), encoding="utf-8")
    before = path.read_bytes()
    page = reviewer.get(f"/review/ar/{ENTRY}").text
    assert "missing" in page
    response = reviewer.post(
        f"/review/ar/{ENTRY}", data={"csrf": csrf(page), "title": "x", "text": " ".join(entry.facts)}
    )
    assert response.status_code == 400
    assert "opastin translations update" in response.text
    assert path.read_bytes() == before


def test_a_reloaded_bot_answers_with_the_reviewed_translation(reviewer: TestClient, tree: Path, core: Core) -> None:
    live = LiveCore(lambda: load_core(tree, today=lambda: TODAY), tree)
    draft = translations_in(core.knowledge, catalog(tree, "ar"))[ENTRY]
    state = State(language="ar", language_chosen=True)
    assert live().select(state, "topic:service_point").translation == "draft"
    watched = fingerprint(tree)
    assert review(reviewer, "ar", draft.title, draft.text) == 303
    assert fingerprint(tree) != watched, "the running bot sees the edit"
    assert live.reload(), "Babel reads the edited catalog"
    assert live().select(state, "topic:service_point").translation == "curated"
