"""Problems as data: what editors must (error) or should (warning) fix, or should know (info),
each naming the file, the line, the item and the rule, and how `opastin check` prints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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


#: A row of the translation table: language, reviewed, draft, outdated, missing.
TranslationRow = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Wording:
    """A problem's (what is wrong, how to fix it) in English and Finnish."""

    en: tuple[str, str]
    fi: tuple[str, str]


def problem(
    severity: str, rule: str, path: Path | str, item: str, wording: Wording, root: Path, line: int | None = None
) -> Problem:
    """A Problem with its path relative to the project ``root``."""
    return Problem(
        severity,
        rule,
        relative(path, root),
        item,
        {"en": wording.en[0], "fi": wording.fi[0]},
        {"en": wording.en[1], "fi": wording.fi[1]},
        line,
    )


def relative(path: Path | str, root: Path) -> str:
    """``path`` relative to ``root`` where it lies inside it, else as given."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
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


def render(problems: list[Problem], table: list[TranslationRow], language: str) -> str:
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
