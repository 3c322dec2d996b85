"""Reading the held-out questions of tests/heldout/ (also used by benchmarks/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core import Core, Reply
from bot.names import EMERGENCY, OUT_OF_SCOPE

FOLDER = Path(__file__).parent / "heldout"


@dataclass(frozen=True)
class Question:
    """A held-out question and what the bot should make of it."""

    text: str
    language: str
    intent: str
    municipality: str | None


def load_heldout(folder: Path = FOLDER) -> list[Question]:
    """Every held-out question, language by language."""
    questions = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["questions"]:
            questions.append(
                Question(str(item["text"]), str(data["language"]), str(item["intent"]), item.get("municipality"))
            )
    return questions


def expected_topic(core: Core, question: Question) -> str | None:
    """The knowledge entry a right answer comes from (None for interface answers)."""
    knowledge = core.knowledge
    if not knowledge.entries_for(question.intent):
        return None
    municipality = question.municipality
    entry = knowledge.entry_for(question.intent, municipality)  # none named: the region-wide entry
    if entry is None and municipality is None:  # no region-wide one: the default municipality's
        entry = knowledge.entry_for(question.intent, knowledge.default_municipality)
    return entry.id if entry else None


def is_right(core: Core, question: Question, reply: Reply) -> bool:
    """Tell whether ``reply`` is the right answer to ``question`` (a fresh conversation)."""
    if question.intent == OUT_OF_SCOPE:
        return reply.fallback
    if question.intent == EMERGENCY:
        return reply.emergency
    if reply.fallback:
        return False
    topic = expected_topic(core, question)
    return reply.topic == topic if topic else reply.intent == question.intent
