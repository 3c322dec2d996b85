"""Each example text as training reads it, prepared once and cached by the text, as its vector is
(``vectors.py``): a retrain after an edit of intents/ prepares only the new or changed examples.

Preparing is Python work: finding and cutting municipality names in any script (``places.py``),
folding the letters (``phrases.plain``), hiding the names for the language model and counting
each text's n-grams. For the 12,000 examples it took about 2.5 s of every retrain, on the way to
the n-gram fit or beside it, holding the interpreter's lock the fit needed. The n-gram matrices
are then built from the cached counts with numpy, equal to scikit-learn's ``fit_transform`` of
the texts bit for bit (tests/test_training.py): the same rows, columns and order of values.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy

#: An n-gram count as cached: the n-gram's number in the cache's table, and how often it occurs.
_PAIR = numpy.dtype("<i4")


class Prepared(NamedTuple):
    """One example text as training reads it."""

    text: str  #: without municipality names: what the embedding model reads
    grams: bytes  #: the n-gram model's n-grams of the text without diacritics, with their counts
    language_grams: bytes | None  #: the language model's of its letters, if it learns from it


@dataclass(frozen=True)
class PreparedTexts:
    """Texts prepared, and the table of the n-grams their counts name by number."""

    grams: list[str]
    texts: dict[str, Prepared]

    def __getitem__(self, text: str) -> Prepared:
        return self.texts[text]

    def fit_transform(self, vectorizer: Any, rows: Sequence[bytes]) -> Any:
        """What ``vectorizer.fit_transform`` (a scikit-learn ``TfidfVectorizer``, only ``min_df``
        pruning) gives for the texts whose n-grams ``rows`` counted, and ``vectorizer`` fitted."""
        from scipy.sparse import csr_matrix
        from sklearn.feature_extraction.text import TfidfTransformer

        if vectorizer.max_df != 1.0 or vectorizer.max_features is not None or vectorizer.binary:
            raise ValueError("PreparedTexts.fit_transform prunes n-grams by min_df only")
        pairs = numpy.frombuffer(b"".join(rows), dtype=_PAIR).reshape(-1, 2)
        lengths = numpy.fromiter((len(row) // (2 * _PAIR.itemsize) for row in rows), dtype=numpy.int64, count=len(rows))
        # scikit-learn numbers the n-grams in the order they first occur in the texts, sorts each
        # row's by that number, drops those of fewer than min_df texts and renumbers the rest in
        # alphabetical order, keeping the order of each row's values.
        seen, first = numpy.unique(pairs[:, 0], return_index=True)
        by_occurrence = seen[numpy.argsort(first)]
        rank = numpy.empty(len(self.grams), dtype=numpy.int64)
        rank[by_occurrence] = numpy.arange(len(by_occurrence))
        row_of = numpy.repeat(numpy.arange(len(rows)), lengths)
        order = numpy.argsort(row_of * len(by_occurrence) + rank[pairs[:, 0]], kind="stable")
        ranks, counts, row_of = rank[pairs[order, 0]], pairs[order, 1], row_of[order]
        kept = numpy.bincount(ranks, minlength=len(by_occurrence)) >= vectorizer.min_df
        kept_ranks = numpy.flatnonzero(kept)
        names = [self.grams[number] for number in by_occurrence[kept_ranks].tolist()]
        alphabetical = sorted(range(len(names)), key=names.__getitem__)
        column = numpy.empty(len(by_occurrence), dtype=numpy.int32)
        column[kept_ranks[alphabetical]] = numpy.arange(len(names), dtype=numpy.int32)
        keep = kept[ranks]
        indptr = numpy.zeros(len(rows) + 1, dtype=numpy.int32)
        numpy.cumsum(numpy.bincount(row_of[keep], minlength=len(rows)), out=indptr[1:])
        data = counts[keep].astype(vectorizer.dtype)
        matrix = csr_matrix((data, column[ranks[keep]], indptr), shape=(len(rows), len(names)))
        vectorizer.vocabulary_ = dict(zip(names, column[kept_ranks].tolist(), strict=True))
        tfidf = TfidfTransformer(
            norm=vectorizer.norm,
            use_idf=vectorizer.use_idf,
            smooth_idf=vectorizer.smooth_idf,
            sublinear_tf=vectorizer.sublinear_tf,
        ).fit(matrix)
        vectorizer.idf_ = tfidf.idf_
        return tfidf.transform(matrix, copy=False)


class Preparation:
    """The ``Prepared`` of example texts, each computed once and kept in ``file``, whose name must
    change with anything preparing depends on besides the text (the code, the names it hides, the
    featurizer). ``prepare`` gives the model's text, ``plain`` the text the n-grams are counted
    in, ``language_text`` the letters the language model learns from (None: it does not), and
    ``analyzers`` split a text into the n-gram model's and the language model's n-grams."""

    def __init__(
        self,
        file: Path,
        prepare: Callable[[str], str],
        plain: Callable[[str], str],
        language_text: Callable[[str], str | None],
        analyzers: Callable[[], tuple[Callable[[str], list[str]], Callable[[str], list[str]]]],
    ) -> None:
        self.file = file
        self.prepare = prepare
        self.plain = plain
        self.language_text = language_text
        self.analyzers = analyzers

    def of(self, texts: Iterable[str]) -> PreparedTexts:
        """Each of ``texts`` prepared: those the cache lacks now, and the cache saved with them."""
        cached = self._load()
        missing = sorted(set(texts) - cached.texts.keys())
        if missing:
            numbers = {gram: number for number, gram in enumerate(cached.grams)}
            ngrams, language_ngrams = self.analyzers()

            def counted(grams: list[str]) -> bytes:
                counts = Counter(grams)  # in the order the n-grams first occur, as scikit-learn counts
                pairs = [(numbers.setdefault(gram, len(numbers)), count) for gram, count in counts.items()]
                return numpy.array(pairs, dtype=_PAIR).reshape(-1, 2).tobytes()

            for text in missing:
                prepared, letters = self.prepare(text), self.language_text(text)
                language = None if letters is None else counted(language_ngrams(letters))
                cached.texts[text] = Prepared(prepared, counted(ngrams(self.plain(prepared))), language)
            cached = PreparedTexts(list(numbers), cached.texts)
            self._save(cached)
        return cached

    def _load(self) -> PreparedTexts:
        try:
            with self.file.open("rb") as handle:
                grams, texts = pickle.load(handle)  # noqa: S301 - a file this program wrote
            return PreparedTexts(grams, texts)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError, AttributeError, ImportError):
            return PreparedTexts([], {})  # none yet, or damaged: only slower, all is prepared again

    def _save(self, prepared: PreparedTexts) -> None:
        write_atomically(self.file, (prepared.grams, prepared.texts))


def write_atomically(path: Path, value: Any) -> None:
    """``value`` pickled into ``path``, whole or not at all: another process may read it meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
