"""Right-to-left text (Arabic, Persian, Sorani) with left-to-right islands kept intact.

An e-mail, a URL, a date, a time or a Latin name inside RTL text is wrapped in Unicode isolates
(LRI ... PDI), so Telegram shows it left-to-right and in one piece: `23.4.` stays `23.4.`, not `.4.23`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LRI = "\u2066"
PDI = "\u2069"
_LTR_RUNS = (
    r"https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?]",  # URLs, without a closing punctuation mark
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mails
    r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b",  # domain names: 112.fi, kajaani.fi
    r"#[A-Za-z0-9_]+",  # hashtags
    r"\+?\d[\d.,:/–-]*\d\.?|\d\.?",  # numbers, dates (23.4.), times (17–19), laws (1386/2010)
    r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ&'-]*(?: [A-Za-zÀ-ÿ&][A-Za-zÀ-ÿ&'-]*)*",  # Latin words and names
)


_RIGHT_TO_LEFT_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def isolate_ltr(text: str, facts: Iterable[str] = ()) -> str:
    """``text`` with each fact and each left-to-right run wrapped in LRI ... PDI, in the lines
    written right to left (a line wholly in English is left as it is: it displays correctly)."""
    known = sorted({fact for fact in facts if fact}, key=len, reverse=True)
    pattern = re.compile("|".join([*(re.escape(fact) for fact in known), *_LTR_RUNS]))
    return "\n".join(
        pattern.sub(lambda match: f"{LRI}{match.group(0)}{PDI}", line) if _RIGHT_TO_LEFT_LETTER.search(line) else line
        for line in text.split("\n")
    )


def strip_isolates(text: str) -> str:
    """``text`` without isolate marks (to compare what the user reads with the source)."""
    return text.replace(LRI, "").replace(PDI, "")
