"""The redaction corpus (tests/redaction.yml) and the texts that must survive redaction
(also used by benchmarks/redaction.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from bot.paths import project_root
from bot.project.intents import load_examples
from bot.project.knowledge import Knowledge
from tests.heldout import load_heldout

CORPUS = Path(__file__).parent / "redaction.yml"
_MARK = re.compile(r"<<(\w+):(.+?)>>")
_PLACEHOLDER = r"\[[^\]\s][^\]]*\]"


@dataclass(frozen=True)
class Item:
    """One piece of personal data in a message: its kind and the text that must not survive."""

    kind: str
    value: str


@dataclass(frozen=True)
class Message:
    """A corpus message: its language, its text and the personal data in it, in order."""

    language: str
    text: str
    parts: tuple[str | Item, ...]

    def caught(self, redacted: str, index: int) -> bool:
        """Tell whether item ``index`` was replaced and nothing around it was touched."""
        pattern, count = "", 0
        for part in self.parts:
            if isinstance(part, str):
                pattern += re.escape(part)
                continue
            pattern += _PLACEHOLDER if count == index else f"(?:{re.escape(part.value)}|{_PLACEHOLDER})"
            count += 1
        return re.fullmatch(pattern, redacted) is not None

    @property
    def items(self) -> list[Item]:
        """The personal data of the message."""
        return [part for part in self.parts if isinstance(part, Item)]


def load_corpus(path: Path = CORPUS) -> list[Message]:
    """Every message of the corpus."""
    messages = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
        marked = str(raw["text"])
        parts: list[str | Item] = []
        position = 0
        for match in _MARK.finditer(marked):
            parts += [marked[position : match.start()], Item(match.group(1), match.group(2))]
            position = match.end()
        parts.append(marked[position:])
        text = "".join(part if isinstance(part, str) else part.value for part in parts)
        messages.append(Message(str(raw["lang"]), text, tuple(parts)))
    return messages


def recall(
    messages: list[Message], redact: Callable[[str], str]
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """Items caught and items in all, per (kind, language)."""
    caught: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for message in messages:
        redacted = redact(message.text)
        for index, item in enumerate(message.items):
            total[item.kind, message.language] += 1
            caught[item.kind, message.language] += message.caught(redacted, index)
    return caught, total


def must_survive(knowledge: Knowledge, root: Path | None = None) -> Iterator[tuple[str, str]]:
    """(where, text) for every text of the knowledge base and the catalogs, and every ordinary
    question (golden, held-out, intent examples): redaction must leave each as it is."""
    root = root or project_root()
    for entry in knowledge.entries:
        for field, texts in (("title", entry.title), ("text", entry.text)):
            for language, text in texts.items():
                yield f"{entry.path.name}:{entry.id}:{field}:{language}", text
    for path in sorted((root / "knowledge" / "sources").glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield f"{path.name}:{number}", line
    for path in sorted((root / "translations").rglob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file):
                if not message.id:
                    continue  # the catalog's header
                for value in (message.id, message.string):
                    for string in value if isinstance(value, tuple | list) else (value,):
                        if string:
                            yield f"{path.relative_to(root)}:{message.context or message.id}", str(string)
    golden = yaml.safe_load((root / "knowledge" / "golden.yml").read_text(encoding="utf-8"))
    for question in golden["questions"]:
        yield "golden.yml", str(question["text"])
    for example in load_examples(root / "intents"):
        yield f"intents/{example.language}.yml:{example.line}", example.text
    for held in load_heldout():
        yield f"heldout/{held.language}", held.text
