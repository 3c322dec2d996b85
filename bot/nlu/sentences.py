"""The sentences of a message, in every script, and which of them asks the question.

A long message tells a story before it asks ("We came from Kharkiv last year. My daughter is
a teenager. What is there for us?"); an opening may carry only personal data ("My name is
Amina, phone 040 ..."). ``bot.nlu`` ranks such a message as a whole and by its question.
"""

from __future__ import annotations

import re

from ..patterns import QUESTION_MARKS

#: Sentence ends that need a space after them: Latin, Cyrillic, Greek, Armenian... full stops,
#: question and exclamation marks, the ellipsis.
_SPACED_ENDS = ".!?…"
#: Sentence ends written without a space after them: Chinese and Japanese (。！？), Arabic-script
#: question mark and full stop (؟ ۔), Devanagari danda (।), Ethiopic full stop and question mark (። ፧).
_GLUED_ENDS = "。！？؟۔।॥።፧"
#: What opens a question ("¿" in Spanish); ``QUESTION_MARKS`` end one.
_QUESTION_OPENERS = frozenset("¿")
# A spaced end counts only before what can start a sentence: not a digit, sign or punctuation
# ("tel. +358 40 ...", "puh. 040 ...", "klo 9. - 12."), nor another end ("Really?!").
_BOUNDARY = re.compile(
    rf"(?:[{re.escape(_SPACED_ENDS)}]+(?=\s+[^\s\d+\-–,;:.!?)\]]))\s*"
    rf"|[{re.escape(_GLUED_ENDS)}]+\s*"
    r"|\s*\n+\s*"
)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, trimmed, in order; a line break ends one too."""
    parts = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        parts.append(text[start : match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if any(char.isalnum() for char in part)]


def is_question(sentence: str) -> bool:
    """Tell whether ``sentence`` is written as a question (a question mark in any script)."""
    stripped = sentence.strip()
    return bool(stripped) and (
        stripped[0] in _QUESTION_OPENERS or any(char in QUESTION_MARKS for char in stripped[-3:])
    )


def question_of(parts: list[str]) -> str:
    """The sentence that asks: the last one written as a question, else the last one."""
    questions = [part for part in parts if is_question(part)]
    return (questions or parts)[-1]
