"""Every answer in the user's language: curated catalogs, statuses, verbatim facts, RTL isolates."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.bidi import LRI, PDI, strip_isolates
from bot.core import Core, State
from bot.languages import RIGHT_TO_LEFT, SUPPORTED
from bot.project.translations import CATALOG_LANGUAGES, REVIEWED, load_translations
from tests.conftest import ROOT


def topic_reply(core: Core, entry_id: str, language: str):
    entry = core.knowledge.entry(entry_id)
    assert entry is not None
    state = State(language=language, language_chosen=True, municipality=entry.municipality)
    reply = core.select(state, f"topic:{entry.intent}")
    assert reply.topic == entry_id
    return reply


def test_every_entry_is_translated_into_every_language(core: Core) -> None:
    missing = {
        language: len(core.knowledge.entries) - len(core.translations.get(language, {}))
        for language in CATALOG_LANGUAGES
    }
    assert missing == dict.fromkeys(CATALOG_LANGUAGES, 0)


def test_every_interface_string_exists_in_every_language(core: Core) -> None:
    keys = set(core.texts.by_language["en"])
    assert {language: sorted(keys - set(core.texts.by_language.get(language, {}))) for language in SUPPORTED} == {
        language: [] for language in SUPPORTED
    }


def test_every_translation_keeps_every_fact_of_its_entry(core: Core) -> None:
    checked, lost = 0, []
    for language, translations in core.translations.items():
        for entry_id, translation in translations.items():
            entry = core.knowledge.entry(entry_id)
            assert entry is not None
            for fact in entry.facts:
                checked += 1
                if fact not in translation.text:
                    lost.append((language, entry_id, fact))
    assert lost == []
    assert checked > 0


def test_a_translated_answer_is_in_the_language_and_marked_draft(core: Core) -> None:
    reply = topic_reply(core, "event_welcome", "so")
    translation = core.translations["so"]["event_welcome"]
    assert (reply.language, reply.translation) == ("so", "draft")
    assert translation.text in reply.text
    assert "23.4." in reply.text


def test_a_reviewed_translation_is_curated(core: Core, tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(ROOT / "translations" / "knowledge", folder)
    catalog = folder / "so.po"
    text = catalog.read_text(encoding="utf-8")
    marker = 'msgctxt "event_welcome#text"'
    catalog.write_text(text.replace(marker, f"# {REVIEWED} Hodan Ali, 2026-11-20\n{marker}", 1), encoding="utf-8")
    translations = load_translations(core.knowledge, folder)
    assert translations["so"]["event_welcome"].reviewer == "Hodan Ali, 2026-11-20"
    reviewed = Core(core.knowledge, core.texts, core.nlu, translations, today=core.today, steering=core.steering)
    assert topic_reply(reviewed, "event_welcome", "so").translation == "curated"


def test_an_outdated_translation_is_not_shown(core: Core) -> None:
    outdated = {"so": {k: replace(v, status="outdated") for k, v in core.translations["so"].items()}}
    stale = Core(core.knowledge, core.texts, core.nlu, outdated, today=core.today, steering=core.steering)
    reply = topic_reply(stale, "event_welcome", "so")
    assert reply.translation == "none"
    assert core.translations["so"]["event_welcome"].text not in reply.text
    assert core.texts.get("answer_in_english", "so") in reply.text


def inside_one_isolate(text: str, fact: str) -> bool:
    """Tell whether ``fact`` occurs whole inside one LRI ... PDI run of ``text``."""
    start = text.find(fact)
    while start != -1:
        opened, closed = text.rfind(LRI, 0, start), text.rfind(PDI, 0, start)
        next_close, next_open = text.find(PDI, start + len(fact)), text.find(LRI, start + len(fact))
        if opened > closed and next_close != -1 and (next_open == -1 or next_close < next_open):
            return True
        start = text.find(fact, start + 1)
    return False


@pytest.mark.parametrize("language", sorted(RIGHT_TO_LEFT))
def test_rtl_answers_isolate_every_fact_left_to_right(core: Core, language: str) -> None:
    checked = 0
    for entry in core.knowledge.entries:
        if entry.id not in core.translations.get(language, {}) or not entry.facts:
            continue
        if entry.municipality is None and core.knowledge.depends_on_municipality(entry.intent):
            continue  # answered only for a municipality without its own entry
        reply = topic_reply(core, entry.id, language)
        for fact in entry.facts:
            assert inside_one_isolate(reply.text, fact), (entry.id, fact)
            checked += 1
        assert strip_isolates(reply.text).count(LRI) == 0
    assert checked > 0


def test_rtl_isolates_emails_urls_and_numbers_in_interface_text(core: Core) -> None:
    reply = core.reply(State(language="ar", language_chosen=True), "someone is not breathing, call ambulance")
    assert reply.emergency
    assert f"{LRI}112{PDI}" in reply.text
    assert f"{LRI}112.fi{PDI}" in reply.text


def test_finnish_terms_are_explained_in_the_users_language(core: Core) -> None:
    reply = topic_reply(core, "integration_plan_sotkamo", "so")
    explanation = core.knowledge.glossary["kotoutumissuunnitelma"]
    assert f"kotoutumissuunnitelma – {explanation.get('so', explanation['en'])}" in reply.text


def test_the_glossary_explains_every_term_in_every_language(core: Core) -> None:
    missing = {
        term: sorted(set(SUPPORTED) - set(explanations)) for term, explanations in core.knowledge.glossary.items()
    }
    assert {term: languages for term, languages in missing.items() if languages} == {}


def test_adjacent_left_to_right_runs_are_one_isolate() -> None:
    from bot.bidi import isolate_ltr

    line = "المصدر: Kajaanin toimintasuunnitelma 2026 — أُقيمت (23.4.2026)."
    assert isolate_ltr(line, ["23.4."]) == (
        f"المصدر: {LRI}Kajaanin toimintasuunnitelma 2026{PDI} — أُقيمت ({LRI}23.4.2026{PDI})."
    )
