"""Training the intent classifier: deterministic, embedding each text once, and saying so.

On a small slice of intents/, to stay cheap: the same examples in any order, with any thread
count, give the same model and the same rankings bit for bit; a one-example edit embeds only
the new texts; the embedding model learns from the examples least alike; vectors from the worker
processes equal those computed in process.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import numpy
import pytest

from bot.nlu import embedded, language, linear
from bot.nlu.embedded import IntentClassifier, _training_set
from bot.nlu.linear import CharGrams, ComplementBayes, Softmax
from bot.nlu.vectors import MAX_QUERY_TOKENS, Embedder
from bot.progress import Progress
from bot.project import phrases, places
from bot.project.config import load_config
from bot.project.intents import Example, load_examples
from bot.project.knowledge import Knowledge, load_knowledge
from tests.conftest import ROOT

SLICE_INTENTS = ("council_contact", "integration_plan", "language_cafe", "out_of_scope")
SLICE_LANGUAGES = ("fi", "en", "ar")
QUESTIONS = (
    "Miten saan kotoutumissuunnitelman?",
    "Where is the language café?",
    "كيف أتواصل مع مجلس المهاجرين؟",
    "What's the weather tomorrow?",
    "kieli kahvila",
)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(ROOT / "knowledge", load_config(ROOT / "config.yml").region)


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    every = load_examples(ROOT / "intents")
    return [e for e in every if e.intent in SLICE_INTENTS and e.language in SLICE_LANGUAGES]


def classifier(knowledge: Knowledge, cache: Path, threads: int) -> IntentClassifier:
    """The classifier config.yml describes, with the embedder's thread count given."""
    config = load_config(ROOT / "config.yml")
    embedding = config.component("E5EmbeddingClassifier", IntentClassifier.embedding_defaults)
    return IntentClassifier(
        knowledge,
        config.component("CountVectorsFeaturizer", IntentClassifier.featurizer_defaults),
        config.component("LogisticRegressionClassifier", IntentClassifier.classifier_defaults),
        {**embedding, "threads": threads},
        cache,
    )


def test_the_same_examples_in_any_order_with_any_thread_count_train_the_same_model(
    knowledge: Knowledge, examples: list[Example], tmp_path: Path
) -> None:
    first = classifier(knowledge, tmp_path / "first", threads=1)
    first.train(examples)
    second = classifier(knowledge, tmp_path / "second", threads=2)
    second.train(list(reversed(examples)))
    assert first.fingerprint(examples) == second.fingerprint(list(reversed(examples)))
    assert pickle.dumps(first.models) == pickle.dumps(second.models)
    assert [first.rank(q) for q in QUESTIONS] == [second.rank(q) for q in QUESTIONS]


def embedding_subset(model: IntentClassifier, examples: list[Example]) -> list[int]:
    """Which training pairs the embedding model learns from, chosen by their n-grams as in training."""
    texts = [phrases.plain(model.prepare(text)) for text, _ in _training_set(examples)]
    return model.embedding_subset(examples, model.vectorizer().fit_transform(texts))


def embedded_texts(model: IntentClassifier, examples: list[Example]) -> set[str]:
    """The texts whose vectors the embedding model learns from (config.yml: share)."""
    pairs = _training_set(examples)
    return {model.prepare(pairs[i][0]) for i in embedding_subset(model, examples)}


def test_a_one_example_edit_embeds_only_new_texts(
    knowledge: Knowledge, examples: list[Example], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = classifier(knowledge, tmp_path, threads=1)
    model.load_or_train(examples, tmp_path)
    first = embedded_texts(model, examples)
    assert len(first) < len({model.prepare(e.text) for e in examples}), "only a share of the examples"
    assert f"embedding example texts (once; cached afterwards): {len(first)} texts ..." in capsys.readouterr().err
    # A text unlike the other examples of its intent and language: the choice takes it whatever their count.
    edited = [*examples, Example("Voiko torstaisin tulla jutustelemaan kahvikupin äärellä?", "language_cafe", "fi")]
    model.load_or_train(edited, tmp_path)
    err = capsys.readouterr().err
    assert "training the intent classifier on" in err
    # The new example, and the few of its intent and language the choice now takes instead.
    new = embedded_texts(model, edited) - first
    assert 1 <= len(new) <= 3
    assert f"embedding example texts (once; cached afterwards): {len(new)} texts" in err
    model.load_or_train(list(reversed(edited)), tmp_path)
    assert capsys.readouterr().err == "", "the same examples in another order load the cached model"


def test_the_embedding_model_learns_from_the_examples_least_alike(knowledge: Knowledge, tmp_path: Path) -> None:
    model = classifier(knowledge, tmp_path, threads=1)
    assert model.embedding["share"] == 0.40
    english = [
        "where is the language cafe",
        "where is the language cafe?",
        "wher is the language cafe",
        "is there a place to practise speaking finnish with people",
    ]
    examples = [Example(text, "language_cafe", "en") for text in english]
    examples += [Example("kielikahvila", "language_cafe", "fi"), Example("hei", "greet", "fi")]
    pairs = _training_set(examples)
    chosen = {pairs[i][0] for i in embedding_subset(model, examples)}
    assert chosen == {"where is the language cafe", english[3], "kielikahvila", "hei"}
    assert embedding_subset(model, list(reversed(examples))) == embedding_subset(model, examples)


def test_vectors_from_worker_processes_equal_those_computed_in_process(examples: list[Example], tmp_path: Path) -> None:
    texts = sorted({e.text for e in examples})[:40]
    in_workers = Embedder(1, tmp_path / "workers", parallel_from=0).embed_many(texts)
    in_process = Embedder(2, tmp_path / "process").model.query(texts)
    assert in_workers.shape == (40, 384)
    assert numpy.array_equal(in_workers, in_process)


def test_the_plain_models_give_scikit_learns_probabilities_bit_for_bit(
    knowledge: Knowledge, examples: list[Example], tmp_path: Path
) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    model = classifier(knowledge, tmp_path, threads=1)
    texts = [model.prepare(text) for text, _ in _training_set(examples)]
    intents = [intent for _, intent in _training_set(examples)]
    vectorizer = model.vectorizer()
    grams = vectorizer.fit_transform(texts)
    regression = LogisticRegression(C=10.0, solver="newton-cg").fit(grams, intents)
    dense = LogisticRegression(C=30.0).fit(grams.toarray(), intents)  # the embedding model's kind
    languages = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
    written = languages.fit_transform([e.text for e in examples])
    bayes = ComplementNB(alpha=0.3).fit(written, [e.language for e in examples])
    plain = CharGrams.of(vectorizer), Softmax.of(regression), Softmax.of(dense)
    plain_languages = CharGrams.of(languages), ComplementBayes.of(bayes)
    for text in (*QUESTIONS, *texts[::7], "", "a", "ÄÄ  öö", "qwrtz"):
        row = plain[0].features(text)
        assert numpy.array_equal(plain[1].probabilities(row), regression.predict_proba(vectorizer.transform([text]))[0])
        vector = vectorizer.transform([text]).toarray()
        assert numpy.array_equal(plain[2].probabilities(vector), dense.predict_proba(vector)[0])
        expected = bayes.predict_proba(languages.transform([text]))[0]
        assert numpy.array_equal(plain_languages[1].probabilities(plain_languages[0].features(text)), expected)


def test_progress_off_a_terminal_is_lines_with_counts() -> None:
    stream: Any = io.StringIO()
    with Progress(3, "golden questions", "questions", stream) as progress:
        progress.advance(1)
        progress.advance(2)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "opastin: golden questions: 3 questions ..."
    assert lines[-1].startswith("opastin: golden questions: 3/3 questions in ")


def test_a_cached_model_that_cannot_be_read_is_trained_again(
    knowledge: Knowledge, examples: list[Example], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = classifier(knowledge, tmp_path, threads=1)
    cached = tmp_path / f"intents-{model.fingerprint(examples)}.pickle"
    cached.write_bytes(b"written by another version")
    model.load_or_train(examples, tmp_path)
    assert "cannot be read" in capsys.readouterr().err
    assert model.models is not None
    assert pickle.loads(cached.read_bytes()).ngrams is not None


def test_a_question_is_read_up_to_the_token_limit(tmp_path: Path) -> None:
    """The model's time grows with the square of the tokens: a flood of one letter is cut, an
    ordinary question (even a long one) is read whole."""
    embedder = Embedder(threads=1, cache_dir=tmp_path)
    question = "Where can I learn Finnish in Kuhmo? " * 20
    assert embedder.within_limit(question) == question
    flood = embedder.within_limit("ب" * 1000)
    assert embedder.model.token_count(flood, True) == MAX_QUERY_TOKENS
    assert flood == "ب" * len(flood)


def test_the_cached_model_is_named_by_the_code_that_prepares_its_examples_too() -> None:
    """The examples are read without their municipality names (places.py) before the n-grams
    are counted: a change there trains a different model, so it must not load the old one."""
    named = {path.resolve() for path in embedded.TRAINING_CODE}
    assert {Path(module.__file__ or "").resolve() for module in (embedded, linear, language, places)} <= named
