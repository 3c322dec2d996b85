"""Speed, memory and accuracy of the core on this machine. Run: .venv/bin/python -m benchmarks.core

Prints per language: held-out accuracy (right entry), language-detection accuracy, reply() p50/p95;
then reply() p50/p95 with a busy neighbour (another process spinning on one core, as the console,
Rasa or the OS would on a server); then cold start of `opastin ask` to its first answer (with a
trained model cached, and with none), its peak RSS, and a whole 120-question --jsonl run.
`--busy-only` prints the idle and busy reply() figures alone.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bot.app import load_core
from bot.core import Core, State
from bot.languages import SUPPORTED
from bot.paths import project_root
from tests.heldout import Question, is_right, load_heldout

OPASTIN = Path(sys.executable).parent / "opastin"
QUESTION = "Kuka tekee kotoutumissuunnitelman Sotkamossa?"
STATUSES = ("curated", "draft", "machine", "none")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_run(args: list[str], stdin: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `opastin` process (and the workers it waited for):
    its own figure, not the largest of every child so far (the busy neighbour's among them)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(OPASTIN), *args], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    assert process.stdin is not None
    assert process.stderr is not None
    process.stdin.write(stdin.encode())
    process.stdin.close()
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args, stderr=errors)
    return seconds, usage.ru_maxrss / 1024


def spin(seconds: float) -> None:
    """Keep one core busy for ``seconds`` (the neighbour)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def reply_ms(core: Core, questions: list[Question]) -> list[float]:
    """Milliseconds of each reply() to a fresh conversation."""
    times = []
    for question in questions:
        start = time.perf_counter()
        core.reply(State(), question.text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def busy_neighbour(core: Core, questions: list[Question]) -> None:
    """reply() p50/p95 idle and with another process spinning on one of the cores."""
    idle = reply_ms(core, questions)
    neighbour = multiprocessing.get_context("spawn").Process(target=spin, args=(600.0,), daemon=True)
    neighbour.start()
    try:
        time.sleep(0.5)
        busy = reply_ms(core, questions)
    finally:
        neighbour.terminate()
        neighbour.join()
    for name, times in (("idle", idle), ("busy neighbour", busy)):
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        print(f"reply() {name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms ({len(times)} questions)")


def main() -> None:
    """Print the figures."""
    core = load_core()
    questions = load_heldout()
    for question in questions[:50]:  # warm caches (lingua's models load on first use)
        core.reply(State(), question.text)
    if "--busy-only" in sys.argv[1:]:
        busy_neighbour(core, questions)
        return
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for question in questions:
        start = time.perf_counter()
        reply = core.reply(State(), question.text)
        rows[question.language]["ms"].append((time.perf_counter() - start) * 1000)
        rows[question.language]["right"].append(float(is_right(core, question, reply)))
        rows[question.language]["language"].append(float(reply.language == question.language))
        for status in STATUSES:
            rows[question.language][status].append(float(reply.translation == status))
    print(f"{'lang':5} {'n':>3} {'entry%':>7} {'lang%':>6} {'p50ms':>6} {'p95ms':>6}")
    all_ms: list[float] = []
    for language in SUPPORTED:
        row = rows[language]
        all_ms.extend(row["ms"])
        print(
            f"{language:5} {len(row['ms']):3d} {100 * statistics.mean(row['right']):7.1f} "
            f"{100 * statistics.mean(row['language']):6.1f} {percentile(row['ms'], 0.5):6.2f} "
            f"{percentile(row['ms'], 0.95):6.2f}"
        )
    print(f"\n{'lang':5} " + " ".join(f"{status + '%':>8}" for status in STATUSES) + "  (how answers got their text)")
    for language in SUPPORTED:
        shares = " ".join(f"{100 * statistics.mean(rows[language][status]):8.0f}" for status in STATUSES)
        print(f"{language:5} {shares}")
    right = [value for row in rows.values() for value in row["right"]]
    print(f"all   {len(right):3d} {100 * statistics.mean(right):7.1f}        "
          f"{percentile(all_ms, 0.5):6.2f} {percentile(all_ms, 0.95):6.2f}")  # fmt: skip
    busy_neighbour(core, questions)

    env = {**os.environ}
    cold, rss = timed_run(["ask", QUESTION], "", env)
    print(f"cold start to first answer (model cached): {cold:.2f} s, peak RSS {rss:.0f} MB")
    with tempfile.TemporaryDirectory() as cache:
        # OPASTIN_CACHE_DIR wins over XDG_CACHE_HOME: an empty one is a first start ever.
        untrained, rss_training = timed_run(["ask", QUESTION], "", {**env, "OPASTIN_CACHE_DIR": cache})
    print(f"first start ever (trains the model): {untrained:.2f} s, peak RSS {rss_training:.0f} MB")
    batch = "\n".join(q.text for q in (questions * 2)[:120]) + "\n"
    seconds, rss_batch = timed_run(["ask", "--jsonl"], batch, env)
    print(f"120 questions through ask --jsonl: {seconds:.2f} s, peak RSS {rss_batch:.0f} MB")
    print(f"project root: {project_root()}")


if __name__ == "__main__":
    main()
