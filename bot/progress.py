"""Progress of a long step: a bar on a terminal, plain lines with counts and an estimate elsewhere.

Nothing slow may run silently: a newcomer's first start, CI logs and systemd's journal all need
to see what is happening and how long it will take. Lines go to stderr, so that stdout stays
the answer (``opastin ask --jsonl``).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

#: Seconds between two plain lines when stderr is not a terminal.
LINE_EVERY = 10.0


def note(message: str, stream: TextIO | None = None) -> None:
    """One line saying what the program is doing."""
    print(f"opastin: {message}", file=stream or sys.stderr, flush=True)


class Progress:
    """Counts done of a known total: ``with Progress(n, "Embedding", "texts") as p: p.advance(k)``."""

    def __init__(self, total: int, what: str, unit: str, stream: TextIO | None = None) -> None:
        self.total = total
        self.what = what
        self.unit = unit
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.last_line = self.started
        self.bar: Any = None
        if self.stream.isatty():
            self.bar = tqdm(total=total, desc=f"opastin: {what}", unit=f" {unit}", file=self.stream, leave=True)
        else:
            note(f"{what}: {total} {unit} ...", self.stream)

    def advance(self, count: int) -> None:
        """``count`` more are done."""
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
            return
        now = time.monotonic()
        if now - self.last_line < LINE_EVERY:
            return
        self.last_line = now
        if 0 < self.done < self.total:
            left = (now - self.started) / self.done * (self.total - self.done)
            done = f"{self.done}/{self.total} {self.unit} ({100 * self.done // self.total}%), about {left:.0f} s left"
            note(f"{self.what}: {done}", self.stream)
        else:  # the total was not known
            note(f"{self.what}: {self.done} {self.unit} so far", self.stream)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.close()
        elif kind is None:
            seconds = time.monotonic() - self.started
            note(f"{self.what}: {self.done}/{self.total} {self.unit} in {seconds:.0f} s", self.stream)
