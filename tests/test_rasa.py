"""Rasa as Opastin's optional NLU backend: the exported project, Rasa's NLU checks without Rasa,
and RasaRanker against a tiny aiohttp stand-in and against a real Rasa server it trains itself."""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from aiohttp import web

from bot.app import build_nlu, load_core
from bot.core import Core, State
from bot.errors import ConfigError
from bot.names import NLU_FALLBACK
from bot.nlu.embedded import IntentClassifier
from bot.nlu.rasa import BadAnswerError, RasaRanker, read_parse
from bot.paths import cache_dir
from bot.project.config import load_config
from bot.project.intents import load_examples, parse_examples
from bot.project.knowledge import Knowledge, load_knowledge
from bot.tooling.rasa_export import annotate, export_project
from bot.tooling.rasa_validate import validate_nlu
from tests.conftest import ROOT, TODAY, copy_project

TOKEN = "test-token-0123456789"
#: The environment as Settings read it, with the token the Rasa backend needs.
ENVIRON = {"OPASTIN_RASA_TOKEN": TOKEN}
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
#: The slice the real Rasa server trains on: small enough to train in seconds.
SLICE_INTENTS = ("council_contact", "integration_plan", "language_cafe", "greet")
SLICE_LANGUAGES = ("fi", "en")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(ROOT / "knowledge", load_config(ROOT / "config.yml").region)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("rasa-project")
    export_project(ROOT, target)
    return target


def read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- export -----------------------------------------------------------------------------------


def test_the_domain_lists_every_intent_and_the_municipality_entity(exported: Path, knowledge: Knowledge) -> None:
    domain = read(exported / "domain.yml")
    trained = {example.intent for example in load_examples(ROOT / "intents")}
    assert domain["version"] == "3.1"
    assert set(domain["intents"]) == trained
    assert knowledge.intents() <= set(domain["intents"])
    assert domain["entities"] == ["municipality"]


def test_the_data_holds_every_example_with_municipalities_marked_as_entities(exported: Path) -> None:
    data = read(exported / "data" / "nlu.yml")
    exported_examples = [
        (block["intent"], text)
        for block in data["nlu"]
        if "intent" in block
        for text in parse_examples(block["examples"])
    ]
    assert exported_examples == [(e.intent, e.text) for e in load_examples(ROOT / "intents")]
    marked = [line for block in data["nlu"] if "intent" in block for line in block["examples"].splitlines()]
    assert "- mitä [Paltamossa](municipality) tapahtuu ulkomaalaisille tänä syksynä" in marked


def test_the_lookup_table_and_synonyms_cover_every_alias(exported: Path, knowledge: Knowledge) -> None:
    data = read(exported / "data" / "nlu.yml")
    lookup = next(block for block in data["nlu"] if block.get("lookup") == "municipality")
    synonyms = {block["synonym"]: parse_examples(block["examples"]) for block in data["nlu"] if "synonym" in block}
    assert set(parse_examples(lookup["examples"])) == {
        alias for m in knowledge.municipalities for alias in (m.name, *m.aliases)
    }
    for municipality in knowledge.municipalities:
        assert set(synonyms[municipality.name]) == {*municipality.aliases, municipality.name.lower()}
    assert "Kajaanissa" in synonyms["Kajaani"]
    assert "卡亚尼" in synonyms["Kajaani"]


def test_the_pipeline_is_translated_to_rasa_components(exported: Path) -> None:
    config = load_config(ROOT / "config.yml")
    ours = {str(component["name"]): component for component in config.pipeline}
    text = (exported / "config.yml").read_text(encoding="utf-8")
    pipeline = {component["name"]: component for component in yaml.safe_load(text)["pipeline"]}
    assert list(pipeline) == [
        "WhitespaceTokenizer",
        "RegexEntityExtractor",
        "EntitySynonymMapper",
        "CountVectorsFeaturizer",
        "LogisticRegressionClassifier",
        "FallbackClassifier",
    ]
    for key in ("analyzer", "min_ngram", "max_ngram"):
        assert pipeline["CountVectorsFeaturizer"][key] == ours["CountVectorsFeaturizer"][key]
    for key in ("threshold", "ambiguity_threshold"):
        assert pipeline["FallbackClassifier"][key] == ours["FallbackClassifier"][key]
    assert pipeline["RegexEntityExtractor"]["use_lookup_tables"] is True
    assert "# LanguageDetector is left out" in text
    assert "# E5EmbeddingClassifier is left out" in text


def test_a_component_rasa_cannot_take_is_a_config_error(tmp_path: Path) -> None:
    tree = copy_project(tmp_path / "tree")
    config = tree / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("pipeline:\n", "pipeline:\n  - name: SpacyNLP\n"))
    with pytest.raises(ConfigError, match="cannot translate component SpacyNLP"):
        export_project(tree, tmp_path / "project")


@pytest.mark.parametrize(
    ("text", "annotated"),
    [
        ("asun Kajaanissa", "asun [Kajaanissa](municipality)"),
        ("kajaanilaisille", "kajaanilaisille"),  # the bot's own rule: Latin names as whole words
        ("مجلس الأجانب بكاياني", "مجلس الأجانب ب[كاياني](municipality)"),
        ("我住在卡亚尼", "我住在[卡亚尼](municipality)"),
    ],
)
def test_annotate_marks_municipalities_the_way_the_bot_finds_them(
    text: str, annotated: str, knowledge: Knowledge
) -> None:
    from bot.tooling.rasa_export import _municipality_pattern

    assert annotate(text, _municipality_pattern(knowledge.municipalities)) == annotated


# --- validate_nlu -----------------------------------------------------------------------------


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, "the edit did not apply"
    path.write_text(changed, encoding="utf-8")


def found(tree: Path, rule: str) -> list[tuple[str, str, int | None, str]]:
    return [(p.path, p.item, p.line, p.severity) for p in validate_nlu(tree) if p.rule == rule]


def line_number(path: Path, text: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip() == text]
    return lines[occurrence - 1]


def test_the_real_tree_passes_rasas_nlu_checks() -> None:
    assert validate_nlu(ROOT) == []


def test_an_example_twice_under_one_intent_is_a_warning(tree: Path) -> None:
    fi = tree / "intents" / "fi.yml"
    edit(
        fi,
        lambda t: t.replace("    - kerro maahanmuuttajaneuvostosta\n", "    - kerro maahanmuuttajaneuvostosta\n" * 2),
    )
    line = line_number(fi, "- kerro maahanmuuttajaneuvostosta", 2)
    assert found(tree, "rasa-duplicate-example") == [
        ("intents/fi.yml", "kerro maahanmuuttajaneuvostosta", line, "warning")
    ]


def test_the_same_example_in_another_language_file_is_no_duplicate(tree: Path) -> None:
    edit(
        tree / "intents" / "sv.yml",
        lambda t: t.replace("- intent: greet\n  examples: |\n", "- intent: greet\n  examples: |\n    - moi\n"),
    )
    assert found(tree, "rasa-duplicate-example") == []


def test_an_example_under_two_intents_is_an_error_naming_both(tree: Path) -> None:
    sv = tree / "intents" / "sv.yml"
    cafe = "- intent: language_cafe\n  examples: |\n"
    edit(sv, lambda t: t.replace(cafe, cafe + "    - kerro maahanmuuttajaneuvostosta\n"))
    problems = [p for p in validate_nlu(tree) if p.rule == "rasa-example-in-two-intents"]
    line = line_number(sv, "- kerro maahanmuuttajaneuvostosta")
    first = line_number(tree / "intents" / "fi.yml", "- kerro maahanmuuttajaneuvostosta")
    assert [(p.path, p.item, p.line, p.severity) for p in problems] == [
        ("intents/sv.yml", "kerro maahanmuuttajaneuvostosta", line, "error")
    ]
    assert f"'council_info' (intents/fi.yml:{first}) and 'language_cafe'" in problems[0].message["en"]
    assert f"'council_info' (intents/fi.yml:{first}) ja 'language_cafe'" in problems[0].message["fi"]
    assert problems[0].fix["fi"]
    assert problems[0].fix["en"]


def test_an_intent_block_without_examples_is_named_with_its_line(tree: Path) -> None:
    fi = tree / "intents" / "fi.yml"
    edit(fi, lambda t: t + "- intent: events\n  examples: |\n")
    line = len(fi.read_text(encoding="utf-8").splitlines()) - 1
    assert found(tree, "rasa-intent-without-examples") == [("intents/fi.yml", "events", line, "warning")]


def test_an_intent_opastin_answers_without_examples_points_at_its_entry(tree: Path) -> None:
    block = re.compile(r"- intent: language_cafe\n  examples: \|\n(?:    - .*\n)*")
    for path in (tree / "intents").glob("*.yml"):
        edit(path, lambda t: block.sub("", t))
    problems = found(tree, "rasa-intent-not-in-data")
    assert [(path, item, severity) for path, item, _, severity in problems] == [
        ("knowledge/kainuu/language.yml", "language_cafe", "warning")
    ]
    assert problems[0][2] is not None


def test_an_intent_opastin_does_not_answer_is_not_in_the_domain(tree: Path) -> None:
    fi = tree / "intents" / "fi.yml"
    edit(fi, lambda t: t.replace("- intent: council_info\n", "- intent: council_history\n"))
    assert found(tree, "rasa-intent-not-in-domain") == [("intents/fi.yml", "council_history", 3, "warning")]


# --- RasaRanker against a stand-in --------------------------------------------------------------


@dataclass
class StandIn:
    """A tiny Rasa on loopback: /model/parse answers with ``answer`` in the way ``mode`` says."""

    url: str = ""
    mode: str = "ok"  # ok, slow, error, html, no_ranking
    answer: dict[str, Any] = field(default_factory=dict)
    requests: list[tuple[dict[str, str], Any]] = field(default_factory=list)

    async def parse(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((dict(request.query), await request.json()))
        if request.query.get("token") != TOKEN:
            return web.json_response({"code": 401, "reason": "NotAuthenticated"}, status=401)
        if self.mode == "slow":
            await asyncio.sleep(1.0)
        if self.mode == "error":
            return web.json_response({"code": 500}, status=500)
        if self.mode == "html":
            return web.Response(text="<html>gateway</html>", content_type="text/html")
        if self.mode == "no_ranking":
            return web.json_response({"text": "x", "entities": []})
        return web.json_response(self.answer)


ANSWER = {
    "text": "kuka tekee kotoutumissuunnitelman Sotkamossa",
    "intent": {"name": "integration_plan", "confidence": 0.91},
    "entities": [
        {"entity": "municipality", "start": 34, "end": 44, "value": "Sotkamo", "extractor": "RegexEntityExtractor"}
    ],
    "intent_ranking": [
        {"name": "integration_plan", "confidence": 0.91},
        {"name": "coordinator_contact", "confidence": 0.06},
        {"name": "events", "confidence": 0.03},
    ],
}


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """The stand-in served by aiohttp from its own thread and event loop."""
    server = StandIn(answer=dict(ANSWER))
    app = web.Application()
    app.router.add_post("/model/parse", server.parse)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield server
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


@pytest.fixture(scope="module")
def embedded(knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> IntentClassifier:
    """The embedded n-gram classifier on the slice: what answers while Rasa cannot."""
    classifier = IntentClassifier(
        knowledge,
        dict(IntentClassifier.featurizer_defaults),
        dict(IntentClassifier.classifier_defaults),
        {**IntentClassifier.embedding_defaults, "enabled": False},
        tmp_path_factory.mktemp("embedded"),
    )
    classifier.train(slice_examples())
    return classifier


def slice_examples() -> list[Any]:
    examples = load_examples(ROOT / "intents")
    return [e for e in examples if e.intent in SLICE_INTENTS and e.language in SLICE_LANGUAGES]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ranker(url: str, embedded: IntentClassifier, knowledge: Knowledge, **options: Any) -> RasaRanker:
    settings: dict[str, Any] = {"token": TOKEN, "timeout": 0.3, "retry_seconds": 0.0} | options
    return RasaRanker(
        url, settings["token"], settings["timeout"], embedded, knowledge, retry_seconds=settings["retry_seconds"]
    )


def rasa_logs(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "bot.nlu.rasa"]


QUESTION = "kuka tekee kotoutumissuunnitelman Sotkamossa"


def test_the_ranking_and_municipality_come_from_rasa_in_one_request(
    stand_in: StandIn, embedded: IntentClassifier, knowledge: Knowledge
) -> None:
    rasa = ranker(stand_in.url, embedded, knowledge)
    assert rasa.rank(QUESTION) == (("integration_plan", 0.91), ("coordinator_contact", 0.06), ("events", 0.03))
    assert rasa.municipality(QUESTION) == "Sotkamo"
    assert stand_in.requests == [({"token": TOKEN}, {"text": QUESTION})]


def test_a_leading_slash_is_not_sent_as_a_rasa_intent_command(
    stand_in: StandIn, embedded: IntentClassifier, knowledge: Knowledge
) -> None:
    ranker(stand_in.url, embedded, knowledge).rank("/emergency")
    assert stand_in.requests[0][1] == {"text": "emergency"}


def test_a_server_that_is_not_there_is_logged_once_and_the_embedded_classifier_ranks(
    embedded: IntentClassifier, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    rasa = ranker(f"http://127.0.0.1:{closed_port()}", embedded, knowledge)
    questions = [QUESTION, "where is the language cafe in Kuhmo", "maahanmuuttajaneuvoston sähköposti"]
    with caplog.at_level(logging.INFO, logger="bot.nlu.rasa"):
        for question in questions:
            assert rasa.rank(question) == embedded.rank(question)
    assert rasa.municipality("where is the language cafe in Kuhmo") == "Kuhmo"
    assert len(rasa_logs(caplog)) == 1
    assert rasa_logs(caplog)[0][0] == logging.WARNING
    assert "ConnectError" in rasa_logs(caplog)[0][1]


@pytest.mark.parametrize(
    ("mode", "token", "reason"),
    [
        ("slow", TOKEN, "ReadTimeout"),
        ("error", TOKEN, "HTTP 500"),
        ("html", TOKEN, "the answer is not JSON"),
        ("no_ranking", TOKEN, "no intent ranking"),
        ("ok", "a-wrong-token", "HTTP 401: the token differs"),
    ],
)
def test_a_slow_failing_or_refusing_server_falls_back_and_says_why_once(
    mode: str,
    token: str,
    reason: str,
    stand_in: StandIn,
    embedded: IntentClassifier,
    knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stand_in.mode = mode
    rasa = ranker(stand_in.url, embedded, knowledge, token=token)
    with caplog.at_level(logging.INFO, logger="bot.nlu.rasa"):
        for _ in range(3):
            assert rasa.rank(QUESTION) == embedded.rank(QUESTION)
            assert rasa.municipality(QUESTION) == "Sotkamo"
    logs = rasa_logs(caplog)
    assert len(logs) == 1
    assert reason in logs[0][1]
    assert token not in logs[0][1]  # the token never reaches a log


def test_rasa_coming_back_is_logged_once_and_used_again(
    stand_in: StandIn, embedded: IntentClassifier, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    rasa = ranker(stand_in.url, embedded, knowledge)
    with caplog.at_level(logging.INFO, logger="bot.nlu.rasa"):
        stand_in.mode = "error"
        rasa.rank("first")
        rasa.rank("second")
        stand_in.mode = "ok"
        assert rasa.rank(QUESTION)[0] == ("integration_plan", 0.91)
        rasa.rank("third")
    assert [level for level, _ in rasa_logs(caplog)] == [logging.WARNING, logging.INFO]
    assert "answers again" in rasa_logs(caplog)[1][1]


def test_while_rasa_is_away_it_is_asked_again_only_after_the_retry_time(
    stand_in: StandIn, embedded: IntentClassifier, knowledge: Knowledge
) -> None:
    rasa = ranker(stand_in.url, embedded, knowledge, retry_seconds=60.0)
    stand_in.mode = "error"
    rasa.rank("first")
    stand_in.mode = "ok"
    rasa.rank("second")
    assert len(stand_in.requests) == 1


def test_read_parse_keeps_one_municipality_and_rejects_nonsense(knowledge: Knowledge) -> None:
    names = {"sotkamo": "Sotkamo", "kuhmo": "Kuhmo"}
    two = {**ANSWER, "entities": [{"entity": "municipality", "value": v} for v in ("Sotkamo", "Kuhmo")]}
    assert read_parse(two, names).municipality is None
    unknown = {**ANSWER, "entities": [{"entity": "municipality", "value": "Oulu"}]}
    assert read_parse(unknown, names).municipality is None
    fallback = {**ANSWER, "intent_ranking": [{"name": NLU_FALLBACK, "confidence": 0.15}, *ANSWER["intent_ranking"]]}
    assert read_parse(fallback, names).ranking[0] == (NLU_FALLBACK, 0.15)
    broken_answers: list[Any] = [
        [],
        {"intent_ranking": [{"name": "x", "confidence": True}]},
        {"intent_ranking": [{"confidence": 1}]},
    ]
    for broken in broken_answers:
        with pytest.raises(BadAnswerError):
            read_parse(broken, names)


# --- the backend chosen in config.yml -----------------------------------------------------------


def rasa_config(url: str, **opastin: Any) -> Any:
    config = load_config(ROOT / "config.yml")
    settings = {**config.raw["opastin"], "nlu_backend": "rasa", "rasa_url": url, **opastin}
    return replace(config, raw={**config.raw, "opastin": settings})


def test_the_rasa_backend_needs_its_token_in_the_environment(knowledge: Knowledge) -> None:
    with pytest.raises(ConfigError, match="OPASTIN_RASA_TOKEN is not set"):
        build_nlu(knowledge, rasa_config("http://127.0.0.1:5005"), load_examples(ROOT / "intents"), cache_dir(), {})


@pytest.mark.parametrize(
    ("opastin", "message"),
    [
        ({"nlu_backend": "spacy"}, "it can be 'embedded' or 'rasa'"),
        ({"rasa_timeout": "soon"}, "rasa_timeout must be seconds"),
        ({"rasa_url": "127.0.0.1:5005"}, "rasa_url must look like"),
    ],
)
def test_wrong_backend_settings_are_config_errors(opastin: dict[str, Any], message: str, knowledge: Knowledge) -> None:
    config = rasa_config(str(opastin.pop("rasa_url", "http://127.0.0.1:5005")), **opastin)
    with pytest.raises(ConfigError, match=message):
        build_nlu(knowledge, config, load_examples(ROOT / "intents"), cache_dir(), ENVIRON)


def test_the_nlu_asks_rasa_when_config_yml_says_so(stand_in: StandIn, knowledge: Knowledge) -> None:
    nlu = build_nlu(knowledge, rasa_config(stand_in.url), load_examples(ROOT / "intents"), cache_dir(), ENVIRON)
    understanding = nlu.understand(QUESTION)
    assert (understanding.intent, understanding.confidence, understanding.municipality) == (
        "integration_plan",
        0.91,
        "Sotkamo",
    )
    assert len(stand_in.requests) == 1


def test_with_rasa_down_the_user_gets_the_same_answers_as_from_the_embedded_core(tmp_path: Path, core: Core) -> None:
    tree = copy_project(tmp_path)
    config = tree / "config.yml"
    edit(config, lambda t: t.replace("nlu_backend: embedded", "nlu_backend: rasa"))
    edit(config, lambda t: t.replace("http://127.0.0.1:5005", f"http://127.0.0.1:{closed_port()}"))
    on_rasa = load_core(tree, environ=ENVIRON, today=lambda: TODAY)
    assert isinstance(on_rasa.nlu.ranker, RasaRanker)
    assert isinstance(core.nlu.ranker, IntentClassifier)
    for question in (QUESTION, "Hei!", "where is the language cafe in Kuhmo", "what's the weather in Oulu"):
        assert on_rasa.reply(State(), question) == core.reply(State(), question)


# --- RasaRanker against a real Rasa server ------------------------------------------------------


def rasa_missing_reason() -> str | None:
    """Why the real-server tests cannot run here, or None when they can."""
    if RASA.is_file():
        return None
    pyenv = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    pythons = [shutil.which("python3.10"), *glob.glob(f"{pyenv}/versions/3.10.*/bin/python3.10")]
    if not any(pythons):
        return (
            "no Python 3.10 on this machine (Rasa 3.6 needs it): install it (pyenv install 3.10.13), "
            "then run ./scripts/rasa setup"
        )
    return ".venv-rasa/ is missing: run ./scripts/rasa setup (about 2 minutes, 2.7 GB)"


@dataclass
class RealRasa:
    """A Rasa server trained on the slice, on a loopback port."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def write_slice(tree: Path) -> None:
    """Keep only the slice's intents and languages in the copied tree's intents/."""
    for path in (tree / "intents").glob("*.yml"):
        if path.stem not in SLICE_LANGUAGES:
            path.unlink()
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["nlu"] = [block for block in data["nlu"] if block["intent"] in SLICE_INTENTS]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def real_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRasa]:
    """Train Rasa on the slice (seconds), start `rasa run --enable-api` and stop it after."""
    reason = rasa_missing_reason()
    if reason:
        pytest.skip(f"real Rasa server tests skipped: {reason}")
    work = tmp_path_factory.mktemp("real-rasa")
    tree = copy_project(work / "tree")
    write_slice(tree)
    export_project(tree, work / "project")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    project = work / "project"
    trained = subprocess.run(
        [str(RASA), "train", "nlu", "--config", str(project / "config.yml"), "--nlu", str(project / "data"),
         "--domain", str(project / "domain.yml"), "--out", str(work / "models"), "--fixed-model-name", "slice"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    port = closed_port()
    log = work / "rasa-run.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(RASA), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(port),
             "--auth-token", TOKEN, "--model", str(work / "models" / "slice.tar.gz")],
            cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = RealRasa(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_parsing(server)
        yield server
    finally:
        server.stop()


def wait_until_parsing(server: RealRasa, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"rasa run exited with {server.process.returncode}:\n{server.log.read_text()[-3000:]}")
        try:
            answer = httpx.post(f"{server.url}/model/parse", params={"token": TOKEN}, json={"text": "hei"}, timeout=2)
            if answer.status_code == httpx.codes.OK:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"rasa run did not answer within {seconds} s:\n{server.log.read_text()[-3000:]}")


REAL_QUESTIONS = [
    ("kuka laatii kotoutumissuunnitelmani Sotkamossa", "integration_plan", "Sotkamo"),
    ("who makes my integration plan if I live in Kuhmo", "integration_plan", "Kuhmo"),
    ("missä on kielikahvila Paltamossa", "language_cafe", "Paltamo"),
    ("what is the e-mail address of the immigrant council", "council_contact", None),
]


@pytest.mark.parametrize(("text", "intent", "municipality"), REAL_QUESTIONS)
def test_a_real_rasa_server_ranks_the_intents_and_finds_the_municipality(
    text: str,
    intent: str,
    municipality: str | None,
    real_rasa: RealRasa,
    embedded: IntentClassifier,
    knowledge: Knowledge,
) -> None:
    rasa = ranker(real_rasa.url, embedded, knowledge, timeout=5.0)
    parsed = rasa.parse(text)
    assert parsed is not None, "the real server did not answer"
    assert parsed.ranking[0][0] == intent
    assert [confidence for _, confidence in parsed.ranking] == sorted((c for _, c in parsed.ranking), reverse=True)
    assert {name for name, _ in parsed.ranking} <= {*SLICE_INTENTS, NLU_FALLBACK}
    assert parsed.municipality == municipality


def test_a_real_rasa_server_maps_every_script_to_the_finnish_name(
    real_rasa: RealRasa, embedded: IntentClassifier, knowledge: Knowledge
) -> None:
    rasa = ranker(real_rasa.url, embedded, knowledge, timeout=5.0)
    for text, name in [("Каяани", "Kajaani"), ("我住在卡亚尼", "Kajaani"), ("مجلس الأجانب بكاياني", "Kajaani")]:
        assert rasa.municipality(text) == name
    assert rasa.rank("/emergency")[0][0] != "emergency"  # a slash is no Rasa intent command here


def test_stopping_the_real_server_mid_test_falls_back_to_the_embedded_classifier(
    real_rasa: RealRasa, embedded: IntentClassifier, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    rasa = ranker(real_rasa.url, embedded, knowledge, timeout=5.0)
    with caplog.at_level(logging.INFO, logger="bot.nlu.rasa"):
        assert rasa.parse(REAL_QUESTIONS[0][0]) is not None
        real_rasa.stop()  # the last test of the module: the server does not come back
        for text, intent, municipality in REAL_QUESTIONS[1:]:
            assert rasa.parse(text) is None
            assert rasa.rank(text) == embedded.rank(text)
            assert rasa.rank(text)[0][0] == intent
            assert rasa.municipality(text) == municipality
    logs = rasa_logs(caplog)
    assert len(logs) == 1
    assert logs[0][0] == logging.WARNING
