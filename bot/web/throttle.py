"""Password guessing at the console slowed down, per account and per client address.

After ``FREE`` failed sign-ins a try must wait, twice as long after each further failure (1 s,
2 s, 4 s ..., at most ``LOCK``); after ``LOCK_AFTER`` failures the account or address is locked
for ``LOCK`` after each further failure. Failures are forgotten ``FORGET`` after the last one, and
an account's at a successful sign-in.
A try counts as failed from the moment it starts, so many at once gain nothing. Kept in memory:
a restart forgets them, which an attacker cannot cause from outside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

FREE = 5
LOCK_AFTER = 20
LOCK = timedelta(minutes=15)
FORGET = timedelta(hours=1)
#: Records kept before the forgotten ones are swept out.
SWEEP_AT = 10_000


@dataclass
class _Failures:
    count: int
    last: datetime


class LoginThrottle:
    """Failed sign-ins by key: ``("account", name)`` and ``("address", ip)``."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self._failures: dict[tuple[str, str], _Failures] = {}

    def wait(self, keys: Iterable[tuple[str, str]]) -> timedelta:
        """How long the next try must wait (zero: it may go ahead)."""
        now = self.now()
        return max((self._until(key, now) - now for key in keys), default=timedelta(0))

    def start(self, keys: Iterable[tuple[str, str]]) -> None:
        """A try begins: count it as failed until it succeeds."""
        now = self.now()
        if len(self._failures) >= SWEEP_AT:
            self._failures = {key: f for key, f in self._failures.items() if now - f.last < FORGET}
        for key in keys:
            known = self._failures.get(key)
            count = known.count + 1 if known and now - known.last < FORGET else 1
            self._failures[key] = _Failures(count, now)

    def succeeded(self, account: tuple[str, str], address: tuple[str, str]) -> None:
        """A try succeeded: the account's failures are forgotten, the address's try uncounted."""
        self._failures.pop(account, None)
        known = self._failures.get(address)
        if known:
            known.count -= 1

    def _until(self, key: tuple[str, str], now: datetime) -> datetime:
        known = self._failures.get(key)
        if known is None or now - known.last >= FORGET or known.count < FREE:
            return now
        if known.count >= LOCK_AFTER:
            return known.last + LOCK
        return known.last + min(timedelta(seconds=2 ** (known.count - FREE)), LOCK)
