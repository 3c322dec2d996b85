"""Which entry answers a detail asked of the last answer ("her e-mail?", "where is it?", "how
long?"): the last one when it shows the detail or says the sources lack it, else the entry that
does (a related one, the one about what it names, the contact person's, or a topic the message
is also ranked for). bot/followup.py decides whether a message asks one; this module, which."""

from __future__ import annotations

from .names import OTHER_AUTHORITY, OUT_OF_SCOPE, SMALL_TALK
from .nlu import Understanding
from .project.conversation import LINE_SHAPES, Detail, Signals
from .project.knowledge import Entry, Knowledge
from .project.places import normalize

#: A ranking at least this sure, though not sure enough to name a topic of its own
#: (``VAGUE_BELOW``), names the topic of a detail the last answer's topic does not hold.
RANKED_FOR_A_DETAIL = 0.25
#: A ranking at least this sure, behind what comes first, names the topic that holds a detail
#: the last answer neither shows nor lacks, when the message asks for little but the detail
#: (``holder``): a bare "how long?" is ranked for little else, and never surely.
RANKED_BEHIND = 0.2


def knows(knowledge: Knowledge, last: Entry, signals: Signals) -> bool:
    """Tell whether the last answer's topic holds the detail the message asks for: lines of one of
    its entries show it ("how long?" of a course: at most 250 days), or the ``gaps:`` of the last
    answer say the sources lack it (then the answer says so), or a related entry does either."""
    detail = signals.detail
    if detail is None:
        return False
    entries = knowledge.entries_for(last.intent)
    related = detail.from_related and any(tells(detail, entry) for entry in knowledge.related(last))
    return tells(detail, last) or any(shows(detail, entry) for entry in entries) or related


def holder(
    knowledge: Knowledge,
    last: Entry,
    detail: Detail | None,
    municipality: str | None = None,
    ranked: Understanding | None = None,
    bare: bool = False,
) -> tuple[Entry, bool]:
    """The entry that answers ``detail`` of the ``last`` answer: the last one when it shows the
    detail, or its gaps say the sources lack it, or nothing is asked; else, for a detail asked
    ``from_related``, a related entry that does, one showing it first, then one of the same
    municipality ("how do I contact them?" after what the council does: the council's contact
    entry, whose gaps say its e-mail address is not known); else the entry of the detail's
    ``otherwise`` intent for ``municipality`` when it shows it ("her e-mail?" after what quota
    refugees get: the contact person's; for a detail asked ``unless_named`` only when the last
    answer names nobody: "who organises it?" of the Red Cross café is the café's); else, for a
    detail asked ``from_named``, the entry about a place or service the last answer names ("where
    is it?" of Kajaani's guidance: the Kajaani Info entry); else the entry of an intent the message
    is also ranked for that shows it, when the message asks for little but the detail (``bare``,
    ``_ranked_holder``) and no entry of the last answer's topic shows it; else the last one.
    When the gaps of the last answer say the sources lack it, the entry about a place or service
    it names (its title names it) answers if it shows or lacks it too: "when is it open?" of where
    Kajaani's guidance is given, which names Kajaani Info, is the Kajaani Info entry's. When the
    last answer shows the detail with a fact that the entry of its municipality for the intent
    the message is ``ranked`` for (``RANKED_FOR_A_DETAIL``) shows too, that entry answers: "her
    e-mail?" of Suomussalmi's guidance, naming its contact person, is the contact person's. With
    it, whether that entry answers instead of the last one (``stands_in``)."""
    source = _holder(knowledge, last, detail, municipality, ranked, bare)
    return source, stands_in(knowledge, last, source) and not (detail and _shared(detail, last, source))


def _holder(
    knowledge: Knowledge,
    last: Entry,
    detail: Detail | None,
    municipality: str | None,
    ranked: Understanding | None,
    bare: bool,
) -> Entry:
    if detail is None:
        return last
    if shows(detail, last):  # the contact person's own entry, when the last answer names them
        sure = ranked is not None and ranked.confidence >= RANKED_FOR_A_DETAIL
        own = knowledge.entry_for(ranked.intent, last.municipality) if sure and ranked else None
        return own if own is not None and _shared(detail, last, own) else last
    if detail.lacked_by(last.gaps):
        return next((entry for entry in about_named(knowledge, last) if tells(detail, entry)), last)
    related = sorted(
        knowledge.related(last), key=lambda entry: (not shows(detail, entry), entry.municipality != last.municipality)
    )
    found = next((entry for entry in related if tells(detail, entry)), None) if detail.from_related else None
    named = detail.unless_named and not nameless(knowledge, last)
    other = knowledge.entry_for(detail.otherwise, municipality) if detail.otherwise and not named else None
    if found:
        return found
    if other is not None and shows(detail, other):
        return other
    about = next(iter(about_named(knowledge, last)), None) if detail.from_named else None
    # the topic's own entries, or a named one's, answer what they hold ("how long?" of Paltamo's course)
    held = named or any(shows(detail, entry) for entry in knowledge.entries_for(last.intent))
    ranked_holder = _ranked_holder(knowledge, last, detail, municipality, ranked) if bare and not held else None
    return about or ranked_holder or last


def _ranked_holder(
    knowledge: Knowledge, last: Entry, detail: Detail, municipality: str | None, ranked: Understanding | None
) -> Entry | None:
    """The entry, for ``municipality``, of the first intent the message is ``ranked`` for
    (``RANKED_BEHIND``; no small talk, out of scope, another authority or the last answer's) that
    shows ``detail``: "ne kadar sürüyor?" (how long?) after who integration services are for, an
    answer giving no duration, ranked out of scope first and next for how long one is a client."""
    for intent, confidence in ranked.ranking if ranked else ():
        if confidence < RANKED_BEHIND:
            break
        if intent in SMALL_TALK or intent in (OUT_OF_SCOPE, OTHER_AUTHORITY, last.intent):
            continue
        entry = knowledge.entry_for(intent, municipality)
        if entry is not None and shows(detail, entry):
            return entry
    return None


def about_named(knowledge: Knowledge, last: Entry) -> tuple[Entry, ...]:
    """The other entries, for the municipality of the ``last`` answer or the whole region, whose
    title names a place, service or project the last answer names ("Kajaani Info")."""
    names = [
        normalize(fact) for fact in last.facts if fact in knowledge.proper_names and fact not in _places(knowledge)
    ]
    return tuple(
        entry
        for entry in knowledge.entries
        if entry != last
        and entry.municipality in (last.municipality, None)
        and any(name in normalize(title) for title in entry.title.values() for name in names)
    )


def stands_in(knowledge: Knowledge, last: Entry, source: Entry) -> bool:
    """Tell whether ``source``, answering a detail of the ``last`` answer, answers instead of it:
    neither the last answer nor a related entry, nor the entry about what it names (the contact
    person's, when the answer names nobody), so the answer first says the last one lacks it."""
    return source != last and source not in knowledge.related(last) and source not in about_named(knowledge, last)


def _shared(detail: Detail, last: Entry, other: Entry) -> bool:
    """Tell whether ``other`` shows ``detail`` with a fact the ``last`` answer holds too (the same
    e-mail); a detail read in the lines themselves (children, social media) has no such fact."""
    if detail.shape in LINE_SHAPES:
        return False
    return any(detail.lines(text, set(last.facts) & set(other.facts)) for text in other.text.values())


def _places(knowledge: Knowledge) -> set[str]:
    return {municipality.name for municipality in knowledge.municipalities}


def nameless(knowledge: Knowledge, entry: Entry) -> bool:
    """Tell whether ``entry`` names no one and nothing (a person, a project, a place) but municipalities."""
    return not any(fact in knowledge.proper_names and not knowledge.find_municipality(fact) for fact in entry.facts)


def tells(detail: Detail, entry: Entry) -> bool:
    """Tell whether ``entry`` shows ``detail`` or says that the sources lack it."""
    return shows(detail, entry) or detail.lacked_by(entry.gaps)


def shows(detail: Detail, entry: Entry) -> bool:
    """Tell whether lines of ``entry``'s text show ``detail``."""
    return any(detail.lines(text, entry.facts) for text in entry.text.values())
