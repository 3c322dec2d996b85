"""Which language the bot speaks: each answer's, and the conversation's, which is always one of
the 18 (``bot.languages.SUPPORTED``) or not yet known (English).

A message in a language beyond the 18 (German, Tagalog...) gets its answer in English, with a
line saying so, or machine-translated into that language where a model is installed; the
conversation's language stays what it was, so a channel never stores such a code as the user's
language and the next "ok" is answered as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .dialogue import Reply, State
from .languages import FALLBACK_LANGUAGE, SUPPORTED
from .nlu.language import CLEAR_WORDS, SCRIPTS, is_latin_script

#: Below this many letters a message ("ok", "kiitos") does not change the conversation's language.
SHORT_LETTERS = 12
#: Below this many letters (municipality names left out) a message in a conversation keeps its
#: language: a detector takes "hennes telefonnummer?" for Estonian and "e-posta adresi ne?" for Czech.
SWITCH_LETTERS = 25


def answer_language(
    state: State,
    text: str,
    detected: str | None,
    requested: str | None,
    heard: str | None,
    clear: Callable[[str, str], bool] | None = None,
) -> str | None:
    """The language to answer ``text`` in: the one the user asked for (``requested``: "in
    English please"), else the one chosen, else the one detected or heard (a spoken message's,
    by the speech model) unless the message is too short to tell: under ``SWITCH_LETTERS`` it
    must be in another script, or ``clear`` (the detector's) must find it surely in the language
    detected ("Vad är hans e-postadress?"); may be beyond the 18."""
    if requested:
        return requested
    letters = sum(char.isalpha() for char in text)
    if heard in SUPPORTED and not state.language_chosen and (letters < SHORT_LETTERS or detected is None):
        return heard
    if state.language_chosen or detected is None:
        return state.language
    if state.language and letters < SWITCH_LETTERS and not _in_another_script(text, letters, detected, state.language):
        return detected if detected != state.language and clear and clear(text, detected) else state.language
    return detected


def _in_another_script(text: str, letters: int, detected: str, language: str) -> bool:
    """Tell whether ``text``, detected as ``detected``, is written in another script than
    ``language``: a short message in another script is surely a switch ("где это?" after English:
    the detector tells non-Latin scripts' languages by their letters), and so is a sentence in
    Latin letters after a conversation in another script ("Who is the contact person in
    Paltamo?" after Russian; romanized Russian is detected as Russian). A word or two in Latin
    letters ("ok", "thanks a lot") is not."""
    script, ours = SCRIPTS.get(detected, "latin"), SCRIPTS.get(language, "latin")
    if script == ours:
        return False
    if script == "latin":
        return is_latin_script(text) and letters >= SHORT_LETTERS and len(text.split()) >= CLEAR_WORDS
    return not is_latin_script(text)


def settled(reply: Reply, before: State) -> Reply:
    """``reply`` with the conversation's language kept within the 18: an answer to a message in
    another language leaves the language of ``before`` in the state, and says it is written in
    English unless it was machine-translated into that language."""
    language = reply.state.language
    if language is None or language in SUPPORTED:
        return reply
    # The conversation goes on in English (the answer's language) rather than none: "danke!" after
    # German is no switch to Swedish.
    kept = before.language if before.language in SUPPORTED else FALLBACK_LANGUAGE
    written = reply.language if reply.translation == "machine" else FALLBACK_LANGUAGE
    return replace(reply, language=written, state=replace(reply.state, language=kept))
