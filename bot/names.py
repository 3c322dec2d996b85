"""Names the modules share: intents the code acts on, and button actions, built and parsed here.

A button's action is ``kind:value`` (``topic:housing``, ``municipality:Kajaani``); Telegram
carries it as callback data and gives it back when the button is pressed.
"""

from __future__ import annotations

from typing import Final

# Intents ------------------------------------------------------------------------------------

OUT_OF_SCOPE: Final = "out_of_scope"
EMERGENCY: Final = "emergency"
HUMAN_CONTACT: Final = "human_contact"
#: Questions for Kela, Migri, the police, health care...: a fallback that says so and offers a person.
OTHER_AUTHORITY: Final = "other_authority"
GREET: Final = "greet"
THANKS: Final = "thanks"
#: Greetings and thanks: no topic of their own ("Hi, and in Kuhmo?" goes on; "Hello, I am ..." asks
#: something after it).
SMALL_TALK: Final = frozenset({GREET, THANKS})
EVENTS: Final = "events"
COUNCIL_CONTACT: Final = "council_contact"
COUNCIL_INTENTS: Final = frozenset({"council_info", COUNCIL_CONTACT})
#: Intents answered by interface strings, not by knowledge entries.
INTERFACE_INTENTS: Final = frozenset({GREET, THANKS, OUT_OF_SCOPE, OTHER_AUTHORITY, EMERGENCY})
#: The intent Rasa's FallbackClassifier puts first when it is unsure; no entry answers it.
NLU_FALLBACK: Final = "nlu_fallback"

# Button actions -----------------------------------------------------------------------------

TOPIC: Final = "topic"
MUNICIPALITY: Final = "municipality"
LANGUAGE: Final = "language"
#: The button action a channel turns into a ticket for the service point's staff.
HANDOFF_ACTION: Final = "handoff:start"
#: The button action a channel turns into the council e-mail helper, offered with council answers.
COUNCIL_ACTION: Final = "council:start"
COUNCIL_SEND, COUNCIL_EDIT, COUNCIL_CANCEL = "council:send", "council:edit", "council:cancel"
DELETE_YES, DELETE_NO = "delete:yes", "delete:no"
_TICKET_REPLY = "ticket:reply:"
_TICKET_ORIGINAL = "ticket:original:"
#: SQLite's integer ids fit in 18 digits; longer "ids" are not ids.
_MAX_ID_DIGITS = 18


def action(kind: str, value: str) -> str:
    """The action of a ``topic``, ``municipality`` or ``language`` button."""
    return f"{kind}:{value}"


def parse_action(pressed: str) -> tuple[str, str]:
    """An action's kind and value: ``topic:housing`` -> ("topic", "housing")."""
    kind, _, value = pressed.partition(":")
    return kind, value


def ticket_reply_action(number: str) -> str:
    """The action of "reply in this ticket" under a staff answer."""
    return f"{_TICKET_REPLY}{number}"


def ticket_reply_number(pressed: str) -> str | None:
    """The ticket number of a ticket_reply_action, else None."""
    return pressed.removeprefix(_TICKET_REPLY) if pressed.startswith(_TICKET_REPLY) else None


def original_action(message_id: int) -> str:
    """The action of "show the Finnish original" under a staff answer."""
    return f"{_TICKET_ORIGINAL}{message_id}"


def original_message_id(pressed: str) -> int | None:
    """The ticket message id of an original_action, else None (never an exception, whatever was pressed)."""
    value = pressed.removeprefix(_TICKET_ORIGINAL) if pressed.startswith(_TICKET_ORIGINAL) else ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= _MAX_ID_DIGITS else None


# Feedback under an answer ---------------------------------------------------------------------

_FEEDBACK = "fb"
#: What a feedback button says of the answer, by the sign its action carries.
HELPFUL, NOT_RIGHT = "helpful", "not_right"
_VERDICTS = {"+": HELPFUL, "-": NOT_RIGHT}
#: "Skip" under the question for one line about what was not right.
FEEDBACK_SKIP: Final = "fb:skip"
#: How the answered text got into its language (Core.localize), one letter a button can carry.
TRANSLATION_LETTERS: Final = {"r": "reviewed", "d": "draft", "s": "source", "m": "machine", "n": "none"}


def feedback_action(verdict: str, language: str, translation: str, entry: str) -> str:
    """The action of a feedback button: ``fb:-:ar:d:service_point`` (not right, in Arabic, a draft)."""
    sign = next(sign for sign, name in _VERDICTS.items() if name == verdict)
    letter = next(letter for letter, name in TRANSLATION_LETTERS.items() if name == translation)
    return f"{_FEEDBACK}:{sign}:{language}:{letter}:{entry}"


def feedback_of(pressed: str) -> tuple[str, str, str, str] | None:
    """Verdict, language, translation status and entry of a feedback_action, else None."""
    kind, sign, language, letter, entry = [*pressed.split(":", 4), "", "", "", ""][:5]
    if kind != _FEEDBACK or sign not in _VERDICTS or letter not in TRANSLATION_LETTERS or not entry:
        return None
    return _VERDICTS[sign], language, TRANSLATION_LETTERS[letter], entry
