"""Rasa Open Source as an optional NLU backend: ``RasaRanker`` asks a ``rasa run --enable-api``
server for the intent ranking and the municipality; whenever Rasa cannot answer, the embedded
classifier does, so users never notice.

The Rasa project is written by ``opastin rasa export`` and checked by ``opastin rasa validate``
(``bot/tooling/rasa_export.py``, ``rasa_validate.py``). RASA.md tells how to run Opastin on Rasa
and what the benchmark measured.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx

from ..errors import ConfigError
from ..project.config import Config
from ..project.knowledge import Knowledge
from ..project.places import normalize
from . import Ranker

log = logging.getLogger(__name__)

#: The entity Rasa extracts from the lookup table and maps to Finnish names with synonyms.
MUNICIPALITY: Final = "municipality"


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
        fallback: Ranker,
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
    def from_config(
        cls, config: Config, fallback: Ranker, knowledge: Knowledge, environ: Mapping[str, str]
    ) -> RasaRanker:
        """The ranker config.yml's ``opastin:`` keys describe; the token comes from ``environ``
        (the environment, as Settings read it)."""
        settings = RasaSettings.from_config(config)
        token = environ.get(settings.token_env)
        if not token:
            raise ConfigError(
                f"{config.path}: nlu_backend is rasa, but {settings.token_env} is not set: "
                "set it to the token `./scripts/rasa run` serves with (RASA.md)."
            )
        return cls(settings.url, token, settings.timeout, fallback, knowledge)

    def rank(self, text: str, foreign: bool = False) -> tuple[tuple[str, float], ...]:
        """Intents with their confidences, best first: Rasa's, else the embedded classifier's."""
        parsed = self.parse(text)
        return parsed.ranking if parsed else self.fallback.rank(text, foreign)

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
