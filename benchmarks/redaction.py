"""Redaction recall and false positives. Run: .venv/bin/python -m benchmarks.redaction

Prints recall per kind of personal data (rows) and language (columns) on tests/redaction.yml,
the misses, and how many texts of the knowledge base, the catalogs and ordinary questions
redaction changes (with the published facts kept, as for staff answers, and without).
"""

from __future__ import annotations

from bot.languages import SUPPORTED
from bot.paths import project_root
from bot.privacy import redact
from bot.project.config import load_config
from bot.project.knowledge import load_knowledge
from tests.redaction import load_corpus, must_survive, recall


def main() -> None:
    """Print the tables."""
    messages = load_corpus()
    caught, total = recall(messages, redact)
    kinds = sorted({kind for kind, _ in total})
    print(f"{len(messages)} messages, {sum(total.values())} items\n")
    print(f"{'kind':<17} {'recall':>7}  " + " ".join(f"{language:>4}" for language in SUPPORTED))
    for kind in kinds:
        found = sum(count for (k, _), count in caught.items() if k == kind)
        overall = sum(count for (k, _), count in total.items() if k == kind)
        cells = " ".join(
            f"{caught[kind, language]:>2}/{total[kind, language]}" if total[kind, language] else "   -"
            for language in SUPPORTED
        )
        print(f"{kind:<17} {100 * found / overall:>6.1f}%  {cells}")
    for message in messages:
        redacted = redact(message.text)
        for index, item in enumerate(message.items):
            if not message.caught(redacted, index):
                print(f"missed {item.kind} ({message.language}): {message.text!r} -> {redacted!r}")
    root = project_root()
    knowledge = load_knowledge(root / "knowledge", load_config(root / "config.yml").region)
    texts = list(must_survive(knowledge))
    kept = [where for where, text in texts if redact(text, knowledge.public_facts) != text]
    bare = sum(redact(text) != text for _, text in texts)
    print(f"\ntexts that must survive: {len(texts)}; changed with the published facts kept: {len(kept)}")
    for where in kept:
        print(f"  changed: {where}")
    print(f"changed without them (only published e-mails and addresses taken): {bare}")


if __name__ == "__main__":
    main()
