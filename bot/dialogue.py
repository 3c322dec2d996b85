"""What a conversation carries from one message to the next (State), and what the core gives
back for one message (Reply, with its Buttons). ``bot.core`` re-exports all three."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class State:
    """What the bot remembers of one conversation.

    ``municipality`` is where the user lives: said ("I live in Sotkamo", the picker), or guessed
    from the last municipality a question named until they say it. ``topic`` is the entry answered
    last, which follow-ups ("and in Kuhmo?", "her e-mail?", "ok") go on from; ``intent`` the intent
    of the conversation's topic (the service point's, where a municipality's guidance entry answers
    for it; the course's, after its contact person answered "who do I ask?"), and
    ``runner_up`` an intent the question's ranking put close behind, which a follow-up naming a
    municipality asks for when the answer was the same everywhere and it is not. ``earlier_intent``
    is the conversation's intent before its last answer changed it ("how long does it last?" after
    where to get help): a follow-up naming a municipality where neither the conversation's intent
    nor the runner-up has an entry of its own asks for it there.
    """

    language: str | None = None
    language_chosen: bool = False
    municipality: str | None = None
    municipality_stated: bool = False
    pending_intent: str | None = None
    fallbacks_in_row: int = 0
    topic: str | None = None
    intent: str | None = None
    runner_up: str | None = None
    earlier_intent: str | None = None

    def naming(self, municipality: str | None, home: bool, once: bool = False) -> State:
        """The state after a message naming ``municipality``: the user's home when they say they
        live there (``home``), else a guess until they say it, except that a municipality named
        ``once``, for one follow-up ("and in Kuhmo?"), leaves a guess there is as it was."""
        if municipality is None or (not home and (self.municipality_stated or (once and self.municipality))):
            return self
        return replace(self, municipality=municipality, municipality_stated=self.municipality_stated or home)

    def answering(self, intent: str) -> State:
        """The state once an answer for ``intent`` is given: the conversation's intent before, when
        it was another, is the ``earlier_intent``."""
        earlier = self.intent if self.intent not in (None, intent) else self.earlier_intent
        return replace(self, intent=intent, earlier_intent=earlier)

    def forgetting_the_conversation(self) -> State:
        """The user's settings (language, municipality) without what was said: after silence."""
        return replace(
            self, pending_intent=None, fallbacks_in_row=0, topic=None, intent=None, runner_up=None, earlier_intent=None
        )


@dataclass(frozen=True)
class Button:
    """A choice the channel shows; pressing it sends ``action`` to Core.select."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    """Everything a channel needs to show an answer, and the conversation's next state."""

    text: str
    state: State
    language: str
    intent: str | None = None
    topic: str | None = None
    confidence: float = 0.0
    fallback: bool = False
    emergency: bool = False
    sources: tuple[str, ...] = ()
    translation: str = "none"
    buttons: tuple[Button, ...] = ()
    ranking: tuple[tuple[str, float], ...] = field(default=(), repr=False)
    #: The municipality the answer is for (None: the same everywhere, or no answer).
    municipality: str | None = None
    #: The text the handoff button sends to staff, shown in ``text`` above it; None when the
    #: button asks the user to write their question instead ("I want to talk to a human").
    handoff_question: str | None = None
