"""The examples' preparation, cached by text (bot/nlu/prepared.py): the n-gram matrices built from
the cached counts are scikit-learn's bit for bit, an edited example is prepared again (its old
preparation never stands in for it), and a model trained from the cache is the model trained
afresh."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import numpy
import pytest

from bot.nlu import embedded
from bot.nlu.embedded import _training_set
from bot.nlu.linear import Softmax
from bot.project import phrases
from bot.project.intents import Example
from bot.project.knowledge import Knowledge
from tests.test_training import classifier, examples, knowledge  # noqa: F401 - the fixtures

#: Texts scikit-learn counts in unusual ways: empty, one letter, repeated n-grams, other scripts.
ODD = ("", "a", "aaaa aaaa", "ÄÄ  öö", "kieli kahvila kieli", "مرحبا", "你好吗", "qwrtz")


def test_matrices_from_cached_counts_equal_scikit_learns(
    knowledge: Knowledge,  # noqa: F811
    examples: list[Example],  # noqa: F811
    tmp_path: Path,
) -> None:
    model = classifier(knowledge, tmp_path, threads=1)
    texts = [text for text, _ in _training_set(examples)] + list(ODD) + list(ODD[::2])
    prepared = model.preparation.of(texts)
    for rows, written, expected in (
        ([prepared[t].grams for t in texts], [phrases.plain(prepared[t].text) for t in texts], model.vectorizer()),
        (
            [prepared[t].language_grams for t in texts if prepared[t].language_grams is not None],
            [model._language_text(t) for t in texts if model._language_text(t) is not None],
            embedded._language_vectorizer(),
        ),
    ):
        reference = expected.fit_transform(written)
        fitted = type(expected)(**expected.get_params())
        matrix = prepared.fit_transform(fitted, [row for row in rows if row is not None])
        assert type(matrix) is type(reference)
        for part in ("data", "indices", "indptr"):
            assert numpy.array_equal(getattr(matrix, part), getattr(reference, part)), part
            assert getattr(matrix, part).dtype == getattr(reference, part).dtype
        assert list(fitted.vocabulary_.items()) == list(expected.vocabulary_.items())
        assert numpy.array_equal(fitted.idf_, expected.idf_)
        assert fitted.idf_.dtype == expected.idf_.dtype


def test_an_edited_example_is_prepared_again_and_trains_the_model_trained_afresh(
    knowledge: Knowledge,  # noqa: F811
    examples: list[Example],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warm = classifier(knowledge, tmp_path / "warm", threads=1)
    warm.train(examples)
    first = examples[0]
    edited = [*examples[1:], Example(f"{first.text} Kuhmossa tänään", first.intent, first.language)]
    prepared: list[str] = []
    original = warm.preparation.prepare

    def counting(text: str) -> str:
        prepared.append(text)
        return original(text)

    monkeypatch.setattr(warm.preparation, "prepare", counting)
    warm.train(edited)
    assert prepared == [edited[-1].text], "the edited example only, and prepared as it now reads"
    assert warm.preparation.of([edited[-1].text])[edited[-1].text].text == f"{original(first.text)} tänään"
    cold = classifier(knowledge, tmp_path / "cold", threads=1)
    cold.train(list(reversed(edited)))
    assert pickle.dumps(warm.models) == pickle.dumps(cold.models)


def test_the_preparation_cache_is_named_by_the_names_it_hides(
    knowledge: Knowledge,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Municipality names and the knowledge base's other names are cut before counting: other
    names, another cache (and another model)."""
    model = classifier(knowledge, tmp_path, threads=1)
    renamed = replace(knowledge, glossary={**knowledge.glossary, "Uusinimi": {"en": "a new name"}})
    other = classifier(renamed, tmp_path, threads=1)
    assert model.preparation.file != other.preparation.file
    assert model.fingerprint([]) != other.fingerprint([])


def test_the_n_gram_model_is_scikit_learns_fit_of_the_plain_matrix(
    knowledge: Knowledge,  # noqa: F811
    examples: list[Example],  # noqa: F811
    tmp_path: Path,
) -> None:
    """The fit keeps the matrix's transpose as rows (ngramfit.py): the same sums, the same model."""
    from sklearn.linear_model import LogisticRegression

    model = classifier(knowledge, tmp_path, threads=1)
    model.train(examples)
    assert model.models is not None
    pairs = _training_set(examples)
    grams = model.vectorizer().fit_transform([phrases.plain(model.prepare(text)) for text, _ in pairs])
    settings = {key: model.classifier[key] for key in ("C", "max_iter", "tol")}
    plain = LogisticRegression(solver="newton-cg", **settings).fit(grams, [intent for _, intent in pairs])
    assert pickle.dumps(model.models.ngrams) == pickle.dumps(Softmax.of(plain))
