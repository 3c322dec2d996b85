"""Telegram's side of the handoff: tickets to the staff group, answers back, the council helper.

Drafts and the last unanswered question live only in memory (context.user_data) until the
user presses a button: nothing of a council message is stored after sending, beyond a count.
Every call of the handoff that may machine-translate runs in a worker thread, never on the event
loop, so other users are answered while a ticket or a council message is being translated.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from telegram import Bot, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from ...cleantext import clean
from ...core import Button, Core, Reply, State
from ...handoff import Forward, Handoff, StaffAnswer
from ...mail import MailError, MailSettings, send_mail_async
from ...names import (
    COUNCIL_ACTION,
    COUNCIL_CANCEL,
    COUNCIL_EDIT,
    COUNCIL_SEND,
    HANDOFF_ACTION,
    original_action,
    original_message_id,
    ticket_reply_action,
    ticket_reply_number,
)
from ...project.texts import Texts
from ...settings import Settings
from ...store import Store
from .callbacks import CallbackSigner
from .render import html_parts, keyboard

log = logging.getLogger(__name__)
AWAITING = "awaiting"
LAST_QUESTION = "last_question"
COUNCIL_DRAFT = "council_draft"


class Outbox(Protocol):
    """What the desk needs of the channel: who writes, in which language, and sending."""

    def user_key(self, update: Update) -> str | None:
        """The user's pseudonym."""
        ...

    def state(self, update: Update) -> State:
        """The user's conversation state."""
        ...

    def language(self, update: Update) -> str:
        """The language to speak to this user in."""
        ...

    def text(self, update: Update, key: str, **values: str) -> str:
        """Interface string ``key`` in the user's language."""
        ...

    async def send(self, update: Update, text: str, buttons: Sequence[Button] = (), per_row: int = 2) -> None:
        """Answer in the update's chat with ``text`` and buttons."""
        ...

    async def send_to_chat(self, chat_id: int, user: str, text: str, buttons: Sequence[Button] = ()) -> None:
        """Send ``text`` to a chat ``user`` is not writing in right now."""
        ...

    async def refuse(self, update: Update, what: str) -> None:
        """Answer a button that is not the pressing user's with the stale-button reply."""
        ...

    async def post(self, chat_id: int, text: str, reply_to: int | None = None) -> list[int]:
        """Send plain ``text`` to a chat; the ids of the messages sent."""
        ...

    def is_mine(self, user_id: int) -> bool:
        """Tell whether ``user_id`` is this bot."""
        ...


def answer_buttons(texts: Texts, answer: StaffAnswer) -> tuple[Button, ...]:
    """Under a staff answer: the Finnish original, and replying in the same ticket."""
    return (
        Button(texts.get("show_original_button", answer.language), original_action(answer.message_id)),
        Button(texts.get("reply_button", answer.language), ticket_reply_action(answer.number)),
    )


async def send_parts(
    bot: Bot, chat_id: int, text: str, buttons: Sequence[Button] = (), sign: Callable[[str], str] = str, **kwargs: Any
) -> list[Message]:
    """Send plain ``text`` to ``chat_id`` as escaped HTML parts under Telegram's limit, buttons under the last."""
    parts = html_parts(text)
    sent = []
    for index, part in enumerate(parts):
        markup = keyboard(buttons, sign, 1) if index == len(parts) - 1 else None
        sent.append(await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup, **kwargs))
    return sent


async def send_answer(bot: Bot, texts: Texts, signer: CallbackSigner, answer: StaffAnswer) -> None:
    """Send a staff answer through any Bot (the console has no running Application)."""
    sign = partial(signer.sign, user=answer.user, chat_id=answer.chat_id)
    await send_parts(bot, answer.chat_id, answer.text, answer_buttons(texts, answer), sign)


class StaffDesk:
    """Handoff and council flows for one Telegram bot."""

    def __init__(
        self,
        outbox: Outbox,
        cores: Callable[[], Core],
        store: Store,
        handoff: Handoff,
        settings: Settings,
        mail: MailSettings | None,
    ) -> None:
        self.bot = outbox
        self.cores = cores
        self.store = store
        self.handoff = handoff
        self.settings = settings
        self.mail = mail

    def remember(self, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
        """Keep the question the reply showed above its handoff button, until the next reply: an
        older question is never sent (the button then asks the user to write it)."""
        data = context.user_data
        if data is None:
            return
        if reply.handoff_question:
            data[LAST_QUESTION] = reply.handoff_question
        else:
            data.pop(LAST_QUESTION, None)

    async def take_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
        """Handle a message the user writes for a ticket or the council; False if it is a question."""
        data = context.user_data
        message = update.effective_message
        awaiting = data.pop(AWAITING, None) if data is not None else None
        if awaiting is None or message is None:
            return False
        if awaiting == "ticket":
            await self.open_ticket(update, message, text)
        elif awaiting == "council":
            await self.preview_council(update, context, message, text)
        elif isinstance(awaiting, str) and (number := ticket_reply_number(awaiting)) is not None:
            owned = self.owns(update, number)
            forward = await asyncio.to_thread(self.handoff.follow_up, number, text) if owned else None
            if forward:
                await self.to_staff(forward)
                await self.bot.send(update, self.bot.text(update, "handoff_sent", ticket=number))
            else:
                await self.bot.send(update, self.bot.text(update, "ticket_closed", ticket=number))
        return True

    async def take_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> bool:
        """Handle the handoff, ticket and council buttons; False for any other button."""
        query = update.callback_query
        message = query.message if query and isinstance(query.message, Message) else None
        data = context.user_data if context.user_data is not None else {}
        if message is None:
            return False
        if action == HANDOFF_ACTION:
            question = data.pop(LAST_QUESTION, None)
            if question:
                await self.open_ticket(update, message, question)
            else:
                data[AWAITING] = "ticket"
                await self.bot.send(update, self.bot.text(update, "handoff_write"))
        elif (number := ticket_reply_number(action)) is not None:
            if not self.owns(update, number):
                await self.bot.refuse(update, "a ticket reply button of another user")
                return True
            data[AWAITING] = action
            await self.bot.send(update, self.bot.text(update, "handoff_write"))
        elif (message_id := original_message_id(action)) is not None:
            original = self.store.ticket_message(message_id)
            if original is None or not self.owns(update, str(original["ticket"])):
                await self.bot.refuse(update, "a ticket original button of another user")
                return True
            await self.bot.send(update, str(original["original"] or "-"))
        elif action in (COUNCIL_ACTION, COUNCIL_EDIT):
            data[AWAITING] = "council"
            await self.bot.send(update, self.bot.text(update, "council_write"))
        elif action == COUNCIL_SEND:
            await self.send_council(update, context, message)
        elif action == COUNCIL_CANCEL:
            data.pop(COUNCIL_DRAFT, None)
            await self.bot.send(update, self.bot.text(update, "cancelled"))
        else:
            return False
        return True

    def owns(self, update: Update, number: str) -> bool:
        """Tell whether ticket ``number`` is the pressing user's own."""
        ticket = self.store.ticket(number)
        return ticket is not None and ticket["user"] == self.bot.user_key(update)

    async def open_ticket(self, update: Update, message: Message, question: str) -> None:
        """Open a ticket with the user's consent (their tap), tell staff, tell the user."""
        key = self.bot.user_key(update)
        if key is None:
            return
        state = self.bot.state(update)
        language = self.bot.language(update)
        forward = await asyncio.to_thread(
            self.handoff.open, key, message.chat_id, question, language, state.municipality
        )
        await self.to_staff(forward)
        lines = [self.bot.text(update, "handoff_sent", ticket=forward.number)]
        if self.handoff.is_after_hours(datetime.now()) and self.settings.office_hours:
            lines.append(self.bot.text(update, "handoff_outside_hours", hours=self.settings.office_hours))
        await self.bot.send(update, "\n\n".join(lines))

    async def to_staff(self, forward: Forward) -> None:
        """Show the ticket in the staff group and, when configured, in the service mailbox."""
        number, text = forward.number, forward.staff_text
        ticket = self.store.ticket(number)
        if self.settings.staff_chat_id:
            first = ticket["staff_message_id"] if ticket else None
            sent = await self.bot.post(self.settings.staff_chat_id, text, reply_to=first)
            if not first:  # staff reply to the last part, which says so
                self.store.set_staff_message(number, sent[-1])
            self.store.add_to_staff_thread(number, sent if first else sent[:-1])
        if self.mail and self.settings.service_email:
            try:
                await send_mail_async(
                    self.mail,
                    self.settings.service_email,
                    self.handoff.staff.get("ticket_mail_subject", number=number),
                    text,
                )
            except MailError as error:
                log.error("ticket %s not e-mailed (it is in the staff group and the console): %s", number, error)

    async def staff_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Carries a staff member's Finnish reply in the staff group to the user; /close closes.

        A reply to any of the bot's messages about a ticket (its parts, a follow-up, a note such as
        "answer sent") finds the ticket. A reply to a staff member's message is never sent to the
        user (it may be a word between colleagues): staff are told what to reply to instead.
        """
        message = update.effective_message
        replied = message.reply_to_message if message else None
        if message is None or message.text is None or replied is None:
            return
        found = self.store.ticket_by_staff_message(replied.message_id)
        if found is None:
            if replied.from_user and self.bot.is_mine(replied.from_user.id):
                await message.reply_text(self.handoff.staff.get("ticket_gone"))
            return
        ticket, author = found
        number = str(ticket["number"])
        if author == "staff":
            await self.note(message, number, "reply_to_the_bot")
            return
        self.store.add_to_staff_thread(number, [message.message_id], "staff")
        if message.text.strip().startswith("/close"):
            self.store.close_ticket(number)
            await self.note(message, number, "ticket_closed_now")
            return
        answer = await asyncio.to_thread(self.handoff.answer, number, clean(message.text))
        if answer is None:
            await self.note(message, number, "ticket_closed_not_sent")
            return
        await self.deliver(answer)
        await self.note(message, number, "answer_sent_translated" if answer.translated else "answer_sent_finnish")

    async def note(self, message: Message, number: str, key: str) -> None:
        """Answer a staff member's ``message`` about ticket ``number``; a reply to the note finds the ticket too."""
        sent = await message.reply_text(self.handoff.staff.get(key, number=number))
        self.store.add_to_staff_thread(number, [sent.message_id])

    async def deliver(self, answer: StaffAnswer) -> None:
        """Send a staff answer to the user with the Finnish original one tap away."""
        await self.bot.send_to_chat(
            answer.chat_id, answer.user, answer.text, answer_buttons(self.cores().texts, answer)
        )

    async def preview_council(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, text: str
    ) -> None:
        """Show the Finnish translation beside the original, with send, write again and cancel."""
        language = self.bot.language(update)
        finnish, reply_to = await asyncio.to_thread(self.handoff.council_draft, text, language)
        if context.user_data is not None:  # translated once: sending uses the text the user saw
            context.user_data[COUNCIL_DRAFT] = (text, language, finnish, reply_to)
        texts = self.cores().texts
        lines = [texts.get("council_preview", language) if finnish else texts.get("council_no_translation", language)]
        lines += [text] if not finnish or finnish == text else [text, "—", finnish]
        buttons = (
            Button(texts.get("council_send_button", language), COUNCIL_SEND),
            Button(texts.get("council_edit_button", language), COUNCIL_EDIT),
            Button(texts.get("cancel_button", language), COUNCIL_CANCEL),
        )
        await self.bot.send(update, "\n\n".join(lines), buttons, per_row=3)

    async def send_council(self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message) -> None:
        """Send the draft to the council by e-mail, or give the Finnish text to copy and the web page."""
        draft = context.user_data.pop(COUNCIL_DRAFT, None) if context.user_data is not None else None
        if not draft:
            await self.bot.send(update, self.bot.text(update, "stale_button"))
            return
        text, language, finnish, reply_to = draft
        body = "\n\n".join(part for part in (finnish, "---", f"Alkuperäinen ({language}):", text) if part)
        self.store.count("council_messages")
        if self.mail and self.settings.council_email:
            try:
                await send_mail_async(
                    self.mail, self.settings.council_email, "Viesti maahanmuuttajaneuvostolle", body, reply_to=reply_to
                )
            except MailError as error:
                log.error("council message not sent: %s", error)
                await self.bot.send(update, self.bot.text(update, "send_failed"))
                if context.user_data is not None:
                    context.user_data[COUNCIL_DRAFT] = draft  # nothing lost: the user can press send again
                return
            await self.bot.send(update, self.bot.text(update, "council_sent"))
            return
        page = self.handoff.council_web_page()
        await self.bot.send(update, self.bot.text(update, "council_copy", url=page))
        await self.bot.send(update, finnish or text)
