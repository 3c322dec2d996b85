"""How well Opastin understands real people's messages: the independent set of tests/understanding/.

Run: .venv/bin/python -m benchmarks.understanding --split dev   (tune on this half)
     .venv/bin/python -m benchmarks.understanding --split test  (report only; never tune on it)
`--set 1` ... `--set 4` runs one of the independent sets alone (default: all four).

Every single question is asked in a fresh conversation; every conversation runs turn by turn
through one State. Printed per language, per kind and overall:
- right: the answer's entry (Reply.topic) is one of the item's `entries`; an out-of-scope item is
  right when the bot falls back; an `uncovered` item with no entries is wrong; a turn with no
  entries (ok thanks, I live in Kuhmo, no) is right when the bot does not fall back;
- oos-fb: out-of-scope items that got the fallback; in-fb: in-scope items that got it;
- place: items naming a municipality whose answer is for it (Reply.municipality; for an answer
  the same everywhere, the conversation's municipality);
- lang: the answer is written in `answer_lang` (an answer in English, translation "none", counts
  as English whatever language the user wrote).
With --split dev, --failures lists what went wrong and --confusions the entry pairs confused.

--calibrate (with --split dev) sets the fallback and the embedding skip on a validation split:
the held-out questions of tests/heldout/ (never trained on) and the dev half. It prints, for each
threshold, how many questions the fallback rule gets right (out-of-scope ones must fall back,
in-scope ones must not), and for each `skip_above`, how many questions skip the embedding and
how many of those the n-grams alone would rank differently.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.app import load_core
from bot.cleantext import clean
from bot.core import Core, Reply, State
from bot.languages import FALLBACK_LANGUAGE, SUPPORTED
from bot.names import OTHER_AUTHORITY, OUT_OF_SCOPE
from bot.nlu import FallbackRule
from bot.nlu.embedded import IntentClassifier
from tests.heldout import load_heldout

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "understanding"
#: The independent sets, each written by helpers who had never seen intents/: (single-question
#: files, conversation files). Set 1 came in session 2, set 2 in session 4, set 3 in session 5,
#: set 4 in session 6, set 5 (conversations only) in session 7.
SETS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "1": (("singles_A.jsonl", "singles_B.jsonl"), ("conversations.jsonl",)),
    "2": (("singles_C.jsonl",), ("conversations_2.jsonl",)),
    "3": (("singles_D.jsonl",), ("conversations_3.jsonl",)),
    "4": (("singles_E.jsonl",), ("conversations_4.jsonl",)),
    "5": ((), ("conversations_5.jsonl",)),
}
MEASURES = ("right", "oos-fb", "in-fb", "place", "lang")


@dataclass(frozen=True)
class Outcome:
    """One question (or turn) and what the bot made of it."""

    item: Mapping[str, Any]
    reply: Reply
    right: bool
    ours: frozenset[str] = frozenset()  # the region's municipalities: others (Helsinki) cannot be found

    @property
    def scores(self) -> dict[str, float | None]:
        """Each measure for this item: 1.0, 0.0, or None where it does not apply."""
        item, reply = self.item, self.reply
        municipality = item.get("municipality")
        return {
            "right": float(self.right),
            "oos-fb": float(reply.fallback) if not item["in_scope"] else None,
            "in-fb": float(reply.fallback) if item["in_scope"] else None,
            "place": float(answered_for(reply) == municipality) if municipality in self.ours else None,
            "lang": float(answer_language(reply) == item["answer_lang"]),
        }


def region(core: Core) -> frozenset[str]:
    """The municipalities the bot knows (a question about Helsinki names none of them)."""
    return frozenset(m.name for m in core.knowledge.municipalities)


def answered_for(reply: Reply) -> str | None:
    """The municipality an answer is for: its entry's (Reply.municipality), else, for an answer
    the same everywhere or no answer, the one the conversation goes on with."""
    return reply.municipality or reply.state.municipality


def answer_language(reply: Reply) -> str:
    """The language the answer is written in: English wherever it had no text in the user's."""
    return FALLBACK_LANGUAGE if reply.translation == "none" else reply.language


def is_right(item: Mapping[str, Any], reply: Reply) -> bool:
    """Tell whether ``reply`` is a right answer to ``item`` (a single question or a turn)."""
    if not item["in_scope"]:
        return reply.fallback
    if not item["entries"]:
        return not item.get("uncovered") and not reply.fallback
    return not reply.fallback and reply.topic in item["entries"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def chosen_sets(choice: str) -> list[str]:
    """The names of the sets ``choice`` means ("all", or one set's name)."""
    return sorted(SETS) if choice == "all" else [choice]


def load_singles(split: str, choice: str = "all", folder: Path = FOLDER) -> list[dict[str, Any]]:
    """The single questions of one split of the chosen sets."""
    names = [name for chosen in chosen_sets(choice) for name in SETS[chosen][0]]
    return [item for name in names for item in read_jsonl(folder / name) if item["split"] == split]


def load_conversations(split: str, choice: str = "all", folder: Path = FOLDER) -> list[dict[str, Any]]:
    """The conversations of one split of the chosen sets."""
    names = [name for chosen in chosen_sets(choice) for name in SETS[chosen][1]]
    return [item for name in names for item in read_jsonl(folder / name) if item["split"] == split]


def ask_singles(core: Core, items: Iterable[Mapping[str, Any]]) -> list[Outcome]:
    """Each question in a fresh conversation."""
    outcomes = []
    for item in items:
        reply = core.reply(State(), item["text"])
        outcomes.append(Outcome(item, reply, is_right(item, reply), region(core)))
    return outcomes


def run_conversation(core: Core, conversation: Mapping[str, Any]) -> list[Outcome]:
    """The turns of one conversation through one State."""
    state, outcomes = State(), []
    for turn in conversation["turns"]:
        reply = core.reply(state, turn["text"])
        state = reply.state
        outcomes.append(
            Outcome(
                {**turn, "id": conversation["id"], "lang": conversation["lang"]},
                reply,
                is_right(turn, reply),
                region(core),
            )
        )
    return outcomes


def table(title: str, groups: Mapping[str, Sequence[Outcome]]) -> list[str]:
    """A Markdown table of every measure per group, with an `all` row."""
    lines = [f"\n{title}\n", f"| {'group':8} | {'n':>4} | " + " | ".join(f"{m:>6}" for m in MEASURES) + " |"]
    lines.append("|" + "---|" * (len(MEASURES) + 2))
    everything = [outcome for outcomes in groups.values() for outcome in outcomes]
    for name, outcomes in [*groups.items(), ("all", everything)]:
        cells = []
        for measure in MEASURES:
            values = [value for o in outcomes if (value := o.scores[measure]) is not None]
            cells.append(f"{100 * statistics.mean(values):6.1f}" if values else f"{'-':>6}")
        lines.append(f"| {name:8} | {len(outcomes):4d} | " + " | ".join(cells) + " |")
    return lines


def grouped(outcomes: Iterable[Outcome], key: str, order: Sequence[str] = ()) -> dict[str, list[Outcome]]:
    """Outcomes by the value of ``key``, in ``order`` first, then the rest sorted."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[str(outcome.item[key])].append(outcome)
    names = [name for name in order if name in groups] + sorted(set(groups) - set(order))
    return {name: groups[name] for name in names}


def by_language(outcomes: Iterable[Outcome]) -> dict[str, list[Outcome]]:
    """Outcomes per supported language, the languages beyond the 18 together as "other"."""
    groups = [
        replace(o, item={**o.item, "group": o.item["lang"] if o.item["lang"] in SUPPORTED else "other"})
        for o in outcomes
    ]
    return grouped(groups, "group", [*SUPPORTED, "other"])


def whole_by_language(conversations: Sequence[Sequence[Outcome]]) -> str:
    """Conversations right from first turn to last, per language: "fi 2/2, sv 1/2, ..."."""
    right: dict[str, list[bool]] = defaultdict(list)
    for conversation in conversations:
        if conversation:
            language = str(conversation[0].item["lang"])
            right[language if language in SUPPORTED else "other"].append(all(o.right for o in conversation))
    order = [code for code in [*SUPPORTED, "other"] if code in right]
    return ", ".join(f"{code} {sum(right[code])}/{len(right[code])}" for code in order)


def failures(outcomes: Iterable[Outcome]) -> list[str]:
    """One line per wrong answer, wrong municipality or wrong language: what was asked and got."""
    lines = []
    for o in outcomes:
        scores = o.scores
        if o.right and scores["place"] != 0.0 and scores["lang"] != 0.0:
            continue
        got = "FALLBACK" if o.reply.fallback else o.reply.topic
        lines.append(
            f"{o.item['id']:12} {o.item.get('kind', ''):14} want {','.join(o.item['entries']) or '-'} "
            f"got {got} ({o.reply.confidence:.2f}) place {o.item.get('municipality')}/{answered_for(o.reply)} "
            f"lang {o.item['answer_lang']}/{answer_language(o.reply)}: {o.item['text']!r}"
        )
    return lines


def confusions(outcomes: Iterable[Outcome]) -> list[str]:
    """The (wanted, answered) intent pairs of wrong answers, most frequent first."""
    pairs: Counter[tuple[str, str]] = Counter()
    for o in outcomes:
        if not o.right:
            wanted = (
                ",".join(
                    sorted(
                        {
                            entry.rsplit("_", 1)[0] if o.item.get("municipality") else entry
                            for entry in o.item["entries"]
                        }
                    )
                )
                or "FALLBACK"
            )
            pairs[(wanted, "FALLBACK" if o.reply.fallback else str(o.reply.intent))] += 1
    return [f"{count:3d}  {wanted} -> {got}" for (wanted, got), count in pairs.most_common()]


def validation(core: Core, split: str, choice: str) -> list[tuple[str, frozenset[str]]]:
    """(text, intents a right answer has) of the held-out questions and the split's singles;
    out-of-scope questions have the intents that fall back."""
    falling_back = frozenset({OUT_OF_SCOPE, OTHER_AUTHORITY})
    items = [(q.text, falling_back if q.intent == OUT_OF_SCOPE else frozenset({q.intent})) for q in load_heldout()]
    for item in load_singles(split, choice):
        entries = [core.knowledge.entry(entry_id) for entry_id in item["entries"]]
        wanted = frozenset(entry.intent for entry in entries if entry) if item["in_scope"] else falling_back
        if wanted:
            items.append((item["text"], wanted))
    return items


def calibrate(core: Core, split: str, choice: str) -> list[str]:
    """The fallback rule's and the embedding skip's figures on the validation questions."""
    classifier = core.nlu.ranker
    if not isinstance(classifier, IntentClassifier):
        raise SystemExit("--calibrate needs nlu_backend: embedded")
    skip = classifier.embedding["skip_above"]
    classifier.embedding["skip_above"] = 1.0  # the full ranking, embedding included
    rows = []
    for text, wanted in validation(core, split, choice):
        ranking = core.nlu.understand(clean(text)).ranking
        ngrams = classifier.ngram_ranking(clean(text))
        rows.append((ranking, ngrams, wanted))
    classifier.embedding["skip_above"] = skip
    lines = [f"\nFallback rule on {len(rows)} validation questions (held-out + {split} singles): right decisions"]
    for ambiguity in (0.0, 0.02, 0.05):
        cells = []
        for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4):
            rule = FallbackRule(threshold, ambiguity)
            right = sum(
                (ranking[0][0] in wanted and not rule.is_fallback(ranking))
                or (OUT_OF_SCOPE in wanted and rule.is_fallback(ranking))
                for ranking, _, wanted in rows
            )
            cells.append(f"{threshold:.2f}: {100 * right / len(rows):.1f}%")
        lines.append(f"ambiguity {ambiguity:.2f}  " + "  ".join(cells))
    lines.append("\nEmbedding skipped when the n-grams are this sure: share skipped, answers changed")
    for level in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        skipped = [(ranking, ngrams) for ranking, ngrams, _ in rows if ngrams[1] >= level]
        changed = sum(ranking[0][0] != ngrams[0] for ranking, ngrams in skipped)
        lines.append(f"{level:.2f}: {100 * len(skipped) / len(rows):5.1f}% skipped, {changed} changed")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures of one split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), required=True)
    parser.add_argument("--set", choices=("all", *SETS), default="all", help="which independent set (default: all)")
    parser.add_argument("--failures", action="store_true", help="list what went wrong (dev only)")
    parser.add_argument("--confusions", action="store_true", help="wanted -> answered intent pairs (dev only)")
    parser.add_argument("--calibrate", action="store_true", help="fallback threshold and embedding skip (dev only)")
    args = parser.parse_args(argv)
    if args.split == "test" and (args.failures or args.confusions or args.calibrate):
        parser.error("the test half is for reporting only: no failures, confusions or calibration")
    core = load_core()
    singles = ask_singles(core, load_singles(args.split, args.set))
    conversations = [run_conversation(core, c) for c in load_conversations(args.split, args.set)]
    turns = [outcome for conversation in conversations for outcome in conversation]
    lines = [f"# Understanding: the {args.split} half of tests/understanding/, set {args.set}"]
    lines.append(f"{len(singles)} single questions, {len(conversations)} conversations ({len(turns)} turns)")
    lines += table("Single questions per language (other: languages beyond the 18)", by_language(singles))
    lines += table("Single questions per kind", grouped(singles, "kind"))
    lines += table("Conversation turns per kind", grouped(turns, "kind"))
    lines += table("Conversation turns per language", by_language(turns))
    whole = [all(o.right for o in conversation) for conversation in conversations]
    if whole:
        share = 100 * statistics.mean(whole)
        lines.append(f"\nConversations right from first turn to last: {sum(whole)}/{len(whole)} ({share:.1f}%)")
        lines.append("per language: " + whole_by_language(conversations))
    if args.failures:
        lines += [
            "\nFailures (single questions):",
            *failures(singles),
            "\nFailures (conversation turns):",
            *failures(turns),
        ]
    if args.confusions:
        lines += ["\nConfusions (single questions and turns):", *confusions([*singles, *turns])]
    if args.calibrate:
        lines += calibrate(core, args.split, args.set)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
