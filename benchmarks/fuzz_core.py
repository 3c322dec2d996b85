"""Broken input through the core and the store. Run: .venv/bin/python -m benchmarks.fuzz_core

Sends 10,000 fuzzed messages (tests/fuzz.py, fixed seed: lone surrogates, NUL and control
characters, bidi overrides, combining-mark floods, 100 kB strings, random code points) through
``Core.reply`` and, as a channel does, into a real SQLite store (redacted); prints the crashes
per exception type (0 expected), and reply() p50/p95/max.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from benchmarks.core import percentile
from bot.app import load_core
from bot.cleantext import clean
from bot.core import State
from bot.store import Store
from tests.fuzz import fuzz_inputs

COUNT = 10_000


def main() -> None:
    """Fuzz and print the figures."""
    core = load_core()
    crashes: Counter[str] = Counter()
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.in_dir(Path(folder))
        for text in fuzz_inputs(COUNT):
            start = time.perf_counter()
            try:
                reply = core.reply(State(), text)
                seconds.append(time.perf_counter() - start)
                reply.text.encode("utf-8")
                store.record_question("fuzz", clean(text), reply)
            except Exception as error:  # counting every kind of crash is the point
                if not crashes:
                    traceback.print_exc()
                crashes[type(error).__name__] += 1
        store.close()
    print(f"inputs: {COUNT}, crashes: {sum(crashes.values())} {dict(crashes)}")
    print(
        f"reply(): p50 {1000 * percentile(seconds, 0.5):.0f} ms, p95 {1000 * percentile(seconds, 0.95):.0f} ms, "
        f"max {1000 * max(seconds):.0f} ms"
    )


if __name__ == "__main__":
    main()
