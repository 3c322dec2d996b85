"""`opastin check`: every rule over the editors' files, all problems at once, as data.

Each Problem names the file, the line, the item, the rule and how to fix it, in Finnish and
English (``messages.py``), like Rasa's validator: one method per rule family, all run, warnings
strict on request. ``problems.py`` prints the report.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from ..app import load_core
from ..core import State
from ..errors import ConfigError, DataError
from ..languages import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, SUPPORTED
from ..names import INTERFACE_INTENTS
from ..patterns import DATE, EMAIL, URL
from ..progress import Progress
from ..project.config import load_config
from ..project.conversation import load_steering
from ..project.intents import Example, load_examples
from ..project.knowledge import Entry, Knowledge, load_knowledge
from ..project.places import normalize
from ..project.texts import load_staff_texts, load_texts
from ..project.translations import Translation, load_translations
from ..project.yamlfile import line_of, load_yaml
from . import messages
from .content_rules import check_content
from .problems import Problem, TranslationRow, Wording, problem
from .rasa_validate import validate_nlu

MIN_EXAMPLES = 8
_CONTACT_LIKE = re.compile("|".join((URL, EMAIL, r"\+?\d[\d -]{6,}\d", DATE)))  # and phone numbers


class Checker:
    """Runs every rule over one project tree; each ``check_*`` method is one rule family."""

    def __init__(self, root: Path, today: date) -> None:
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.knowledge: Knowledge | None = None
        self.examples: list[Example] = []
        self.translations: dict[str, dict[str, Translation]] = {}

    def add(
        self, severity: str, rule: str, path: Path | str, item: str, wording: Wording, line: int | None = None
    ) -> None:
        """Record a problem, worded in English and Finnish."""
        self.problems.append(problem(severity, rule, path, item, wording, self.root, line))

    def run(self, golden: bool = True) -> list[Problem]:
        """Every rule; rules that need a file that did not load are skipped, the load error reported."""
        self.check_files()
        if self.knowledge is not None:
            self.check_intents()
            self.check_facts()
            self.check_dates_and_gaps()
            self.check_content()
            self.check_translations()
            self.check_rasa()
            if golden and not any(p.severity == "error" for p in self.problems):
                self.check_golden()
        return self.problems

    def check_files(self) -> None:
        """YAML syntax and schema of config.yml, knowledge/, intents/ and translations/."""
        try:
            config = load_config(self.root / "config.yml")
        except ConfigError as error:
            self.add("error", "config", self.root / "config.yml", "config.yml", messages.config_broken(str(error)))
            return
        for load in (
            lambda: setattr(self, "knowledge", load_knowledge(self.root / "knowledge", config.region)),
            lambda: setattr(self, "examples", load_examples(self.root / "intents")),
            lambda: load_steering(self.root / "knowledge", load_texts(self.root / "translations" / "ui")),
            lambda: load_staff_texts(self.root / "translations" / "staff", SOURCE_LANGUAGE),
        ):
            try:
                load()
            except DataError as error:
                self.add("error", "file", error.path, error.item, messages.file_broken(error), error.line)
        if self.knowledge is not None:
            try:
                self.translations = load_translations(self.knowledge, self.root / "translations" / "knowledge")
            except DataError as error:
                self.add("error", "file", error.path, error.item, messages.file_broken(error))

    def check_intents(self) -> None:
        """Every intent answered, every entry reachable, no duplicate or shared examples, enough of them."""
        assert self.knowledge is not None
        trained = {example.intent for example in self.examples}
        for intent in sorted(trained - INTERFACE_INTENTS - self.knowledge.intents()):
            self.add("error", "intent-without-answer", "intents/", intent, messages.intent_without_answer(intent))
        for intent in sorted(self.knowledge.overviews):  # region.yml: a region-wide entry and municipalities'
            entries = self.knowledge.entries_for(intent)
            if not any(e.municipality is None for e in entries) or not any(e.municipality for e in entries):
                region = self.root / "knowledge" / self.knowledge.region / "region.yml"
                self.add("error", "overview-without-entries", region, intent, messages.overview_without_entries(intent))
        for entry in self.knowledge.entries:
            if entry.intent not in trained:
                wording = messages.entry_unreachable(entry.intent)
                self.add("error", "entry-unreachable", entry.path, entry.id, wording, entry.line)
        seen: dict[str, Example] = {}
        counts: Counter[tuple[str, str]] = Counter()
        for example in self.examples:
            counts[(example.language, example.intent)] += 1
            key = " ".join(normalize(example.text).split())
            first = seen.get(key)
            path = self.root / "intents" / f"{example.language}.yml"
            if first is None:
                seen[key] = example
            elif first.intent == example.intent and first.language == example.language:
                wording = messages.duplicate_example(example.intent)
                self.add("warning", "duplicate-example", path, example.text, wording, example.line)
            elif first.intent != example.intent:
                wording = messages.example_in_two_intents(first.intent, first.language, example.intent)
                self.add("error", "example-in-two-intents", path, example.text, wording, example.line)
        languages = sorted({example.language for example in self.examples})
        for intent in sorted(trained):
            for language in languages:
                if counts[(language, intent)] < MIN_EXAMPLES:
                    path = self.root / "intents" / f"{language}.yml"
                    wording = messages.too_few_examples(intent, language, counts[(language, intent)], MIN_EXAMPLES)
                    self.add("warning", "too-few-examples", path, intent, wording)

    def check_facts(self) -> None:
        """Facts come from a listed source or the allow-list, and every text keeps them verbatim."""
        assert self.knowledge is not None
        sources = {name: (self.root / "knowledge" / "sources" / name) for name in self.knowledge.sources}
        documents = {name: path.read_text(encoding="utf-8") for name, path in sources.items() if path.is_file()}
        for name in sources:
            if name not in documents:
                path = self.root / "knowledge" / "sources.yml"
                self.add("error", "source-missing", path, name, messages.source_missing(name))
        allowed = self.knowledge.allowed_facts
        everything = "\n".join(documents.values())
        for entry in self.knowledge.entries:
            for fact in entry.facts:
                if fact not in documents.get(entry.source, "") and fact not in allowed:
                    wording = messages.fact_not_in_source(fact, entry.source)
                    self.add("error", "fact-not-in-source", entry.path, entry.id, wording, entry.line)
                for language, text in entry.text.items():
                    if fact not in text:
                        self._missing_fact(entry, language, fact, entry.path)
            texts = list(entry.text.values()) + [t.text for t in self._translations_of(entry.id)]
            for found in sorted({m.group(0) for text in texts for m in _CONTACT_LIKE.finditer(text)}):
                if found not in everything and found not in allowed:
                    wording = messages.unlisted_contact(found)
                    self.add("error", "unlisted-contact", entry.path, entry.id, wording, entry.line)
        for language, translations in self.translations.items():
            path = self.root / "translations" / "knowledge" / f"{language}.po"
            for entry_id, translation in translations.items():
                translated = self.knowledge.entry(entry_id)
                for fact in translated.facts if translated else ():
                    if translated and fact not in translation.text:
                        self._missing_fact(translated, language, fact, path)

    def _translations_of(self, entry_id: str) -> list[Translation]:
        return [by_id[entry_id] for by_id in self.translations.values() if entry_id in by_id]

    def _missing_fact(self, entry: Entry, language: str, fact: str, path: Path) -> None:
        wording = messages.fact_missing_in_text(language, fact)
        self.add("error", "fact-missing-in-text", path, f"{entry.id} ({language})", wording, entry.line)

    def check_dates_and_gaps(self) -> None:
        """Gaps listed, reviews overdue, events that are over."""
        assert self.knowledge is not None
        for entry in self.knowledge.entries:
            for gap in entry.gaps:
                self.add("info", "gap", entry.path, entry.id, messages.gap(gap), entry.line)
            if entry.review_by < self.today:
                wording = messages.review_overdue(entry.review_by)
                self.add("warning", "review-overdue", entry.path, entry.id, wording, entry.line)
            if entry.dates and max(entry.dates) < self.today:
                self.add(
                    "warning", "event-over", entry.path, entry.id, messages.event_over(max(entry.dates)), entry.line
                )

    def check_content(self) -> None:
        """Right for every municipality, current today, reachable; translations keep terms and facts."""
        assert self.knowledge is not None
        folder = self.root / "knowledge" / "sources"
        sources = [path for path in sorted(folder.glob("*")) if path.name in self.knowledge.sources]
        known = "\n".join(path.read_text(encoding="utf-8") for path in sources)
        for found in check_content(self.knowledge, self.translations, self.root, self.today, known):
            self.add(found.severity, found.rule, found.path, found.item, found.wording, found.line)

    def check_translations(self) -> None:
        """Outdated translations are warnings; missing and draft ones are listed in the table."""
        assert self.knowledge is not None
        for language, translations in sorted(self.translations.items()):
            path = self.root / "translations" / "knowledge" / f"{language}.po"
            for entry_id, translation in sorted(translations.items()):
                if translation.status == "outdated":
                    item = f"{entry_id} ({language})"
                    self.add("warning", "translation-outdated", path, item, messages.translation_outdated())

    def check_rasa(self) -> None:
        """The checks `rasa data validate` makes of NLU data, on the project as Rasa would get it;
        a problem already reported for the same file and item is not repeated."""
        reported = {(problem.path, problem.item) for problem in self.problems}
        for found in validate_nlu(self.root):
            if (found.path, found.item) not in reported:
                self.problems.append(found)

    def translation_table(self) -> list[TranslationRow]:
        """Per language: reviewed, draft, outdated and missing entry translations."""
        assert self.knowledge is not None
        rows = []
        total = len(self.knowledge.entries)
        for language in SUPPORTED:
            if language in (SOURCE_LANGUAGE, FALLBACK_LANGUAGE):
                continue
            statuses = Counter(t.status for t in self.translations.get(language, {}).values())
            rows.append(
                (
                    language,
                    statuses["reviewed"],
                    statuses["draft"],
                    statuses["outdated"],
                    total - sum(statuses.values()),
                )
            )
        return rows

    def check_golden(self) -> None:
        """The golden questions through the real core: each must reach the entry editors expect."""
        path = self.root / "knowledge" / "golden.yml"
        if not path.is_file():
            return
        core = load_core(self.root, today=lambda: self.today)
        questions = (load_yaml(path) or {}).get("questions") or ()
        with Progress(len(questions), "asking the golden questions", "questions") as progress:
            for item in questions:
                reply = core.reply(State(), str(item["text"]))
                expected = str(item["expect"])
                answered = (
                    "emergency" if reply.emergency else "fallback" if reply.fallback else reply.topic or reply.intent
                )
                if answered != expected:
                    wording = messages.golden_miss(expected, str(answered))
                    self.add("error", "golden-miss", path, str(item["text"]), wording, line_of(item))
                progress.advance(1)


def check_report(
    root: Path, today: date, golden: bool = False
) -> tuple[list[Problem], list[tuple[str, int, int, int, int]]]:
    """`opastin check` of the tree at ``root``: its problems and the translation table."""
    checker = Checker(root, today)
    problems = checker.run(golden=golden)
    return problems, checker.translation_table() if checker.knowledge else []
