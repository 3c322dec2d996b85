"""Speed of offline machine translation through ArgosTranslator. Run: .venv/bin/python -m benchmarks.translate

Uses the tiny copy model from tests, so it measures Opastin's and argostranslate's own costs
(protecting facts, sentence splitting, tokenizing, beam search); a real model's network adds
its own. Prints install time; the first translation in a fresh process (importing
argostranslate, loading the model), once with the spaCy sentence splitter still to save (the
first run after installing) and once with it saved (every restart); then p50/p95 of 50 short
answers. All folders are temporary: the user's caches are not touched.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.mt.argos import ArgosTranslator
from bot.mt.models import install_model
from tests.tiny_argos import build_copy_model

NAMES = ("Kajaani Info", "Kaukametsä", "Walk and Talk")
#: Short answers like the knowledge base's, each with the facts protect() takes out.
ANSWERS = [
    "Kajaani Info is open on weekdays 9-16. Call 044 421 4300 or write to info@kajaani.fi.",
    "The next Walk and Talk is on 23.5.2026 at 17–19. Meet at the market square.",
    "Book an appointment at https://www.kajaani.fi/en/services and bring your residence permit.",
    "Kaukametsä hosts the welcome evening on 23.4. from 18:00-20:00. Everyone is welcome!",
    "Language cafés meet on Tuesdays at 15-17 in the library. Ask at Kajaani Info.",
    "Register your address at the Digital and Population Data Services Agency, tel. 0295 536 000.",
    "Children's daycare applications go through https://www.kajaani.fi/varhaiskasvatus by 31.3.",
    "The integration plan is made with a coordinator; write to kotoutuminen@kajaani.fi.",
    "Emergency number 112 works everywhere in Finland, day and night.",
    "Job search help is at the TE office on 2.6. at 10-12; no appointment needed.",
]


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def first_translation(models_dir: Path) -> float:
    """Seconds a fresh process takes from creating an ArgosTranslator to its first translation."""
    script = (
        "import sys, time; from pathlib import Path; from bot.mt.argos import ArgosTranslator\n"
        "start = time.perf_counter()\n"
        "ArgosTranslator(Path(sys.argv[1])).translate(sys.argv[2], 'en', 'sv')\n"
        "print(time.perf_counter() - start)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(models_dir), ANSWERS[1]], capture_output=True, text=True, check=True
    )
    return float(run.stdout)


def main() -> None:
    """Print the figures."""
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        for variable in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            os.environ[variable] = str(home / variable.lower())
        start = time.perf_counter()
        model_file = build_copy_model(home, "en", "sv")
        print(f"build the tiny model: {time.perf_counter() - start:.2f} s")

        start = time.perf_counter()
        install_model(home / "models", model_file)
        print(f"install_model: {(time.perf_counter() - start) * 1000:.1f} ms")

        # Fresh processes: this one has imported ctranslate2 and numpy to build the model.
        first_ever = first_translation(home / "models")
        print(f"first translation, cold, saving the spaCy splitter (first run after install): {first_ever:.2f} s")
        print(f"first translation, cold, splitter saved (every restart): {first_translation(home / 'models'):.2f} s")

        translator = ArgosTranslator(home / "models", NAMES)
        translator.translate(ANSWERS[0], "en", "sv")
        milliseconds = []
        for answer in (ANSWERS * 5)[:50]:
            start = time.perf_counter()
            translated = translator.translate(answer, "en", "sv")
            milliseconds.append((time.perf_counter() - start) * 1000)
            assert translated == answer, (answer, translated)  # the copy model must copy
        print(
            f"translate 50 short answers, warm: p50 {percentile(milliseconds, 0.5):.1f} ms, "
            f"p95 {percentile(milliseconds, 0.95):.1f} ms, "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
