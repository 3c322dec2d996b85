"""``opastin rasa validate`` (and a rule family of `opastin check`): what ``rasa data validate``
would say about the NLU data of the project exported from a tree, without Rasa installed."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError, OpastinError
from ..project.config import load_config
from ..project.intents import IntentBlock, read_intent_blocks
from ..project.knowledge import load_knowledge
from . import messages
from .problems import Problem, Wording, problem, relative
from .rasa_export import domain_intents


def validate_nlu(root: Path) -> list[Problem]:
    """What ``rasa data validate`` would say about the NLU data of the project exported from ``root``.

    Rules: an example twice under one intent in one file, one example under two intents (in any
    files), intent blocks without examples, domain intents (those Opastin answers) without
    examples, and intents with examples that Opastin does not answer. Files that do not parse are
    left to `opastin check`'s file rule.
    """
    problems: list[Problem] = []
    try:
        blocks = read_intent_blocks(root / "intents")
    except DataError:
        return problems

    def add(severity: str, rule: str, path: Path | str, item: str, line: int | None, wording: Wording) -> None:
        problems.append(problem(severity, rule, path, item, wording, root, line))

    first_seen: dict[str, tuple[IntentBlock, int | None]] = {}
    for block in blocks:
        if not block.examples:
            add(
                "warning",
                "rasa-intent-without-examples",
                block.path,
                block.intent,
                block.line,
                messages.rasa_no_examples(block.intent),
            )
        for text, line in block.examples:
            seen = first_seen.get(text)
            if seen is None:
                first_seen[text] = (block, line)
                continue
            first = f"{relative(seen[0].path, root)}:{seen[1]}" if seen[1] else relative(seen[0].path, root)
            if seen[0].intent == block.intent and seen[0].path != block.path:
                continue  # "kiitos" is typed in every language: one copy per file is meant, Rasa keeps one
            if seen[0].intent == block.intent:
                add(
                    "warning",
                    "rasa-duplicate-example",
                    block.path,
                    text,
                    line,
                    messages.rasa_duplicate(block.intent, first),
                )
            else:
                add(
                    "error",
                    "rasa-example-in-two-intents",
                    block.path,
                    text,
                    line,
                    messages.rasa_two_intents(seen[0].intent, block.intent, first),
                )

    try:
        config = load_config(root / "config.yml")
        knowledge = load_knowledge(root / "knowledge", config.region)
    except OpastinError:
        return problems  # without the knowledge base there is no domain to compare with
    trained = {block.intent for block in blocks if block.examples}
    domain = domain_intents(knowledge)
    for intent in domain:
        if intent not in trained:
            entries = knowledge.entries_for(intent)
            path, line = (entries[0].path, entries[0].line) if entries else (root / "intents", None)
            add("warning", "rasa-intent-not-in-data", path, intent, line, messages.rasa_not_in_data(intent))
    for intent in sorted(trained - set(domain)):
        block = next(block for block in blocks if block.intent == intent and block.examples)
        add("warning", "rasa-intent-not-in-domain", block.path, intent, block.line, messages.rasa_not_in_domain(intent))
    return problems
