"""The installed speech-recognition model: one faster-whisper (CTranslate2) model folder.

Operators install it with ``opastin models install-speech PATH`` (a folder copied to the server)
or by name with internet (``opastin models install-speech small``); it lives in
``OPASTIN_DATA_DIR/speech/<name>/``. Installing another replaces it.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import NoSpeechModelError, SpeechError

log = logging.getLogger(__name__)

#: What faster-whisper needs to load a model without going online.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
#: English-only Whisper models have 51864 tokens; multilingual ones one more (51866 for large-v3).
MULTILINGUAL_VOCABULARY = 51865


@dataclass(frozen=True)
class SpeechModel:
    """An installed model folder: its name, size on disk and whether it knows other languages than English."""

    name: str
    path: Path
    size: int
    multilingual: bool

    @property
    def megabytes(self) -> int:
        """The size on disk in MB."""
        return round(self.size / 2**20)


def read_model(folder: Path, name: str | None = None) -> SpeechModel:
    """The model in ``folder``; NoSpeechModelError saying what is missing if it is not one."""
    missing = [file for file in REQUIRED_FILES if not (folder / file).is_file()]
    if not folder.is_dir() or missing:
        what = "is not a folder" if not folder.is_dir() else f"lacks {', '.join(missing)}"
        raise NoSpeechModelError(
            f"{folder} {what}: a faster-whisper model folder holds {', '.join(REQUIRED_FILES)} and a vocabulary "
            "(e.g. the folder of Systran/faster-whisper-small)."
        )
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    return SpeechModel(name or folder.name, folder, size, _vocabulary_size(folder) >= MULTILINGUAL_VOCABULARY)


def _vocabulary_size(folder: Path) -> int:
    if (folder / "vocabulary.json").is_file():
        return len(json.loads((folder / "vocabulary.json").read_text(encoding="utf-8")))
    if (folder / "vocabulary.txt").is_file():
        with (folder / "vocabulary.txt").open(encoding="utf-8") as vocabulary:
            return sum(1 for _ in vocabulary)
    raise NoSpeechModelError(f"{folder} has no vocabulary.json or vocabulary.txt: it is not a faster-whisper model.")


def installed_speech_model(speech_dir: Path) -> SpeechModel | None:
    """The model installed in ``speech_dir``, if any (a broken one is logged and ignored)."""
    if not speech_dir.is_dir():
        return None
    for folder in sorted(speech_dir.iterdir()):
        if folder.is_dir() and not folder.name.startswith("."):
            try:
                return read_model(folder)
            except (NoSpeechModelError, OSError, ValueError) as error:
                log.warning("ignoring %s: %s", folder, error)
    return None


def install_speech_model(speech_dir: Path, source: str, name: str | None = None) -> SpeechModel:
    """Install the model folder ``source``, or download the model of that name (needs internet)."""
    folder = Path(source).expanduser()
    if folder.exists():
        return _install_folder(speech_dir, read_model(folder, name or _default_name(folder)))
    from faster_whisper.utils import available_models

    if source not in available_models():
        raise SpeechError(
            f"{source} is neither a model folder nor a model name. Give a folder, or one of: "
            f"{', '.join(available_models())} (downloading needs internet)."
        )
    return _download(speech_dir, source, name or source)


def _default_name(folder: Path) -> str:
    """The folder's name, unless it is a generic one such as "model" inside a package."""
    return folder.resolve().parent.name if folder.name in ("model", "models") else folder.resolve().name


def _download(speech_dir: Path, size: str, name: str) -> SpeechModel:
    from faster_whisper.utils import download_model

    speech_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=speech_dir, prefix=".download-") as target:
        try:
            download_model(size, output_dir=target)
        except Exception as error:  # huggingface_hub raises many kinds for "offline"
            raise SpeechError(
                f"Could not download the speech model {size}: {error}. Without internet, copy a model folder to "
                "this machine and run: opastin models install-speech PATH"
            ) from error
        return _install_folder(speech_dir, read_model(Path(target), name))


def _install_folder(speech_dir: Path, model: SpeechModel) -> SpeechModel:
    """Copy the model in, then swap it for the installed one (a half-copied model is never used)."""
    speech_dir.mkdir(parents=True, exist_ok=True)
    partial = speech_dir / f".{model.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(model.path, partial, ignore=shutil.ignore_patterns(".*"))
    for folder in speech_dir.iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            shutil.rmtree(folder)
    target = speech_dir / model.name
    partial.rename(target)
    return read_model(target)
