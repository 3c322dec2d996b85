"""The offline translation models: ``installed_models`` (list), ``install_model`` (from a
``.argosmodel`` file) and ``install_from_index`` (the one step that needs internet) manage the
models folder without loading argostranslate."""

from __future__ import annotations

import json
import logging
import queue
import re
import shutil
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import TranslationError
from ..progress import Progress

log = logging.getLogger(__name__)

#: The language pairs without a model of their own are translated through.
PIVOT_LANGUAGE = "en"
#: Where Argos Translate publishes its models; the index lists each model's download links.
PACKAGE_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
#: The page people download model files from by hand, for a machine without internet.
MODEL_DOWNLOAD_PAGE = "https://www.argosopentech.com/argospm/index/"


@dataclass(frozen=True)
class ModelInfo:
    """An installed Argos Translate model: its language pair, name, version and folder."""

    from_code: str
    to_code: str
    name: str
    version: str
    path: Path


def installed_models(models_dir: Path) -> list[ModelInfo]:
    """The translation models installed in ``models_dir``, by language pair.

    Reads each package folder's metadata.json and nothing else. A broken folder is logged and
    skipped, so one damaged model does not hide the others.
    """
    if not models_dir.is_dir():
        return []
    models = []
    for folder in models_dir.iterdir():
        # Hidden folders are installs in progress (see install_model).
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            model = _model_info(json.loads((folder / "metadata.json").read_text(encoding="utf-8")), folder)
        except (OSError, ValueError) as error:
            log.warning("skipping %s: not a usable Argos Translate model (%s)", folder, error)
            continue
        if model is not None:
            models.append(model)
    return sorted(models, key=lambda model: (model.from_code, model.to_code, model.path))


def install_model(models_dir: Path, path: Path) -> ModelInfo:
    """Install the ``.argosmodel`` file at ``path`` into ``models_dir``, offline.

    It replaces any model installed for the same language pair. A missing, damaged or foreign
    file raises TranslationError saying what to do.
    """
    if not path.is_file():
        raise TranslationError(
            f"The model file {path} was not found. Check the path: model files end in .argosmodel "
            f"and can be downloaded from {MODEL_DOWNLOAD_PAGE}."
        )
    if not zipfile.is_zipfile(path):
        raise TranslationError(
            f"{path} is not an Argos Translate model: model files are zip archives and this one is not. "
            f"It may be an unfinished download or a saved web page; download it again from {MODEL_DOWNLOAD_PAGE}."
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(path) as archive:
            folder, model = _package_contents(archive, models_dir)
            # Unpacked beside the models, hidden, and moved into place only when complete, so a
            # translator never loads half a model.
            staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=models_dir))
            try:
                archive.extractall(staging)
                for old in installed_models(models_dir):
                    if (old.from_code, old.to_code) == (model.from_code, model.to_code):
                        shutil.rmtree(old.path)
                if model.path.exists():  # a folder of that name that is not a usable model
                    shutil.rmtree(model.path)
                (staging / folder).rename(model.path)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (ValueError, zipfile.BadZipFile) as error:
        raise TranslationError(
            f"{path} is not a usable Argos Translate model: {error}. It is damaged or not a translation "
            f"model; download it again from {MODEL_DOWNLOAD_PAGE}."
        ) from error
    except OSError as error:
        raise TranslationError(
            f"Could not install {path} into {models_dir}: {error}. Check that the folder is writable and "
            f"the disk has space."
        ) from error
    log.info("installed the %s model %s from %s", model.name, model.version, path)
    return model


def install_from_index(
    models_dir: Path, source: str, target: str, timeout: float = 10.0, *, index_url: str = PACKAGE_INDEX_URL
) -> ModelInfo:
    """Download the ``source``→``target`` model listed in Argos's package index and install it.

    The only function here that needs internet. ``timeout`` bounds every wait on the network
    (finding and connecting to the server, then each read), so without a connection it raises
    TranslationError within about ``timeout`` seconds; a download that keeps receiving data may
    take longer.
    """
    try:
        with _open_url(index_url, timeout, source, target) as response:
            index = json.loads(response.read())
    except OSError as error:
        raise _no_internet(index_url, error, source, target) from error
    except ValueError as error:
        raise TranslationError(
            f"The package index at {index_url} is not valid JSON ({error}). Try again later, or download "
            f"the model from {MODEL_DOWNLOAD_PAGE} and install it from the file."
        ) from error
    package = _pick_package(index, source, target)
    listed = package.get("links")
    links = (
        [link for link in listed if isinstance(link, str) and _is_web_address(link)] if isinstance(listed, list) else []
    )
    if not links:
        raise TranslationError(
            f"The package index lists a {source}→{target} model without a download link. Download it "
            f"from {MODEL_DOWNLOAD_PAGE} and install it from the file."
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(prefix=".download-", suffix=".argosmodel", dir=models_dir) as file:
        failure: TranslationError | None = None
        for link in links:  # mirrors of one file: the first that works is enough
            try:
                with _open_url(link, timeout, source, target) as response:
                    _download(response, file, f"downloading the {source}→{target} model")
                break
            except TranslationError as error:
                failure = error
            except OSError as error:
                failure = _no_internet(link, error, source, target)
            file.seek(0)
            file.truncate()
        else:
            assert failure is not None  # links is not empty
            raise failure
        file.flush()
        return install_model(models_dir, Path(file.name))


def _model_info(metadata: object, path: Path) -> ModelInfo | None:
    """The model a parsed metadata.json describes, installed at ``path``.

    None for packages that do not translate (Argos also publishes sentence-splitting packages);
    ValueError, saying what is wrong, for anything that is not package metadata.
    """
    if not isinstance(metadata, dict):
        raise ValueError("its metadata.json is not a JSON object")
    if metadata.get("type", "translate") != "translate":
        return None
    from_code, to_code = metadata.get("from_code"), metadata.get("to_code")
    if not (isinstance(from_code, str) and from_code and isinstance(to_code, str) and to_code):
        raise ValueError("its metadata.json does not name the languages (from_code and to_code)")
    from_name = metadata.get("from_name") or from_code
    to_name = metadata.get("to_name") or to_code
    version = metadata.get("package_version", "")
    return ModelInfo(from_code, to_code, f"{from_name} → {to_name}", str(version), path)


def _package_contents(archive: zipfile.ZipFile, models_dir: Path) -> tuple[str, ModelInfo]:
    """The package folder at the top of ``archive`` and the model it will be once installed in
    ``models_dir``; ValueError, saying what is wrong, when it is not laid out like an Argos package."""
    names = archive.namelist()
    metadata_names = [name for name in names if name.count("/") == 1 and name.endswith("/metadata.json")]
    if len(metadata_names) != 1:
        raise ValueError(
            "it has no metadata.json in a package folder" if not metadata_names else "it holds several packages"
        )
    folder = metadata_names[0].split("/")[0]
    if folder.startswith(".") or not all(name.startswith(f"{folder}/") for name in names):
        raise ValueError("it holds files outside its package folder")
    try:
        model = _model_info(json.loads(archive.read(metadata_names[0]).decode("utf-8")), models_dir / folder)
    except ValueError as error:  # JSON and UTF-8 errors are ValueErrors too
        raise ValueError(f"its metadata.json is not valid ({error})") from error
    if model is None:
        raise ValueError("it is not a translation package")
    if f"{folder}/model/model.bin" not in names:
        raise ValueError("it has no model/model.bin")
    if f"{folder}/sentencepiece.model" not in names and f"{folder}/bpe.model" not in names:
        raise ValueError("it has no tokenizer (sentencepiece.model or bpe.model)")
    return folder, model


def _download(response: IO[bytes], file: IO[bytes], what: str) -> None:
    """Copy ``response`` into ``file``, showing how much of it has arrived."""
    size = int(getattr(response, "headers", {}).get("Content-Length") or 0)
    done = 0
    with Progress(size // 1000, what, "kB") as progress:
        while chunk := response.read(1 << 16):
            file.write(chunk)
            before, done = done, done + len(chunk)
            progress.advance(done // 1000 - before // 1000)


def _is_web_address(url: str) -> bool:
    """Tell whether ``url`` is http(s): urllib would also open local files and FTP."""
    return urllib.parse.urlsplit(url).scheme in ("http", "https")


def _open_url(url: str, timeout: float, source: str, target: str) -> IO[bytes]:
    """The response for ``url``, or TranslationError when the network does not answer in ``timeout`` s."""
    if not _is_web_address(url):
        raise TranslationError(f"{url} is not a web address; Opastin downloads models only over http(s).")
    answers: queue.SimpleQueue[IO[bytes] | Exception] = queue.SimpleQueue()

    def connect() -> None:
        try:
            answers.put(urllib.request.urlopen(url, timeout=timeout))  # noqa: S310 (http(s) only, checked above)
        except Exception as error:  # handed to the waiting thread, which raises it
            answers.put(error)

    # Name lookups ignore socket timeouts and can hang for minutes on a broken network; waiting
    # for a daemon thread keeps the timeout's promise.
    threading.Thread(target=connect, name="opastin-model-download", daemon=True).start()
    try:
        answer = answers.get(timeout=timeout)
    except queue.Empty:
        answer = TimeoutError(f"no answer in {timeout:g} seconds")
    if isinstance(answer, urllib.error.HTTPError):
        raise TranslationError(
            f"{urllib.parse.urlsplit(url).hostname} answered {answer.code} {answer.reason} for {url}. The "
            f"model may have moved: download it from {MODEL_DOWNLOAD_PAGE} and install it from the file."
        ) from answer
    if isinstance(answer, Exception):
        raise _no_internet(url, answer, source, target) from answer
    return answer


def _no_internet(url: str, error: Exception, source: str, target: str) -> TranslationError:
    """The error for a server that could not be reached, with the way to install without internet."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return TranslationError(
        f"Downloading the {source}→{target} translation model needs internet, and "
        f"{urllib.parse.urlsplit(url).hostname or url} could not be reached ({reason}). Connect to the "
        f"internet and try again, or install from a file: on a computer with internet, download the "
        f"{source}→{target} .argosmodel file from {MODEL_DOWNLOAD_PAGE}, copy it to this machine and "
        f"install it with: opastin models install FILE.argosmodel"
    )


def _pick_package(index: object, source: str, target: str) -> dict[str, object]:
    """The newest ``source``→``target`` translation package in Argos's index."""
    if not isinstance(index, list):
        raise TranslationError(
            f"The package index is not a list of packages. Download the {source}→{target} model from "
            f"{MODEL_DOWNLOAD_PAGE} and install it from the file."
        )
    packages = [
        package
        for package in index
        if isinstance(package, dict)
        and package.get("type", "translate") == "translate"
        and (package.get("from_code"), package.get("to_code")) == (source, target)
    ]
    if not packages:
        through_english = (
            f" Opastin translates through English: install {source}→{PIVOT_LANGUAGE} and "
            f"{PIVOT_LANGUAGE}→{target} instead."
            if PIVOT_LANGUAGE not in (source, target)
            else ""
        )
        raise TranslationError(f"Argos Translate publishes no {source}→{target} model.{through_english}")
    return max(packages, key=lambda package: _version_key(package.get("package_version")))


def _version_key(version: object) -> tuple[int, ...]:
    """``"1.10"`` as ``(1, 10)``, so that it sorts after ``"1.9"``."""
    return tuple(int(part) for part in re.findall(r"\d+", str(version)))
