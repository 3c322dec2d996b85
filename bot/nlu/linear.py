"""What answering needs of the fitted scikit-learn models, as plain arrays.

Training fits with scikit-learn (``embedded.py``) and keeps only this: importing scikit-learn
takes about a second and 80 MB at every start, and its checks of every input took 0.7 ms of each
ranking. Each step is scikit-learn's own operation in the same order and the same dtypes, so the
probabilities are the same bit for bit (tests/test_training.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy


@dataclass(frozen=True)
class Row:
    """One text's tf-idf weights: the features it has, in order, and their values."""

    indices: Any
    values: Any

    def __matmul__(self, weights: Any) -> Any:
        """The row times ``weights`` (features x classes), as scipy's sparse product adds it up:
        one feature after another (without scipy: its import is a fifth of a second)."""
        return (self.values[:, numpy.newaxis] * weights[self.indices]).sum(axis=0, keepdims=True)


@dataclass(frozen=True)
class CharGrams:
    """A fitted ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`` (lowercase, l2 norm)."""

    vocabulary: dict[str, int]
    idf: Any  #: one weight per feature, in the dtype of the features
    ngram_range: tuple[int, int]

    @classmethod
    def of(cls, vectorizer: Any) -> CharGrams:
        """The parts of a fitted ``vectorizer`` its transform uses."""
        if vectorizer.analyzer != "char_wb" or not vectorizer.sublinear_tf or vectorizer.norm != "l2":
            raise ValueError("CharGrams reads char_wb n-grams with sublinear tf and the l2 norm only")
        vocabulary = {str(gram): int(index) for gram, index in vectorizer.vocabulary_.items()}
        return cls(vocabulary, vectorizer.idf_, tuple(vectorizer.ngram_range))

    def grams(self, text: str) -> list[str]:
        """The char n-grams of each word of ``text``, padded with a space on both sides."""
        low, high = self.ngram_range
        grams = []
        for word in text.lower().split():
            padded = f" {word} "
            for size in range(low, high + 1):
                grams += [padded[start : start + size] for start in range(max(1, len(padded) - size + 1))]
                if len(padded) <= size:  # a short word is counted once, not once a size
                    break
        return grams

    def features(self, text: str) -> Row:
        """``text`` as one row of tf-idf weights."""
        counts: dict[int, int] = {}
        for gram in self.grams(text):
            index = self.vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        indices = numpy.array(sorted(counts), dtype=numpy.int32)
        data = numpy.array([counts[index] for index in indices.tolist()], dtype=self.idf.dtype)
        numpy.log(data, out=data)
        data += 1.0
        data *= self.idf[indices]
        norm = numpy.sqrt(numpy.cumsum(data * data, dtype=numpy.float64)[-1]) if len(data) else 0.0
        if norm:  # in double precision, one value after another, as scikit-learn's l2 norm
            data = (data / norm).astype(data.dtype)
        return Row(indices, data)


@dataclass(frozen=True)
class Softmax:
    """A fitted multinomial ``LogisticRegression``: class probabilities of one row of features."""

    classes: tuple[str, ...]
    weights: Any  #: features x classes, row-major: a row of features times it
    intercept: Any

    @classmethod
    def of(cls, regression: Any) -> Softmax:
        """The coefficients of a fitted ``regression``."""
        return cls(
            tuple(map(str, regression.classes_)), numpy.ascontiguousarray(regression.coef_.T), regression.intercept_
        )

    def probabilities(self, features: Any) -> Any:
        """The probability of each of ``classes`` for ``features`` (one row)."""
        scores = numpy.asarray(features @ self.weights) + self.intercept
        scores -= scores.max(axis=1).reshape((-1, 1))
        numpy.exp(scores, out=scores)
        scores /= scores.sum(axis=1).reshape((-1, 1))
        return scores[0]


@dataclass(frozen=True)
class ComplementBayes:
    """A fitted ``ComplementNB`` of several classes: class probabilities of one row of features."""

    classes: tuple[str, ...]
    weights: Any  #: features x classes: the log probabilities of the features

    @classmethod
    def of(cls, bayes: Any) -> ComplementBayes:
        """The feature weights of a fitted ``bayes``."""
        return cls(tuple(map(str, bayes.classes_)), numpy.ascontiguousarray(bayes.feature_log_prob_.T))

    def probabilities(self, features: Any) -> Any:
        """The probability of each of ``classes`` for ``features`` (one row), normalised with
        scikit-learn's log-sum-exp."""
        joint = numpy.asarray(features @ self.weights)
        highest = joint.max(axis=1, keepdims=True)
        at_highest = joint == highest
        rest = joint.copy()
        rest[at_highest] = -numpy.inf
        ties = at_highest.astype(joint.dtype).sum(axis=1, keepdims=True, dtype=joint.dtype)
        spread = numpy.exp(rest - numpy.where(numpy.isfinite(highest), highest, 0)).sum(
            axis=1, keepdims=True, dtype=joint.dtype
        )
        spread = numpy.where(spread == 0, spread, spread / ties)
        total = numpy.log1p(spread) + numpy.log(ties) + highest
        return numpy.exp(joint - total)[0]
