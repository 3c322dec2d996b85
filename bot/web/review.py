"""The editors' queue (what users said was not right) and the translators' Review page: per
language, the Finnish source, the English and the translation side by side, drafts with user
complaints first; a reviewer corrects the text and marks it reviewed in the catalog itself."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import DataError
from ..project.catalog_edit import Correction, save_review
from ..project.knowledge import Entry
from ..project.translations import CATALOG_LANGUAGES, Translation, translations_in
from ..store_feedback import STAFF, Account
from .auth import csrf_ok
from .roles import account
from .views import Console
from .words import ZONE

log = logging.getLogger(__name__)
#: The order of a language's entries on the Review page, after those with complaints.
STATUS_ORDER = {"draft": 0, "outdated": 1, "missing": 2, "reviewed": 3}
#: The longest title and text a reviewer can save (the longest entry is far shorter).
MAX_TITLE, MAX_TEXT = 200, 4000
#: What a correction may not carry: control characters but the line end, bidi embeddings,
#: overrides and isolates, a byte-order mark. Not ``clean``'s set: a translation may need the
#: left-to-right and right-to-left marks (U+200E, U+200F) and joiners anywhere in a line.
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


class Review:
    """The Feedback and Review pages over the console's store, core and the project's catalogs."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def _catalog(self, language: str) -> Path:
        return self.console.root / "translations" / "knowledge" / f"{language}.po"

    def _translations(self, language: str) -> dict[str, Translation]:
        """The language's translations as its catalog says now (not as the running core last loaded)."""
        return translations_in(self.console.core.knowledge, self._catalog(language))

    def _languages(self, who: Account) -> list[str]:
        return [code for code in CATALOG_LANGUAGES if who.sees(code)]

    async def feedback(self, request: Request) -> Response:
        """The "not right" feedback, newest first, in the languages the account sees."""
        who = account(request)
        languages = None if who.role == STAFF else sorted(who.languages)
        rows = self.console.store.complaints(languages)
        return self.console.page(request, "feedback.html", rows=rows, catalog_languages=CATALOG_LANGUAGES)

    async def languages(self, request: Request) -> Response:
        """The languages to review, each with its drafts and complaints counted."""
        codes = self._languages(account(request))
        complaints = Counter[str]()
        for _, code, _, wrong in self.console.store.feedback_counts(codes):  # one query for all languages
            complaints[code] += wrong
        rows = []
        for code in codes:
            statuses = [t.status for t in self._translations(code).values()]
            rows.append((code, statuses.count("draft"), statuses.count("reviewed"), complaints[code]))
        return self.console.page(request, "review.html", rows=rows)

    async def language(self, request: Request) -> Response:
        """One language's entries: drafts with complaints first, then by status."""
        code = request.path_params["language"]
        if refused := self._refused(request, code, write=False):
            return refused
        translations = self._translations(code)
        complaints = {entry: wrong for entry, _, _, wrong in self.console.store.feedback_counts([code])}
        rows = [
            (entry, _status(translations.get(entry.id)), complaints.get(entry.id, 0))
            for entry in self.console.core.knowledge.entries
        ]
        rows.sort(key=_review_order)
        return self.console.page(request, "review_language.html", language=code, rows=rows)

    async def entry(self, request: Request) -> Response:
        """An entry in the Finnish, the English and ``language`` side by side; a reviewer of the
        language corrects it and marks it reviewed."""
        code = request.path_params["language"]
        entry = self.console.core.knowledge.entry(request.path_params["entry"])
        if refused := self._refused(request, code, write=request.method == "POST"):
            return refused
        if entry is None:
            return self.console.error(request, 404, "console_error_no_entry")
        problem = None
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(request, form.get("csrf")):
                return self.console.expired(request)
            title = _field(str(form.get("title", "")), MAX_TITLE)
            text = _field(str(form.get("text", "")), MAX_TEXT)
            problem = _problem(entry, title, text)
            if problem is None:
                try:
                    self._save(account(request), code, entry, title, text)
                    return RedirectResponse(f"/review/{code}/{entry.id}?saved=1", status_code=303)
                except DataError:  # the entry is not in the catalog yet
                    problem = ("console_review_not_in_catalog", "")
        words = self.console.words(request)
        return self.console.page(
            request,
            "review_entry.html",
            status=400 if problem else 200,
            language=code,
            entry=entry,
            translation=self._translations(code).get(entry.id),
            complaints=[row for row in self.console.store.complaints([code]) if row["entry"] == entry.id],
            can_review=account(request).reviews(code),
            problem=words.get(problem[0], facts=problem[1]) if problem else None,
            saved=request.query_params.get("saved") == "1",
        )

    def _save(self, who: Account, code: str, entry: Entry, title: str, text: str) -> None:
        day = self.console.today or self.console.store.now().astimezone(ZONE).date()
        correction = Correction(entry.id, entry.title["fi"], entry.text["fi"], title, text, who.name, day)
        save_review(self._catalog(code), correction)
        log.info("translation of %s into %s reviewed in the console by %s", entry.id, code, who.name)

    def _refused(self, request: Request, code: str, *, write: bool) -> Response | None:
        """The error page for a language there is no catalog of, or not the account's to see or review."""
        who = account(request)
        if code not in CATALOG_LANGUAGES:
            return self.console.error(request, 404, "console_error_not_found")
        if not who.sees(code) or (write and not who.reviews(code)):
            log.warning("console: %s refused a review of %s", who.name, code)
            return self.console.error(request, 403, "console_error_not_your_language")
        return None


def _review_order(row: tuple[Entry, str, int]) -> tuple[bool, int, int, int, str]:
    """Drafts users complained of first (most complaints first), then by status, complaints, id."""
    entry, status, complaints = row
    complained_draft = status == "draft" and complaints > 0
    return not complained_draft, -complaints if complained_draft else 0, STATUS_ORDER[status], -complaints, entry.id


def _status(translation: Translation | None) -> str:
    return translation.status if translation else "missing"


def _field(value: str, limit: int) -> str:
    """A form's text as the catalog keeps it: the browser's line ends as \\n, unsafe characters out."""
    text = _UNSAFE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in text.split("\n")).strip()[:limit]


def _problem(entry: Entry, title: str, text: str) -> tuple[str, str] | None:
    """What keeps a correction from being saved (the words' key, the facts it lost), or None."""
    if not title or not text:
        return "console_review_empty", ""
    lost = [fact for fact in entry.facts if fact not in text]
    return ("console_review_lost_facts", " | ".join(lost)) if lost else None
