"""The console attacked: copied and minted session cookies, password guessing, a blocked server,
framing and DNS rebinding, weak accounts, disguised text. Each test failed before its fix."""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from base64 import b64encode
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import itsdangerous
import pytest
import uvicorn
from starlette.testclient import TestClient

from bot.app import Services
from bot.cli import main
from bot.core import Core, State
from bot.errors import ConfigError
from bot.settings import Settings
from bot.store import Store
from bot.tooling.check import check_report
from bot.web import auth
from bot.web.app import console_hosts, create_app
from bot.web.auth import hash_password
from bot.web.words import LANGUAGE_COOKIE
from tests.conftest import ROOT, TODAY
from tests.test_browser import free_port
from tests.test_web import PASSWORD, csrf, login

SECRET = "console-security-test"
SESSION_COOKIE = "opastin_staff"
START = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


class Clock:
    """The store's time, moved on by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    store = Store.in_dir(tmp_path)
    store.now = clock
    store.add_staff("aino", hash_password(PASSWORD))
    yield store
    store.close()


@pytest.fixture
def services(core: Core, store: Store, tmp_path: Path) -> Services:
    return Services(Settings(data_dir=tmp_path, secret=SECRET), ROOT, cores=lambda: core, store=store)


def browser(services: Services) -> TestClient:
    client = TestClient(create_app(services, check_report, today=TODAY), base_url="http://127.0.0.1")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    return client


@pytest.fixture
def client(services: Services) -> TestClient:
    return browser(services)


def signed_in(client: TestClient) -> str:
    """Sign in as aino; the session cookie."""
    login(client)
    assert client.get("/try", follow_redirects=False).status_code == 200
    return str(client.cookies[SESSION_COOKIE])


def opens(services: Services, cookie: str) -> bool:
    """Tell whether another browser holding only ``cookie`` gets a signed-in page."""
    thief = browser(services)
    thief.cookies.set(SESSION_COOKIE, cookie)
    return thief.get("/try", follow_redirects=False).status_code == 200


def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *argv: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setenv("OPASTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OPASTIN_SECRET", SECRET)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    out = io.StringIO()
    try:
        code = main(list(argv), stdin=io.StringIO(stdin), stdout=out)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue()


# 1. Sessions live in the store and can be ended.


def test_the_cookie_holds_only_a_random_id_the_store_keeps_hashed(client: TestClient, store: Store) -> None:
    cookie = signed_in(client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie), "32 random bytes, nothing readable"
    row = store.db.execute(
        "SELECT staff, created, expires, last_seen FROM staff_sessions WHERE id = ?",
        [hashlib.sha256(cookie.encode()).hexdigest()],
    ).fetchone()
    assert row == ("aino", "2026-12-02T12:00:00+00:00", "2026-12-02T20:00:00+00:00", "2026-12-02T12:00:00+00:00")
    assert not list(store.db.execute("SELECT * FROM staff_sessions WHERE id = ?", [cookie]))


def test_signing_in_starts_a_new_session(client: TestClient, services: Services) -> None:
    client.get("/login")
    before = client.cookies[SESSION_COOKIE]
    after = signed_in(client)
    assert before != after
    assert not opens(services, before)


def test_a_copied_cookie_opens_nothing_after_logout(client: TestClient, services: Services) -> None:
    cookie = signed_in(client)
    assert opens(services, cookie)
    client.post("/logout", data={"csrf": csrf(client.get("/try").text)})
    assert not opens(services, cookie)


def test_a_new_password_ends_the_accounts_sessions(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cookie = signed_in(client)
    code, out = run_cli(
        monkeypatch, tmp_path, "staff", "password", "aino", "--password-stdin", stdin="a new one, long\n"
    )
    assert code == 0, out
    assert not opens(services, cookie)
    login(client, "a new one, long")
    assert client.get("/try", follow_redirects=False).status_code == 200


def test_removing_the_account_ends_its_sessions(
    client: TestClient, services: Services, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cookie = signed_in(client)
    assert run_cli(monkeypatch, tmp_path, "staff", "remove", "aino")[0] == 0
    assert store.staff_hash("aino") is None
    assert not opens(services, cookie)
    assert run_cli(monkeypatch, tmp_path, "staff", "remove", "aino")[0] == 1, "no such account any more"


def test_a_session_ends_after_eight_hours_and_after_two_idle(
    client: TestClient, services: Services, clock: Clock
) -> None:
    cookie = signed_in(client)
    for _ in range(4):  # used every 1 h 55 min: never idle too long
        clock.now += timedelta(hours=1, minutes=55)
        assert opens(services, cookie)
    clock.now += timedelta(minutes=45)  # 8 h 25 min after signing in
    assert not opens(services, cookie)
    cookie = signed_in(client)
    clock.now += timedelta(hours=2, minutes=1)
    assert not opens(services, cookie)


def test_ended_sessions_are_forgotten_by_the_daily_purge(client: TestClient, store: Store, clock: Clock) -> None:
    signed_in(client)
    clock.now += timedelta(hours=7)
    store.purge_expired()
    assert store.db.execute("SELECT count(*) FROM staff_sessions").fetchone() == (1,)
    clock.now += timedelta(hours=1)
    store.purge_expired()
    assert store.db.execute("SELECT count(*) FROM staff_sessions").fetchone() == (0,)


def old_style_cookie(services: Services, session: dict[str, str]) -> str:
    """A session cookie as the console signed them before sessions moved to the store."""
    secret = (services.settings.pseudonym_key() + b"console").hex()
    return itsdangerous.TimestampSigner(secret).sign(b64encode(json.dumps(session).encode())).decode()


@pytest.mark.parametrize("name", ["mallory", "aino"])
def test_a_cookie_minted_with_the_secret_opens_nothing(services: Services, store: Store, name: str) -> None:
    store.db.execute("DELETE FROM staff")  # "mallory" never was an account, "aino" is gone
    assert not opens(services, old_style_cookie(services, {"staff": name, "csrf": "x"}))


def test_staff_add_refuses_an_existing_name_and_password_an_unknown_one(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, _ = run_cli(monkeypatch, tmp_path, "staff", "add", "aino", "--password-stdin", stdin="another password\n")
    assert code == 1
    assert (
        run_cli(monkeypatch, tmp_path, "staff", "password", "eero", "--password-stdin", stdin="x" * 12 + "y\n")[0] == 1
    )
    assert store.staff_hash("eero") is None


# 2. Password guessing is throttled per account and per address.


def try_password(client: TestClient, password: str, name: str = "aino") -> int:
    token = csrf(client.get("/login").text)
    response = client.post("/login", data={"csrf": token, "name": name, "password": password}, follow_redirects=False)
    return response.status_code


def test_after_five_failures_each_try_waits_twice_as_long(client: TestClient, clock: Clock) -> None:
    assert [try_password(client, f"guess {n}") for n in range(5)] == [401] * 5
    assert try_password(client, PASSWORD) == 429, "the right password waits its turn too"
    page = client.post("/login", data={"csrf": csrf(client.get("/login").text), "name": "aino", "password": "x"}).text
    assert "Too many wrong tries. Try again in 1 s." in page
    clock.now += timedelta(seconds=1)
    assert try_password(client, "guess 6") == 401
    assert try_password(client, PASSWORD) == 429
    clock.now += timedelta(seconds=2)
    assert try_password(client, PASSWORD) == 303


def test_twenty_failures_lock_the_account_for_fifteen_minutes(client: TestClient, clock: Clock) -> None:
    for failures in range(1, 21):
        assert try_password(client, f"guess {failures}") == 401
        if failures >= 5 and failures < 20:  # each back-off waited out: 1 s, 2 s, 4 s ... at most 15 min
            clock.now += timedelta(seconds=min(2 ** (failures - 5), 900))
    clock.now += timedelta(minutes=14, seconds=59)
    assert try_password(client, PASSWORD) == 429
    assert "Try again in 1 s." in client.post("/login", data={"csrf": csrf(client.get("/login").text)}).text
    clock.now += timedelta(seconds=1)
    assert try_password(client, PASSWORD) == 303


def test_one_address_guessing_many_accounts_is_throttled(client: TestClient) -> None:
    assert [try_password(client, "password123", name=f"user{n}") for n in range(5)] == [401] * 5
    assert try_password(client, PASSWORD) == 429, "the address waits, whichever account it tries"


def test_failures_are_logged_without_the_password(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="bot.web.auth"):
        try_password(client, "my secret guess")
    assert "'aino'" in caplog.text
    assert "my secret guess" not in caplog.text


# 3. Password checks run off the event loop, a few at a time.


class GatedHasher:
    """The real argon2 hasher, each check held at a gate until the test opens it: a check in
    progress is then certain, and which request finishes first is the server's doing alone."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.gate = threading.Event()
        self.changed = threading.Condition()
        self.running = 0
        self.most = 0

    def verify(self, stored: str, password: str) -> bool:
        with self.changed:
            self.running += 1
            self.most = max(self.most, self.running)
            self.changed.notify_all()
        self.gate.wait(60)
        try:
            return bool(self.real.verify(stored, password))  # type: ignore[attr-defined]
        finally:
            with self.changed:
                self.running -= 1


def test_pages_are_served_while_sixteen_wrong_logins_are_checked(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = GatedHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", hasher)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services, check_report, today=TODAY), host="127.0.0.1", port=port, log_level="error")
    )
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{port}"
    while not server.started:
        serving.join(0.05)
    finished: list[str] = []

    def guess(n: int) -> None:
        # 16 attackers: each its own address (127.0.0.2 ...) and account, so no throttle applies
        # Waits are bounds, not timings: a login queued behind the closed gate may wait longer than
        # httpx's 5 s default on a loaded machine, and then it would be missing from ``finished``.
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{n + 2}")
        with httpx.Client(base_url=url, transport=transport, timeout=60) as one:
            token = csrf(one.get("/login").text)
            status = one.post("/login", data={"csrf": token, "name": f"guess{n}", "password": "wrong"}).status_code
            finished.append(f"login {status}")

    def page() -> None:
        finished.append(f"page {httpx.get(f'{url}/login', timeout=60).status_code}")

    logins = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    try:
        for login_thread in logins:
            login_thread.start()
        with hasher.changed:
            hasher.changed.wait_for(lambda: hasher.running == auth.CHECKS_AT_ONCE, timeout=60)
        reader = threading.Thread(target=page)
        reader.start()
        reader.join(30)
    finally:
        hasher.gate.set()
        for thread in logins:
            thread.join(60)
        server.should_exit = True
        serving.join(10)
    assert finished == ["page 200"] + ["login 401"] * 16
    assert hasher.most == auth.CHECKS_AT_ONCE, "at most two argon2 checks at once"


# 4. Headers on every response; other host names refused.

TEMPLATES = ROOT / "bot" / "web" / "templates"


def assert_guarded(headers: Mapping[str, str]) -> None:
    policy = headers["content-security-policy"]
    for rule in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert rule in policy
    assert "unsafe-inline" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"


def test_every_page_and_download_carries_the_security_headers(client: TestClient, store: Store) -> None:
    number = store.open_ticket("someone", 42, "ar", None)
    assert_guarded(client.get("/login").headers)
    assert_guarded(client.get("/try", follow_redirects=False).headers)  # the redirect to /login
    signed_in(client)
    for path in ("/try", "/knowledge", "/stats", "/stats.csv", "/unanswered", "/tickets", f"/tickets/{number}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_guarded(response.headers)
    assert_guarded(client.get("/no-such-page").headers)
    stylesheet = client.get("/static/console.css")
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert "frame-ancestors 'none'" in stylesheet.headers["content-security-policy"]


def test_no_template_has_inline_script_style_or_handlers() -> None:
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html, re.IGNORECASE), template.name
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", html, re.IGNORECASE), template.name


def test_the_statistics_charts_have_no_inline_style(client: TestClient, store: Store, core: Core) -> None:
    store.record_question("someone", "Where is Kajaani Info?", core.reply(State(), "Where is Kajaani Info?"))
    signed_in(client)
    page = client.get("/stats").text
    assert "<svg" in page
    assert not re.search(r"\sstyle=|<style", page)


def test_a_request_for_another_host_name_is_refused(services: Services) -> None:
    cookie = signed_in(browser(services))
    rebound = TestClient(create_app(services, check_report, today=TODAY), base_url="http://attacker.example:8080")
    rebound.cookies.set(SESSION_COOKIE, cookie)
    for path in ("/login", "/try", "/stats.csv"):
        response = rebound.get(path, follow_redirects=False)
        assert response.status_code == 400, path
        assert "aino" not in response.text
    assert browser(services).get("/login", headers={"host": "localhost:8080"}).status_code == 200


def test_the_console_answers_to_its_configured_names_else_the_address_it_listens_on() -> None:
    settings = Settings.from_env({"OPASTIN_CONSOLE_HOSTS": "konsoli.example.fi, 10.0.0.5"}, dotenv=None)
    assert console_hosts(settings.console_hosts, "0.0.0.0") == ("konsoli.example.fi", "10.0.0.5")
    assert console_hosts((), "127.0.0.1") == ("127.0.0.1", "localhost", "::1")
    assert console_hosts((), "10.0.0.5") == ("10.0.0.5",)
    with pytest.raises(ConfigError, match="OPASTIN_CONSOLE_HOSTS"):
        console_hosts((), "0.0.0.0")


# 5. Accounts: no blank names, no weak passwords; who answered and closed is kept.


@pytest.mark.parametrize(
    ("name", "password", "why"),
    [
        ("", "a long staff password", "Give the account a name"),
        ("   ", "a long staff password", "Give the account a name"),
        (" eero", "a long staff password", "spaces at either end"),
        ("ee\u202ero", "a long staff password", "control characters"),
        ("eero", "short one", "at least 10 characters"),
        ("eero", "aaaaaaaaaa", "one character repeated"),
        ("eero", " " * 12, "one character repeated"),
        ("eero", "Salasana123", "first ones guessed"),
        ("eero", "qwertyuiop", "first ones guessed"),
        ("eero", "eero the great", "the account's name"),
    ],
)
def test_blank_names_and_weak_passwords_are_refused(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    password: str,
    why: str,
) -> None:
    code, _ = run_cli(monkeypatch, tmp_path, "staff", "add", name, "--password-stdin", stdin=password + "\n")
    assert code == 1
    assert why in capsys.readouterr().err
    assert store.db.execute("SELECT name FROM staff").fetchall() == [("aino",)]


def test_a_good_password_is_taken_and_replaced_only_by_a_good_one(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert (
        run_cli(monkeypatch, tmp_path, "staff", "add", "eero", "--password-stdin", stdin="Kainuun kevät 2027\n")[0] == 0
    )
    before = store.staff_hash("eero")
    code, _ = run_cli(monkeypatch, tmp_path, "staff", "password", "eero", "--password-stdin", stdin="salasana123\n")
    assert (code, store.staff_hash("eero")) == (1, before)


def test_the_ticket_says_who_closed_it(client: TestClient, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    number = store.open_ticket("someone", 42, "ar", None)
    signed_in(client)
    page = client.get(f"/tickets/{number}").text
    with caplog.at_level("INFO", logger="bot.web.views"):
        client.post(f"/tickets/{number}", data={"csrf": csrf(page), "close": "confirmed"})
    assert store.ticket(number)["closed_by"] == "aino"  # type: ignore[index]
    assert f"ticket {number} closed in the console by aino" in caplog.text
    assert "Closed by aino on 2 Dec 2026 14:00." in client.get(f"/tickets/{number}").text


# 6. Bidi controls in user text cannot disguise what it says.

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_controls_in_user_text_are_neutralised_on_every_page(client: TestClient, store: Store, core: Core) -> None:
    disguised = "Maksa tilille \u202eFI12 3456\u202c heti \u2067kiitos\u2069"
    unanswered = replace(core.reply(State(), "What is the weather on Mars?"), fallback=True, confidence=0.1)
    store.record_question("someone", disguised, unanswered)
    number = store.open_ticket("someone", 42, "fi", None)
    store.add_ticket_message(number, "user", disguised, disguised)
    signed_in(client)
    for path in ("/unanswered", f"/tickets/{number}"):
        page = client.get(path).text
        assert "heti" in page, path
        assert not set(BIDI_CONTROLS) & set(page), path
