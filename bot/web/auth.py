"""Staff sign-in: argon2 password hashes checked off the event loop, a few at a time, password
guessing throttled, and the CSRF token every form of the console carries."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import cache
from pathlib import Path

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import Request

from ..cleantext import clean
from ..project.translations import CATALOG_LANGUAGES
from ..store_feedback import STAFF
from .throttle import LoginThrottle

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
#: Password checks at a time (argon2 takes a core and 64 MiB each); the others wait their turn in
#: a thread's queue while the event loop goes on serving pages.
CHECKS_AT_ONCE = 2
#: The shortest password an account may have, and the common ones it may not.
MIN_PASSWORD = 10
COMMON_PASSWORDS = Path(__file__).parent / "common_passwords.txt"
#: The longest account name.
MAX_NAME = 64


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an account's (for the one who runs ``opastin staff``), or None."""
    if not name.strip():
        return "Give the account a name; nothing was saved."
    if clean(name, MAX_NAME) != name or len(name) > MAX_NAME:
        return f"Use a name of at most {MAX_NAME} characters, without control characters or spaces at either end."
    return None


def role_problem(role: str, languages: Sequence[str]) -> str | None:
    """Why an account cannot have ``role`` with ``languages`` (for ``opastin staff add``), or None."""
    if role == STAFF:
        return (
            "Staff accounts review no language: add --role reviewer, or leave --languages out." if languages else None
        )
    wrong = [code for code in languages if code not in CATALOG_LANGUAGES]
    if not languages or wrong:
        known = ",".join(CATALOG_LANGUAGES)
        return f"Give a reviewer the languages of translations/knowledge/ they review: --languages from {known}."
    return None


def password_problem(name: str, password: str) -> str | None:
    """Why ``password`` is too weak for account ``name``, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Use a password of at least {MIN_PASSWORD} characters; nothing was saved."
    folded = password.casefold()
    if len(set(folded)) == 1:
        return "A password of one character repeated is guessed at once; nothing was saved."
    if folded in _common_passwords() or name.casefold() in folded:
        return "That password is among the first ones guessed (common, or the account's name); nothing was saved."
    return None


@cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def hash_password(password: str) -> str:
    """An argon2 hash of ``password`` for the staff table."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Tell whether ``password`` matches ``stored`` (False for unknown accounts, in the same time)."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class SignIn:
    """Checks a name and password: throttled per account and client address, off the loop."""

    def __init__(self, staff_hash: Callable[[str], str | None], throttle: LoginThrottle) -> None:
        self.staff_hash = staff_hash
        self.throttle = throttle
        self._checks: CapacityLimiter | None = None

    async def attempt(self, name: str, password: str, address: str) -> timedelta | bool:
        """True when ``password`` is ``name``'s, False when not, or how long to wait before the
        next try (the password then unchecked). Failures are logged without the password."""
        keys = (("account", name.casefold()), ("address", address))
        wait = self.throttle.wait(keys)
        if wait > timedelta(0):
            log.warning("console sign-in refused, too many failures: account %r from %s", name[:64], address)
            return wait
        self.throttle.start(keys)
        if self._checks is None:  # made on first use, inside the server's event loop
            self._checks = CapacityLimiter(CHECKS_AT_ONCE)
        stored = self.staff_hash(name)
        if await anyio.to_thread.run_sync(verify_password, stored, password, limiter=self._checks):
            self.throttle.succeeded(*keys)
            return True
        log.warning("console sign-in failed: account %r from %s", name[:64], address)
        return False


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, sent: object) -> bool:
    """Tell whether a form sent the session's CSRF token."""
    expected = request.session.get("csrf")
    return bool(expected) and isinstance(sent, str) and secrets.compare_digest(str(expected), sent)
