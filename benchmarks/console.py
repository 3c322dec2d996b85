"""Staff console page load times and `opastin check` run time. Run: .venv/bin/python -m benchmarks.console"""

from __future__ import annotations

import re
import tempfile
import time
from datetime import date
from pathlib import Path

from starlette.testclient import TestClient

from benchmarks.core import percentile
from bot.app import Services, load_core
from bot.core import State
from bot.paths import project_root
from bot.settings import Settings
from bot.store import Store
from bot.tooling.check import Checker, check_report
from bot.web.app import create_app
from bot.web.auth import hash_password
from tests.heldout import load_heldout

PAGES = ("/try", "/knowledge", "/stats", "/stats.csv", "/unanswered", "/tickets")


def main() -> None:
    """Print the figures."""
    for golden in (False, True):
        start = time.perf_counter()
        Checker(project_root(), date.today()).run(golden=golden)
        print(f"opastin check{'' if golden else ' --no-golden'}: {time.perf_counter() - start:.2f} s")
    core = load_core()
    with tempfile.TemporaryDirectory() as data:
        store = Store.in_dir(Path(data))
        store.add_staff("bench", hash_password("benchmark password"))
        for question in load_heldout():
            store.record_question("someone", question.text, core.reply(State(), question.text))
        services = Services(Settings(data_dir=Path(data), secret="b"), project_root(), cores=lambda: core, store=store)
        client = TestClient(create_app(services, check_report), base_url="http://127.0.0.1")
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        client.post("/login", data={"csrf": token.group(1), "name": "bench", "password": "benchmark password"})
        for page in PAGES:
            times = []
            for _ in range(10):
                start = time.perf_counter()
                response = client.get(page)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            print(f"{page:12} p50 {percentile(times, 0.5):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms")
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/try").text)
        assert csrf
        times = []
        for question in load_heldout()[:50]:
            start = time.perf_counter()
            client.post("/try", data={"csrf": csrf.group(1), "question": question.text})
            times.append((time.perf_counter() - start) * 1000)
        print(f"{'POST /try':12} p50 {percentile(times, 0.5):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms")


if __name__ == "__main__":
    main()
