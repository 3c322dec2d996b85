"""The ``opastin`` command: a few lines per subcommand over the core."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from .app import Services
from .core import Core, Reply, State
from .errors import OpastinError
from .languages import SUPPORTED
from .mt.models import install_from_index, install_model, installed_models
from .paths import project_root
from .project.config import load_config
from .project.knowledge import load_knowledge
from .settings import Settings
from .speech import SpeechModel, install_speech_model, installed_speech_model
from .tooling.catalogs import update_catalogs
from .tooling.check import check_report
from .tooling.problems import exit_code, render
from .tooling.rasa_export import PROJECT_DIR, export_project
from .tooling.rasa_validate import validate_nlu


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
        "municipality": reply.municipality or reply.state.municipality,
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


def _conversations(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(conversation, message) of ``opastin ask --jsonl --conversations`` input: a JSON object
    {"conversation": id, "text": message} per line, or plain lines with a blank line between
    conversations."""
    number = 0
    for line in lines:
        if not line.strip():
            number += 1
            continue
        try:
            item = json.loads(line)
        except ValueError:
            item = None
        if isinstance(item, dict) and "conversation" in item and isinstance(item.get("text"), str):
            yield str(item["conversation"]), item["text"]
        else:
            yield str(number), line


def _ask(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    settings = Settings.from_env()
    core = Services.from_settings(settings).load_core()
    state = _first_state(core, args.language, args.municipality)
    if args.audio:
        return _ask_aloud(core, state, Path(args.audio), settings, stdout)
    if args.jsonl:
        states: dict[str, State] = {}
        turns = _conversations(stdin) if args.conversations else ((str(n), line) for n, line in enumerate(stdin))
        for conversation, text in turns:
            reply = core.reply(states.get(conversation, state), text.rstrip("\n"))
            states[conversation] = reply.state
            record = reply_record(reply) | ({"conversation": conversation} if args.conversations else {})
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            stdout.flush()
        return 0
    if not args.question:
        raise OpastinError('Give a question, e.g. opastin ask "Kuka tekee kotoutumissuunnitelman?", or use --jsonl.')
    stdout.write(core.reply(state, " ".join(args.question)).text + "\n")
    return 0


def _ask_aloud(core: Core, state: State, audio: Path, settings: Settings, stdout: TextIO) -> int:
    """Answer a recorded question as the bot answers a voice message (to try a speech model)."""
    import asyncio

    try:
        recording = audio.read_bytes()
    except OSError as error:
        raise OpastinError(f"Cannot read {audio}: {error.strerror}.") from error
    voice = Services(settings, project_root(), cores=lambda: core).voice
    try:
        refusal = voice.refusal(state, None, len(recording))
        stdout.write((refusal or asyncio.run(voice.ask(recording, lambda: state))).text + "\n")
    finally:
        voice.close()
    return 0


def _chat(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from .channels.shell import chat

    core = Services.from_settings(Settings.from_env()).load_core()
    chat(core, _first_state(core, args.language, args.municipality), stdin, stdout)
    return 0


def _run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    settings = Settings.from_env()
    if not settings.telegram_token:
        return _chat(args, stdin, stdout)
    from .channels.telegram import app as telegram

    configure_logging(settings)
    services = Services.from_settings(settings)
    services.store.purge_expired()
    services.cores()  # the first core, before any update arrives
    signal.signal(signal.SIGHUP, lambda *_: services.request_reload())
    telegram.run(services)
    return 0


class _RedactSecrets(logging.Filter):
    """Replaces secrets in every log record, whatever library wrote it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[secret]")
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    """Log to stderr with the token and the pseudonym secret replaced by [secret]."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactSecrets([settings.telegram_token or "", settings.secret or ""]))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token in the URL


def _check(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    problems, table = check_report(project_root(), date.today(), golden=not args.no_golden)
    if args.json:
        report = {
            "problems": [asdict(problem) for problem in problems],
            "translations": [
                dict(zip(("language", "reviewed", "draft", "outdated", "missing"), row, strict=True)) for row in table
            ],
        }
        stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(render(problems, table, args.lang))
    return exit_code(problems, args.strict)


def _rasa(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    root = project_root()
    if args.action == "export":
        target = Path(args.target or PROJECT_DIR)
        export_project(root, target)
        stdout.write(f"Wrote the Rasa project to {target}\n")
        return 0
    problems = validate_nlu(root)
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        stdout.write(f"{problem.severity}: {where}: {problem.item}: {problem.message['en']} [{problem.rule}]\n")
        stdout.write(f"    Fix: {problem.fix['en']}\n")
    stdout.write(f"{len(problems)} problems\n" if problems else "The NLU data passes Rasa's checks.\n")
    return 1 if any(problem.severity == "error" for problem in problems) else 0


def _translations(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    root = project_root()
    config = load_config(root / "config.yml")
    knowledge = load_knowledge(root / "knowledge", config.region)
    update_catalogs(knowledge, root / "translations" / "knowledge", root)
    stdout.write("Updated translations/knowledge/knowledge.pot and every <language>.po from knowledge/.\n")
    stdout.write("Translations whose Finnish source changed are now marked fuzzy (outdated).\n")
    return 0


def _web(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    import uvicorn

    from .web.app import console_hosts, create_app

    settings = Settings.from_env()
    configure_logging(settings)
    hosts = console_hosts(settings.console_hosts, args.host)
    app = create_app(Services.from_settings(settings), check_report, secure_cookies=args.secure_cookies, hosts=hosts)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def _staff_add(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from .web.auth import name_problem, role_problem

    languages = [code.strip() for code in (args.languages or "").split(",") if code.strip()]
    if problem := name_problem(args.name) or role_problem(args.role, languages):
        raise OpastinError(problem)
    store = Services.from_settings(Settings.from_env()).store
    if store.staff_hash(args.name) is not None:
        raise OpastinError(f"Staff account '{args.name}' exists; give it a new password: opastin staff password NAME.")
    store.add_staff(args.name, _new_password(args, stdin), args.role, languages)
    kind = f"reviewer of {','.join(languages)}" if languages else args.role  # only reviewers have languages
    stdout.write(f"Account '{args.name}' ({kind}) saved; sign in at the console (opastin web).\n")
    return 0


def _staff_password(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    store = Services.from_settings(Settings.from_env()).store
    if store.staff_hash(args.name) is None:
        raise OpastinError(f"No staff account '{args.name}'; create it: opastin staff add NAME.")
    store.add_staff(args.name, _new_password(args, stdin))
    stdout.write(f"New password saved for '{args.name}'; the account's console sessions have ended.\n")
    return 0


def _staff_remove(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    if not Services.from_settings(Settings.from_env()).store.remove_staff(args.name):
        raise OpastinError(f"No staff account '{args.name}'; nothing was removed.")
    stdout.write(f"Staff account '{args.name}' removed; its console sessions have ended.\n")
    return 0


def _new_password(args: argparse.Namespace, stdin: TextIO) -> str:
    """The hash of a new password, read from stdin or asked twice (never from the command line)."""
    from .web.auth import hash_password, password_problem

    if args.password_stdin:
        password = stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise OpastinError("The passwords differ; nothing was saved.")
    if problem := password_problem(args.name, password):
        raise OpastinError(problem)
    return hash_password(password)


def _models(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    settings = Settings.from_env()
    models_dir = settings.models_dir
    if args.action == "list":
        models = installed_models(models_dir)
        for model in models:
            stdout.write(f"{model.from_code} -> {model.to_code}  {model.name}  {model.version}\n")
        if not models:
            stdout.write(
                f"No translation models in {models_dir}. Install one: opastin models install FILE.argosmodel\n"
            )
        speech = installed_speech_model(settings.speech_dir)
        if speech:
            stdout.write(f"speech: {speech.name}  {_languages(speech)}  {speech.megabytes} MB  {speech.path}\n")
        else:
            stdout.write(NO_SPEECH_MODEL)
        return 0
    if args.action == "install-speech":
        if not args.file:
            raise OpastinError("Give a model folder or name: opastin models install-speech PATH (or small, base ...).")
        speech = install_speech_model(settings.speech_dir, args.file, args.name)
        stdout.write(f"Installed the speech model {speech.name} ({_languages(speech)}, {speech.megabytes} MB) "
                     f"in {speech.path}. The bot loads it on the first voice message.\n")  # fmt: skip
        return 0
    if args.from_index:
        model = install_from_index(models_dir, args.from_index[0], args.from_index[1])
    elif args.file:
        model = install_model(models_dir, Path(args.file))
    else:
        raise OpastinError("Give a model file (opastin models install FILE.argosmodel) or --from-index fi en.")
    stdout.write(f"Installed {model.from_code} -> {model.to_code} ({model.name} {model.version}) in {models_dir}.\n")
    return 0


NO_SPEECH_MODEL = (
    "No speech model: voice messages get 'not available'. Install one: opastin models install-speech PATH "
    "(a faster-whisper model folder) or NAME (e.g. small; needs internet)\n"
)


def _languages(model: SpeechModel) -> str:
    return "multilingual" if model.multilingual else "English only"


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    main_parser = argparse.ArgumentParser(prog="opastin", description="Guidance for immigrants in Kainuu-Koillismaa.")
    commands = main_parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer a question (or one per line with --jsonl)")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, write JSON lines")
    ask.add_argument(
        "--conversations",
        action="store_true",
        help='with --jsonl: lines are conversations ({"conversation": id, "text": ...}, or a blank line between)',
    )
    ask.add_argument("--audio", metavar="FILE", help="answer a recorded question (OGG/Opus, MP3, WAV ...)")
    chat = commands.add_parser("chat", help="chat in the terminal")
    run = commands.add_parser("run", help="run the bot (a terminal chat without a Telegram token)")
    for command in (ask, chat, run):
        command.add_argument("--language", metavar="CODE", help=f"answer in this language ({' '.join(SUPPORTED)})")
        command.add_argument("--municipality", metavar="NAME", help="answer for this municipality")
    ask.set_defaults(handler=_ask)
    check = commands.add_parser("check", help="check knowledge, intents and translations; report every problem")
    check.add_argument("--lang", choices=("fi", "en"), default="fi", help="report language (default fi)")
    check.add_argument("--json", action="store_true", help="machine-readable report")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--no-golden", action="store_true", help="skip the golden questions (faster)")
    check.set_defaults(handler=_check)
    translations = commands.add_parser("translations", help="update translation catalogs after knowledge edits")
    translations.add_argument("action", choices=("update",))
    translations.set_defaults(handler=_translations)
    web = commands.add_parser("web", help="run the staff web console")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    web.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    web.add_argument("--secure-cookies", action="store_true", help="send the session cookie over HTTPS only")
    web.set_defaults(handler=_web)
    staff = commands.add_parser("staff", help="manage staff accounts of the web console")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    for name, handler, help_text in (
        ("add", _staff_add, "create a staff account"),
        ("password", _staff_password, "give a staff account a new password (its sessions end)"),
        ("remove", _staff_remove, "remove a staff account (its sessions end)"),
    ):
        command = staff_commands.add_parser(name, help=help_text)
        command.add_argument("name")
        if handler is not _staff_remove:
            command.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        if handler is _staff_add:
            command.add_argument("--role", choices=("staff", "reviewer"), default="staff", help="reviewer: Review only")
            command.add_argument("--languages", help="a reviewer's languages, comma-separated codes (e.g. ar,so)")
        command.set_defaults(handler=handler)
    models = commands.add_parser("models", help="list or install offline translation and speech models")
    models.add_argument("action", choices=("list", "install", "install-speech"))
    models.add_argument(
        "file", nargs="?", help="install: a .argosmodel file; install-speech: a model folder, or a name (internet)"
    )
    models.add_argument("--from-index", nargs=2, metavar=("FROM", "TO"), help="download from Argos's index (internet)")
    models.add_argument("--name", help="install-speech: the name to list the model under")
    models.set_defaults(handler=_models)
    rasa = commands.add_parser("rasa", help="the optional Rasa NLU backend's project (RASA.md)")
    rasa.add_argument("action", choices=("export", "validate"), help="export: write it; validate: Rasa's NLU checks")
    rasa.add_argument("target", nargs="?", help=f"where export writes the project (default {PROJECT_DIR})")
    rasa.set_defaults(handler=_rasa)
    chat.set_defaults(handler=_chat)
    run.set_defaults(handler=_run)
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
