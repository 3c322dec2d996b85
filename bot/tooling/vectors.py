"""``python -m bot.tooling.vectors``: write ``vectors/``, the e5 vectors a checkout ships.

A first start embeds the examples the embedding model learns from (nearly all of its time, a
minute on two cores) unless their vectors come with the checkout. This trains the model in an
empty cache, takes the vectors shipped so far and computes the rest, embeds every entry's
sentences the entry chooser reads, and writes exactly those vectors to ``vectors/``: vectors of
texts no longer used are dropped. Run it after many examples were added (vectors/README.md); a
file that lags only makes the first start embed the new texts.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy

from ..app import build_nlu
from ..nlu.entries import EntryChooser
from ..paths import SHIPPED_VECTORS, project_root
from ..progress import note
from ..project import load_project


def write_shipped_vectors(root: Path, target: Path = SHIPPED_VECTORS) -> list[Path]:
    """Write the vectors training the project at ``root`` uses into ``target``; the files written."""
    project = load_project(root)
    with tempfile.TemporaryDirectory() as cache:
        nlu = build_nlu(project.knowledge, project.config, project.examples, Path(cache), {})
        if isinstance(nlu.chooser, EntryChooser):
            for intent in sorted(project.knowledge.overviews):
                nlu.chooser.vectors(intent)
        written = sorted(Path(cache).glob("e5-*.npz"))
        if not written:
            raise SystemExit("config.yml's E5EmbeddingClassifier is off: no vectors to ship")
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("e5-*.npz"):
            old.unlink()  # another engine version's, or about to be written again
        for file in written:
            with numpy.load(file, allow_pickle=False) as stored:
                # Compressed: the keys are hex digests, which shrink to a third.
                numpy.savez_compressed(target / file.name, keys=stored["keys"], vectors=stored["vectors"])
            note(f"wrote {target / file.name} ({(target / file.name).stat().st_size // 1024} kB)")
    return [target / file.name for file in written]


if __name__ == "__main__":
    write_shipped_vectors(project_root())
    sys.exit(0)
