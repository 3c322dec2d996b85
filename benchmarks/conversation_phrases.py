"""How many of the independent follow-up messages of tests/conversation_phrases/ the conversation's
steering reads as what they are (knowledge/conversation.yml through bot/project/conversation.py):
rules only, no model, so the figures are the same on every machine.

Run: .venv/bin/python -m benchmarks.conversation_phrases [--missed]

Per category, a message is recognised when the steering reads it so:
- a detail (email ... signup): ``Steering.read`` finds that detail (contact: also an e-mail or a
  phone, which are ways to contact; person: also a way to contact, "who do I contact?");
- place_followup: it names a municipality and asks nothing more (at most ``BARE_LETTERS``
  letters besides names and steering words) or opens with a follow-up phrase;
- home: it says where the user lives (``home`` words and a municipality);
- ack, decline: a short reply, a "no";
- switch: it asks for a language (alone, or in a clause of its own before or after a question);
- language (which language a service is in) and the rest: read as no request for a language,
  no short reply and, for new_topic and out_of_scope, as more than a bare detail or place
  (whether a model then ranks them right is the understanding benchmark's business).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.followup import BARE_LETTERS, REQUEST_LETTERS
from bot.project import load_project
from bot.project.conversation import Signals, Steering
from bot.project.knowledge import Knowledge

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "conversation_phrases"
#: The details each category of question may be read as.
DETAILS: Mapping[str, frozenset[str]] = {
    "email": frozenset({"email"}),
    "phone": frozenset({"phone"}),
    "contact": frozenset({"contact", "email", "phone"}),
    "web": frozenset({"web"}),
    "social": frozenset({"social"}),
    "place": frozenset({"place"}),
    "time": frozenset({"time"}),
    "duration": frozenset({"duration"}),
    "person": frozenset({"person", "contact"}),
    "cost": frozenset({"cost"}),
    "signup": frozenset({"signup"}),
    "children": frozenset({"children"}),
}


@dataclass(frozen=True)
class Phrase:
    """One message of the set: its language, category and text."""

    language: str
    category: str
    text: str


@dataclass(frozen=True)
class Reader:
    """The steering and the knowledge it reads with."""

    steering: Steering
    knowledge: Knowledge

    def signals(self, text: str) -> Signals:
        return self.steering.read(text, self.knowledge.without_municipalities)

    def recognised(self, phrase: Phrase) -> bool:
        """Tell whether the steering reads ``phrase`` as its category says (see the module's text)."""
        text, category = phrase.text, phrase.category
        signals = self.signals(text)
        if category in DETAILS:
            return signals.detail is not None and signals.detail.name in DETAILS[category]
        check = _CHECKS.get(category)
        return check(self, text, signals) if check else False


def _place_followup(reader: Reader, text: str, signals: Signals) -> bool:
    named = reader.knowledge.places.municipality(text) is not None
    return named and (signals.rest <= BARE_LETTERS or signals.followup)


def _home(reader: Reader, text: str, signals: Signals) -> bool:
    return signals.home and reader.knowledge.places.municipality(text) is not None


def _switch(reader: Reader, text: str, signals: Signals) -> bool:
    asked = signals.language or (signals.named_language and signals.rest <= REQUEST_LETTERS)
    return bool(asked) or reader.steering.switch(text) is not None


def _no_request(reader: Reader, text: str, signals: Signals) -> bool:
    short = signals.acknowledgement or signals.decline
    return not short and not signals.language and reader.steering.switch(text) is None


def _a_question_of_its_own(reader: Reader, text: str, signals: Signals) -> bool:
    return _no_request(reader, text, signals) and signals.rest > BARE_LETTERS


_CHECKS: Mapping[str, Callable[[Reader, str, Signals], bool]] = {
    "place_followup": _place_followup,
    "home": _home,
    "ack": lambda reader, text, signals: signals.acknowledgement,
    "decline": lambda reader, text, signals: signals.decline,
    "switch": _switch,
    "language": _no_request,
    "new_topic": _a_question_of_its_own,
    "out_of_scope": _a_question_of_its_own,
}


def load_phrases(folder: Path = FOLDER) -> list[Phrase]:
    """Every message of the set's files (``<language>.jsonl``, one JSON object a line)."""
    phrases = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                phrases.append(Phrase(str(item.get("lang", path.stem)), str(item["category"]), str(item["text"])))
    return phrases


def counts(reader: Reader, phrases: Sequence[Phrase]) -> dict[str, tuple[int, int]]:
    """Per category: (recognised, all)."""
    return tally((phrase.category, reader.recognised(phrase)) for phrase in phrases)


def tally(results: Iterable[tuple[str, bool]]) -> dict[str, tuple[int, int]]:
    """Per group: (recognised, all), of (group, recognised) pairs."""
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for group, recognised in results:
        seen[group] += 1
        right[group] += recognised
    return {group: (right[group], seen[group]) for group in sorted(seen)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missed", action="store_true", help="list the messages not recognised")
    args = parser.parse_args(argv)
    project = load_project(FOLDER.parent.parent)
    reader = Reader(project.steering, project.knowledge)
    phrases = load_phrases()
    recognised = [reader.recognised(phrase) for phrase in phrases]  # once each: every table reads it
    by_category = tally((phrase.category, hit) for phrase, hit in zip(phrases, recognised, strict=True))
    total = sum(n for _, n in by_category.values())
    hits = sum(r for r, _ in by_category.values())
    print(f"# Conversation phrases: {hits}/{total} recognised ({100 * hits / total:.1f}%)\n")
    print("| category | recognised | n | % |\n|---|---|---|---|")
    for category, (right, n) in by_category.items():
        print(f"| {category} | {right} | {n} | {100 * right / n:.1f} |")
    by_language = tally((phrase.language, hit) for phrase, hit in zip(phrases, recognised, strict=True))
    print("\nper language: " + ", ".join(f"{code} {right}/{n}" for code, (right, n) in by_language.items()))
    if args.missed:
        print("\nNot recognised:")
        for phrase, hit in zip(phrases, recognised, strict=True):
            if not hit:
                signals = reader.signals(phrase.text)
                detail = signals.detail.name if signals.detail else None
                print(f"{phrase.language:4} {phrase.category:14} detail={detail} rest={signals.rest}: {phrase.text!r}")


if __name__ == "__main__":
    main()
