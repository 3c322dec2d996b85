"""The files editors and translators own, read into frozen objects: config.yml (``config.py``),
knowledge/ (``knowledge.py``), intents/ (``intents.py``), the interface catalogs (``texts.py``)
the knowledge translations (``translations.py``) and the words that steer a conversation
(``conversation.py``). Reading never changes a file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config
from .conversation import Steering, load_steering
from .intents import Example, load_examples
from .knowledge import Knowledge, load_knowledge
from .texts import Texts, load_texts
from .translations import Translation, load_translations


@dataclass(frozen=True)
class Project:
    """One project tree, loaded."""

    root: Path
    config: Config
    knowledge: Knowledge
    examples: tuple[Example, ...]
    texts: Texts
    translations: Mapping[str, Mapping[str, Translation]]
    steering: Steering


def load_project(root: Path) -> Project:
    """Read every file of the project at ``root``; a broken one raises ConfigError or DataError."""
    config = load_config(root / "config.yml")
    knowledge = load_knowledge(root / "knowledge", config.region)
    texts = load_texts(root / "translations" / "ui")
    examples = tuple(load_examples(root / "intents"))
    translations = load_translations(knowledge, root / "translations" / "knowledge")
    steering = load_steering(root / "knowledge", texts)
    return Project(root, config, knowledge, examples, texts, translations, steering)
