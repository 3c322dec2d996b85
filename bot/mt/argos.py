"""Machine translation beyond the curated languages, with verbatim facts protected.

``Translator`` is the seam: the core asks it, tests and deployments choose what answers.
``protect`` swaps every fact (e-mails, URLs, phone numbers, dates, times, the knowledge base's
Finnish names) for a placeholder before MT and ``restore`` puts them back after; a translation
that lost a placeholder is refused rather than shown with a fact missing.

``ArgosTranslator`` answers with the Argos Translate models installed in a folder, offline
(``models.py`` lists, installs and downloads them); argostranslate takes seconds to import and
is only imported when the first text is translated.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

from ..errors import TranslationError
from ..paths import point_argostranslate_at
from ..patterns import DATE, EMAIL, URL
from .models import PIVOT_LANGUAGE, ModelInfo, installed_models

log = logging.getLogger(__name__)

_PROTECTED = (
    URL,
    EMAIL,
    r"\+?\d[\d\s-]{6,}\d",  # phone numbers
    DATE,
    r"\d{1,2}(?:[.:]\d{2})?\s?[–-]\s?\d{1,2}(?:[.:]\d{2})?",  # times and ranges: 17–19, 9-12
    r"#\w+",  # hashtags
)


class Translator(Protocol):
    """Anything that translates text between two languages by ISO code."""

    def can_translate(self, source: str, target: str) -> bool:
        """Tell whether a model path (direct or through English) exists."""
        ...

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` in ``target``; raises TranslationError when it cannot."""
        ...


@dataclass(frozen=True)
class Protected:
    """A text with its facts replaced by placeholders, and the facts to put back."""

    text: str
    facts: tuple[str, ...]


def placeholder(number: int) -> str:
    """The stand-in for fact ``number``: letters and digits only, which MT models copy through."""
    return f"ZQX{number}XQZ"


def protect(text: str, names: Iterable[str] = ()) -> Protected:
    """Replace facts and ``names`` (longest first) in ``text`` with numbered placeholders."""
    known = sorted({name for name in names if name}, key=len, reverse=True)
    pattern = re.compile("|".join([*(re.escape(name) for name in known), *_PROTECTED]))
    facts: list[str] = []

    def swap(match: re.Match[str]) -> str:
        facts.append(match.group(0))
        return placeholder(len(facts) - 1)

    return Protected(pattern.sub(swap, text), tuple(facts))


def restore(translated: str, protected: Protected) -> str:
    """Put the facts back; a lost or mangled placeholder is a TranslationError."""
    for number, fact in enumerate(protected.facts):
        token = placeholder(number)
        if token not in translated:
            raise TranslationError(f"machine translation lost a protected fact ({fact!r})")
        translated = translated.replace(token, fact, 1)
    return translated


#: A word with an underscore (``@opastin_bot``, ``hakemus_2026.pdf``), without the punctuation
#: that ends its sentence: argostranslate turns every ``_`` it outputs into a space, so such
#: words are protected whole, like facts.
_UNDERSCORED_WORD = re.compile(r"\S*_\S*?(?=[.,;:!?)]*(?:\s|$))")


class _Translation(Protocol):
    """What ArgosTranslator uses of an argostranslate ``ITranslation``."""

    def translate(self, input_text: str) -> str:
        """``input_text`` in the translation's target language."""
        ...


class ArgosTranslator:
    """Translates with the Argos Translate models installed in ``models_dir``, offline.

    A pair without a model of its own goes through English when both halves are installed.
    Facts (see ``protect``) and ``names`` never go through a model. argostranslate is imported
    on the first translation, not before: importing it takes seconds.
    """

    def __init__(self, models_dir: Path, names: Iterable[str] = ()) -> None:
        self.models_dir = models_dir
        self.names = tuple(names)
        self._loaded: dict[tuple[Path, str, int], _Translation] = {}
        # One translation at a time: argostranslate's objects load lazily and are not thread-safe.
        self._lock = threading.Lock()

    def can_translate(self, source: str, target: str) -> bool:
        """Tell whether a direct model, or two models through English, are installed."""
        return self._route(source, target) is not None

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` in ``target`` with its facts and names verbatim; any failure is a TranslationError."""
        route = self._route(source, target)
        if route is None:
            raise TranslationError(
                f"No model translates {source} into {target}, directly or through English, in "
                f"{self.models_dir}. Install one with: opastin models install FILE.argosmodel "
                "(or --from-index FROM TO, with internet)."
            )
        if not route or not text.strip():
            return text
        protected = protect(text, [*self.names, *_UNDERSCORED_WORD.findall(text)])
        translated = protected.text
        try:
            with self._lock:
                for model in route:
                    translated = self._translation(model).translate(translated)
        except TranslationError:
            raise
        except Exception as error:  # argostranslate, ctranslate2 and spaCy may raise anything
            raise TranslationError(f"machine translation from {source} into {target} failed: {error!r}") from error
        return restore(translated, protected)

    def _route(self, source: str, target: str) -> list[ModelInfo] | None:
        """The models to apply in turn (none for the same language), or None when there are none."""
        if source == target:
            return []
        models = {(model.from_code, model.to_code): model for model in installed_models(self.models_dir)}
        if (source, target) in models:
            return [models[source, target]]
        if (source, PIVOT_LANGUAGE) in models and (PIVOT_LANGUAGE, target) in models:
            return [models[source, PIVOT_LANGUAGE], models[PIVOT_LANGUAGE, target]]
        return None

    def _translation(self, model: ModelInfo) -> _Translation:
        """``model`` loaded through argostranslate, once per install of its folder."""
        # A reinstall writes a new metadata.json: its version and time tell a replaced model
        # from the loaded one (the time alone can repeat: file clocks tick in milliseconds).
        key = (model.path, model.version, (model.path / "metadata.json").stat().st_mtime_ns)
        if key not in self._loaded:
            argos_package, argos_translate = _import_argostranslate(self.models_dir)
            # Built from the folder instead of argostranslate's global list of languages, which
            # keeps the first package it saw per pair for the whole process.
            self._loaded[key] = argos_translate.PackageTranslation(
                argos_translate.Language(model.from_code, model.from_code),
                argos_translate.Language(model.to_code, model.to_code),
                argos_package.Package(model.path),
            )
        return self._loaded[key]


def _import_argostranslate(models_dir: Path) -> tuple[ModuleType, ModuleType]:
    """argostranslate's ``package`` and ``translate`` modules, set up never to download anything.

    argostranslate reads its settings once, when ``argostranslate.settings`` is first imported,
    and looks for its sentence splitter when ``argostranslate.sbd`` is: without a saved spaCy
    pipeline and ARGOS_CHUNK_TYPE=SPACY it downloads one (and fails offline).
    """
    if "argostranslate.settings" not in sys.modules:
        point_argostranslate_at(models_dir)
    import argostranslate.settings  # type: ignore[import-untyped]

    if argostranslate.settings.chunk_type != argostranslate.settings.ChunkType.SPACY:
        raise TranslationError(
            "argostranslate was imported before Opastin could set it up, with a sentence splitter it "
            "would download. Import argostranslate only through ArgosTranslator, or set "
            "ARGOS_CHUNK_TYPE=SPACY before Opastin starts."
        )
    _save_sentence_splitter(Path(argostranslate.settings.cache_dir) / "spacy")
    import argostranslate.package  # type: ignore[import-untyped]
    import argostranslate.sbd  # type: ignore[import-untyped]
    import argostranslate.translate  # type: ignore[import-untyped]

    if argostranslate.sbd._cached_spacy_path is None:
        raise TranslationError(
            "argostranslate was imported before Opastin saved its sentence splitter, and would "
            "download one. Restart Opastin; import argostranslate only through ArgosTranslator."
        )
    # It logs every text it translates at INFO level.
    logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    return argostranslate.package, argostranslate.translate


def _save_sentence_splitter(spacy_dir: Path) -> None:
    """Save the blank multilingual spaCy pipeline argostranslate splits sentences with, if missing.

    argostranslate looks for ``senter/model`` in ``spacy_dir`` and downloads xx_sent_ud_sm when it
    is missing. A blank pipeline with its (untrained) senter disabled leaves the splitting to the
    punctuation rules argostranslate adds, needs no download and loads in milliseconds.
    """
    if (spacy_dir / "senter" / "model").exists():
        return
    import spacy

    pipeline = spacy.blank("xx")
    pipeline.add_pipe("senter")
    pipeline.initialize()
    pipeline.disable_pipe("senter")
    spacy_dir.parent.mkdir(parents=True, exist_ok=True)
    pipeline.to_disk(spacy_dir)
