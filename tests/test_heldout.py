"""Held-out questions in all 18 languages: the right entry for >= 90% in every language."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.cleantext import clean
from bot.core import Core, State
from bot.languages import SUPPORTED
from bot.project.intents import load_examples
from bot.project.places import normalize
from tests.conftest import ROOT
from tests.heldout import is_right, load_heldout

QUESTIONS = load_heldout()


def test_every_language_has_at_least_five_heldout_questions() -> None:
    counts: defaultdict[str, int] = defaultdict(int)
    for question in QUESTIONS:
        counts[question.language] += 1
    assert {language: counts[language] >= 5 for language in SUPPORTED} == dict.fromkeys(SUPPORTED, True)


def test_no_heldout_question_is_a_training_example() -> None:
    training = {" ".join(normalize(e.text).split()) for e in load_examples(ROOT / "intents")}
    leaked = [q.text for q in QUESTIONS if " ".join(normalize(clean(q.text)).split()) in training]
    assert leaked == []


@pytest.mark.parametrize("language", SUPPORTED)
def test_heldout_questions_get_the_right_entry(core: Core, language: str) -> None:
    questions = [q for q in QUESTIONS if q.language == language]
    misses = [
        (q.text, q.intent, reply.topic or reply.intent)
        for q in questions
        if not is_right(core, q, reply := core.reply(State(), q.text))
    ]
    accuracy = 1 - len(misses) / len(questions)
    assert accuracy >= 0.9, misses


@pytest.mark.parametrize("language", SUPPORTED)
def test_heldout_questions_are_answered_in_their_language(core: Core, language: str) -> None:
    questions = [q for q in QUESTIONS if q.language == language and len(q.text) >= 12]
    wrong = [(q.text, reply.language) for q in questions if (reply := core.reply(State(), q.text)).language != language]
    assert len(wrong) <= len(questions) * 0.1, wrong
