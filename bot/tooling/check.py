"""`opastin check`: every rule over the editors' files, all problems at once, as data.

Each Problem names the file, the line, the item, the rule and how to fix it, in Finnish and
English, like Rasa's validator: one function per rule, all run, warnings strict on request.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .config import load_config
from .errors import ConfigError, DataError
from .knowledge import Entry, Knowledge, load_knowledge, normalize
from .languages import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, SUPPORTED
from .nlu import Example, load_examples
from .patterns import DATE, EMAIL, URL
from .texts import load_texts
from .translations import Translation, load_translations
from .yamlfile import line_of, load_yaml


@dataclass(frozen=True)
class Problem:
    """One thing an editor must (error) or should (warning) fix, or should know (info)."""

    severity: str  # "error", "warning" or "info"
    rule: str  # a short stable name, e.g. "fact-not-in-source"
    path: str
    item: str
    message: dict[str, str] = field(default_factory=dict)  # by language: "fi", "en"
    fix: dict[str, str] = field(default_factory=dict)
    line: int | None = None


#: Intents answered by interface strings, not by knowledge entries.
INTERFACE_INTENTS = frozenset({"greet", "thanks", "out_of_scope", "emergency"})
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
        self,
        severity: str,
        rule: str,
        path: Path | str,
        item: str,
        en: tuple[str, str],
        fi: tuple[str, str],
        line: int | None = None,
    ) -> None:
        """Record a problem; ``en`` and ``fi`` are (what is wrong, how to fix it)."""
        self.problems.append(
            Problem(
                severity,
                rule,
                _relative(path, self.root),
                item,
                {"en": en[0], "fi": fi[0]},
                {"en": en[1], "fi": fi[1]},
                line,
            )
        )

    def run(self, golden: bool = True) -> list[Problem]:
        """Every rule; rules that need a file that did not load are skipped, the load error reported."""
        self.check_files()
        if self.knowledge is not None:
            self.check_intents()
            self.check_facts()
            self.check_dates_and_gaps()
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
            self.add(
                "error",
                "config",
                self.root / "config.yml",
                "config.yml",
                (str(error), "Fix the file as it says."),
                (str(error), "Korjaa tiedosto viestin mukaan."),
            )
            return
        for load in (
            lambda: setattr(self, "knowledge", load_knowledge(self.root / "knowledge", config.region)),
            lambda: setattr(self, "examples", load_examples(self.root / "intents")),
            lambda: load_texts(self.root / "translations" / "ui"),
        ):
            try:
                load()
            except DataError as error:
                self.add(
                    "error",
                    "file",
                    error.path,
                    error.item,
                    (error.rule, error.fix),
                    (error.rule, error.fix),
                    error.line,
                )
        if self.knowledge is not None:
            try:
                self.translations = load_translations(self.knowledge, self.root / "translations" / "knowledge")
            except DataError as error:
                self.add("error", "file", error.path, error.item, (error.rule, error.fix), (error.rule, error.fix))

    def check_intents(self) -> None:
        """Every intent answered, every entry reachable, no duplicate or shared examples, enough of them."""
        assert self.knowledge is not None
        trained = {example.intent for example in self.examples}
        for intent in sorted(trained - INTERFACE_INTENTS - self.knowledge.intents()):
            self.add(
                "error",
                "intent-without-answer",
                "intents/",
                intent,
                (
                    f"Intent '{intent}' has examples but no knowledge entry answers it.",
                    f"Add an entry with 'intent: {intent}' under knowledge/, or remove the intent.",
                ),
                (
                    f"Aikeella '{intent}' on esimerkkejä, mutta mikään tietosisältö ei vastaa siihen.",
                    f"Lisää knowledge/-kansioon tietue, jossa on 'intent: {intent}', tai poista aie.",
                ),
            )
        for entry in self.knowledge.entries:
            if entry.intent not in trained:
                self.add(
                    "error",
                    "entry-unreachable",
                    entry.path,
                    entry.id,
                    (
                        f"No training example has intent '{entry.intent}', so no question reaches this entry.",
                        f"Add examples under '- intent: {entry.intent}' in intents/<language>.yml.",
                    ),
                    (
                        f"Yhdelläkään esimerkillä ei ole aietta '{entry.intent}', joten mikään kysymys ei johda tähän.",
                        f"Lisää esimerkkejä kohtaan '- intent: {entry.intent}' tiedostoissa intents/<kieli>.yml.",
                    ),
                    entry.line,
                )
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
                self.add(
                    "warning",
                    "duplicate-example",
                    path,
                    example.text,
                    (f"The example is written twice under '{example.intent}'.", "Delete one of them."),
                    (f"Esimerkki on kahdesti aikeen '{example.intent}' alla.", "Poista toinen."),
                    example.line,
                )
            elif first.intent != example.intent:
                self.add(
                    "error",
                    "example-in-two-intents",
                    path,
                    example.text,
                    (
                        f"The same example stands under '{first.intent}' ({first.language}) and '{example.intent}'.",
                        "Keep it under the intent it really means; reword or delete the other.",
                    ),
                    (
                        f"Sama esimerkki on aikeiden '{first.intent}' ({first.language}) ja '{example.intent}' alla.",
                        "Jätä se siihen aikeeseen, jota se tarkoittaa; muotoile toinen uudelleen tai poista se.",
                    ),
                    example.line,
                )
        languages = sorted({example.language for example in self.examples})
        for intent in sorted(trained):
            for language in languages:
                if counts[(language, intent)] < MIN_EXAMPLES:
                    path = self.root / "intents" / f"{language}.yml"
                    self.add(
                        "warning",
                        "too-few-examples",
                        path,
                        intent,
                        (
                            f"Only {counts[(language, intent)]} examples of '{intent}' in {language} "
                            f"(at least {MIN_EXAMPLES} are needed to understand it well).",
                            f"Add examples of how people ask this in {language}.",
                        ),
                        (
                            f"Aikeella '{intent}' on kielellä {language} vain {counts[(language, intent)]} esimerkkiä "
                            f"(vähintään {MIN_EXAMPLES} tarvitaan).",
                            f"Lisää esimerkkejä siitä, miten tätä kysytään kielellä {language}.",
                        ),
                    )

    def check_facts(self) -> None:
        """Facts come from a listed source or the allow-list, and every text keeps them verbatim."""
        assert self.knowledge is not None
        sources = {name: (self.root / "knowledge" / "sources" / name) for name in self.knowledge.sources}
        documents = {name: path.read_text(encoding="utf-8") for name, path in sources.items() if path.is_file()}
        for name in sources:
            if name not in documents:
                self.add(
                    "error",
                    "source-missing",
                    self.root / "knowledge" / "sources.yml",
                    name,
                    (
                        f"The source document {name} is listed but not in knowledge/sources/.",
                        "Copy the document there or remove it from sources.yml.",
                    ),
                    (
                        f"Lähdeasiakirja {name} on luettelossa, mutta ei kansiossa knowledge/sources/.",
                        "Kopioi asiakirja sinne tai poista se sources.yml-tiedostosta.",
                    ),
                )
        allowed = self.knowledge.allowed_facts
        everything = "\n".join(documents.values())
        for entry in self.knowledge.entries:
            for fact in entry.facts:
                if fact not in documents.get(entry.source, "") and fact not in allowed:
                    self.add(
                        "error",
                        "fact-not-in-source",
                        entry.path,
                        entry.id,
                        (
                            f"'{fact}' does not appear in {entry.source}.",
                            "Copy the fact exactly from the source, or add it to knowledge/allowed_facts.yml "
                            "with its source.",
                        ),
                        (
                            f"'{fact}' ei esiinny lähteessä {entry.source}.",
                            "Kopioi tieto täsmälleen lähteestä tai lisää se tiedostoon knowledge/allowed_facts.yml "
                            "lähteineen.",
                        ),
                        entry.line,
                    )
                for language, text in entry.text.items():
                    if fact not in text:
                        self._missing_fact(entry, language, fact, entry.path)
            texts = list(entry.text.values()) + [t.text for t in self._translations_of(entry.id)]
            for found in sorted({m.group(0) for text in texts for m in _CONTACT_LIKE.finditer(text)}):
                if found not in everything and found not in allowed:
                    self.add(
                        "error",
                        "unlisted-contact",
                        entry.path,
                        entry.id,
                        (
                            f"'{found}' (an address, number or date) is in no source document.",
                            "Check it against the sources; never write a contact or date the sources lack. "
                            "Write a gaps: line instead.",
                        ),
                        (
                            f"'{found}' (osoite, numero tai päivämäärä) ei ole missään lähdeasiakirjassa.",
                            "Tarkista se lähteistä; älä koskaan kirjoita yhteystietoa tai päivää, jota lähteissä "
                            "ei ole. Kirjoita sen sijaan gaps:-rivi.",
                        ),
                        entry.line,
                    )
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
        self.add(
            "error",
            "fact-missing-in-text",
            path,
            f"{entry.id} ({language})",
            (
                f"The {language} text lacks '{fact}', which must appear exactly as in the source.",
                f"Write '{fact}' into the {language} text, character for character.",
            ),
            (
                f"Kielen {language} tekstistä puuttuu '{fact}', jonka pitää olla täsmälleen kuten lähteessä.",
                f"Kirjoita '{fact}' kielen {language} tekstiin merkki merkiltä.",
            ),
            entry.line,
        )

    def check_dates_and_gaps(self) -> None:
        """Gaps listed, reviews overdue, events that are over."""
        assert self.knowledge is not None
        for entry in self.knowledge.entries:
            for gap in entry.gaps:
                self.add(
                    "info",
                    "gap",
                    entry.path,
                    entry.id,
                    (f"Not in the sources: {gap}.", "Ask the service for it and add it with its source."),
                    (f"Ei lähteissä: {gap}.", "Kysy tieto palvelulta ja lisää se lähteineen."),
                    entry.line,
                )
            if entry.review_by < self.today:
                self.add(
                    "warning",
                    "review-overdue",
                    entry.path,
                    entry.id,
                    (
                        f"The entry was due for review on {entry.review_by}.",
                        "Check it against the current sources and set a new review_by date.",
                    ),
                    (
                        f"Tietue olisi pitänyt tarkistaa {entry.review_by}.",
                        "Tarkista se ajantasaisista lähteistä ja aseta uusi review_by-päivä.",
                    ),
                    entry.line,
                )
            if entry.dates and max(entry.dates) < self.today:
                self.add(
                    "warning",
                    "event-over",
                    entry.path,
                    entry.id,
                    (
                        f"The event's last date ({max(entry.dates)}) is past; the bot tells users it has taken place.",
                        "Add the next date from a source, or remove the entry.",
                    ),
                    (
                        f"Tapahtuman viimeinen päivä ({max(entry.dates)}) on mennyt; botti kertoo sen olleen jo.",
                        "Lisää seuraava päivä lähteestä tai poista tietue.",
                    ),
                    entry.line,
                )

    def check_translations(self) -> None:
        """Outdated translations are warnings; missing and draft ones are listed in the table."""
        assert self.knowledge is not None
        for language, translations in sorted(self.translations.items()):
            path = self.root / "translations" / "knowledge" / f"{language}.po"
            for entry_id, translation in sorted(translations.items()):
                if translation.status == "outdated":
                    self.add(
                        "warning",
                        "translation-outdated",
                        path,
                        f"{entry_id} ({language})",
                        (
                            "The Finnish text changed after this translation was made; users get English instead.",
                            "Update the translation in Poedit or Weblate and clear the fuzzy mark.",
                        ),
                        (
                            "Suomenkielinen teksti on muuttunut käännöksen jälkeen; käyttäjät saavat "
                            "englanninkielisen.",
                            "Päivitä käännös Poeditissa tai Weblatessa ja poista fuzzy-merkintä.",
                        ),
                    )

    def check_rasa(self) -> None:
        """The checks `rasa data validate` makes of NLU data, on the project as Rasa would get it;
        a problem already reported for the same file and item is not repeated."""
        from .rasa import validate_nlu

        reported = {(problem.path, problem.item) for problem in self.problems}
        for problem in validate_nlu(self.root):
            if (problem.path, problem.item) not in reported:
                self.problems.append(problem)

    def translation_table(self) -> list[tuple[str, int, int, int, int]]:
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
        from .core import State, load_core

        core = load_core(self.root, today=lambda: self.today)
        data = load_yaml(path) or {}
        for item in data.get("questions") or ():
            reply = core.reply(State(), str(item["text"]))
            expected = str(item["expect"])
            answered = "emergency" if reply.emergency else "fallback" if reply.fallback else reply.topic or reply.intent
            if answered != expected:
                self.add(
                    "error",
                    "golden-miss",
                    path,
                    str(item["text"]),
                    (
                        f"Expected '{expected}', the bot answered '{answered}'.",
                        "Add training examples like this question to the expected intent, or fix the entry.",
                    ),
                    (
                        f"Odotettiin '{expected}', botti vastasi '{answered}'.",
                        "Lisää tämänkaltaisia esimerkkejä odotettuun aikeeseen tai korjaa tietue.",
                    ),
                    line_of(item),
                )


def _relative(path: Path | str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


_HEADINGS = {
    "en": {
        "error": "Errors",
        "warning": "Warnings",
        "info": "For your information",
        "fix": "Fix",
        "table": "Knowledge translations",
        "clean": "No errors or warnings.",
        "columns": ("language", "reviewed", "draft", "outdated", "missing"),
    },
    "fi": {
        "error": "Virheet",
        "warning": "Varoitukset",
        "info": "Tiedoksi",
        "fix": "Korjaus",
        "table": "Tietosisällön käännökset",
        "clean": "Ei virheitä eikä varoituksia.",
        "columns": ("kieli", "tarkistettu", "luonnos", "vanhentunut", "puuttuu"),
    },
}


def render(problems: list[Problem], table: list[tuple[str, int, int, int, int]], language: str) -> str:
    """The report editors read: problems grouped by severity, then the translation table."""
    words = _HEADINGS[language]
    lines: list[str] = []
    for severity in ("error", "warning", "info"):
        group = [p for p in problems if p.severity == severity]
        if not group:
            continue
        lines.append(f"{words[severity]} ({len(group)}):")
        for problem in group:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            lines.append(f"  {where}: {problem.item}: {problem.message[language]} [{problem.rule}]")
            if severity != "info":
                lines.append(f"      {words['fix']}: {problem.fix[language]}")
        lines.append("")
    if not any(p.severity in ("error", "warning") for p in problems):
        lines.append(str(words["clean"]))
        lines.append("")
    lines.append(f"{words['table']}:")
    lines.append("  " + "  ".join(f"{column:>11}" for column in words["columns"]))
    lines.extend("  " + "  ".join(f"{value:>11}" for value in row) for row in table)
    return "\n".join(lines) + "\n"


def exit_code(problems: list[Problem], strict: bool) -> int:
    """1 on errors (and on warnings when strict), else 0."""
    failing = {"error", "warning"} if strict else {"error"}
    return 1 if any(problem.severity in failing for problem in problems) else 0
