"""The console's page language (Finnish by default, English by choice, kept in a cookie), and
what depends on it: times in Europe/Helsinki written as the page's readers write them, and
answer text with its web addresses as links."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from markupsafe import Markup, escape
from starlette.requests import Request

from ..project.texts import StaffTexts

#: The cookie that keeps a browser's choice of page language.
LANGUAGE_COOKIE = "opastin_language"
#: The console's times are the service point's: Kajaani's.
ZONE = ZoneInfo("Europe/Helsinki")
#: How each page language writes dates (Babel locales: Finnish as Finns write, British English).
_LOCALES = {"fi": ("fi", "short"), "en": ("en_GB", "medium")}
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)»”’"


def page_words(request: Request, staff: StaffTexts) -> StaffTexts:
    """The staff wording in the language this browser chose (its cookie), else the configured one."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    known = staff.texts.by_language
    return StaffTexts(staff.texts, chosen if chosen in known else staff.language)


def local(stamp: str) -> datetime:
    """A stored time (UTC, ``2026-12-02T12:05``) in Europe/Helsinki."""
    moment = datetime.fromisoformat(stamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZONE)


def written_time(stamp: str | None, words: StaffTexts) -> str:
    """A stored time as the page's readers write it, in Helsinki time: ``2.12.2026 klo 14.05``."""
    if not stamp:
        return ""
    moment = local(stamp)
    locale = _LOCALES.get(words.language, _LOCALES["en"])[0]
    return words.get(
        "console_datetime",
        date=written_date(moment.date(), words),
        time=format_time(moment, "short", locale=locale),
    )


def written_date(day: date, words: StaffTexts) -> str:
    """A date as the page's readers write it: ``2.12.2026``."""
    locale, width = _LOCALES.get(words.language, _LOCALES["en"])
    return format_date(day, width, locale=locale)


def written_day(day: date, words: StaffTexts) -> str:
    """A day without its year, short, as the page's readers write it: ``2.12.``."""
    locale = _LOCALES.get(words.language, _LOCALES["en"])[0]
    return format_skeleton("Md" if locale == "fi" else "MMMd", day, locale=locale)


def linked(text: str) -> Markup:
    """``text`` escaped, its http(s) addresses made links that open without handing over the page."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        parts.append(str(escape(text[last : match.start()])))
        parts.append(f'<a href="{escape(url)}" rel="noopener noreferrer" target="_blank">{escape(url)}</a>')
        last = match.start() + len(url)
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))  # noqa: S704 - every piece is escaped above
