"""Personal data out of stored text: e-mails, phone numbers, identity codes, street addresses.

Applied before any question text is written to the store. Replacements name what was removed
so that editors still see what kind of question it was.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from .patterns import EMAIL

_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# Century signs: + (1800s), - and Y X W V U (1900s), A B C D E F (2000s).
_HETU = re.compile(r"(?<![\w-])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?!\w)", re.IGNORECASE)
_EMAIL = re.compile(EMAIL)
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])(?:\+|00)\d(?:[\s().-]?\d){6,14}(?!\w)")
_FINNISH_PHONE = re.compile(r"(?<![\w.])0\d{1,3}(?:[\s-]?\d){5,8}(?![\w.])")
_STREET_SUFFIXES = (
    "tie|katu|kuja|polku|väylä|raitti|rinne|kaari|ranta|tori|aukio|puistikko|katu|kierto|piha|"
    "gatan|vägen|gränd|street|st\\.|road|rd\\.|avenue|ave\\."
)
_ADDRESS = re.compile(
    rf"(?<!\w)[A-ZÄÖÅ][\wäöå-]*(?:{_STREET_SUFFIXES})\s+\d+\s?[A-Za-z]?(?:\s?\d+)?(?!\w)|"
    rf"(?<!\w)\d+\s+[A-Z][\w-]*\s(?:Street|Road|Avenue|St\.|Rd\.|Ave\.)",
    re.IGNORECASE,
)


def is_valid_hetu(text: str) -> bool:
    """Tell whether ``text`` is a Finnish personal identity code with a correct check character."""
    match = _HETU.fullmatch(text.strip())
    return match is not None and _hetu_checks(match)


def _hetu_checks(match: re.Match[str]) -> bool:
    day, month, year, _, serial, check = match.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    return _HETU_CHECK[int(day + month + year + serial) % 31] == check.upper()


def redact(text: str) -> str:
    """``text`` with e-mails, phone numbers, valid identity codes and street addresses replaced."""
    text = _HETU.sub(lambda m: "[henkilötunnus]" if _hetu_checks(m) else m.group(0), text)
    text = _EMAIL.sub("[e-mail]", text)
    text = _INTERNATIONAL_PHONE.sub("[phone]", text)
    text = _FINNISH_PHONE.sub("[phone]", text)
    return _ADDRESS.sub("[address]", text)


def pseudonym(user_id: int | str, secret: bytes) -> str:
    """A stable key for a user that cannot be turned back into their id without the secret."""
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]
