"""`opastin check`: every rule over the editors' files, all problems at once, as data.

Each Problem names the file, the line, the item, the rule and how to fix it, in Finnish and
English, like Rasa's validator: one function per rule, all run, warnings strict on request.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
