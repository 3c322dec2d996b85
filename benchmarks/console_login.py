"""A console page's latency while 16 wrong sign-ins are checked at once (argon2 off the event
loop, two at a time). Run: .venv/bin/python -m benchmarks.console_login"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from benchmarks.core import percentile
from bot.app import Services, load_core
from bot.paths import project_root
from bot.settings import Settings
from bot.store import Store
from bot.tooling.check import check_report
from bot.web.app import create_app
from tests.test_browser import free_port

GUESSERS = 16
SAMPLES = 30


def latencies(url: str) -> list[float]:
    """Milliseconds of SAMPLES loads of the sign-in page, one after another."""
    times = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        httpx.get(f"{url}/login", timeout=60).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def guess(url: str, n: int, stop: threading.Event) -> None:
    """Wrong passwords from 127.0.0.(n + 2) until ``stop``, each try for a new account (no throttle)."""
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{n + 2}")
    with httpx.Client(base_url=url, transport=transport, timeout=60) as client:
        tries = 0
        while not stop.is_set():
            match = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            assert match
            client.post("/login", data={"csrf": match.group(1), "name": f"g{n}-{tries}", "password": "wrong"})
            tries += 1


def main() -> None:
    """Print the figures."""
    core = load_core()
    with tempfile.TemporaryDirectory() as data:
        services = Services(
            Settings(data_dir=Path(data), secret="b"),
            project_root(),
            cores=lambda: core,
            store=Store.in_dir(Path(data)),
        )
        port = free_port()
        config = uvicorn.Config(create_app(services, check_report), host="127.0.0.1", port=port, log_level="error")
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        idle = latencies(url)
        stop = threading.Event()
        guessers = [threading.Thread(target=guess, args=(url, n, stop)) for n in range(GUESSERS)]
        for thread in guessers:
            thread.start()
        time.sleep(1)
        busy = latencies(url)
        stop.set()
        for thread in guessers:
            thread.join()
        server.should_exit = True
        for label, times in (("idle", idle), (f"{GUESSERS} guessing", busy)):
            print(f"GET /login, {label:12} p50 {percentile(times, 0.5):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms")


if __name__ == "__main__":
    main()
