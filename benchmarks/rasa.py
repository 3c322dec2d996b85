"""The embedded classifier and Rasa side by side. Run: .venv/bin/python -m benchmarks.rasa
(``--independent test``: instead, one half of tests/understanding/ through the same core with
either ranker, scored as benchmarks.understanding scores it; the test half only to report.)

Needs ./scripts/rasa setup. Both backends train from scratch on intents/ (each with an empty
cache), start from their trained model and answer every held-out question of tests/heldout/
(18 languages, never trained on). Printed as Markdown (RASA.md holds the last run):
- per language and backend: accuracy (the right intent, or the fallback for out_of_scope
  questions), fallback precision and recall (out_of_scope questions are the positives), and
  the municipality found in questions that name one;
- per backend: training time from empty caches, retraining time after a one-example edit
  (caches kept), start-up time (a new process to its first answer), p50/p95 latency per
  question (Rasa through its HTTP API, the embedded one in process) and peak RSS.
Every time and RSS is of a separate process: the embedded one runs in child processes too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.understanding import ask_singles, by_language, load_singles, table
from bot.app import load_core
from bot.core import Core
from bot.languages import SUPPORTED
from bot.names import NLU_FALLBACK, OUT_OF_SCOPE
from bot.nlu import NLU, FallbackRule, Ranking
from bot.nlu.embedded import IntentClassifier
from bot.nlu.rasa import RasaRanker
from bot.paths import project_root
from bot.project.config import load_config
from bot.project.intents import load_examples
from bot.project.knowledge import load_knowledge
from bot.tooling.rasa_export import RASA_VERSION, export_project
from tests.heldout import Question, load_heldout

ROOT = project_root()
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
TOKEN = "benchmark-token"
FALLBACK = "fallback"
RASA_ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
WARM_UP = 20  # questions asked before timing: lazy model loads are start-up, not latency


@dataclass(frozen=True)
class Answer:
    """A backend's reading of one held-out question."""

    ranking: tuple[tuple[str, float], ...]
    municipality: str | None
    ms: float


@dataclass
class Run:
    """One backend's figures."""

    name: str
    train_s: float = 0.0
    retrain_s: float = 0.0
    start_s: float = 0.0
    rss_mb: float = 0.0
    answers: tuple[Answer, ...] = ()


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM of a process: the most resident memory it has had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the embedded classifier, in child processes ---------------------------------------------


def embedded_classifier(cache: Path) -> IntentClassifier:
    """The classifier config.yml describes, as bot.nlu.NLU builds it, caching into ``cache``."""
    config = load_config(ROOT / "config.yml")
    knowledge = load_knowledge(ROOT / "knowledge", config.region)
    return IntentClassifier(
        knowledge,
        config.component("CountVectorsFeaturizer", IntentClassifier.featurizer_defaults),
        config.component("LogisticRegressionClassifier", IntentClassifier.classifier_defaults),
        config.component("E5EmbeddingClassifier", IntentClassifier.embedding_defaults),
        cache,
    )


def worker(mode: str, cache: Path) -> None:
    """One step of the embedded backend in its own process: train, start or evaluate."""
    classifier = embedded_classifier(cache)
    classifier.load_or_train(load_examples(ROOT / "intents"), cache)  # trains in "train", loads after
    if mode == "train":
        return
    knowledge = classifier.knowledge
    questions = load_heldout()
    classifier.rank(questions[0].text)
    if mode == "start":
        return
    for question in questions[:WARM_UP]:
        classifier.rank(question.text)
    answers = []
    for question in questions:
        start = time.perf_counter()
        ranking = classifier.rank(question.text)
        municipality = knowledge.find_municipality(question.text)
        answers.append(
            {"ranking": ranking[:3], "municipality": municipality, "ms": (time.perf_counter() - start) * 1e3}
        )
    print(json.dumps({"answers": answers, "rss_mb": peak_rss_mb()}))


def run_embedded(work: Path) -> Run:
    """Train, start and evaluate the embedded classifier, each in a new process."""
    cache = work / "embedded-cache"

    def child(mode: str) -> tuple[float, str]:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.rasa", "--worker", mode, str(cache)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return time.perf_counter() - start, done.stdout

    run = Run("embedded")
    run.train_s, _ = child("train")
    for model in cache.glob("intents-*.pickle"):  # as after an edit: the e5 vectors stay cached
        model.unlink()
    run.retrain_s, _ = child("train")
    run.start_s, _ = child("start")
    _, output = child("eval")
    result = json.loads(output)
    run.rss_mb = float(result["rss_mb"])
    run.answers = tuple(
        Answer(tuple((str(n), float(c)) for n, c in a["ranking"]), a["municipality"], float(a["ms"]))
        for a in result["answers"]
    )
    return run


# --- Rasa, through its HTTP API -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def train_rasa(work: Path) -> float:
    """Seconds to train Rasa NLU on the project exported to ``work``/project."""
    project = work / "project"
    start = time.perf_counter()
    subprocess.run(
        [str(RASA), "train", "nlu", "--config", str(project / "config.yml"), "--nlu", str(project / "data"),
         "--domain", str(project / "domain.yml"), "--out", str(work / "models"), "--fixed-model-name", "opastin"],
        cwd=work, env=RASA_ENV, capture_output=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - start


@contextmanager
def rasa_server(work: Path) -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    """`rasa run` on the model trained in ``work``: its URL, seconds to its first answer, process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    with (work / "rasa-run.log").open("wb") as log:
        server = subprocess.Popen(
            [str(RASA), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(port),
             "--auth-token", TOKEN, "--model", str(work / "models" / "opastin.tar.gz")],
            cwd=work, env=RASA_ENV, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield url, wait_for_first_answer(url, server, start), server
    finally:
        server.terminate()
        server.wait(timeout=60)


def run_rasa(work: Path, questions: Sequence[Question]) -> Run:
    """Export, train (an empty .rasa/cache), start `rasa run` and ask every question over HTTP."""
    project = work / "project"
    export_project(ROOT, project)
    run = Run("rasa")
    data = project / "data" / "nlu.yml"
    original = data.read_text(encoding="utf-8")
    data.write_text(original + "- intent: greet\n  examples: |\n    - moikka vaan kaikille\n", encoding="utf-8")
    run.train_s = train_rasa(work)  # an empty .rasa/cache
    data.write_text(original, encoding="utf-8")
    run.retrain_s = train_rasa(work)  # one example less, .rasa/cache kept: as after an edit
    with rasa_server(work) as (url, run.start_s, server):
        knowledge = embedded_classifier(work).knowledge
        warm = RasaRanker(url, TOKEN, 5.0, embedded_classifier(work), knowledge)
        for question in questions[:WARM_UP]:
            warm.parse(question.text)
        ranker = RasaRanker(url, TOKEN, 5.0, embedded_classifier(work), knowledge)  # a fresh memo
        answers = []
        for question in questions:
            begin = time.perf_counter()
            parsed = ranker.parse(question.text)
            ms = (time.perf_counter() - begin) * 1e3
            if parsed is None:
                raise SystemExit(f"Rasa did not answer {question.text!r}; see {work / 'rasa-run.log'}")
            answers.append(Answer(parsed.ranking, parsed.municipality, ms))
        run.answers = tuple(answers)
        run.rss_mb = peak_rss_mb(server.pid)
    return run


@dataclass
class OnlyRasa:
    """A Ranker that is Rasa's answer or an error: never the embedded fallback in disguise."""

    rasa: RasaRanker

    def rank(self, text: str, foreign: bool = False) -> Ranking:
        """Rasa's ranking of ``text``."""
        parsed = self.rasa.parse(text)
        if parsed is None:
            raise SystemExit(f"Rasa did not answer {text!r}")
        return parsed.ranking


def independent(split: str) -> None:
    """One half of tests/understanding/ through the same core with either ranker: the embedded
    classifier, or a Rasa server trained on the same intents (its municipality entity too)."""
    core = load_core()
    items = load_singles(split)
    results = {"embedded": ask_singles(core, items)}
    with tempfile.TemporaryDirectory(prefix="opastin-rasa-independent-") as folder:
        work = Path(folder)
        export_project(ROOT, work / "project")
        train_rasa(work)
        with rasa_server(work) as (url, _, _):
            rasa = RasaRanker(url, TOKEN, 5.0, core.nlu.ranker, core.knowledge)
            nlu = NLU(core.knowledge, core.nlu.detector, OnlyRasa(rasa), core.nlu.fallback, rasa.municipality)
            on_rasa = Core(core.knowledge, core.texts, nlu, core.translations, core.translator, steering=core.steering)
            results["rasa"] = ask_singles(on_rasa, items)
    print(f"# Both backends on the {split} half of tests/understanding/ ({len(items)} single questions)")
    for name, outcomes in results.items():
        print("\n".join(table(f"{name}: single questions per language", by_language(outcomes))))


def wait_for_first_answer(url: str, server: subprocess.Popen[bytes], start: float) -> float:
    """Seconds from ``start`` until the server answers /model/parse."""
    deadline = start + 300
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"rasa run exited with {server.returncode}")
        try:
            if httpx.post(f"{url}/model/parse", params={"token": TOKEN}, json={"text": "hei"}, timeout=5).is_success:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit("rasa run did not answer within 300 s")


# --- scoring ------------------------------------------------------------------------------------


def decision(ranking: Sequence[tuple[str, float]], rule: FallbackRule) -> str:
    """What the bot would do: answer an intent, or fall back (Rasa's nlu_fallback or Opastin's rule)."""
    if ranking[0][0] == NLU_FALLBACK or rule.is_fallback(ranking):
        return FALLBACK
    return ranking[0][0]


def right(question: Question, decided: str) -> bool:
    return decided == (FALLBACK if question.intent == OUT_OF_SCOPE else question.intent)


def share(hits: int, total: int) -> str:
    return f"{100 * hits / total:.0f}" if total else "–"


def scores(pairs: Sequence[tuple[Question, Answer]], rule: FallbackRule) -> tuple[str, str, str, str]:
    """Accuracy, fallback precision, fallback recall and municipality share, as percentages."""
    decided = [(q, decision(a.ranking, rule), a) for q, a in pairs]
    fell_back = [q for q, d, _ in decided if d == FALLBACK]
    should = [q for q, _, _ in decided if q.intent == OUT_OF_SCOPE]
    named = [(q, a) for q, _, a in decided if q.municipality]
    return (
        share(sum(right(q, d) for q, d, _ in decided), len(decided)),
        share(sum(q.intent == OUT_OF_SCOPE for q in fell_back), len(fell_back)),
        share(sum(q in fell_back for q in should), len(should)),
        share(sum(a.municipality == q.municipality for q, a in named), len(named)),
    )


def report(runs: Sequence[Run], questions: Sequence[Question], rule: FallbackRule, out: Callable[[str], None]) -> None:
    """Print both tables as Markdown."""
    names = [run.name for run in runs]
    out("| lang | n | " + " | ".join(f"{n} acc% | {n} fb P% | {n} fb R% | {n} mun%" for n in names) + " |")
    out("|---|---:|" + "---:|" * 4 * len(runs))
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, question in enumerate(questions):
        by_language[question.language].append(index)
    for language in [*SUPPORTED, "all"]:
        indexes = range(len(questions)) if language == "all" else by_language[language]
        cells: list[str] = []
        for run in runs:
            cells.extend(scores([(questions[i], run.answers[i]) for i in indexes], rule))
        label = f"**{language}**" if language == "all" else language
        out(f"| {label} | {len(indexes)} | " + " | ".join(cells) + " |")
    out("")
    out("| backend | training s | retraining s | start-up s | p50 ms | p95 ms | peak RSS MB |")
    out("|---|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        ms = [answer.ms for answer in run.answers]
        out(
            f"| {run.name} | {run.train_s:.1f} | {run.retrain_s:.1f} | {run.start_s:.1f} | {percentile(ms, 0.5):.1f} | "
            f"{percentile(ms, 0.95):.1f} | {run.rss_mb:.0f} |"
        )


def main() -> None:
    """Train, start and ask both backends; print the tables."""
    if not RASA.is_file():
        raise SystemExit("benchmarks.rasa needs Rasa: run ./scripts/rasa setup first (RASA.md).")
    if len(sys.argv) == 3 and sys.argv[1] == "--independent":
        independent(sys.argv[2])
        return
    questions = load_heldout()
    config = load_config(ROOT / "config.yml")
    rule = FallbackRule(**config.component("FallbackClassifier", FallbackRule.defaults))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="opastin-rasa-benchmark-") as folder:
        work = Path(folder)
        runs = [run_embedded(work), run_rasa(work, questions)]
    languages = len({q.language for q in questions})
    print(
        f"{len(questions)} held-out questions in {languages} languages, "
        f"{len(load_examples(ROOT / 'intents'))} training examples, {os.cpu_count()} cores; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work slows both)\n"
    )
    report(runs, questions, rule, print)
    print(f"\nembedded: in process; rasa: Rasa {RASA_VERSION}, POST /model/parse on loopback")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
