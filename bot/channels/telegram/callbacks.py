"""Signed button data: a button works only for the user and the chat it was sent to.

Telegram hands a button's ``callback_data`` back verbatim, and any client can send any data
(a modified app, or a guessed ticket number). So every button the bot sends carries a short
HMAC of its action, the pseudonym of the user it is meant for and the chat it is shown in;
a press whose data does not verify for the pressing user and chat is refused, whatever it says.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from telegram.constants import InlineKeyboardButtonLimit

#: Between the action and its signature; never part of an action.
SEPARATOR = "~"
#: Base64url characters of the signature: 66 bits, so guessing one takes about 10^19 presses.
SIGNATURE_CHARS = 11
MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA


class CallbackSigner:
    """Signs button actions for one user and chat, and verifies presses."""

    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, b"opastin telegram buttons", hashlib.sha256).digest()

    def _signature(self, action: str, user: str, chat_id: int) -> str:
        message = f"{user}\x1f{chat_id}\x1f{action}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii")[:SIGNATURE_CHARS]

    def sign(self, action: str, user: str, chat_id: int) -> str:
        """``action`` as callback data that only ``user`` can press, only in ``chat_id``."""
        if SEPARATOR in action:
            raise ValueError(f"a button action cannot contain {SEPARATOR!r}: {action!r}")
        data = f"{action}{SEPARATOR}{self._signature(action, user, chat_id)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"button action {action!r} is too long for Telegram's {MAX_BYTES} bytes")
        return data

    def verify(self, data: str | None, user: str | None, chat_id: int | None) -> str | None:
        """The action of a press, or None when ``data`` was not signed for this user and chat."""
        if not data or user is None or chat_id is None or len(data) > MAX_BYTES:
            return None
        action, separator, signature = data.rpartition(SEPARATOR)
        if not separator:
            return None
        expected = self._signature(action, user, chat_id)
        return action if hmac.compare_digest(signature.encode(), expected.encode()) else None
