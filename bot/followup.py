"""Whether a message goes on from the last answer or asks something new.

A follow-up names no topic of its own: only a municipality ("and in Kuhmo?", "а в Кухмо?"), only
a detail ("her e-mail?", "where?", "how long?"), or a few words the intent ranking is unsure of
("is it free?", "register in advance?"). A message with its own topic words ("Where can I learn
Finnish in Kuhmo?", "how do I renew my residence permit in Kajaani?") is a new question, even
right after an answer and even when it names a municipality. The core asks; this module decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .details import RANKED_FOR_A_DETAIL, knows, shows
from .dialogue import State
from .names import OTHER_AUTHORITY, OUT_OF_SCOPE, SMALL_TALK, THANKS
from .nlu import Understanding
from .patterns import QUESTION_MARKS
from .project.conversation import Signals, Steering, letters, names_another_topic
from .project.knowledge import Entry, Knowledge
from .project.places import normalize

#: Up to this many letters besides names and steering words, a message asks for nothing more than
#: a place or a detail ("and in Kuhmo?", "her e-mail?").
BARE_LETTERS = 12
#: A ranking less sure than this names no topic of its own: a short question goes on from the last answer.
VAGUE_BELOW = 0.35
#: Up to this many letters, an unsure question with no follow-up word still asks about the last
#: answer ("quels secteurs ?", "is it free?", "треба записуватися заздалегідь?").
VAGUE_LETTERS = 30
#: Up to this many letters, an unsure question taking up a word only few entries share with the
#: last answer asks about it ("mitä sitten tapahtuu kun oon lähettäny viestin?" after how to send
#: the council a message).
ECHO_LETTERS = 45
#: Up to this many letters, a message naming a language and no topic of its own asks for the last
#: answer in that language ("can you tell me that in Russian?", "Voisitko kertoa saman suomeksi,
#: en ymmärrä englantia hyvin?": people say why they ask).
REQUEST_LETTERS = 60
#: A few words ranked at least this sure for another intent than the last answer's ask about
#: it, whatever detail words they hold: "Where is Kajaani Info?" (0.97 the service point) after
#: the work answer, whose entries name Kajaani Info too.
SURE_OF_ANOTHER = 0.8


def own_topic(
    understanding: Understanding,
    signals: Signals,
    last: Entry,
    focus: Understanding | None = None,
    topic: str | None = None,
) -> bool:
    """Tell whether the message is surely about a topic other than the last answer's; another
    authority's ("a dentist in Kuhmo?", however unsure) and out of scope count too, unless it asks
    only for a place or a detail, or the last answer's topic is ranked close behind out of scope
    (``RUNNER_UP_SHARE``: "Combien coûte le cours ?" after the course, ranked 0.35 for both); a
    few words of its own besides ranked surely out of scope
    (``SURE_OF_ANOTHER``) count even then ("а где купить машину?", where do I buy a car?).
    ``focus``, what is left of a short follow-up without its names and opening ("e em" of "e em
    Hyrynsalmi?"), understood alone, must name that topic too: a ranking sure of a message that is
    little more than a municipality's name is the name's."""
    if topical(understanding, last, topic) and (focus is None or topical(focus, last, topic)):
        return True
    if signals.rest <= BARE_LETTERS:
        return signals.rest > 0 and understanding.intent == OUT_OF_SCOPE and understanding.confidence >= SURE_OF_ANOTHER
    intent, sure = understanding.intent, understanding.confidence >= VAGUE_BELOW
    behind = dict(understanding.ranking).get(topic or last.intent, 0.0) >= RUNNER_UP_SHARE * understanding.confidence
    return intent == OTHER_AUTHORITY or (intent == OUT_OF_SCOPE and sure and not behind)


def topical(understanding: Understanding, last: Entry, topic: str | None = None) -> bool:
    """Tell whether the message is surely about a topic of the knowledge base or another authority,
    other than the conversation's ``topic`` (by default the last answer's: after a course's contact
    person answered "who do I ask?", the course's; then "Who is the contact person for
    integration?" is a question of its own)."""
    intent = understanding.intent
    if intent in SMALL_TALK or intent in (OUT_OF_SCOPE, topic or last.intent):
        return False
    return understanding.confidence >= VAGUE_BELOW


def with_request(signals: Signals, understanding: Understanding, last: Entry | None) -> Signals:
    """``signals`` with the language a message names taken as a request to answer in it when the
    message asks nothing of its own besides, after an answer ("can you tell me that in Russian?")."""
    if signals.language or not signals.named_language or last is None or signals.rest > REQUEST_LETTERS:
        return signals
    return signals if topical(understanding, last) else replace(signals, language=signals.named_language)


def goes_on(
    knowledge: Knowledge,
    text: str,
    understanding: Understanding,
    signals: Signals,
    last: Entry,
    echo: bool = False,
    focus: Understanding | None = None,
    topic: str | None = None,
) -> bool:
    """Tell whether ``text`` asks about the ``last`` answer again (in another municipality, one of
    its details, in another language, a few unsure words, or a few words taking up one of the last
    answer's own, ``echo``: "whats the theme?") rather than a new question; ``focus``: what is left
    of a short follow-up without its names and opening, understood alone (``own_topic``);
    ``topic``: the conversation's intent (``topical``). A message opening with a condition ("what
    if I am looking for work?") asks about the last answer's topic for another situation, whatever
    the words of the situation rank for. A detail its topic does not hold and the
    ranked intent's entries show is a new question (``detail_elsewhere``)."""
    if names_another_topic(knowledge, text, last.intent):
        return False
    if signals.language or signals.condition:
        return True
    elsewhere = understanding.intent != last.intent and understanding.confidence >= SURE_OF_ANOTHER
    if (
        signals.rest <= BARE_LETTERS
        and not elsewhere
        and (signals.language_question or knows(knowledge, last, signals))
    ):
        return True  # "her e-mail?", "is it in English?"
    if detail_elsewhere(knowledge, understanding, signals, last):
        return False
    if understanding.municipality or signals.detail or signals.followup or signals.language_question:
        return not own_topic(understanding, signals, last, focus, topic)
    vague = understanding.confidence < VAGUE_BELOW and understanding.intent not in (OTHER_AUTHORITY, THANKS)
    echoed = echo and understanding.intent != THANKS and not topical(understanding, last, topic)
    return (signals.rest <= VAGUE_LETTERS and (vague or echoed)) or (signals.rest <= ECHO_LETTERS and vague and echo)


def detail_elsewhere(knowledge: Knowledge, understanding: Understanding, signals: Signals, last: Entry) -> bool:
    """Tell whether the message asks for a detail the last answer's topic does not hold (``knows``)
    and an entry of the intent it is ranked for (``RANKED_FOR_A_DETAIL``), another, shows it:
    "what is the Instagram account of the foreigners in Kajaani?" after the welcome event asks
    how to reach the council, whose contact entry names the account."""
    intent, detail = understanding.intent, signals.detail
    if detail is None or intent in SMALL_TALK or intent in (OUT_OF_SCOPE, OTHER_AUTHORITY, last.intent):
        return False
    sure = understanding.confidence >= RANKED_FOR_A_DETAIL
    return sure and not knows(knowledge, last, signals) and any(shows(detail, e) for e in knowledge.entries_for(intent))


#: Where a question ends: "e a Hyrynsalmi? lavoro lì" asks its first clause.
_QUESTION_END = re.compile(f"[{''.join(sorted(QUESTION_MARKS))}]")
#: Up to this many letters, what follows a question and asks nothing is a remark on it.
REMARK_LETTERS = 20


def before_remark(knowledge: Knowledge, steering: Steering, text: str) -> str:
    """The question ``text`` opens with when it asks only for a place (names a municipality and at
    most ``BARE_LETTERS`` letters more) and what follows is a short remark asking nothing (no
    question mark): "e a Hyrynsalmi? lavoro lì" (I work there), "سوموسالمی چی؟ خواهرم اونجاست"
    (my sister is there); else ``text``."""
    end = _QUESTION_END.search(text)
    remark = text[end.end() :] if end else ""
    if end is None or not letters(remark) or letters(remark) > REMARK_LETTERS or _QUESTION_END.search(remark):
        return text
    question = text[: end.end()]
    bare = steering.read(question, knowledge.without_municipalities).rest <= BARE_LETTERS
    return question if bare and knowledge.places.municipality(question) else text


def asks(knowledge: Knowledge, understanding: Understanding, signals: Signals, unsure: bool) -> bool:
    """Tell whether a message that says where the user lives also asks a question."""
    return signals.rest > BARE_LETTERS and not unsure and bool(knowledge.entries_for(understanding.intent))


def place_of_named(knowledge: Knowledge, intent: str, text: str, municipality: str | None) -> str | None:
    """The municipality whose entry for ``intent`` holds a name ``text`` mentions ("What is the Flow
    project?": Kajaani's), when the entry for ``municipality`` holds none of them; else None.
    Among several, the default municipality's. A name counts also by its part before a dash
    ("Work & Stay" of "Work & Stay – Kokonainen elämä Koillismaalla")."""
    folded = _folded(text)
    current = knowledge.entry_for(intent, municipality)
    if current is not None and _named(knowledge, current, folded):
        return None
    places = [
        entry.municipality
        for entry in knowledge.entries_for(intent)
        if entry.municipality and _named(knowledge, entry, folded)
    ]
    return knowledge.default_municipality if knowledge.default_municipality in places else next(iter(places), None)


def names_an_entry(knowledge: Knowledge, intent: str, text: str) -> bool:
    """Tell whether ``text`` mentions a name an entry for ``intent`` holds ("Next Level"): then the
    names say which entry it asks about, not its meaning (bot/nlu/entries.py)."""
    folded = _folded(text)
    return any(_named(knowledge, entry, folded) for entry in knowledge.entries_for(intent))


def _named(knowledge: Knowledge, entry: Entry, folded: str) -> bool:
    """Tell whether the ``folded`` text mentions a name among ``entry``'s facts (not a municipality)."""
    return any(
        re.search(rf"(?<!\w){re.escape(_folded(short))}", folded)
        for fact in entry.facts
        if fact in knowledge.proper_names and not knowledge.find_municipality(fact)
        for short in {fact, _DASHED.split(fact)[0]}
        if len(short) >= 4
    )


#: A project's name before its long description: "Work & Stay – Kokonainen elämä Koillismaalla".
_DASHED = re.compile(r"\s[–-]\s")


def _folded(text: str) -> str:
    """``text`` normalized without hyphens: people write "Kaikukortti" for "Kaiku-kortti"."""
    return normalize(text).replace("-", "")


#: An intent ranked second with at least this share of the first's confidence is remembered: a
#: follow-up naming a municipality may mean it (``asked``).
RUNNER_UP_SHARE = 0.5


def asked(knowledge: Knowledge, state: State, last: Entry, named: str | None) -> str:
    """The intent a follow-up of the ``last`` answer asks for: the conversation's (the service
    point's, where a municipality's guidance entry answered for it; the course's, after its
    contact person answered "who do I ask?"), or, for a municipality ``named`` when that answer
    is the same everywhere, the runner-up of its question where the municipality has an entry
    of its own ("وفي كوهمو؟" after how long integration lasts, ranked just before how long the
    integration course is); likewise when the municipality has no entry of its own for the
    conversation's intent ("and in Paltamo?" after Kajaani's language café, ranked just before
    Finnish courses: Paltamo's integration training); else the conversation's intent before the
    last answer changed it, when the municipality has an entry of its own for that one ("na Kuusamo
    je?" after how long one is a client, asked after where Kajaani's newcomers get help: where
    Kuusamo's do)."""
    intent = state.intent or last.intent
    if named and not knowledge.own_entry(intent, named):
        guesses = (guess for guess in (state.runner_up, state.earlier_intent) if guess and guess != intent)
        return next((guess for guess in guesses if knowledge.own_entry(guess, named)), intent)
    return intent


def after_detail(
    knowledge: Knowledge, state: State, last: Entry, source: Entry, ranked: Understanding, signals: Signals
) -> str:
    """The conversation's intent once ``source`` answered a detail of the ``last`` answer: the
    source's when the message is surely about it and points back to nothing ("а кто контактное
    лицо в Кухмо?" after Kuhmo's guidance: the contact person's, so "а в Соткамо?" next asks for
    Sotkamo's contact person), else the conversation's (``asked``: "who do I ask about it?" of a
    course keeps the course)."""
    surely = ranked.intent == source.intent and ranked.confidence >= VAGUE_BELOW and not signals.reference
    return source.intent if surely and source.intent != last.intent else asked(knowledge, state, last, None)


def runner_up(knowledge: Knowledge, understanding: Understanding) -> str | None:
    """The intent ranked second, when it is close behind (``RUNNER_UP_SHARE`` of the first's
    confidence) and some entry answers it."""
    top = understanding.confidence
    return next(
        (
            intent
            for intent, confidence in understanding.ranking[1:2]
            if confidence >= RUNNER_UP_SHARE * top and knowledge.entries_for(intent)
        ),
        None,
    )


def focused(understand: Callable[[str], Understanding], signals: Signals, named: str | None) -> Understanding | None:
    """What is left of a short follow-up (naming a municipality or opening with a follow-up
    phrase) without its names and opening, understood alone ("e em" of "e em Hyrynsalmi?",
    "työ" of "entä työ Kuhmossa?"; nothing left names no topic); None for other messages."""
    if signals.rest > BARE_LETTERS or not (named or signals.followup):
        return None
    if not any(char.isalpha() for char in signals.remainder):
        return Understanding(language=None, ranking=((OUT_OF_SCOPE, 1.0),), municipality=None)
    return understand(signals.remainder)
