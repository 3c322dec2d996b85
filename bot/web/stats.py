"""Statistics as the service point reads them: questions grouped by Helsinki day or ISO week."""

from __future__ import annotations

from collections import Counter
from datetime import date

from ..project.texts import StaffTexts
from .words import local, written_day

#: The periods questions are grouped by.
PERIODS = ("day", "week")


def period_of(stamp: str, period: str) -> str:
    """The day (``2026-12-02``) or ISO week (``2026-W49``) of a stored UTC time, in Helsinki."""
    day = local(stamp).date()
    if period == "day":
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02}"


def counts(rows: list[tuple[str, str, bool]], period: str) -> list[tuple[str, str, int]]:
    """Questions per period and value: (period, value, count), in order."""
    counted = Counter((period_of(stamp, period), value) for stamp, value, _ in rows)
    return [(when, value, count) for (when, value), count in sorted(counted.items())]


def fallback_rates(rows: list[tuple[str, str, bool]], period: str) -> list[tuple[str, int, int]]:
    """Per period: questions asked and how many went unanswered."""
    asked: Counter[str] = Counter()
    unanswered: Counter[str] = Counter()
    for stamp, _, fallback in rows:
        when = period_of(stamp, period)
        asked[when] += 1
        unanswered[when] += fallback
    return [(when, asked[when], unanswered[when]) for when in sorted(asked)]


def period_label(key: str, words: StaffTexts) -> str:
    """A period as the page's readers write it: ``2.12.`` or ``vk 49/2026``."""
    if "-W" in key:
        year, week = key.split("-W")
        return words.get("console_week", week=str(int(week)), year=year)
    return written_day(date.fromisoformat(key), words)


def value_label(value: str, breakdown: str, words: StaffTexts) -> str:
    """A breakdown's value named for staff: a language's name, "no answer", "not known"."""
    if value == "-":
        return words.get("console_value_none")
    if breakdown == "language":
        return words.language_name(value)
    if breakdown == "topic" and value == "fallback":
        return words.get("console_value_fallback")
    return value
