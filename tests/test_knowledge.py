"""The knowledge base as editors write it: facts verbatim, sources listed, every intent answered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core import Core
from bot.errors import DataError
from bot.project.intents import load_examples
from bot.project.knowledge import load_knowledge
from tests.conftest import ROOT, copy_project

INTERFACE_INTENTS = {"greet", "thanks", "out_of_scope", "other_authority", "emergency"}


def test_every_fact_is_verbatim_in_its_source_and_in_every_text(core: Core) -> None:
    problems = []
    for entry in core.knowledge.entries:
        source = (ROOT / "knowledge" / "sources" / entry.source).read_text(encoding="utf-8")
        for fact in entry.facts:
            if fact not in source and fact not in core.knowledge.allowed_facts:
                problems.append((entry.id, fact, "not in source"))
            problems.extend((entry.id, fact, language) for language, text in entry.text.items() if fact not in text)
    assert problems == []


def test_every_intent_has_an_answer_and_every_entry_is_reachable(core: Core) -> None:
    trained = {example.intent for example in load_examples(ROOT / "intents")}
    assert trained - INTERFACE_INTENTS - core.knowledge.intents() == set()
    assert core.knowledge.intents() - trained == set()


def test_the_council_email_is_a_marked_gap_not_an_invented_address(core: Core) -> None:
    entry = core.knowledge.entry_for("council_contact", None)
    assert entry is not None
    assert any("e-mail" in gap for gap in entry.gaps)
    assert "@" not in entry.text["fi"] + entry.text["en"]
    assert (
        "https://kajaani.fi/kaupunki-ja-hallinto/paatoksenteko/lautakunnat-ja-toimielimet/maahanmuuttajaneuvosto/"
        in (entry.text["en"])
    )


def test_every_municipality_has_a_coordinator_entry(core: Core) -> None:
    covered = {entry.municipality for entry in core.knowledge.entries_for("coordinator_contact")}
    assert {m.name for m in core.knowledge.municipalities} <= covered


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Asun Kuusamossa", "Kuusamo"),
        ("kuusamon kaupungintalo", "Kuusamo"),
        ("Я живу в Куусамо", "Kuusamo"),
        ("أعيش في كوسامو", "Kuusamo"),
        ("Hyrnsalmi", "Hyrynsalmi"),
        ("ristijarvi", "Ristijärvi"),
        ("I live in Helsinki", None),
    ],
)
def test_municipalities_are_found_in_any_script_and_inflection(core: Core, text: str, name: str | None) -> None:
    assert core.knowledge.find_municipality(text) == name


def test_seed_002_kokkola_stays_out_of_kainuu_answers(core: Core) -> None:
    assert all("002_" not in entry.source for entry in core.knowledge.entries)
    assert all("Kokkola" not in text for entry in core.knowledge.entries for text in entry.text.values())


def copy_knowledge(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    events = knowledge / "kainuu" / "events.yml"
    lines = events.read_text(encoding="utf-8").splitlines()
    lines[3] = "    title: [unclosed"
    events.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_knowledge(knowledge, "kainuu")
    assert caught.value.path.endswith("events.yml")
    assert caught.value.line is not None
    assert "indentation" in caught.value.fix


def test_an_entry_without_english_text_is_refused(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    events = knowledge / "kainuu" / "events.yml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("      en: ", "      xx: "), encoding="utf-8")
    with pytest.raises(DataError, match="has no 'en' text"):
        load_knowledge(knowledge, "kainuu")


def test_a_municipality_without_a_service_point_entry_gets_its_low_threshold_guidance() -> None:
    knowledge = load_knowledge(ROOT / "knowledge", "kainuu")
    sotkamo = knowledge.entry_for("service_point", "Sotkamo")
    assert (sotkamo.id if sotkamo else None) == "low_threshold_guidance_sotkamo"
    own = knowledge.entry_for("service_point", "Taivalkoski")
    assert (own.id if own else None) == "service_point_taivalkoski"
    kajaani = knowledge.entry_for("service_point", "Kajaani")
    assert (kajaani.id if kajaani else None) == "service_point"
    assert (
        knowledge.entry_for("service_point", None) is None
    )  # no general entry: without a municipality the core answers with Kajaani's and asks


def test_integration_services_of_a_municipality_are_its_low_threshold_guidance_but_kajaanis_their_own() -> None:
    knowledge = load_knowledge(ROOT / "knowledge", "kainuu")

    def answer(municipality: str | None) -> str | None:
        entry = knowledge.entry_for("integration_services", municipality)
        return entry.id if entry else None

    assert answer("Puolanka") == "low_threshold_guidance_puolanka"
    assert answer("Kuusamo") == "low_threshold_guidance_kuusamo"
    # its general entry describes Kajaani's services (the default municipality): it answers there
    assert answer("Kajaani") == "integration_services"
    assert answer(None) == "integration_services"


def test_events_of_a_municipality_are_its_leisure_entry_but_kajaanis_the_councils_events() -> None:
    knowledge = load_knowledge(ROOT / "knowledge", "kainuu")
    ids = {m: getattr(knowledge.entry_for("events", m), "id", None) for m in ("Puolanka", "Kajaani", "Kuhmo", None)}
    # Kuhmo has no leisure entry: the council's events (in Kajaani) are what the sources give
    assert ids == {"Puolanka": "leisure_culture_puolanka", "Kajaani": "events", "Kuhmo": "events", None: "events"}


def test_answered_by_must_be_a_mapping(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    region = root / "knowledge" / "kainuu" / "region.yml"
    text = re.sub(r"^answered_by: .*$", "answered_by: [service_point]", region.read_text(encoding="utf-8"), flags=re.M)
    region.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="mapping"):
        load_knowledge(root / "knowledge", "kainuu")
