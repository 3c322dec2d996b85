"""`opastin check` against deliberately broken copies of the data: each rule fires where it should."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.tooling.check import Checker
from bot.tooling.problems import exit_code
from tests.conftest import ROOT

TODAY = date(2026, 11, 24)


def problems(tree: Path, rule: str) -> list[tuple[str, int | None, str]]:
    found = Checker(tree, TODAY).run(golden=False)
    return [(p.path, p.line, p.item) for p in found if p.rule == rule]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def answered_by_line(region: Path) -> str:
    """The ``answered_by:`` line of a region file, whatever it maps."""
    found = re.search(r"^answered_by: .*$", region.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, region
    return found.group(0)


def test_the_shipped_tree_has_no_errors_or_warnings_but_the_known_ones() -> None:
    found = Checker(ROOT, TODAY).run(golden=False)
    assert [p for p in found if p.severity == "error"] == []
    assert {p.rule for p in found if p.severity == "warning"} <= {"event-over"}
    assert exit_code(found, strict=False) == 0


def test_a_yaml_syntax_error_names_file_and_line(tree: Path) -> None:
    path = tree / "knowledge" / "kainuu" / "events.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "      fi: [broken"
    path.write_text("\n".join(lines), encoding="utf-8")
    [(where, line, _)] = problems(tree, "file")
    assert where == "knowledge/kainuu/events.yml"
    assert line is not None
    assert line >= 6


def test_a_placeholder_typo_in_a_catalog_is_an_error(tree: Path) -> None:
    replace_in(tree / "translations" / "ui" / "fi.po", "kunnan {municipality} tiedoilla", "kunnan {kunta} tiedoilla")
    assert problems(tree, "file") == [("translations/ui/fi.po", None, "municipality_set")]
    [problem] = [p for p in Checker(tree, TODAY).run(golden=False) if p.rule == "file"]
    assert "{municipality}" in problem.message["en"]


def test_a_placeholder_typo_in_a_staff_catalog_is_an_error(tree: Path) -> None:
    replace_in(tree / "translations" / "staff" / "fi.po", "Kunta: {municipality}", "Kunta: {kunta}")
    assert problems(tree, "file") == [("translations/staff/fi.po", None, "ticket_details")]


def test_an_invented_email_is_an_error(tree: Path) -> None:
    path = tree / "knowledge" / "kainuu" / "council.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("en: |\n", "en: |\n        Write to council@kajaani.fi.\n", 1), encoding="utf-8")
    found = problems(tree, "unlisted-contact")
    assert [(where, item) for where, _, item in found] == [("knowledge/kainuu/council.yml", found[0][2])]


def test_a_fact_not_in_the_source_is_an_error(tree: Path) -> None:
    replace_in(tree / "knowledge" / "kainuu" / "events.yml", '- "17–19"', '- "17-19"')
    assert [item for _, _, item in problems(tree, "fact-not-in-source")] == ["event_welcome"]


def test_a_text_that_lost_a_fact_is_an_error(tree: Path) -> None:
    replace_in(tree / "knowledge" / "kainuu" / "events.yml", "at 17–19", "in the evening")
    assert [item for _, _, item in problems(tree, "fact-missing-in-text")] == ["event_welcome (en)"]


def test_the_same_example_under_two_intents_is_an_error(tree: Path) -> None:
    path = tree / "intents" / "en.yml"
    text = path.read_text(encoding="utf-8")
    marker = "- intent: thanks\n  examples: |\n"
    path.write_text(text.replace(marker, marker + "    - Where is Kajaani Info?\n", 1), encoding="utf-8")
    replace_in(
        path,
        "- intent: service_point\n  examples: |\n",
        "- intent: service_point\n  examples: |\n    - Where is Kajaani Info?\n",
    )
    found = problems(tree, "example-in-two-intents")
    assert [(where, item) for where, _, item in found] == [("intents/en.yml", "Where is Kajaani Info?")]
    assert found[0][1] is not None


def test_an_intent_without_an_answer_and_an_unreachable_entry(tree: Path) -> None:
    path = tree / "intents" / "en.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "- intent: parking\n  examples: |\n    - where to park\n", "utf-8"
    )
    for language_file in (tree / "intents").glob("*.yml"):
        text = language_file.read_text(encoding="utf-8")
        language_file.write_text(
            text.replace("- intent: client_duration\n", "- intent: client_duration_old\n"), "utf-8"
        )
    assert [item for _, _, item in problems(tree, "intent-without-answer")] == ["client_duration_old", "parking"]
    assert [item for _, _, item in problems(tree, "entry-unreachable")] == ["client_duration"]


def test_an_overview_needs_a_region_wide_entry_and_municipalities_entries(tree: Path) -> None:
    region = tree / "knowledge" / "kainuu" / "region.yml"
    replace_in(region, "overviews: [volunteer_activities]", "overviews: [volunteer_activities, events, parking]")
    found = problems(tree, "overview-without-entries")
    assert [(where, item) for where, _, item in found] == [
        ("knowledge/kainuu/region.yml", "events"),  # one region-wide entry: nothing to choose
        ("knowledge/kainuu/region.yml", "parking"),  # no entry at all
    ]


def test_too_few_examples_in_a_language_is_a_warning(tree: Path) -> None:
    path = tree / "intents" / "en.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "- intent: parking\n  examples: |\n    - where to park\n", "utf-8"
    )
    assert ("intents/en.yml", None, "parking") in problems(tree, "too-few-examples")


def test_overdue_reviews_and_past_events_are_warnings(tree: Path) -> None:
    replace_in(tree / "knowledge" / "kainuu" / "council.yml", "review_by: 2027-06-30", "review_by: 2025-01-01")
    assert [item for _, _, item in problems(tree, "review-overdue")] == ["council_info"]
    assert {item for _, _, item in problems(tree, "event-over")} == {
        "event_talk_to_stranger",
        "event_welcome",
        "event_walk_and_talk",
    }


def test_gaps_are_listed(tree: Path) -> None:
    gaps = [p for p in Checker(tree, TODAY).run(golden=False) if p.rule == "gap" and p.item == "council_contact"]
    assert [p.message["en"] for p in gaps] == ["Not in the sources: council e-mail address not in the sources."]


def test_a_changed_finnish_text_makes_its_translations_outdated(tree: Path) -> None:
    replace_in(tree / "knowledge" / "kainuu" / "events.yml", "kaksi kertaa vuodessa", "kahdesti vuodessa")
    env = {**os.environ, "OPASTIN_HOME": str(tree)}
    subprocess.run([sys.executable, "-m", "bot.cli", "translations", "update"], env=env, check=True)
    checker = Checker(tree, TODAY)
    found = [p for p in checker.run(golden=False) if p.rule == "translation-outdated"]
    translated = {row[0] for row in checker.translation_table() if row[2] or row[3]}
    assert {p.item for p in found} == {f"event_welcome ({language})" for language in translated}


def test_golden_questions_report_what_was_answered_instead(tree: Path) -> None:
    golden = tree / "knowledge" / "golden.yml"
    golden.write_text(
        'questions:\n  - text: "When is Walk and Talk?"\n    expect: event_walk_and_talk\n'
        '  - text: "Where is Kajaani Info?"\n    expect: council_info\n',
        encoding="utf-8",
    )
    found = [p for p in Checker(tree, TODAY).run() if p.rule == "golden-miss"]
    assert [(p.item, p.line) for p in found] == [("Where is Kajaani Info?", 4)]
    assert "service_point" in found[0].message["en"]


def test_the_command_reports_in_finnish_or_english_as_text_or_json(tree: Path) -> None:
    replace_in(tree / "knowledge" / "kainuu" / "events.yml", '- "17–19"', '- "17-19"')
    env = {**os.environ, "OPASTIN_HOME": str(tree)}
    command = [sys.executable, "-m", "bot.cli", "check", "--no-golden"]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, *extra], cwd=tree, env=env, capture_output=True, text=True, check=False)

    finnish, english, machine = run(), run("--lang", "en"), run("--json")
    assert (finnish.returncode, english.returncode, machine.returncode) == (1, 1, 1)
    assert finnish.stdout.startswith("Virheet (")
    assert "'17-19' ei esiinny lähteessä 000_2ce2b90f1ff80d48.txt." in finnish.stdout
    assert english.stdout.startswith("Errors (")
    assert "Fix: Copy the fact exactly from the source" in english.stdout
    report = json.loads(machine.stdout)
    [error] = [p for p in report["problems"] if p["rule"] == "fact-not-in-source"]
    assert (error["rule"], error["path"], error["item"]) == (
        "fact-not-in-source",
        "knowledge/kainuu/events.yml",
        "event_welcome",
    )
    assert len(report["translations"]) == 16


def test_strict_fails_on_warnings() -> None:
    found = Checker(ROOT, TODAY).run(golden=False)
    assert exit_code(found, strict=False) == 0
    assert exit_code(found, strict=True) == 1


def test_rasa_problems_are_reported_too(tree: Path) -> None:
    path = tree / "intents" / "en.yml"
    path.write_text(path.read_text(encoding="utf-8") + "- intent: parking\n  examples: |\n", encoding="utf-8")
    found = Checker(tree, TODAY).run(golden=False)
    assert [(p.rule, p.path, p.item) for p in found if p.rule.startswith("rasa-")] == [
        ("rasa-intent-without-examples", "intents/en.yml", "parking")
    ]


def test_a_municipality_without_entry_or_gap_is_an_error(tree: Path) -> None:
    replace_in(
        tree / "knowledge" / "kainuu" / "language.yml",
        '"Hyrynsalmi, Kuhmo, Paltamo, Puolanka, Ristijärvi, Sotkamo, Suomussalmi: no language café',
        '"Hyrynsalmi, Kuhmo, Paltamo, Puolanka, Ristijärvi, Suomussalmi: no language café',
    )
    found = [p for p in Checker(tree, TODAY).run(golden=False) if p.rule == "municipality-unmarked"]
    assert [(p.path, p.item, p.severity) for p in found] == [
        ("knowledge/kainuu/language.yml", "language_cafe", "error")
    ]
    assert found[0].message["en"].startswith("Sotkamo has no 'language_cafe' entry")
    region = tree / "knowledge" / "kainuu" / "region.yml"
    replace_in(region, answered_by_line(region), "")
    found = Checker(tree, TODAY).run(golden=False)
    without = sorted(
        p.message["en"].split(", but ")[1].split(" has")[0] for p in found if p.rule == "municipality-without-answer"
    )
    assert without == ["Hyrynsalmi", "Kuhmo", "Kuusamo", "Paltamo", "Puolanka", "Ristijärvi", "Sotkamo", "Suomussalmi"]


def test_a_fact_only_in_an_entry_no_question_reaches_is_a_warning(tree: Path) -> None:
    replace_in(
        tree / "knowledge" / "kainuu" / "language.yml",
        "Kerro kuntasi nimi, niin kerron paikallisen järjestelyn.\n      en: |\n        The employment area",
        "Kerro kuntasi nimi, niin kerron paikallisen järjestelyn. Kurssitodistukset jaetaan juhlassa.\n"
        "      en: |\n        The employment area",
    )
    found = [p for p in Checker(tree, TODAY).run(golden=False) if p.rule == "unreachable-fact"]
    assert [(p.item, p.severity) for p in found] == [("integration_training", "warning")]
    assert "Kurssitodistukset jaetaan juhlassa." in found[0].message["en"]


def test_a_period_that_is_over_in_the_present_tense_is_a_warning(tree: Path) -> None:
    work = tree / "knowledge" / "kainuu" / "work.yml"
    replace_in(work, "-hanke tarjosi vuosina 2024–2025", "-hanke tarjoaa vuosina 2024–2025")
    events = tree / "knowledge" / "kainuu" / "events.yml"
    replace_in(events, "seuraava oli syksyllä 2026.", "seuraava on syksyllä 2026.")
    found = Checker(tree, date(2026, 12, 2)).run(golden=False)
    over = sorted((p.item, p.message["en"].split("'")[1]) for p in found if p.rule == "period-over")
    assert over == [("event_welcome", "syksyllä 2026"), ("work_employment_taivalkoski", "2024–2025")]
    # In June the autumn is still ahead: then the entry's review date comes after the period's end.
    found = Checker(tree, date(2026, 6, 1)).run(golden=False)
    assert [p.item for p in found if p.rule == "review-after-period"] == ["event_welcome"]


def test_a_translation_that_drops_a_finnish_term_is_a_warning(tree: Path) -> None:
    replace_in(tree / "translations" / "knowledge" / "tr.po", "kültür müdürü (sivistysjohtaja)", "kültür müdürü")
    found = [p for p in Checker(tree, TODAY).run(golden=False) if p.rule == "term-dropped"]
    assert [(p.path, p.item) for p in found] == [("translations/knowledge/tr.po", "coordinator_contact_paltamo (tr)")]
    assert "'sivistysjohtaja'" in found[0].message["en"]


def test_a_contact_anywhere_under_translations_must_be_in_a_source(tree: Path) -> None:
    replace_in(
        tree / "translations" / "knowledge" / "sv.po",
        '"Language-Team: Swedish translators of Opastin (no team address yet)\\n"',
        '"Language-Team: sv <LL@li.org>\\n"',
    )
    replace_in(
        tree / "translations" / "ui" / "fi.po", "Viestisi lähetettiin", "Soita 040 123 4567. Viestisi lähetettiin"
    )
    found = problems(tree, "unlisted-contact")
    assert sorted((where, item) for where, _, item in found) == [
        ("translations/knowledge/sv.po", "LL@li.org"),
        ("translations/ui/fi.po", "040 123 4567"),
    ]
