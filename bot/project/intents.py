"""The training examples of intents/<language>.yml (Rasa NLU YAML), each with its line, so that
`opastin check` and the Rasa validation can name it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError
from .yamlfile import line_of, load_yaml

_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


@dataclass(frozen=True)
class Example:
    """One training example from intents/<language>.yml."""

    text: str
    intent: str
    language: str
    line: int | None = None


@dataclass(frozen=True)
class IntentBlock:
    """One ``- intent:`` block of an intents/<language>.yml file, with the line of each example."""

    path: Path
    line: int | None
    intent: str
    examples: tuple[tuple[str, int | None], ...]  # (text without entity markup, line)

    @property
    def language(self) -> str:
        """The language of the file the block stands in."""
        return self.path.stem


def read_intent_blocks(folder: Path) -> list[IntentBlock]:
    """Every intent block of intents/*.yml in file order; a broken file raises DataError."""
    blocks = []
    for path in sorted(folder.glob("*.yml")):
        data = load_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
            raise DataError(path, "nlu", "The file needs an 'nlu:' list.", "Compare with intents/README.md.")
        lines = path.read_text(encoding="utf-8").splitlines()
        for item in data["nlu"]:
            if isinstance(item, dict) and "intent" in item:
                blocks.append(_block(path, lines, item))
    return blocks


def _block(path: Path, lines: Sequence[str], item: Mapping[str, Any]) -> IntentBlock:
    """The block with each example's line, found by reading on from the block's first line."""
    cursor = line_of(item) or 1
    examples: list[tuple[str, int | None]] = []
    for raw in _example_lines(str(item.get("examples") or "")):
        found = next((n for n in range(cursor, len(lines) + 1) if _example_lines(lines[n - 1]) == [raw]), None)
        cursor = found + 1 if found else cursor
        examples.extend((text, found) for text in parse_examples(f"- {raw}"))
    return IntentBlock(path, line_of(item), str(item["intent"]), tuple(examples))


def _example_lines(block: str) -> list[str]:
    """The ``- example`` lines of a block, as written (entity markup kept)."""
    stripped = (line.strip() for line in block.splitlines())
    return [line[2:].strip() for line in stripped if line.startswith("- ") and line[2:].strip()]


def load_examples(folder: Path) -> list[Example]:
    """Every training example of intents/<language>.yml (Rasa NLU YAML), with its line."""
    return [
        Example(text=text, intent=block.intent, language=block.language, line=line)
        for block in read_intent_blocks(folder)
        for text, line in block.examples
    ]


def parse_examples(block: str) -> list[str]:
    """The examples of a Rasa ``examples: |`` block, with entity markup removed."""
    lines = (line.strip() for line in block.splitlines())
    texts = (line[2:].strip() for line in lines if line.startswith("- "))
    return [_ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2), text) for text in texts if text]
