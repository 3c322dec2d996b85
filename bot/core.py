"""The channel-free core: ``Core.reply(state, text) -> Reply``. Read this module first.

It knows nothing of Telegram, terminals or the web. A channel keeps the State it gets back in
each Reply, shows Reply.text and Reply.buttons, and sends a pressed button's action to
``Core.select``. Every answer comes from the knowledge base or the interface catalogs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date

from . import names
from .bidi import isolate_ltr
from .cleantext import clean
from .details import holder
from .dialogue import Button as Button
from .dialogue import Reply as Reply
from .dialogue import State as State
from .echo import Wording
from .followup import (
    BARE_LETTERS,
    after_detail,
    asked,
    asks,
    before_remark,
    focused,
    goes_on,
    names_an_entry,
    place_of_named,
    runner_up,
    with_request,
)
from .languages import FALLBACK_LANGUAGE, RIGHT_TO_LEFT, SOURCE_LANGUAGE, SUPPORTED
from .localize import Localized as Localized
from .localize import Localizer
from .mt.argos import Translator
from .names import (
    COUNCIL_ACTION,
    COUNCIL_INTENTS,
    EMERGENCY,
    EVENTS,
    GREET,
    HANDOFF_ACTION,
    HUMAN_CONTACT,
    LANGUAGE,
    MUNICIPALITY,
    OUT_OF_SCOPE,
    THANKS,
    TOPIC,
)
from .nlu import EMERGENCY_SURE, NLU, Understanding
from .project.conversation import Detail, Steering
from .project.knowledge import Entry, Knowledge
from .project.texts import Texts
from .project.translations import Translation
from .speaking import SHORT_LETTERS, answer_language, settled

log = logging.getLogger(__name__)

#: Messages are read up to this many characters; the rest says nothing a short answer needs.
MAX_CHARS = 1000
#: After this many fallbacks in a row the bot offers a person even for out-of-scope messages.
FALLBACKS_BEFORE_A_PERSON = 2
_ANSWERED_BY_INTERFACE = {GREET: "welcome", THANKS: "thanks", names.OTHER_AUTHORITY: names.OTHER_AUTHORITY}
EMERGENCY_SOURCES = ("112.fi",)


class Core:
    """Answers questions from the knowledge base, in the user's language where it can."""

    def __init__(
        self,
        knowledge: Knowledge,
        texts: Texts,
        nlu: NLU,
        translations: Mapping[str, Mapping[str, Translation]] | None = None,
        translator: Translator | None = None,
        today: Callable[[], date] = date.today,
        *,
        steering: Steering,
    ) -> None:
        self.knowledge = knowledge
        self.texts = texts
        self.nlu = nlu
        self.steering = steering
        self.translations = translations or {}
        self.translator = translator
        self.today = today
        self.localizer = Localizer(self.translations, translator)
        self.wording = Wording(knowledge, self.translations)

    def localize(self, entry: Entry, language: str) -> Localized:
        """The entry in ``language``: curated or draft text, else machine-translated, else English."""
        return self.localizer.localize(entry, language)

    def reply(self, state: State, text: str, heard_language: str | None = None) -> Reply:
        """Answer one message in ``state``; ``heard_language``: the language a spoken one was heard in."""
        return settled(self._reply(state, text, heard_language), state)

    def _reply(self, state: State, text: str, heard_language: str | None) -> Reply:
        cleaned = clean(text)
        question = cleaned  # what a person would be sent, in full
        notes = []
        if len(cleaned) > MAX_CHARS:
            cleaned = cleaned[:MAX_CHARS]
            notes.append("long_message")
        switch = self.steering.switch(cleaned)  # "sorry, English is easier: where is ...?"
        cleaned = switch.question if switch else cleaned
        cleaned = before_remark(self.knowledge, self.steering, cleaned) if state.topic else cleaned  # "...? my home"
        understanding = self.nlu.understand(cleaned)
        last = self.knowledge.entry(state.topic) if state.topic else None
        signals = with_request(self.steering.read(cleaned, self.knowledge.without_municipalities), understanding, last)
        names_cut = self.knowledge.without_municipalities(cleaned)  # a name says nothing of the language
        clear = None if signals.acknowledgement else self.nlu.detector.clear  # "tack så mycket" is no switch
        requested = signals.language or (switch.language if switch else None)
        language = answer_language(state, names_cut, understanding.language, requested, heard_language, clear)
        unknown = state.language is None and sum(char.isalpha() for char in names_cut) < SHORT_LETTERS
        state = replace(state, language=language)
        if signals.acknowledgement or signals.decline:
            key = "declined" if signals.decline else "acknowledged"
            short = self._interface(replace(state, pending_intent=None), key, notes, understanding=understanding)
            return replace(short, municipality=last.municipality if last else None)  # of the answer it replies to
        if not any(char.isalpha() for char in cleaned):
            key = "empty_message" if not cleaned else "fallback"
            return self._interface(state, key, notes, fallback=True, understanding=understanding, question=question)
        if self.knowledge.is_emergency(cleaned):
            return self._emergency(state, understanding)
        named = understanding.municipality or self.steering.home_named(cleaned, self.knowledge)  # "..., not Kajaani"
        bare_home = signals.home and signals.rest <= BARE_LETTERS  # "we moved to Kuhmo": no emergency
        if understanding.intent == EMERGENCY and not bare_home:
            if understanding.confidence >= EMERGENCY_SURE and not self._unsure(understanding):
                return self._emergency(state.naming(named, signals.home), understanding)
            understanding = replace(understanding, ranking=understanding.ranking[1:] or ((OUT_OF_SCOPE, 0.0),))
        asking = asks(self.knowledge, understanding, signals, self._unsure(understanding))
        if named and (self.nlu.names_only(cleaned) or (signals.home and not asking)):
            once = last is not None and not signals.home and not state.pending_intent  # "and in Kuhmo?"
            placed = self._place(state.naming(named, signals.home, once), named, last, understanding, notes)
            return replace(placed, state=replace(placed.state, language=None)) if unknown else placed
        echo = last is not None and self.wording.echoes(last, language, names_cut)  # "whats the theme?"
        focus = focused(self.nlu.understand, signals, named) if last is not None else None
        if last is not None and goes_on(
            self.knowledge, cleaned, understanding, signals, last, echo, focus, state.intent
        ):
            municipality = named or last.municipality or state.municipality
            if not named:  # "what is Flow?" after the region's work answer: the entry naming it
                municipality = place_of_named(self.knowledge, last.intent, cleaned, municipality) or municipality
            state = state.naming(named, signals.home, once=True)
            if signals.detail is None:
                return self._answer(
                    state, asked(self.knowledge, state, last, named), understanding, notes, municipality
                )
            bare = signals.rest <= BARE_LETTERS
            source, instead = holder(self.knowledge, last, signals.detail, municipality, understanding, bare)
            detailed = self._answer(
                state, source.intent, understanding, notes, municipality, signals.detail, source, instead=instead
            )  # the conversation's topic stays: "who do I ask?" of a course, then "what about Sotkamo?"
            kept = after_detail(self.knowledge, state, last, source, understanding, signals)  # "а в Соткамо?"
            return replace(detailed, state=replace(detailed.state, intent=kept))
        state = state.naming(named, signals.home)
        if self._unsure(understanding) or not (
            understanding.intent in _ANSWERED_BY_INTERFACE or self.knowledge.entries_for(understanding.intent)
        ):
            return self._interface(
                state, "fallback", notes, fallback=True, understanding=understanding, question=question
            )
        if understanding.intent in _ANSWERED_BY_INTERFACE:
            return self._interface(
                state, _ANSWERED_BY_INTERFACE[understanding.intent], notes, understanding=understanding
            )
        # "... there?", or the last answer's topic in other words ("can it help a welder?"): its place
        there = last.municipality if last and (signals.there or understanding.intent == last.intent) else None
        place = named or there or place_of_named(self.knowledge, understanding.intent, cleaned, state.municipality)
        unplaced = not (place or state.municipality or names_an_entry(self.knowledge, understanding.intent, cleaned))
        likely = self.nlu.municipality_asked(understanding.intent, cleaned) if unplaced else None  # "women's group?"
        state = replace(state, runner_up=runner_up(self.knowledge, understanding))
        return self._answer(state, understanding.intent, understanding, notes, place, likely=likely)

    def _place(self, state: State, named: str, last: Entry | None, u: Understanding, notes: list[str]) -> Reply:
        """A message naming only a municipality (or only where the user lives): the question that
        waited for it, else the last answer there (one the same everywhere too), else a note."""
        if state.pending_intent:
            return self._answer(state, state.pending_intent, u, notes, named)
        if last is not None:  # "I live in Ristijärvi" after how long integration lasts: for Ristijärvi
            return self._answer(state, asked(self.knowledge, state, last, named), u, notes, named)
        return self._interface(state, "municipality_set", notes, municipality=named)

    def select(self, state: State, action: str) -> Reply:
        """Act on a pressed button: ``topic:<intent>``, ``municipality:<name>`` or ``language:<code>``."""
        kind, value = names.parse_action(action)
        language = state.language or FALLBACK_LANGUAGE
        if kind == MUNICIPALITY and value in {m.name for m in self.knowledge.municipalities}:
            state = replace(state, municipality=value, municipality_stated=True)
            if state.pending_intent:
                return self._answer(state, state.pending_intent, None, [])
            return self._interface(state, "municipality_set", [], municipality=value)
        if kind == LANGUAGE and value in SUPPORTED:
            state = replace(state, language=value, language_chosen=True)
            return self._interface(state, "welcome", [])
        if kind == TOPIC and self.knowledge.entries_for(value):
            return self._answer(replace(state, runner_up=None), value, None, [])
        if kind == TOPIC and value == EMERGENCY:
            return self._emergency(state, None)
        return self._interface(replace(state, language=language), "stale_button", [], fallback=True)

    def _unsure(self, understanding: Understanding) -> bool:
        return self.nlu.fallback.is_fallback(understanding.ranking)

    def _emergency(self, state: State, understanding: Understanding | None) -> Reply:
        language = state.language or FALLBACK_LANGUAGE
        return Reply(
            text=_directed(self.texts.get("emergency", language), language, EMERGENCY_SOURCES),
            state=replace(state, pending_intent=None, fallbacks_in_row=0),
            language=language,
            intent=EMERGENCY,
            topic=EMERGENCY,
            confidence=understanding.confidence if understanding and understanding.intent == EMERGENCY else 1.0,
            emergency=True,
            sources=EMERGENCY_SOURCES,
            translation=self._interface_translation("emergency", language),
            ranking=understanding.ranking if understanding else (),
        )

    def _interface(
        self,
        state: State,
        key: str,
        notes: list[str],
        *,
        fallback: bool = False,
        understanding: Understanding | None = None,
        municipality: str = "",
        question: str | None = None,
    ) -> Reply:
        language = state.language or FALLBACK_LANGUAGE
        lines = [self.texts.get(note, language) for note in notes]
        lines.append(
            self.texts.get(key, language, municipality=municipality) if municipality else self.texts.get(key, language)
        )
        fallbacks = state.fallbacks_in_row + 1 if (fallback := fallback or key == names.OTHER_AUTHORITY) else 0
        buttons = self.topic_buttons(language) if fallback or key in ("welcome", "stale_button") else ()
        unsure = understanding is not None and bool(understanding.ranking) and understanding.intent != OUT_OF_SCOPE
        stuck = unsure or fallbacks >= FALLBACKS_BEFORE_A_PERSON
        offered = key == names.OTHER_AUTHORITY or (key == "fallback" and stuck)
        if offered:  # the privacy line, then exactly what the button sends, seen before consenting
            lines += [self.texts.get("handoff_privacy", language), *([f"“{question}”"] if question else [])]
            buttons = (self.handoff_button(language), *buttons)
        return Reply(
            text=_directed("\n\n".join(lines), language),
            state=replace(state, fallbacks_in_row=fallbacks, pending_intent=None if fallback else state.pending_intent),
            language=language,
            intent=understanding.intent if understanding and understanding.ranking else None,
            confidence=understanding.confidence if understanding and understanding.ranking else 0.0,
            fallback=fallback,
            translation=self._interface_translation(key, language),
            buttons=buttons,
            ranking=understanding.ranking if understanding else (),
            handoff_question=question if offered and question else None,
        )

    def _answer(
        self,
        state: State,
        intent: str,
        understanding: Understanding | None,
        notes: list[str],
        municipality: str | None = None,
        detail: Detail | None = None,
        last: Entry | None = None,
        likely: str | None = None,
        instead: bool = False,
    ) -> Reply:
        """The entry answering ``intent`` for ``municipality`` (else the user's, else the ``likely``
        one's, said so, or the region's, and the question where the user lives). With a ``detail``
        asked of the ``last`` answer, only the lines showing it; a detail the sources lack is said,
        also when another entry answers ``instead`` of the one asked about (the contact person's)."""
        language = state.language or FALLBACK_LANGUAGE
        municipality = municipality or state.municipality
        asking = False
        if self.knowledge.depends_on_municipality(intent) and municipality is None:
            asking = True  # the likely or region-wide entry, else the default municipality's, and the question
            if likely or self.knowledge.entry_for(intent, None) is None:
                municipality = likely or self.knowledge.default_municipality
        entry = self.knowledge.entry_for(intent, municipality)
        if entry is None:
            return self._interface(state, "fallback", notes, fallback=True, understanding=understanding)
        localized = self.localize(entry, language)
        lines = [self.texts.get(note, language) for note in notes]
        if entry.municipality and not asking:
            lines.append(self.texts.get("answer_for", language, municipality=entry.municipality))
        if localized.translation == "none":
            lines.append(self.texts.get("answer_in_english", language))
        elif localized.translation == "machine":
            lines.append(self.texts.get("machine_translated", language))
        shown = detail.lines(localized.text, entry.facts) if detail and entry == last else []
        if shown:
            lines.extend([self.texts.get(f"detail_missing_{detail.name}", language)] if detail and instead else [])
            lines.extend(shown)
        else:
            if detail and entry == last and detail.lacked_by(entry.gaps):
                lines.append(self.texts.get(f"detail_missing_{detail.name}", language))
            lines.append(localized.text)
            lines.extend(self._event_lines(entry, language))
            lines.extend(self._glossary_line(localized.text, language))
        source = self.knowledge.sources[entry.source]
        lines.append(f"{self.texts.get('sources_label', language)}: {source.title}")
        if asking and entry.municipality:
            lines.append(self.texts.get("ask_municipality", language, municipality=entry.municipality))
        elif asking:
            lines.append(self.texts.get("choose_municipality", language))
        buttons = self.municipality_buttons() if asking else ()
        if intent == HUMAN_CONTACT:
            lines.append(self.texts.get("handoff_privacy", language))
            buttons = (self.handoff_button(language), *buttons)
        if intent in COUNCIL_INTENTS:
            buttons = (Button(self.texts.get("council_button", language), COUNCIL_ACTION), *buttons)
        return Reply(
            text=_directed("\n\n".join(lines), language, entry.facts),
            state=replace(
                state.answering(intent), pending_intent=intent if asking else None, fallbacks_in_row=0, topic=entry.id
            ),
            language=language,
            intent=intent,
            topic=entry.id,
            confidence=understanding.confidence if understanding else 1.0,
            sources=(source.title,),
            translation=localized.translation,
            buttons=buttons,
            ranking=understanding.ranking if understanding else (),
            municipality=entry.municipality,
        )

    def _event_lines(self, entry: Entry, language: str) -> list[str]:
        """Past, today or next for a dated event; for the overview, one line per event."""
        if entry.dates:
            return [self._event_status(entry, language)]
        if entry.intent != EVENTS:
            return []
        return [
            f"• {self.localize(event, language).title}: {self._event_status(event, language)}"
            for event in self.knowledge.events()
        ]

    def _glossary_line(self, text: str, language: str) -> list[str]:
        """The Finnish terms the answer keeps, explained in the user's language (not for Finnish)."""
        if language == SOURCE_LANGUAGE:
            return []
        folded = text.casefold()
        explained = [
            f"{term} – {explanations.get(language) or explanations[FALLBACK_LANGUAGE]}"
            for term, explanations in self.knowledge.glossary.items()
            if term.casefold() in folded and FALLBACK_LANGUAGE in explanations
        ]
        return [f"{self.texts.get('glossary_label', language)}: " + "; ".join(explained)] if explained else []

    def _event_status(self, entry: Entry, language: str) -> str:
        today = self.today()
        upcoming = [day for day in entry.dates if day >= today]
        if not upcoming:
            return self.texts.get("event_past", language, date=_finnish_date(entry.dates[-1]))
        key = "event_today" if upcoming[0] == today else "event_next"
        return self.texts.get(key, language, date=_finnish_date(upcoming[0]))

    def topic_buttons(self, language: str) -> tuple[Button, ...]:
        """The region's main topics, labelled with their entries' titles."""
        buttons = []
        for intent in self.knowledge.topics:
            if intent == EMERGENCY:
                buttons.append(Button(self.texts.get("emergency_button", language), names.action(TOPIC, EMERGENCY)))
                continue
            entry = self.knowledge.entry_for(intent, None) or self.knowledge.entry_for(
                intent, self.knowledge.default_municipality
            )
            if entry:
                buttons.append(Button(self.localize(entry, language).title, names.action(TOPIC, intent)))
        return tuple(buttons)

    def handoff_button(self, language: str) -> Button:
        """The offer to send the question to a person at the service point (channels act on it)."""
        return Button(self.texts.get("handoff_button", language), HANDOFF_ACTION)

    def municipality_buttons(self) -> tuple[Button, ...]:
        """One button per municipality of the region."""
        return tuple(Button(m.name, names.action(MUNICIPALITY, m.name)) for m in self.knowledge.municipalities)

    def _interface_translation(self, key: str, language: str) -> str:
        if language == FALLBACK_LANGUAGE:
            return "curated"
        return "draft" if self.texts.has(key, language) else "none"


def _directed(text: str, language: str, facts: Iterable[str] = ()) -> str:
    """``text`` with left-to-right runs isolated when the language is written right to left."""
    return isolate_ltr(text, facts) if language in RIGHT_TO_LEFT else text


def _finnish_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"
