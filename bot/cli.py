"""The ``opastin`` command: a few lines per subcommand over the core."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .core import Core, Reply, State, load_core
from .errors import OpastinError
from .languages import SUPPORTED


def reply_record(reply: Reply) -> dict[str, Any]:
    """The JSON object ``opastin ask --jsonl`` writes for one answer."""
    return {
        "answer": reply.text,
        "language": reply.language,
        "topic": reply.topic,
        "intent": reply.intent,
        "confidence": round(reply.confidence, 4),
        "fallback": reply.fallback,
        "emergency": reply.emergency,
        "municipality": reply.state.municipality,
        "sources": list(reply.sources),
        "translation": reply.translation,
    }


def _first_state(core: Core, language: str | None, municipality: str | None) -> State:
    if language is not None and language not in SUPPORTED:
        raise OpastinError(f"Unknown language '{language}'. Use one of: {' '.join(SUPPORTED)}.")
    name = None
    if municipality is not None:
        name = core.knowledge.find_municipality(municipality)
        if name is None:
            names = ", ".join(m.name for m in core.knowledge.municipalities)
            raise OpastinError(f"Unknown municipality '{municipality}'. Use one of: {names}.")
    return State(language=language, language_chosen=language is not None, municipality=name)


def _ask(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    core = load_core()
    state = _first_state(core, args.language, args.municipality)
    if args.jsonl:
        for line in stdin:
            reply = core.reply(state, line.rstrip("\n"))
            stdout.write(json.dumps(reply_record(reply), ensure_ascii=False) + "\n")
            stdout.flush()
        return 0
    if not args.question:
        raise OpastinError('Give a question, e.g. opastin ask "Kuka tekee kotoutumissuunnitelman?", or use --jsonl.')
    stdout.write(core.reply(state, " ".join(args.question)).text + "\n")
    return 0


def _chat(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from .channels.shell import chat

    core = load_core()
    chat(core, _first_state(core, args.language, args.municipality), stdin, stdout)
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    main_parser = argparse.ArgumentParser(prog="opastin", description="Guidance for immigrants in Kainuu-Koillismaa.")
    commands = main_parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer a question (or one per line with --jsonl)")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, write JSON lines")
    for command in (ask, commands.add_parser("chat", help="chat in the terminal"),
                    commands.add_parser("run", help="run the bot (a terminal chat without a Telegram token)")):  # fmt: skip
        command.add_argument("--language", metavar="CODE", help=f"answer in this language ({' '.join(SUPPORTED)})")
        command.add_argument("--municipality", metavar="NAME", help="answer for this municipality")
    ask.set_defaults(handler=_ask)
    for name in ("chat", "run"):
        commands.choices[name].set_defaults(handler=_chat)
    return main_parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; errors become one line on stderr and exit code 1."""
    args = parser().parse_args(argv)
    stdin = stdin or open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    try:
        return int(args.handler(args, stdin, stdout or sys.stdout))
    except OpastinError as error:
        print(f"opastin: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
