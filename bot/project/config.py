"""config.yml: a Rasa-style pipeline of named components, each merged over its defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, DataError
from .yamlfile import load_yaml


@dataclass(frozen=True)
class Config:
    """The parsed config.yml."""

    path: Path
    region: str
    pipeline: tuple[Mapping[str, Any], ...]
    raw: Mapping[str, Any] = field(default_factory=dict)

    def component(self, name: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
        """The settings of component ``name``: its defaults with config.yml's values over them."""
        for item in self.pipeline:
            if item.get("name") == name:
                unknown = set(item) - set(defaults) - {"name"}
                if unknown:
                    known = ", ".join(sorted(defaults))
                    raise ConfigError(
                        f"{self.path}: component {name} has no setting {', '.join(sorted(unknown))}; it knows: {known}."
                    )
                return {**defaults, **{key: value for key, value in item.items() if key != "name"}}
        return dict(defaults)


def load_config(path: Path) -> Config:
    """Read config.yml; a broken file is a ConfigError that says what to fix."""
    try:
        raw = load_yaml(path)
    except FileNotFoundError as error:
        raise ConfigError(f"{path} is missing: restore config.yml from the repository.") from error
    except DataError as error:
        raise ConfigError(str(error)) from error
    if not isinstance(raw, dict) or not isinstance(raw.get("pipeline"), list):
        raise ConfigError(f"{path}: needs a 'pipeline:' list of components, like a Rasa config.yml.")
    opastin = raw.get("opastin") or {}
    return Config(path=path, region=str(opastin.get("region", "kainuu")), pipeline=tuple(raw["pipeline"]), raw=raw)
