"""Right-to-left text (Arabic, Persian, Sorani) with left-to-right islands kept intact.

An e-mail, a URL, a date, a time or a Latin name inside RTL text is wrapped in Unicode isolates
(LRI ... PDI), so Telegram shows it left-to-right and in one piece: `23.4.` stays `23.4.`, not `.4.23`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .patterns import DATE, EMAIL, URL

LRI = "\u2066"
PDI = "\u2069"
_LTR_RUNS = (
    URL,
    EMAIL,
    r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b",  # domain names: 112.fi, kajaani.fi
    r"#[A-Za-z0-9_]+",  # hashtags
    DATE,
    r"\+?\d[\d.,:/–-]*\d|\d",  # numbers, times (17–19), laws (1386/2010)
    # Latin words and names, with the numbers that follow them ("toimintasuunnitelma 2026"): a
    # space between two isolates would show them in right-to-left order.
    r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ&'-]*(?: (?:[A-Za-zÀ-ÿ&][A-Za-zÀ-ÿ&'-]*|\d[\d.:/–-]*\d|\d))*",
)


_RIGHT_TO_LEFT_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def isolate_ltr(text: str, facts: Iterable[str] = ()) -> str:
    """``text`` with each fact and each left-to-right run wrapped in LRI ... PDI, in the lines
    written right to left (a line wholly in English is left as it is: it displays correctly)."""
    patterns = [re.compile(re.escape(fact)) for fact in facts if fact] + [re.compile(run) for run in _LTR_RUNS]
    return "\n".join(
        _isolate_line(line, patterns) if _RIGHT_TO_LEFT_LETTER.search(line) else line for line in text.split("\n")
    )


def _isolate_line(line: str, patterns: list[re.Pattern[str]]) -> str:
    """Wrap the longest run at each place: two adjacent isolates would swap places in RTL text,
    so `23.4.2026` must be one run, not the fact `23.4.` and then `2026`."""
    spans = sorted(
        (match.span() for pattern in patterns for match in pattern.finditer(line) if match.end() > match.start()),
        key=lambda span: (span[0], -span[1]),
    )
    parts, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        parts += [line[position:start], LRI, line[start:end], PDI]
        position = end
    parts.append(line[position:])
    return "".join(parts)


def strip_isolates(text: str) -> str:
    """``text`` without isolate marks (to compare what the user reads with the source)."""
    return text.replace(LRI, "").replace(PDI, "")
