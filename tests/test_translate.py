"""Machine translation: facts survive it, models install offline, and nothing downloads.

The Argos tests run argostranslate for real (loading, sentence splitting, SentencePiece,
CTranslate2 beam search) on tiny hand-weighted models from ``tests.tiny_argos``, so the expected
output is known exactly. Every test runs with the network blocked beyond this machine.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import json
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.errors import TranslationError
from bot.mt.argos import ArgosTranslator, placeholder, protect, restore
from bot.mt.models import MODEL_DOWNLOAD_PAGE, ModelInfo, install_from_index, install_model, installed_models
from tests.conftest import ROOT
from tests.tiny_argos import build_copy_model

NAMES = ("Kaukametsä", "Kajaani Info")
#: One of each kind of fact, in a text like the knowledge base's.
ANNOUNCEMENT = (
    "Tervetuloa Kajaaniin! Tapahtuma on 23.4. klo 17–19 Kaukametsässä ja seuraava 23.5.2026. "
    "Kysy Kajaani Infosta: info@kajaani.fi, https://www.kajaani.fi/maahanmuutto tai 040 123 4567. "
    "Telegramissa @opastin_bot."
)


def _is_this_machine(host: object) -> bool:
    """Tell whether ``host`` (a name, an address or a socket path) stays on this machine."""
    if not isinstance(host, str) or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every connection and name lookup beyond this machine fail at once and loudly, so a
    download attempt anywhere (ours, argostranslate's, spaCy's) breaks the test that made it."""
    connect = socket.socket.connect
    getaddrinfo = socket.getaddrinfo

    def local_connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_this_machine(host):
            raise OSError(f"test blocked a connection to {address!r}")
        connect(self, address)

    def local_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_this_machine(host):
            raise socket.gaierror(socket.EAI_NONAME, f"test blocked looking up {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", local_connect)
    monkeypatch.setattr(socket, "getaddrinfo", local_getaddrinfo)


@pytest.fixture(scope="session")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny model files by name: copy models fi→en and en→sv, and an uppercasing en→sv."""
    return {
        "fi-en": build_copy_model(tmp_path_factory.mktemp("fi-en"), "fi", "en"),
        "en-sv": build_copy_model(tmp_path_factory.mktemp("en-sv"), "en", "sv"),
        "en-sv-uppercase": build_copy_model(tmp_path_factory.mktemp("en-sv-uppercase"), "en", "sv", uppercase=True),
    }


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


# protect and restore


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "Kirjoita osoitteeseen info@kajaani.fi tai anna.virtanen@kajaani.fi.",
            ["info@kajaani.fi", "anna.virtanen@kajaani.fi"],
        ),
        (
            "Lue lisää: https://www.kajaani.fi/fi/maahanmuutto?kieli=en.",
            ["https://www.kajaani.fi/fi/maahanmuutto?kieli=en"],
        ),
        ("Soita 040 123 4567 tai +358 8 6155 2555.", ["040 123 4567", "+358 8 6155 2555"]),
        ("Tapahtuma on 23.4. ja seuraava 23.5.2026.", ["23.4.", "23.5.2026"]),
        ("Avoinna klo 17–19 ja la 9-12.", ["17–19", "9-12"]),
        ("Kaukametsä ja Kajaani Info auttavat.", ["Kaukametsä", "Kajaani Info"]),
        ("Tiedosto hakemus_2026.pdf ja _korostus_ jäävät ennalleen.", []),
    ],
)
def test_protect_replaces_facts_and_restore_puts_them_back(text: str, facts: list[str]) -> None:
    protected = protect(text, NAMES)
    assert list(protected.facts) == facts
    for number, fact in enumerate(facts):
        assert fact not in protected.text
        assert placeholder(number) in protected.text
    assert restore(protected.text, protected) == text


def test_restore_refuses_a_translation_that_lost_a_fact() -> None:
    protected = protect("Soita 040 123 4567 klo 9-12.")
    mangled = protected.text.replace(placeholder(1), "yhdeksästä kahteentoista")
    with pytest.raises(TranslationError, match="9-12"):
        restore(mangled, protected)


# Installing models


def test_an_installed_model_is_listed(models_dir: Path, model_files: dict[str, Path]) -> None:
    installed = install_model(models_dir, model_files["fi-en"])
    assert installed == ModelInfo("fi", "en", "Finnish → English", "1.0", models_dir / "translate-fi_en-tiny")
    assert installed_models(models_dir) == [installed]
    assert not [path for path in models_dir.iterdir() if path.name.startswith(".")]  # no staging left


def test_installing_a_pair_again_replaces_its_model(
    models_dir: Path, model_files: dict[str, Path], argos_cache: Path
) -> None:
    translator = ArgosTranslator(models_dir)
    install_model(models_dir, model_files["en-sv"])
    assert translator.translate("Welcome to Kajaani.", "en", "sv") == "Welcome to Kajaani."
    install_model(models_dir, model_files["en-sv-uppercase"])
    assert [model.version for model in installed_models(models_dir)] == ["1.0-uppercase"]
    assert translator.translate("Welcome to Kajaani.", "en", "sv") == "WELCOME TO KAJAANI."


def test_a_missing_model_file_says_to_check_the_path(models_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(TranslationError, match=r"was not found\. Check the path"):
        install_model(models_dir, tmp_path / "translate-fi_en.argosmodel")


def test_a_model_file_that_is_not_a_zip_says_to_download_again(models_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "translate-fi_en.argosmodel"
    page.write_text("<html>404 Not Found</html>", encoding="utf-8")
    with pytest.raises(TranslationError, match="zip archives") as raised:
        install_model(models_dir, page)
    assert "download it again" in str(raised.value)
    assert MODEL_DOWNLOAD_PAGE in str(raised.value)
    assert installed_models(models_dir) == []


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"translate-fi_en/model/model.bin": b"weights"}, "no metadata.json"),
        ({"translate-fi_en/metadata.json": b"{not json", "translate-fi_en/model/model.bin": b""}, "not valid"),
        ({"translate-fi_en/metadata.json": b'{"from_code": "fi"}', "translate-fi_en/model/model.bin": b""}, "to_code"),
        ({"translate-fi_en/metadata.json": b'{"from_code": "fi", "to_code": "en"}'}, "no model/model.bin"),
    ],
)
def test_a_zip_that_is_no_model_says_what_is_missing(
    models_dir: Path, tmp_path: Path, files: dict[str, bytes], problem: str
) -> None:
    broken = tmp_path / "broken.argosmodel"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    with pytest.raises(TranslationError, match=problem) as raised:
        install_model(models_dir, broken)
    assert "download it again" in str(raised.value)
    assert installed_models(models_dir) == []
    assert list(models_dir.iterdir()) == []


# Translating through argostranslate


def test_translation_keeps_every_fact_and_does_not_cut_after_a_date(
    models_dir: Path, model_files: dict[str, Path], argos_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_model(models_dir, model_files["fi-en"])
    translator = ArgosTranslator(models_dir, NAMES)
    assert translator.can_translate("fi", "en")
    import argostranslate.sbd  # type: ignore[import-untyped]  # not before argos_cache ran

    splitters: list[Any] = []
    sentences: list[str] = []
    split_sentences = argostranslate.sbd.SpacySentencizerSmall.split_sentences

    def recording_split(self: Any, text: str) -> list[str]:
        splitters.append(self)
        split: list[str] = split_sentences(self, text)
        sentences.extend(split)
        return split

    monkeypatch.setattr(argostranslate.sbd.SpacySentencizerSmall, "split_sentences", recording_split)

    assert translator.translate(ANNOUNCEMENT, "fi", "en") == ANNOUNCEMENT
    # The model saw the date as a placeholder, so the splitter kept "23.4. klo 17–19" together...
    assert "Tapahtuma on ZQX0XQZ klo ZQX1XQZ ZQX2XQZssä ja seuraava ZQX3XQZ." in sentences
    # ...where the same splitter cuts the unprotected text after "23.4.".
    assert "Tapahtuma on 23.4." in split_sentences(splitters[0], ANNOUNCEMENT)
    # The splitter is the blank pipeline the translator saved: nothing was downloaded.
    import spacy

    assert spacy.load(argos_cache / "argos-translate" / "spacy").disabled == ["senter"]


def test_pairs_without_a_model_go_through_english(
    models_dir: Path, model_files: dict[str, Path], argos_cache: Path
) -> None:
    install_model(models_dir, model_files["fi-en"])
    install_model(models_dir, model_files["en-sv-uppercase"])
    translator = ArgosTranslator(models_dir, NAMES)
    assert translator.can_translate("fi", "sv")
    assert not translator.can_translate("sv", "fi")
    # Only the en→sv model capitalizes, so capitals show the text went through it; the facts,
    # protected, keep their case.
    assert translator.translate("Tervetuloa Kaukametsään 23.4. klo 17–19!", "fi", "sv") == (
        "TERVETULOA KaukametsäÄN 23.4. KLO 17–19!"
    )


def test_translating_without_a_model_is_a_translation_error(models_dir: Path) -> None:
    translator = ArgosTranslator(models_dir)
    assert not translator.can_translate("fi", "en")
    with pytest.raises(TranslationError, match="opastin models install"):
        translator.translate("Hei", "fi", "en")


def test_startup_and_model_management_do_not_import_argostranslate(
    models_dir: Path, model_files: dict[str, Path]
) -> None:
    # In a fresh process, since this one may have imported argostranslate already.
    script = f"""
import sys
from pathlib import Path
from bot.errors import TranslationError
from bot.mt.argos import ArgosTranslator
from bot.mt.models import install_from_index, install_model, installed_models
models = Path({str(models_dir)!r})
install_model(models, Path({str(model_files["fi-en"])!r}))
assert installed_models(models)
translator = ArgosTranslator(models)
assert translator.can_translate("fi", "en")
try:
    install_from_index(models, "fi", "sv", timeout=2, index_url="http://127.0.0.1:9/index.json")
except TranslationError:
    pass
print(sorted(name for name in sys.modules if name.startswith(("argostranslate", "spacy", "torch"))))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# Downloading models


def test_downloading_without_internet_says_how_to_install_from_a_file(models_dir: Path) -> None:
    with pytest.raises(TranslationError, match="needs internet") as raised:
        install_from_index(models_dir, "fi", "en", timeout=2.0)
    assert "install it with: opastin models install FILE.argosmodel" in str(raised.value)
    assert MODEL_DOWNLOAD_PAGE in str(raised.value)
    assert installed_models(models_dir) == []


def test_a_server_that_never_answers_times_out(models_dir: Path) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        index_url = f"http://127.0.0.1:{silent.getsockname()[1]}/index.json"
        with pytest.raises(TranslationError, match="could not be reached"):
            install_from_index(models_dir, "fi", "en", timeout=0.5, index_url=index_url)


@pytest.fixture
def package_server(tmp_path: Path, model_files: dict[str, Path]) -> Iterator[str]:
    """A web server on this machine serving an Argos-style index and the fi→en model file."""
    served = tmp_path / "served"
    served.mkdir()
    (served / "fi_en.argosmodel").write_bytes(model_files["fi-en"].read_bytes())
    handler = functools.partial(_QuietHandler, directory=str(served))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        index = [
            {"type": "sbd", "from_code": "fi", "to_code": "en", "package_version": "9.0", "links": [f"{base}/sbd"]},
            {"from_code": "fi", "to_code": "en", "package_version": "1.9", "links": [f"{base}/missing.argosmodel"]},
            {"from_code": "fi", "to_code": "en", "package_version": "1.10", "links": [f"{base}/fi_en.argosmodel"]},
        ]
        (served / "index.json").write_text(json.dumps(index), encoding="utf-8")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"{base}/index.json"
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


def test_the_newest_model_in_the_index_is_downloaded_and_installed(models_dir: Path, package_server: str) -> None:
    installed = install_from_index(models_dir, "fi", "en", timeout=5.0, index_url=package_server)
    assert (installed.from_code, installed.to_code) == ("fi", "en")
    assert installed_models(models_dir) == [installed]
    assert not [path for path in models_dir.iterdir() if path.name.startswith(".")]  # download removed


def test_a_pair_argos_does_not_publish_suggests_english(models_dir: Path, package_server: str) -> None:
    with pytest.raises(TranslationError, match="install fi→en and en→sv instead"):
        install_from_index(models_dir, "fi", "sv", timeout=5.0, index_url=package_server)
