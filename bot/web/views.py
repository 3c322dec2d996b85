"""The staff web console's pages: try questions, browse knowledge, see statistics, answer tickets.

Server-rendered (Starlette + Jinja2, no JavaScript needed); ``app.py`` wires the routes and
guards them, ``auth.py`` signs staff in.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import date, timedelta
from functools import partial
from math import ceil
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from babel.numbers import format_percent
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates
from telegram import Bot

from ..app import Services
from ..channels.telegram.callbacks import CallbackSigner
from ..channels.telegram.staffdesk import send_answer
from ..cleantext import clean, without_bidi_controls
from ..core import Core, State
from ..languages import SUPPORTED
from ..project.knowledge import Entry
from ..project.texts import StaffTexts
from ..project.translations import CATALOG_LANGUAGES
from ..reload import fingerprint
from ..store import BREAKDOWNS
from .auth import SignIn, csrf_ok, csrf_token
from .plots import rate_line, stacked_bars
from .stats import PERIODS, counts, fallback_rates, period_label, value_label
from .throttle import LoginThrottle
from .words import LANGUAGE_COOKIE, linked, page_words, written_date, written_time

log = logging.getLogger(__name__)


def _shown(value: Any) -> Any:
    """Every value a page shows, without bidi controls: stored user text cannot be made to read
    as something else (the same characters ``clean`` keeps out of the core)."""
    if isinstance(value, Markup):
        return Markup(without_bidi_controls(str(value)))  # noqa: S704 - removing characters escapes nothing
    return without_bidi_controls(value) if isinstance(value, str) else value


TEMPLATES = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True, finalize=_shown)
)
LOW_CONFIDENCE = 0.5
#: The columns of the translation table after its language.
TRANSLATION_STATUSES = ("reviewed", "draft", "outdated", "missing")
#: The knowledge page's filters (query parameters): a search, then the four lists.
KNOWLEDGE_FILTERS = ("q", "municipality", "topic", "language", "status")
#: Entries on one knowledge page.
KNOWLEDGE_PAGE = 20
#: How long a browser keeps its choice of page language.
LANGUAGE_COOKIE_DAYS = 365
#: A row of the translation table: language, reviewed, draft, outdated, missing.
TableRow = tuple[str, int, int, int, int]
#: `opastin check` of the tree at a path on a day, without the golden questions: its problems
#: (shown as they are) and the translation table. The console is handed it (bot/tooling/ is
#: the editors' tooling, which the runtime never imports).
Check = Callable[[Path, date], tuple[Sequence[object], Sequence[TableRow]]]


class Console:
    """The console's routes over the core, the store and the project's files."""

    def __init__(
        self, services: Services, check: Check, today: date | None = None, telegram: Callable[[], Bot] | None = None
    ) -> None:
        self.cores = services.cores
        self.handoff = services.handoff
        self.telegram = telegram
        self.settings = services.settings
        self.check = check
        self._checked: tuple[Any, Sequence[object], Sequence[TableRow]] | None = None
        self.store = services.store
        self.root = services.root
        self.today = today
        self.sign_in = SignIn(self.store.staff_hash, LoginThrottle(lambda: self.store.now()))

    @property
    def core(self) -> Core:
        """The current core (a new one after the knowledge files were edited)."""
        return self.cores()

    def words(self, request: Request) -> StaffTexts:
        """The staff wording in the language of this browser's pages."""
        return page_words(request, self.handoff.staff)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        """Render ``template`` in the browser's page language, with the staff member and the CSRF
        token every form needs."""
        words = self.words(request)
        known = words.texts.by_language
        signed = "session" in request.scope  # not on the page of an error the session never saw
        context.update(
            staff=request.session.get("staff") if signed else None,
            csrf=csrf_token(request) if signed else "",
            words=words,
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            other_languages=[
                (code, words.texts.get("console_language_self", code)) for code in known if code != words.language
            ],
            when=lambda stamp: written_time(stamp, words),
            day=lambda day: written_date(day, words),
            linked=linked,
        )
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status)

    def error(self, request: Request, status: int, key: str) -> Response:
        """An error page in the browser's page language."""
        return self.page(request, "error.html", status=status, message=self.words(request).get(key))

    def expired(self, request: Request) -> Response:
        """The answer to a form without its session's CSRF token."""
        return self.error(request, 403, "console_error_expired")

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page(request, "login.html")
        form = await request.form()
        if not csrf_ok(request, form.get("csrf")):
            return self.expired(request)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        signed_in = await self.sign_in.attempt(name, password, request.client.host if request.client else "-")
        if signed_in is False:
            error = self.words(request).get("console_login_wrong")
            return self.page(request, "login.html", status=401, error=error, name=name)
        if signed_in is not True:
            error = self.words(request).get("console_login_wait", wait=_wait(signed_in))
            return self.page(request, "login.html", status=429, error=error, name=name)
        request.session.clear()
        request.session.update(staff=name, csrf=secrets.token_urlsafe(24))
        return RedirectResponse("/try", status_code=303)

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if csrf_ok(request, form.get("csrf")):
            request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def language(self, request: Request) -> Response:
        """Keep this browser's choice of page language and go back to the page it was made on."""
        form = await request.form()
        if not csrf_ok(request, form.get("csrf")):
            return self.expired(request)
        back = str(form.get("next", ""))
        response = RedirectResponse(back if _local_path(back) else "/try", status_code=303)
        chosen = str(form.get("to", ""))
        if chosen in self.handoff.staff.texts.by_language:
            response.set_cookie(
                LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_DAYS * 86400, httponly=True, samesite="strict"
            )
        return response

    async def try_question(self, request: Request) -> Response:
        context: dict[str, Any] = {"languages": SUPPORTED, "municipalities": self.core.knowledge.municipalities}
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(request, form.get("csrf")):
                return self.expired(request)
            question = clean(str(form.get("question", "")))
            language = str(form.get("language", "")) or None
            municipality = str(form.get("municipality", "")) or None
            state = State() if form.get("new") else _conversation(request.session.get("conversation"))
            if language:
                state = replace(state, language=language, language_chosen=True)
            if municipality:
                state = replace(state, municipality=municipality, municipality_stated=True)
            reply = self.core.reply(state, question)
            turn = 1 if form.get("new") or "conversation" not in request.session else request.session.get("turn", 0) + 1
            request.session.update(conversation=asdict(reply.state), turn=turn)
            context.update(turn=turn)
            entry = self.core.knowledge.entry(reply.topic) if reply.topic else None
            source = self.core.knowledge.sources[entry.source] if entry else None
            context.update(
                question=question, language=language, municipality=municipality, reply=reply, entry=entry, source=source
            )
        return self.page(request, "try.html", **context)

    def _check(self) -> tuple[Sequence[object], Sequence[TableRow]]:
        """`opastin check` of the files as they are now, run again only after they changed."""
        seen = (fingerprint(self.root), self.today or date.today())
        if self._checked is None or self._checked[0] != seen:
            problems, table = self.check(self.root, seen[1])
            self._checked = (seen, problems, table)
        return self._checked[1], self._checked[2]

    async def knowledge(self, request: Request) -> Response:
        """The entries, searched and filtered, a page of them at a time, with the editors' checks."""
        problems, table = self._check()
        asked = {name: request.query_params.get(name, "") for name in KNOWLEDGE_FILTERS}
        statuses = self._statuses()
        found = [entry for entry in self.core.knowledge.entries if _wanted(entry, asked, statuses[entry.id], self)]
        pages = max(1, ceil(len(found) / KNOWLEDGE_PAGE))
        wanted = request.query_params.get("page", "1")
        number = min(int(wanted), pages) if wanted.isdigit() and int(wanted) > 0 else 1
        shown = found[(number - 1) * KNOWLEDGE_PAGE : number * KNOWLEDGE_PAGE]
        query = {name: value for name, value in asked.items() if value}
        entries = self.core.knowledge.entries
        return self.page(
            request,
            "knowledge.html",
            entries=shown,
            found=len(found),
            first=(number - 1) * KNOWLEDGE_PAGE + 1,
            previous=urlencode({**query, "page": number - 1}) if number > 1 else None,
            next=urlencode({**query, "page": number + 1}) if number < pages else None,
            asked=asked,
            municipalities=sorted({entry.municipality for entry in entries if entry.municipality}),
            topics=sorted({entry.intent for entry in entries}),
            languages=CATALOG_LANGUAGES,
            statuses=statuses,
            problems=problems,
            table=table,
            statuses_order=TRANSLATION_STATUSES,
        )

    async def knowledge_entry(self, request: Request) -> Response:
        """One entry with its translations side by side."""
        entry = self.core.knowledge.entry(request.path_params["entry"])
        if entry is None:
            return self.error(request, 404, "console_error_no_entry")
        translations = {language: by_id.get(entry.id) for language, by_id in self.core.translations.items()}
        return self.page(
            request,
            "knowledge_entry.html",
            entry=entry,
            source=self.core.knowledge.sources.get(entry.source),
            translations=[(language, translations.get(language)) for language in CATALOG_LANGUAGES],
        )

    def _statuses(self) -> dict[str, dict[str, str]]:
        """Each entry's translation status in every catalog language ("missing" where there is none)."""
        translations = self.core.translations
        return {
            entry.id: {
                language: t.status if (t := translations.get(language, {}).get(entry.id)) else "missing"
                for language in CATALOG_LANGUAGES
            }
            for entry in self.core.knowledge.entries
        }

    async def stats(self, request: Request) -> Response:
        period = request.query_params.get("period", "day")
        period = period if period in PERIODS else "day"
        words = self.words(request)
        locale = "fi" if words.language == "fi" else "en"

        def label(key: str) -> str:
            return period_label(key, words)

        questions = {by: self.store.statistics(by) for by in BREAKDOWNS}
        other = words.get("console_value_other")
        charts = [
            stacked_bars(
                counts(rows, period),
                words.get(f"console_chart_{period}_{by}"),
                label,
                partial(value_label, breakdown=by, words=words),
                other,
            )
            for by, rows in questions.items()
        ]
        rates = fallback_rates(questions["language"], period)
        title = words.get(f"console_chart_{period}_fallback")
        charts.append(rate_line(rates, title, label, lambda share: format_percent(share, locale=locale)))
        asked = sum(total for _, total, _ in rates)
        unanswered = sum(fallbacks for _, _, fallbacks in rates)
        feedback = self.store.feedback_counts()
        return self.page(
            request, "stats.html", charts=charts, period=period, asked=asked, unanswered=unanswered, feedback=feedback
        )

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
            return self.error(request, 404, "console_error_no_ticket")
        notice, confirm_close = None, False
        words = self.words(request)
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(request, form.get("csrf")):
                return self.expired(request)
            staff = str(request.session["staff"])
            if form.get("close") == "confirmed":
                self.store.close_ticket(number, by=staff)
                log.info("ticket %s closed in the console by %s", number, staff)
                notice = words.get("console_closed")
            elif form.get("close"):
                confirm_close = True
            else:
                notice = words.get(await self._answer(number, clean(str(form.get("answer", ""))), staff))
            ticket = self.store.ticket(number) or ticket
        return self.page(
            request,
            "ticket.html",
            ticket=ticket,
            messages=self.store.ticket_messages(number),
            notice=notice,
            confirm_close=confirm_close,
            can_send=self.telegram is not None,
        )

    async def _answer(self, number: str, finnish: str, staff: str) -> str:
        """Send ``staff``'s answer to the user; the key of what happened, for the staff's notice."""
        if not finnish:
            return "console_write_answer"
        if self.telegram is None:
            return "console_no_telegram"
        # Machine translation takes seconds: in a worker thread, the console serves other pages meanwhile.
        answer = await anyio.to_thread.run_sync(self.handoff.answer, number, finnish, staff)
        if answer is None:
            return "console_ticket_closed"
        log.info("ticket %s answered in the console by %s", number, staff)
        async with self.telegram() as bot:
            await send_answer(bot, self.core.texts, CallbackSigner(self.settings.pseudonym_key()), answer)
        return "console_sent_translated" if answer.translated else "console_sent_finnish"

    async def unanswered(self, request: Request) -> Response:
        return self.page(request, "unanswered.html", rows=self.store.unanswered(LOW_CONFIDENCE))


def _wanted(entry: Entry, asked: dict[str, str], statuses: dict[str, str], console: Console) -> bool:
    """Tell whether ``entry`` is among what the knowledge page's filters ask for."""
    place = asked["municipality"]
    if place and (entry.municipality or "-") != place:
        return False
    if asked["topic"] and entry.intent != asked["topic"]:
        return False
    language, status = asked["language"], asked["status"]
    if language and status and statuses.get(language) != status:
        return False
    if status and not language and status not in statuses.values():
        return False
    words = asked["q"].casefold().strip()
    if not words:
        return True
    texts = [entry.id, entry.intent, *entry.title.values(), *entry.text.values()]
    for by_id in console.core.translations.values():
        if translation := by_id.get(entry.id):
            texts += [translation.title, translation.text]
    return words in "\n".join(texts).casefold()


def _wait(wait: timedelta) -> str:
    """A wait as staff read it: ``8 s``, ``15 min``."""
    seconds = ceil(wait.total_seconds())
    return f"{seconds} s" if seconds < 60 else f"{ceil(seconds / 60)} min"


def _local_path(path: str) -> bool:
    """Tell whether ``path`` is a page of this console (not another site's address)."""
    return path.startswith("/") and not path.startswith(("//", "/\\"))


def _conversation(saved: Any) -> State:
    """The console's conversation kept in the session cookie, or a new one if there is none."""
    try:
        return State(**saved) if isinstance(saved, dict) else State()
    except TypeError:  # a cookie from before a change of State
        return State()
