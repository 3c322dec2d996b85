"""Where Opastin's files are: the project tree, the model cache, the data dir. The only module
besides ``settings.py`` that reads the environment.

| variable | meaning | default |
|---|---|---|
| OPASTIN_HOME | a working copy of config.yml, knowledge/, intents/, translations/ | this checkout |
| OPASTIN_CACHE_DIR | where trained models are cached (safe to delete) | $XDG_CACHE_HOME/opastin |
| OPASTIN_DATA_DIR | the SQLite file, the generated secret, the MT models (read by Settings) | ./data |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: The checkout this package is in.
CHECKOUT = Path(__file__).resolve().parent.parent
#: The e5 vectors of the examples, shipped with the checkout so that a first start embeds only
#: what was added since (written by ``python -m bot.tooling.vectors``; vectors/README.md).
SHIPPED_VECTORS = CHECKOUT / "vectors"


def project_root() -> Path:
    """The folder holding config.yml, knowledge/, intents/ and translations/: OPASTIN_HOME if set
    (an editor's working copy), else the checkout this package is in."""
    return Path(os.environ.get("OPASTIN_HOME") or CHECKOUT)


def cache_dir() -> Path:
    """Where trained models are cached (not user data: safe to delete): OPASTIN_CACHE_DIR, else
    $XDG_CACHE_HOME/opastin (~/.cache/opastin)."""
    if os.environ.get("OPASTIN_CACHE_DIR"):
        return Path(os.environ["OPASTIN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "opastin"


def data_dir(values: Mapping[str, str]) -> Path:
    """The data dir named in ``values`` (the environment and .env, as Settings read them)."""
    return Path(values.get("OPASTIN_DATA_DIR") or "data")


def point_argostranslate_at(models_dir: Path) -> None:
    """Set the variables argostranslate reads once, on first import: its packages are our
    models dir, its sentence splitter spaCy's (saved, never downloaded), its cache where XDG says."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(models_dir)
    os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"
    # argostranslate's own default is ~/.local/cache; keep its cache where XDG says caches go.
    os.environ.setdefault("XDG_CACHE_HOME", str(Path.home() / ".cache"))
