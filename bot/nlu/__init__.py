"""Understanding a message: its language, its intent ranking and the municipality it names.

The pipeline comes from config.yml (Rasa's component names where Rasa has the same idea):
LanguageDetector (``language.py``), CountVectorsFeaturizer + LogisticRegressionClassifier and
E5EmbeddingClassifier (``embedded.py``: char n-grams and sentence embeddings over examples in
every language), FallbackClassifier (a threshold and an ambiguity gap). A Ranker ranks the
intents: the embedded classifier, or a Rasa server in front of it (``rasa.py``); ``bot/app.py``
chooses which from config.yml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from ..names import OUT_OF_SCOPE
from ..project.knowledge import Knowledge
from .language import LanguageDetector

#: Intents with their confidences (0..1), best first.
Ranking = tuple[tuple[str, float], ...]


class Ranker(Protocol):
    """Ranks the intents of a message."""

    def rank(self, text: str) -> Ranking:
        """Intents with their confidences, best first."""
        ...


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
    """The whole pipeline of config.yml: a language detector, a ranker and a fallback rule.

    ``find_municipality`` is the knowledge base's match unless the ranker finds places itself.
    """

    def __init__(
        self,
        knowledge: Knowledge,
        detector: LanguageDetector,
        ranker: Ranker,
        fallback: FallbackRule,
        find_municipality: Callable[[str], str | None] | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.detector = detector
        self.ranker = ranker
        self.fallback = fallback
        self.find_municipality = find_municipality or knowledge.find_municipality

    def understand(self, text: str) -> Understanding:
        """Detect the language, rank the intents and find the municipality of ``text``."""
        return Understanding(
            language=self.detector.detect(text),
            ranking=self.ranker.rank(text),
            municipality=self.find_municipality(text),
        )

    def names_only(self, text: str) -> bool:
        """Tell whether ``text`` is nothing but municipality names (an answer to 'which one?')."""
        return not any(char.isalpha() for char in self.knowledge.without_municipalities(text))
