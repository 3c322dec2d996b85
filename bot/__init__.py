"""Opastin: multilingual low-threshold guidance for immigrants in Kajaani and Kainuu-Koillismaa."""

from .core import Button, Core, Reply, State, load_core
from .errors import ConfigError, DataError, OpastinError, StoreError, TranslationError

__all__ = [
    "Button",
    "ConfigError",
    "Core",
    "DataError",
    "OpastinError",
    "Reply",
    "State",
    "StoreError",
    "TranslationError",
    "load_core",
]
