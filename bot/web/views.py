"""The staff web console: try questions, browse knowledge, see statistics. For staff only.

Server-rendered (Starlette + Jinja2, no JavaScript needed), bound to 127.0.0.1 by default.
Every route but the login page needs a signed-in staff member; every form carries a CSRF token.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from telegram import Bot

from ..channels.staffdesk import send_answer
from ..check import Checker, Problem
from ..core import Core, State
from ..handoff import Handoff
from ..languages import SUPPORTED
from ..reload import fingerprint
from ..settings import Settings
from ..store import BREAKDOWNS, Store
from .plots import rate_line, stacked_bars

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SESSION_COOKIE = "opastin_staff"
LOW_CONFIDENCE = 0.5
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2 hash of ``password`` for the staff table."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Tell whether ``password`` matches ``stored`` (False for unknown accounts, in the same time)."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class Console:
    """The console's routes over the core, the store and the project's files."""

    def __init__(
        self,
        cores: Callable[[], Core],
        store: Store,
        root: Path,
        today: date | None = None,
        handoff: Handoff | None = None,
        telegram: Callable[[], Bot] | None = None,
    ) -> None:
        self.cores = cores
        self.handoff = handoff or Handoff(cores, store, cores().translator)
        self.telegram = telegram
        self._checked: tuple[Any, list[Problem], list[tuple[str, int, int, int, int]]] | None = None
        self.store = store
        self.root = root
        self.today = today

    @property
    def core(self) -> Core:
        """The current core (a new one after the knowledge files were edited)."""
        return self.cores()

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        """Render ``template`` with the staff member and the CSRF token every form needs."""
        context.update(staff=request.session.get("staff"), csrf=_csrf_token(request))
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status)

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page(request, "login.html")
        form = await request.form()
        if not _csrf_ok(request, form.get("csrf")):
            return PlainTextResponse("The form expired. Reload the page and try again.", status_code=403)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        if not verify_password(self.store.staff_hash(name), password):
            return self.page(request, "login.html", status=401, error=True, name=name)
        request.session.clear()
        request.session.update(staff=name, csrf=secrets.token_urlsafe(24))
        return RedirectResponse("/try", status_code=303)

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if _csrf_ok(request, form.get("csrf")):
            request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def try_question(self, request: Request) -> Response:
        context: dict[str, Any] = {"languages": SUPPORTED, "municipalities": self.core.knowledge.municipalities}
        if request.method == "POST":
            form = await request.form()
            if not _csrf_ok(request, form.get("csrf")):
                return PlainTextResponse("The form expired. Reload the page and try again.", status_code=403)
            question = str(form.get("question", ""))
            language = str(form.get("language", "")) or None
            municipality = str(form.get("municipality", "")) or None
            state = State(language=language, language_chosen=language is not None, municipality=municipality)
            reply = self.core.reply(state, question)
            entry = self.core.knowledge.entry(reply.topic) if reply.topic else None
            source = self.core.knowledge.sources[entry.source] if entry else None
            context.update(
                question=question, language=language, municipality=municipality, reply=reply, entry=entry, source=source
            )
        return self.page(request, "try.html", **context)

    def _check(self) -> tuple[list[Problem], list[tuple[str, int, int, int, int]]]:
        """`opastin check` of the files as they are now, run again only after they changed."""
        seen = (fingerprint(self.root), self.today or date.today())
        if self._checked is None or self._checked[0] != seen:
            checker = Checker(self.root, seen[1])
            problems = checker.run(golden=False)
            self._checked = (seen, problems, checker.translation_table())
        return self._checked[1], self._checked[2]

    async def knowledge(self, request: Request) -> Response:
        problems, table = self._check()
        statuses = {
            entry.id: {
                language: t.status for language, by_id in self.core.translations.items() if (t := by_id.get(entry.id))
            }
            for entry in self.core.knowledge.entries
        }
        return self.page(
            request,
            "knowledge.html",
            entries=self.core.knowledge.entries,
            statuses=statuses,
            problems=problems,
            table=table,
        )

    async def stats(self, request: Request) -> Response:
        period = request.query_params.get("period", "day")
        period = period if period in ("day", "week") else "day"
        charts = [stacked_bars(self.store.counts(period, by), f"Questions per {period} by {by}") for by in BREAKDOWNS]
        rates = self.store.fallback_rates(period)
        charts.append(rate_line(rates, f"Fallback rate per {period}"))
        asked = sum(total for _, total, _ in rates)
        unanswered = sum(fallbacks for _, _, fallbacks in rates)
        return self.page(request, "stats.html", charts=charts, period=period, asked=asked, unanswered=unanswered)

    async def stats_csv(self, request: Request) -> Response:
        rows = self.store.export()
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=["asked_at", "language", "topic", "intent", "confidence", "fallback", "municipality"]
        )
        writer.writeheader()
        writer.writerows(rows)
        headers = {"Content-Disposition": 'attachment; filename="opastin-questions.csv"'}
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)

    async def tickets(self, request: Request) -> Response:
        return self.page(request, "tickets.html", open=self.store.tickets("open"), closed=self.store.tickets("closed"))

    async def ticket(self, request: Request) -> Response:
        number = request.path_params["number"]
        ticket = self.store.ticket(number)
        if ticket is None:
            return PlainTextResponse("No such ticket.", status_code=404)
        notice = None
        if request.method == "POST":
            form = await request.form()
            if not _csrf_ok(request, form.get("csrf")):
                return PlainTextResponse("The form expired. Reload the page and try again.", status_code=403)
            if form.get("close"):
                self.store.close_ticket(number)
                notice = "Suljettu."
            else:
                notice = await self._answer(number, str(form.get("answer", "")).strip())
            ticket = self.store.ticket(number) or ticket
        return self.page(
            request,
            "ticket.html",
            ticket=ticket,
            messages=self.store.ticket_messages(number),
            notice=notice,
            can_send=self.telegram is not None,
        )

    async def _answer(self, number: str, finnish: str) -> str:
        if not finnish:
            return "Kirjoita vastaus."
        if self.telegram is None:
            return "Telegram ei ole käytössä (OPASTIN_TELEGRAM_TOKEN puuttuu): vastausta ei lähetetty."
        answer = self.handoff.answer(number, finnish)
        if answer is None:
            return "Tiketti on suljettu: vastausta ei lähetetty."
        async with self.telegram() as bot:
            await send_answer(bot, self.core.texts, answer)
        return "Vastaus lähetetty käyttäjälle" + (" käännettynä." if answer.translated else " suomeksi.")

    async def unanswered(self, request: Request) -> Response:
        return self.page(request, "unanswered.html", rows=self.store.unanswered(LOW_CONFIDENCE))


def _csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def _csrf_ok(request: Request, sent: object) -> bool:
    expected = request.session.get("csrf")
    return bool(expected) and isinstance(sent, str) and secrets.compare_digest(str(expected), sent)


class _RequireStaff:
    """ASGI middleware: every path but /login needs a signed-in staff member."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] != "/login" and not scope.get("session", {}).get("staff"):
            method = scope["method"]
            response: Response = (
                RedirectResponse("/login", status_code=303)
                if method in ("GET", "HEAD")
                else PlainTextResponse("Sign in first.", status_code=403)
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(
    cores: Callable[[], Core],
    store: Store,
    settings: Settings,
    root: Path,
    *,
    secure_cookies: bool = False,
    today: date | None = None,
) -> Starlette:
    """The console as an ASGI app."""
    telegram = None
    if settings.telegram_token:
        token, base_url = settings.telegram_token, settings.telegram_api_url

        def telegram() -> Bot:
            return Bot(token, base_url=base_url) if base_url else Bot(token)

    console = Console(cores, store, root, today, telegram=telegram)
    routes = [
        Route("/", lambda request: RedirectResponse("/try", status_code=303)),
        Route("/login", console.login, methods=["GET", "POST"]),
        Route("/logout", console.logout, methods=["POST"]),
        Route("/try", console.try_question, methods=["GET", "POST"]),
        Route("/knowledge", console.knowledge),
        Route("/stats", console.stats),
        Route("/stats.csv", console.stats_csv),
        Route("/unanswered", console.unanswered),
        Route("/tickets", console.tickets),
        Route("/tickets/{number}", console.ticket, methods=["GET", "POST"]),
    ]
    secret = settings.pseudonym_key() + b"console"
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=secret.hex(),
            session_cookie=SESSION_COOKIE,
            same_site="strict",
            https_only=secure_cookies,
            max_age=8 * 3600,
        ),
        Middleware(_RequireStaff),
    ]
    return Starlette(routes=routes, middleware=middleware)
