"""The shapes of the facts people must act on, shared by protection (MT), display (RTL),
checking (no invented contact) and redaction (privacy): one definition each."""

from __future__ import annotations

from typing import Final

#: What ends a question, in every script: Latin, full-width (Chinese, Japanese), Arabic, Ethiopic.
QUESTION_MARKS: Final = frozenset("?？؟፧")
#: A URL, without a closing punctuation mark.
URL: Final = r"https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?]"
#: An e-mail address in Latin letters (so that a Chinese or Arabic word glued before it stays out).
EMAIL: Final = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
#: A Finnish date: 23.4. and 23.4.2026.
DATE: Final = r"\d{1,2}\.\d{1,2}\.(?:\d{4})?"
#: Scripts written without spaces between words, or with prefixes glued to names (Arabic
#: "بكاياني"), cannot use word boundaries: their names are matched as substrings.
NO_WORD_BOUNDARY: Final = r"[\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff]"
