"""A person when the bot can't help: tickets to the service point's staff, answers back in the
user's language, and the council e-mail helper. Channel-free: Telegram and the console call it.

Staff read and write Finnish. The user's question goes to them in the original and, where an
Argos model path exists, machine-translated into Finnish; the staff's answer goes back
machine-translated into the user's language, else in Finnish with one line explaining.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .core import Core
from .errors import TranslationError
from .languages import SOURCE_LANGUAGE
from .mt.argos import Translator
from .names import COUNCIL_CONTACT
from .patterns import EMAIL
from .privacy import redact
from .project.texts import StaffTexts
from .store import Store

log = logging.getLogger(__name__)
_EMAIL = re.compile(EMAIL)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OfficeHours:
    """When staff answer, e.g. ``mon-fri 9-15`` (OPASTIN_OFFICE_HOURS); shown to users verbatim."""

    first_day: int
    last_day: int
    opens: int
    closes: int
    text: str

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Read ``mon-fri 9-15``; a ValueError says what is expected."""
        match = re.fullmatch(r"\s*([a-z]{3})-([a-z]{3})\s+(\d{1,2})-(\d{1,2})\s*", text.lower())
        if not match or match.group(1) not in _DAYS or match.group(2) not in _DAYS:
            raise ValueError(f"office hours '{text}' are not like 'mon-fri 9-15'")
        return cls(
            _DAYS.index(match.group(1)),
            _DAYS.index(match.group(2)),
            int(match.group(3)),
            int(match.group(4)),
            text.strip(),
        )

    def is_open(self, moment: datetime) -> bool:
        """Tell whether staff are at work at ``moment`` (local time)."""
        return self.first_day <= moment.weekday() <= self.last_day and self.opens <= moment.hour < self.closes


@dataclass(frozen=True)
class Forward:
    """A user's message on its way to staff."""

    number: str
    staff_text: str


@dataclass(frozen=True)
class StaffAnswer:
    """A staff answer ready for the user: in their language, or in Finnish with a note."""

    chat_id: int
    user: str
    number: str
    language: str
    text: str
    message_id: int
    translated: bool


class Handoff:
    """Opens tickets, words them for staff, and carries answers back."""

    def __init__(
        self,
        cores: Callable[[], Core],
        store: Store,
        translator: Translator | None,
        staff: StaffTexts,
        office_hours: OfficeHours | None = None,
    ) -> None:
        self.cores = cores
        self.store = store
        self.translator = translator
        self.staff = staff
        self.office_hours = office_hours

    def translate(self, text: str, source: str, target: str) -> str | None:
        """``text`` machine-translated, or None when no model path exists or MT failed."""
        if source == target:
            return text
        if self.translator is None or not self.translator.can_translate(source, target):
            return None
        try:
            return self.translator.translate(text, source, target)
        except TranslationError:
            log.warning("machine translation %s->%s failed", source, target, exc_info=True)
            return None

    def open(self, user: str, chat_id: int, question: str, language: str, municipality: str | None) -> Forward:
        """A new ticket with the user's question: its number and the text for staff."""
        number = self.store.open_ticket(user, chat_id, language, municipality)
        return self._forward(number, question)

    def follow_up(self, number: str, text: str) -> Forward | None:
        """The user writes again in an open ticket; None if it is closed."""
        ticket = self.store.ticket(number)
        if ticket is None or ticket["status"] != "open":
            return None
        return self._forward(number, text)

    def _forward(self, number: str, text: str) -> Forward:
        """Word the message for staff intact (the user consented), store it redacted."""
        ticket = self.store.ticket(number)
        if ticket is None:
            raise KeyError(number)
        finnish = self.translate(text, str(ticket["language"]), SOURCE_LANGUAGE)
        self.store.add_ticket_message(number, "user", redact(text), redact(finnish) if finnish else None)
        return Forward(number, self.staff_text(ticket, text, finnish))

    def staff_text(self, ticket: Mapping[str, Any], original: str, finnish: str | None) -> str:
        """The ticket for staff, in the staff's language: no name, no username, no Telegram id."""
        staff = self.staff
        number = str(ticket["number"])
        language = str(ticket["language"])
        name = staff.language_name(language)
        municipality = str(ticket["municipality"] or "-")
        lines = [
            staff.get("ticket_heading", number=number),
            staff.get("ticket_details", language_name=name, code=language, municipality=municipality),
            "",
        ]
        if language == SOURCE_LANGUAGE:
            lines.append(original)
        else:
            lines += [staff.get("ticket_original"), original, ""]
            if finnish:
                lines += [staff.get("ticket_machine_finnish"), finnish]
            else:
                lines.append(staff.get("ticket_no_translation", language_name=name))
        lines += ["", staff.get("ticket_how_to_answer")]
        return "\n".join(lines)

    def answer(self, number: str, finnish: str, staff: str | None = None) -> StaffAnswer | None:
        """A staff member's Finnish answer (``staff`` their console account), for the user; None
        when the ticket is closed or gone."""
        ticket = self.store.ticket(number)
        if ticket is None or ticket["status"] != "open" or ticket["chat_id"] is None:
            return None
        language = str(ticket["language"])
        core = self.cores()
        # Stored redacted like every text; the contacts the knowledge base publishes stay, since
        # the user's "Finnish original" button shows this copy.
        stored = redact(finnish, core.knowledge.public_facts)
        message_id = self.store.add_ticket_message(number, "staff", stored, stored, staff)
        texts = core.texts
        translated = self.translate(finnish, SOURCE_LANGUAGE, language)
        lines = [texts.get("staff_answer", language, ticket=number)]
        if translated is None:
            lines += [texts.get("staff_answer_in_finnish", language), finnish]
        else:
            lines.append(translated)
            if language != SOURCE_LANGUAGE:
                lines.append(texts.get("machine_translated", language))
        text = "\n\n".join(lines)
        return StaffAnswer(
            int(ticket["chat_id"]), str(ticket["user"]), number, language, text, message_id, translated is not None
        )

    def is_after_hours(self, moment: datetime) -> bool:
        """Tell whether a ticket opened now waits for office hours."""
        return self.office_hours is not None and not self.office_hours.is_open(moment)

    def council_draft(self, text: str, language: str) -> tuple[str | None, str | None]:
        """The council message in Finnish (None without MT) and the reply address the user typed."""
        found = _EMAIL.search(text)
        return self.translate(text, language, SOURCE_LANGUAGE), found.group(0) if found else None

    def council_web_page(self) -> str:
        """The council's web page from the knowledge base (the sources do not give its e-mail address)."""
        entry = self.cores().knowledge.entry_for(COUNCIL_CONTACT, None)
        pages = [fact for fact in entry.facts if fact.startswith("http")] if entry else []
        return pages[0] if pages else ""
