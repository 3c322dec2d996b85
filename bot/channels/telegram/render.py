"""Core text as Telegram HTML: escaped, split to Telegram's limit, buttons as inline keyboards."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from itertools import accumulate

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from ...core import Button

BUTTONS_PER_ROW = 2


def render_html(text: str) -> str:
    """Plain core text as Telegram HTML: everything escaped."""
    return html.escape(text, quote=False)


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def html_parts(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Plain ``text`` as escaped HTML parts of at most ``limit`` units, cut at whitespace.

    The text is cut before it is escaped, so no part can end inside an entity such as ``&amp;``;
    the escaped size is what is measured, so no part is over the limit once escaped.
    """
    parts: list[str] = []
    rest = text.strip()
    while rest:
        sizes = list(accumulate(_units(render_html(char)) for char in rest))
        if sizes[-1] <= limit:
            parts.append(render_html(rest))
            break
        fits = next(index for index, size in enumerate(sizes) if size > limit)  # rest[:fits] fits
        cut = max(rest.rfind("\n\n", 0, fits + 1), rest.rfind("\n", 0, fits + 1), rest.rfind(" ", 0, fits + 1))
        if cut <= 0:
            cut = fits
        parts.append(render_html(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    return parts


def keyboard(
    buttons: Sequence[Button],
    sign: Callable[[str], str],
    per_row: int = BUTTONS_PER_ROW,
    footer: Sequence[Button] = (),
) -> InlineKeyboardMarkup | None:
    """Inline keyboard of the reply's buttons, ``per_row`` to a row, then ``footer`` in one row
    (the small feedback buttons), every action signed."""
    rows = [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    rows += [list(footer)] if footer else []
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=sign(b.action)) for b in row] for row in rows]
    )
