"""Core text as Telegram HTML: escaped, split to Telegram's limit, buttons as inline keyboards."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from ...core import Button

BUTTONS_PER_ROW = 2


def render_html(text: str) -> str:
    """Plain core text as Telegram HTML: everything escaped."""
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at paragraphs, lines or spaces."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        else:
            # never cut inside an HTML entity such as &amp;
            amp = text.rfind("&", 0, cut)
            if amp != -1 and ";" not in text[amp:cut]:
                cut = amp
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def keyboard(buttons: Sequence[Button], per_row: int = BUTTONS_PER_ROW) -> InlineKeyboardMarkup | None:
    """Inline keyboard of the reply's buttons, ``per_row`` to a row."""
    if not buttons:
        return None
    rows = [
        [InlineKeyboardButton(b.label, callback_data=b.action) for b in buttons[i : i + per_row]]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(rows)
