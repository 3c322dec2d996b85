"""Text from outside made safe to handle: one function, used by every channel and the core.

Telegram, the terminal and the web console can hand over anything: a lone surrogate from a
JSON ``"\\ud83d"`` escape (it cannot be encoded, so SQLite and the embedding model would fail on
it), NUL and other control characters, bidi overrides that reorder what staff read, floods of
combining marks, or 100 kB. ``clean`` returns text every part of the bot can process.
"""

from __future__ import annotations

import re
import unicodedata

#: Text is read up to Telegram's own message limit; the rest is never looked at.
MAX_INPUT = 4096
#: Combining marks kept on one letter (Vietnamese and Thai need up to three).
MAX_MARKS = 3
_MARKS = frozenset({"Mn", "Me"})
#: Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what
#: the reader sees, so a question can be made to read as something else.
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_BIDI_CONTROL = re.compile(f"[{_BIDI}]")
#: Characters that show nothing, though some count as letters (the Hangul fillers people use as
#: an "empty" message): soft hyphen, grapheme joiner, Arabic letter mark, Mongolian vowel
#: separator, word joiner and invisible operators, deprecated format controls, braille blank,
#: tag characters.
_INVISIBLE = r"\u00ad\u034f\u061c\u115f\u1160\u180e\u2060-\u2064\u206a-\u206f\u2800\u3164\uffa0\U000e0000-\U000e007f"
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f{_BIDI}{_INVISIBLE}\ufeff\ufffe\uffff]")
#: The zero-width non-joiner and joiner are spelling between letters (Persian and Sorani write
#: "می‌خواهم" with one) and join emoji; anywhere else they only hide something, such as a phone
#: number from the redaction ("040\u200d1234567").
_JOINERS = frozenset("\u200c\u200d")
_JOINED = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Sk", "So"})


def clean(text: str, limit: int = MAX_INPUT) -> str:
    """``text`` cut to ``limit`` characters, surrogate pairs joined and lone ones dropped,
    without control, bidi-override and invisible characters (a message of only those is empty;
    zero-width joiners stay only between letters or emoji), combining marks capped per letter, in NFC,
    trimmed."""
    text = text[: limit * 2]  # a pair of surrogates is one character: cut after joining them
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\ufffd", "")
    text = unicodedata.normalize("NFC", text[:limit].replace("\t", " ").replace("\r", "\n"))
    return _cap_marks(_joiners_in_words(_CONTROL.sub("", text))).strip()


def without_bidi_controls(text: str) -> str:
    """``text`` without the bidi controls ``clean`` removes (for showing stored text safely)."""
    return _BIDI_CONTROL.sub("", text)


def _joiners_in_words(text: str) -> str:
    def joins(char: str) -> bool:
        return char not in _JOINERS and unicodedata.category(char) in _JOINED

    return "".join(
        char
        for at, char in enumerate(text)
        if char not in _JOINERS or (0 < at < len(text) - 1 and joins(text[at - 1]) and joins(text[at + 1]))
    )


def _cap_marks(text: str) -> str:
    kept, marks = [], 0
    for char in text:
        marks = marks + 1 if unicodedata.category(char) in _MARKS else 0
        if marks <= MAX_MARKS:
            kept.append(char)
    return "".join(kept)
