"""Feedback under every answer: "helpful" / "not right" buttons, and one optional line after "not right".

The buttons carry what the user saw (the entry, its language and translation status), so a
press is recorded as it was answered even after the translation changed. What waits for the
line is only the feedback row's id, in memory (context.user_data), until the next message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from ... import names
from ...core import Button, Core, Reply
from ...languages import SOURCE_LANGUAGE
from ...names import FEEDBACK_SKIP, HELPFUL, NOT_RIGHT
from ...store import Store
from .callbacks import MAX_BYTES, SEPARATOR, SIGNATURE_CHARS
from .staffdesk import AWAITING, Outbox

log = logging.getLogger(__name__)
#: What AWAITING holds while the line about a "not right" answer is awaited: this, then the row id.
_AWAITING_LINE = "feedback:"


def translation_status(reply: Reply) -> str:
    """How the answer's text got into its language, as editors name it: the Finnish source, a
    reviewed or draft translation, machine-translated, or English for want of one (Core.localize)."""
    if reply.language == SOURCE_LANGUAGE:
        return "source"
    return "reviewed" if reply.translation == "curated" else reply.translation


class FeedbackDesk:
    """Shows the feedback buttons and keeps what users say of answers."""

    def __init__(self, outbox: Outbox, cores: Callable[[], Core], store: Store) -> None:
        self.outbox = outbox
        self.cores = cores
        self.store = store

    def buttons(self, reply: Reply) -> tuple[Button, ...]:
        """The "helpful" and "not right" buttons under an answer from a knowledge entry; none under anything else."""
        entry = self.cores().knowledge.entry(reply.topic) if reply.topic else None
        if entry is None or reply.fallback or reply.emergency:
            return ()
        status = translation_status(reply)
        actions = [names.feedback_action(verdict, reply.language, status, entry.id) for verdict in (HELPFUL, NOT_RIGHT)]
        if any(len(action.encode()) + len(SEPARATOR) + SIGNATURE_CHARS > MAX_BYTES for action in actions):
            log.warning("entry %s: its id is too long for a feedback button", entry.id)
            return ()
        texts = self.cores().texts
        labels = (texts.get("feedback_helpful", reply.language), texts.get("feedback_not_right", reply.language))
        return tuple(Button(label, action) for label, action in zip(labels, actions, strict=True))

    async def take_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> bool:
        """Keep a feedback press (and ask for a line after "not right"); False for any other button."""
        data = context.user_data if context.user_data is not None else {}
        if action == FEEDBACK_SKIP:
            if str(data.get(AWAITING, "")).startswith(_AWAITING_LINE):
                data.pop(AWAITING)
            await self.outbox.send(update, self.outbox.text(update, "feedback_thanks"))
            return True
        pressed = names.feedback_of(action)
        if pressed is None:
            return False
        verdict, language, translation, entry = pressed
        user = self.outbox.user_key(update)
        if user is None or self.cores().knowledge.entry(entry) is None:
            await self.outbox.refuse(update, "a feedback button of an entry that is gone")
            return True
        row = self.store.record_feedback(user, verdict, language, translation, entry)
        log.info("feedback on %s (%s, %s): %s", entry, language, translation, verdict)
        if verdict == HELPFUL:
            await self.outbox.send(update, self.outbox.text(update, "feedback_thanks"))
            return True
        data[AWAITING] = f"{_AWAITING_LINE}{row}"
        skip = Button(self.outbox.text(update, "feedback_skip_button"), FEEDBACK_SKIP)
        await self.outbox.send(update, self.outbox.text(update, "feedback_ask_line"), (skip,))
        return True

    async def take_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
        """Keep the line written after "not right" (redacted); False when no line is awaited."""
        data = context.user_data
        awaiting = str(data.get(AWAITING, "")) if data is not None else ""
        user = self.outbox.user_key(update)
        if data is None or not awaiting.startswith(_AWAITING_LINE) or user is None:
            return False
        data.pop(AWAITING)
        row = awaiting.removeprefix(_AWAITING_LINE)
        if row.isdigit() and text.strip():
            self.store.add_feedback_comment(user, int(row), text)
        await self.outbox.send(update, self.outbox.text(update, "feedback_thanks"))
        return True
