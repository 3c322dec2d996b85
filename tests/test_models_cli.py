"""`opastin models` and a machine-translated answer, as a newcomer installs a model file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.tiny_argos import build_copy_model
from tests.voice import spoken, tiny_en

OPASTIN = Path(sys.executable).parent / "opastin"


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPASTIN_DATA_DIR": str(data_dir), "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", "")}
    env = {k: v for k, v in env.items() if v}
    return subprocess.run(
        [str(OPASTIN), *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def test_list_install_and_a_machine_translated_answer(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = run(data, "models", "list")
    assert "No translation models" in empty.stdout
    model = build_copy_model(tmp_path, "en", "de", uppercase=True)
    installed = run(data, "models", "install", str(model))
    assert installed.returncode == 0, installed.stderr
    assert "Installed en -> de" in installed.stdout
    assert "en -> de" in run(data, "models", "list").stdout
    answer = run(data, "ask", "--jsonl", stdin="Wo ist Kajaani Info und wann ist es geöffnet?\n")
    record = json.loads(answer.stdout)
    assert (record["language"], record["translation"], record["topic"]) == ("de", "machine", "service_point")
    assert "KAJAANI" in record["answer"] or "CITY HALL" in record["answer"]
    assert "http://www.kajaani.fi/fi/palvelut/kajaani-info" in record["answer"], "protected facts stay as written"


def test_installing_a_broken_file_says_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / "broken.argosmodel"
    broken.write_text("not a zip", encoding="utf-8")
    result = run(tmp_path / "data", "models", "install", str(broken))
    assert result.returncode == 1
    assert result.stderr.startswith("opastin: ")
    assert "Traceback" not in result.stderr


def test_from_index_without_internet_fails_clearly(tmp_path: Path) -> None:
    env_block = {"OPASTIN_TEST_NO_NETWORK": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import socket, sys\n"
            "def refuse(*a, **k): raise OSError('network is blocked in this test')\n"
            "socket.socket.connect = refuse\nsocket.getaddrinfo = refuse\n"
            "from bot.cli import main\nsys.exit(main(['models', 'install', '--from-index', 'fi', 'en']))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, **env_block, "OPASTIN_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 1
    assert "needs internet" in result.stderr


def test_install_speech_list_and_ask_aloud(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert "No speech model" in run(data, "models", "list").stdout
    installed = run(data, "models", "install-speech", str(tiny_en().path), "--name", "tiny.en")
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.startswith("Installed the speech model tiny.en (English only, 74 MB)")
    assert "speech: tiny.en  English only  74 MB" in run(data, "models", "list").stdout
    question = tmp_path / "question.ogg"
    question.write_bytes(spoken("Where is the Kajaani Info service point?"))
    answer = run(data, "ask", "--audio", str(question))
    assert answer.returncode == 0, answer.stderr
    heard, _, text = answer.stdout.partition("\n\n")
    assert heard.startswith('I heard: "')
    assert "Kajaani Info" in heard
    assert "http://www.kajaani.fi/fi/palvelut/kajaani-info" in text


def test_install_speech_says_what_is_wrong(tmp_path: Path) -> None:
    half = tmp_path / "half-copied"
    half.mkdir()
    (half / "config.json").write_text("{}", encoding="utf-8")
    result = run(tmp_path / "data", "models", "install-speech", str(half))
    assert result.returncode == 1
    assert "lacks model.bin, tokenizer.json" in result.stderr
    unknown = run(tmp_path / "data", "models", "install-speech", "enormous")
    assert "neither a model folder nor a model name" in unknown.stderr
    assert "Traceback" not in result.stderr + unknown.stderr
    assert "No speech model" in run(tmp_path / "data", "models", "list").stdout


def test_install_speech_by_name_without_internet_fails_clearly(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OPASTIN_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [str(OPASTIN), "models", "install-speech", "small"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "Could not download the speech model small" in result.stderr
    assert "opastin models install-speech PATH" in result.stderr
    assert not list((tmp_path / "data" / "speech").iterdir()), "nothing half-downloaded is left"
