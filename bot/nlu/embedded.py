"""The embedded intent classifier: char n-grams and multilingual-e5 sentence embeddings, each
with a logistic regression, trained on intents/ and cached by a hash of what training depends on.

Training fits with scikit-learn, imported only then (about a second and 80 MB): the cached model
is plain arrays (``linear.py``), all that answering needs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import pickle
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy

from ..progress import note
from ..project import knowledge as knowledge_code
from ..project import phrases, places
from ..project.intents import Example
from ..project.knowledge import Knowledge
from . import language, linear, ngramfit
from . import prepared as prepared_code
from .language import MIN_LANGUAGE_LETTERS, is_latin_script, letters_only
from .linear import CharGrams, ComplementBayes, Softmax
from .prepared import Preparation, PreparedTexts, write_atomically
from .vectors import Embedder

#: The code training runs, whose text names the cached model too: changed, it trains again. Not
#: this file alone: the examples are read without their municipality names (``places.py``) and,
#: for the language model, without the other names (``knowledge.py``), it counts letters as
#: ``language.py`` does, ``linear.py`` holds the models, the n-grams read the text as
#: ``phrases.plain`` folds it, ``prepared.py`` counts them and ``ngramfit.py`` fits them.
TRAINING_CODE = tuple(
    Path(module.__file__ or "")
    for module in (sys.modules[__name__], linear, language, places, phrases, knowledge_code, prepared_code, ngramfit)
)
_CODE = hashlib.sha256(b"".join(path.read_bytes() for path in TRAINING_CODE)).hexdigest()
#: And by the version of scikit-learn that fits it (read without importing it).
_SKLEARN = importlib.metadata.version("scikit-learn")


def _language_vectorizer() -> Any:
    """The language model's n-grams: every char n-gram of one to four letters, as written."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)


def _training_set(examples: Iterable[Example]) -> list[tuple[str, str]]:
    """The distinct (text, intent) pairs of ``examples``, sorted: what training sees."""
    return sorted({(e.text, e.intent) for e in examples})


def _spread(similarity: Any, count: int) -> list[int]:
    """``count`` rows of the cosine ``similarity`` matrix, as different from each other as can
    be: the most typical one (closest to all the others) first, then again and again the one
    least like any already taken (farthest-point order; ties go to the first row)."""
    taken = [int(similarity.sum(axis=1).argmax())]
    closest = similarity[taken[0]].copy()
    while len(taken) < count:
        closest[taken] = numpy.inf
        taken.append(int(closest.argmin()))
        closest = numpy.maximum(closest, similarity[taken[-1]])
    return taken


@dataclass(frozen=True)
class _Models:
    """What training produces: the n-gram model (its n-grams and its regression), if configured
    the embedding model, and the model of which language a Latin-script message is written in."""

    grams: CharGrams
    ngrams: Softmax
    embeddings: Softmax | None
    language_grams: CharGrams
    languages: ComplementBayes


#: Embedding settings that change how a trained model is used, not the model: no retraining.
RUN_TIME_SETTINGS = frozenset({"threads", "skip_above"})


class IntentClassifier:
    """Two views of a question, averaged: char n-grams (fast, exact words) and multilingual
    sentence embeddings (meaning across languages), each with a logistic regression."""

    featurizer_defaults: ClassVar[Mapping[str, Any]] = {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}
    classifier_defaults: ClassVar[Mapping[str, Any]] = {"C": 10.0, "max_iter": 1000, "tol": 1e-4, "ranking_length": 10}
    embedding_defaults: ClassVar[Mapping[str, Any]] = {
        "enabled": True, "C": 30.0, "weight": 0.5, "threads": 1, "skip_above": 1.0, "share": 1.0,
    }  # fmt: skip

    def __init__(
        self,
        knowledge: Knowledge,
        featurizer: dict[str, Any],
        classifier: dict[str, Any],
        embedding: dict[str, Any],
        cache_dir: Path,
        shipped_vectors: Path | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.featurizer = featurizer
        self.classifier = classifier
        self.embedding = embedding
        self.embedder = (
            Embedder(int(embedding["threads"]), cache_dir, shipped=shipped_vectors) if embedding["enabled"] else None
        )
        self.models: _Models | None = None
        self.preparation = Preparation(
            cache_dir / f"prepared-{self.preparation_key()}.pickle",
            self.prepare,
            phrases.plain,
            self._language_text,
            lambda: (self.vectorizer().build_analyzer(), _language_vectorizer().build_analyzer()),
        )

    def prepare(self, text: str) -> str:
        """The text the model sees: case-folded, municipality names removed."""
        return " ".join(self.knowledge.without_municipalities(text).split())

    def _language_text(self, text: str) -> str | None:
        """The letters of an example the language model learns from, names hidden: None for one
        not in Latin script or too short to tell."""
        letters = letters_only(self.knowledge.without_names(text))
        latin = is_latin_script(letters) and sum(char.isalpha() for char in letters) >= MIN_LANGUAGE_LETTERS
        return letters if latin else None

    def preparation_key(self) -> str:
        """A hash of what preparing an example depends on besides its text (``prepared.py``): the
        code, the n-gram settings and the names hidden (municipalities, the knowledge base's)."""
        names = sorted((m.name, sorted(m.aliases)) for m in self.knowledge.municipalities)
        payload = [self.featurizer, _SKLEARN, _CODE, names, sorted(self.knowledge.proper_names)]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def fingerprint(self, examples: Sequence[Example]) -> str:
        """A hash of everything training depends on, naming the cached model (not the order of
        the examples, nor the embedder's thread count: neither changes the model)."""
        embedding = {key: value for key, value in self.embedding.items() if key not in RUN_TIME_SETTINGS}
        payload = json.dumps(
            [self.featurizer, self.classifier, embedding, _SKLEARN, _CODE, _training_set(examples),
             sorted({(e.text, e.language) for e in examples}), self.preparation_key()],
            sort_keys=True, ensure_ascii=False,
        )  # fmt: skip
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def vectorizer(self) -> Any:
        """The n-gram featurizer config.yml describes (a scikit-learn TfidfVectorizer), not fitted yet."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer=self.featurizer["analyzer"],
            ngram_range=(int(self.featurizer["min_ngram"]), int(self.featurizer["max_ngram"])),
            sublinear_tf=True,
            min_df=2,
            dtype=numpy.float32,
        )

    def train(self, examples: Sequence[Example]) -> None:
        """Fit the model on ``examples``: the same examples, in any order, on any machine, give
        the same model (sorted inputs, deterministic solvers, one BLAS thread)."""
        from threadpoolctl import threadpool_limits

        pairs = _training_set(examples)
        started = time.monotonic()
        note(f"training the intent classifier on {len(pairs)} examples (first start, or intents/ changed) ...")
        vectorizer = self.vectorizer()
        # Each text is prepared and split into n-grams once, and cached (``prepared.py``): the
        # n-gram model learns from them, and the embedding subset is chosen by them.
        prepared = self.preparation.of(e.text for e in examples)
        texts = [prepared[text].text for text, _ in pairs]
        intents = [intent for _, intent in pairs]
        # The n-grams of the text as people type it without diacritics ("missa", "khi nao"):
        # answering reads the same (``_ngram_probabilities``); the embedding sees it as written.
        grams = prepared.fit_transform(vectorizer, [prepared[text].grams for text, _ in pairs])
        # The n-gram fit is most of a retrain, so it starts as soon as its n-grams are ready, on a
        # thread of its own, while this one fits the language model and chooses, embeds and fits
        # the embedding subset. Each fit is single-threaded (so deterministic); the n-gram fit
        # spends its time in scipy and numpy, which release the GIL, and the Python work beside
        # it is little since the texts' preparation is cached. (In a process of its own, as tried
        # in d876598 and again in session 10, it ran no sooner on an idle machine and took a
        # second import of scikit-learn: on a busy one, 10.3-14.3 s instead of 9.1-10.8 s.)
        settings = float(self.classifier["C"]), int(self.classifier["max_iter"]), float(self.classifier["tol"])
        with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=1) as pool:
            ngrams = pool.submit(ngramfit.fit, grams, intents, *settings)
            languages = self._train_languages(examples, prepared)
            embeddings = self._train_embeddings(examples, texts, intents, grams) if self.embedder else None
            note("fitting the classifiers ...")
            self.models = _Models(CharGrams.of(vectorizer), Softmax.of(ngrams.result()), embeddings, *languages)
        note(f"trained in {time.monotonic() - started:.1f} s")

    def _train_embeddings(
        self, examples: Sequence[Example], texts: list[str], intents: list[str], grams: Any
    ) -> Softmax:
        """The embedding model, fitted on the vectors of ``embedding_subset`` of the prepared ``texts``."""
        from sklearn.linear_model import LogisticRegression

        assert self.embedder is not None
        embedded = self.embedding_subset(examples, grams)
        vectors = self.embedder.embed_many([texts[i] for i in embedded])
        regression = LogisticRegression(C=float(self.embedding["C"]), max_iter=int(self.classifier["max_iter"]))
        return Softmax.of(regression.fit(vectors, [intents[i] for i in embedded]))

    def embedding_subset(self, examples: Sequence[Example], grams: Any) -> list[int]:
        """Which of the training pairs (``_training_set``) the embedding model learns from: the
        share ``share`` of each intent's examples in each language that differ most from each
        other by their n-grams ``grams`` (the n-gram model's features of the pairs' prepared
        texts, one row each; the char n-gram and language models learn from all of them).

        Embedding is nearly all of a first start (1.2 ms a token a core), and many examples are
        a typo or a word away from another of the same intent and language: those add little
        to a model of sentence meanings. Chosen from the texts alone (no vectors), in sorted
        order, so the same examples always choose the same subset.
        """
        pairs = _training_set(examples)
        share = float(self.embedding["share"])
        if share >= 1.0:
            return list(range(len(pairs)))
        languages: dict[tuple[str, str], str] = {}
        for e in examples:  # a text written alike in two languages goes with the first of them
            languages[(e.text, e.intent)] = min(languages.get((e.text, e.intent), e.language), e.language)
        groups: dict[tuple[str, str], list[int]] = {}
        for index, pair in enumerate(pairs):
            groups.setdefault((pair[1], languages[pair]), []).append(index)
        chosen = []
        for group in groups.values():
            similarity = (grams[group] @ grams[group].T).toarray()
            chosen += [group[i] for i in _spread(similarity, max(1, round(share * len(group))))]
        return sorted(chosen)

    def _train_languages(
        self, examples: Sequence[Example], prepared: PreparedTexts
    ) -> tuple[CharGrams, ComplementBayes]:
        """Which language a Latin-script text is in, learnt from the examples (naive Bayes: a
        second to train): the way people here write, code-mixed and romanized included."""
        from sklearn.naive_bayes import ComplementNB

        rows, languages = [], []
        for example in sorted(examples, key=lambda e: (e.language, e.text)):
            grams = prepared[example.text].language_grams
            if grams is not None:
                rows.append(grams)
                languages.append(example.language)
        vectorizer = _language_vectorizer()
        bayes = ComplementNB(alpha=0.3).fit(prepared.fit_transform(vectorizer, rows), languages)
        return CharGrams.of(vectorizer), ComplementBayes.of(bayes)

    def language(self, text: str) -> tuple[str, float, float]:
        """The language a Latin-script ``text`` (names hidden, letters only) is most likely in,
        its probability and the runner-up's."""
        if self.models is None:
            raise RuntimeError("IntentClassifier.language() before train()")
        probabilities = self.models.languages.probabilities(self.models.language_grams.features(text))
        best, second = probabilities.argsort()[::-1][:2]
        return self.models.languages.classes[best], float(probabilities[best]), float(probabilities[second])

    def load_or_train(self, examples: Sequence[Example], cache_dir: Path) -> None:
        """Load the model cached for exactly these examples and settings, else train and cache it."""
        path = cache_dir / f"intents-{self.fingerprint(examples)}.pickle"
        if path.is_file():
            try:
                with path.open("rb") as handle:
                    self.models = pickle.load(handle)  # noqa: S301 - a file this process wrote itself
                return
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as error:
                note(f"the cached model {path} cannot be read ({error}); training again")
        self.train(examples)
        write_atomically(path, self.models)
        note(f"cached the model in {path}")

    def ngram_ranking(self, text: str) -> tuple[str, float]:
        """The n-gram model's best intent alone and its probability (for calibrating skip_above)."""
        if self.models is None:
            raise RuntimeError("IntentClassifier.ngram_ranking() before train()")
        probabilities = self._ngram_probabilities(self.prepare(text))
        best = int(probabilities.argmax())
        return self.models.ngrams.classes[best], float(probabilities[best])

    def _ngram_probabilities(self, prepared: str) -> Any:
        assert self.models is not None
        return self.models.ngrams.probabilities(self.models.grams.features(phrases.plain(prepared)))

    def rank(self, text: str, foreign: bool = False) -> tuple[tuple[str, float], ...]:
        """Intents with their probabilities, best first. For a ``foreign`` text (a language the
        examples lack: German, Amharic...) the n-grams know nothing and the embedding decides."""
        if self.models is None:
            raise RuntimeError("IntentClassifier.rank() before train()")
        prepared = self.prepare(text)
        probabilities = self._ngram_probabilities(prepared)
        # So sure that the embedding would not change the answer (config.yml: skip_above).
        sure = probabilities.max() >= float(self.embedding["skip_above"]) and not foreign
        if self.models.embeddings is not None and self.embedder and not sure:
            weight = 1.0 if foreign else float(self.embedding["weight"])
            vector = self.embedder.embed(prepared).reshape(1, -1)
            probabilities = (1 - weight) * probabilities + weight * self.models.embeddings.probabilities(vector)
        order = probabilities.argsort()[::-1][: int(self.classifier["ranking_length"])]
        classes = self.models.ngrams.classes
        return tuple((classes[i], float(probabilities[i])) for i in order)
