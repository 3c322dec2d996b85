"""The e5 vectors shipped in vectors/: a first start takes them instead of embedding, they are
the engine's own, and the tool that writes them ships exactly what training uses."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest

from bot.nlu.vectors import Embedder, digest
from bot.paths import SHIPPED_VECTORS
from bot.project.config import load_config
from bot.project.intents import load_examples
from bot.project.knowledge import Knowledge, load_knowledge
from bot.tooling.vectors import write_shipped_vectors
from tests.conftest import ROOT
from tests.test_entries import CountingModel
from tests.test_training import classifier, embedded_texts


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(ROOT / "knowledge", load_config(ROOT / "config.yml").region)


def counting(cache: Path, shipped: Path | None = None) -> tuple[Embedder, CountingModel]:
    embedder, model = Embedder(1, cache, shipped=shipped), CountingModel()
    embedder.__dict__["model"] = model  # the cached_property, set before first use
    return embedder, model


def stored(file: Path) -> dict[str, list[float]]:
    with numpy.load(file, allow_pickle=False) as vectors:
        return dict(zip(vectors["keys"].tolist(), vectors["vectors"].tolist(), strict=True))


def test_a_first_start_takes_the_shipped_vectors_and_embeds_only_the_rest(tmp_path: Path) -> None:
    shipping, _ = counting(tmp_path / "shipped")
    shipping.embed_passages(["MamaTree.", "Red Cross Kahvila."])
    shipped_file = tmp_path / "shipped" / shipping.passage_file.name
    before = shipped_file.read_bytes()
    embedder, model = counting(tmp_path / "cache", shipped=tmp_path / "shipped")
    vectors = embedder.embed_passages(["Red Cross Kahvila.", "Walk and Talk.", "MamaTree."])
    assert model.passages == ["Walk and Talk."]
    assert vectors.tolist() == [[18.0] * 4, [14.0] * 4, [9.0] * 4]
    assert set(stored(embedder.passage_file)) == {
        digest("MamaTree."),
        digest("Red Cross Kahvila."),
        digest("Walk and Talk."),
    }
    assert shipped_file.read_bytes() == before, "the shipped file is only read"
    again, later = counting(tmp_path / "cache")  # the next start: all in its own cache
    again.embed_passages(["MamaTree.", "Walk and Talk."])
    assert later.passages == []


def test_the_shipped_vectors_are_the_ones_the_engine_computes(knowledge: Knowledge, tmp_path: Path) -> None:
    """A vector the engine computes otherwise (another engine, a wrong file) would train another
    model than a cache filled on this machine."""
    model = classifier(knowledge, tmp_path, threads=1)
    shipped = stored(SHIPPED_VECTORS / model.embedder.cache_file.name) if model.embedder else {}
    texts = sorted({model.prepare(e.text) for e in load_examples(ROOT / "intents")})
    sample = [text for text in texts if digest(text) in shipped][::500]
    assert len(sample) >= 8
    computed = Embedder(1, tmp_path).model.query(sample)
    assert numpy.allclose(computed, [shipped[digest(text)] for text in sample], atol=1e-4)


def test_the_tool_ships_the_vectors_training_uses_and_nothing_else(knowledge: Knowledge, tmp_path: Path) -> None:
    written = {file.name: stored(file) for file in write_shipped_vectors(ROOT, tmp_path)}
    model = classifier(knowledge, tmp_path, threads=1)
    assert model.embedder is not None
    examples = load_examples(ROOT / "intents")
    wanted = {digest(text) for text in embedded_texts(model, examples)}
    assert set(written[model.embedder.cache_file.name]) == wanted
    assert written[model.embedder.passage_file.name], "the entries' sentences the chooser reads"
