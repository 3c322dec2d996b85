"""Knowledge reloaded without a restart: a changed file (or SIGHUP) builds a new core in the
background; a broken edit never takes the running bot down, it keeps the last good core."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .core import Core
from .errors import OpastinError

log = logging.getLogger(__name__)
WATCHED = ("config.yml", "knowledge", "intents", "translations")


def fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every file editors own."""
    files: list[tuple[str, int, int]] = []
    for name in WATCHED:
        path = root / name
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            try:
                stat = candidate.stat()
            except FileNotFoundError:  # an editor's (or the Review page's) temporary file, renamed meanwhile
                continue
            files.append((str(candidate), stat.st_mtime_ns, stat.st_size))
    return tuple(files)


class LiveCore:
    """The current core; looks for edits at most every ``interval`` seconds when asked for it."""

    def __init__(self, load: Callable[[], Core], root: Path, interval: float = 5.0) -> None:
        self._load = load
        self.root = root
        self.interval = interval
        self._core = load()
        self._seen = fingerprint(root)
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._reloading = False

    def __call__(self) -> Core:
        """The core to answer with now; starts a background reload if files changed."""
        if time.monotonic() - self._checked >= self.interval:
            self._checked = time.monotonic()
            if fingerprint(self.root) != self._seen:
                self.request_reload()
        return self._core

    def request_reload(self) -> None:
        """Reload in a background thread (answers go on with the current core meanwhile)."""
        with self._lock:
            if self._reloading:
                return
            self._reloading = True
        threading.Thread(target=self.reload, name="opastin-reload", daemon=True).start()

    def reload(self) -> bool:
        """Build a new core from the files now; on any error keep the old one and log why."""
        seen = fingerprint(self.root)
        try:
            core = self._load()
        except OpastinError as error:
            log.error("Knowledge not reloaded, the bot keeps the last good version: %s", error)
            return False
        except Exception:
            log.exception("Knowledge not reloaded, the bot keeps the last good version")
            return False
        finally:
            self._seen = seen
            with self._lock:
                self._reloading = False
        self._core = core
        log.info("Knowledge reloaded: %d entries", len(core.knowledge.entries))
        return True
