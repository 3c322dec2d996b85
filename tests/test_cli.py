"""`opastin ask` as editors and staff use it, through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

OPASTIN = Path(sys.executable).parent / "opastin"

BAD_LINES = [
    "",
    "x" * 10_000,
    "\x01\x02\x1b[2J\x7f",
    "🙂🙂🙂🙂",
    "<b>Kajaani Info</b> & <i>aukioloajat</i>",
    "**Missä** _Kajaani Info_ on?",
    "Привет مرحبا hello 你好",
]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(OPASTIN), *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def test_ask_prints_the_answer() -> None:
    result = run("ask", "Kuka on maahanmuuttokoordinaattori Kuusamossa?")
    assert result.returncode == 0, result.stderr
    assert "raisa.kuusisto@kuusamo.fi" in result.stdout


def test_jsonl_writes_one_object_per_question_in_order() -> None:
    questions = [
        "Where is Kajaani Info?",
        "Kuka tekee kotoutumissuunnitelman Sotkamossa?",
        "Who won the football match yesterday?",
    ]
    result = run("ask", "--jsonl", stdin="\n".join(questions) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["topic"] for r in records] == ["service_point", "integration_plan_sotkamo", None]
    assert [r["fallback"] for r in records] == [False, False, True]
    assert set(records[0]) >= {
        "answer",
        "language",
        "topic",
        "intent",
        "confidence",
        "fallback",
        "sources",
        "translation",
    }
    assert records[1]["language"] == "fi"
    assert all(0 <= r["confidence"] <= 1 for r in records)


def test_each_jsonl_line_is_a_new_conversation() -> None:
    result = run("ask", "--jsonl", stdin="I live in Sotkamo\nWho makes my integration plan?\n")
    second = json.loads(result.stdout.splitlines()[1])
    assert second["topic"] == "integration_plan"


def test_jsonl_survives_bad_input_with_one_line_each() -> None:
    result = run("ask", "--jsonl", stdin="\n".join(BAD_LINES) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(BAD_LINES)
    assert all(r["answer"].strip() for r in records)


def test_invalid_utf8_on_stdin_is_replaced_not_fatal() -> None:
    result = subprocess.run(
        [str(OPASTIN), "ask", "--jsonl"], input=b"\xff\xfe Kajaani Info?\n", capture_output=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0
    assert len(result.stdout.decode().splitlines()) == 1


def test_language_and_municipality_options_replace_detection() -> None:
    result = run(
        "ask", "--jsonl", "--language", "en", "--municipality", "Kuusamossa", stdin="Kuka tekee suunnitelman?\n"
    )
    record = json.loads(result.stdout)
    assert (record["language"], record["municipality"]) == ("en", "Kuusamo")


def test_an_unknown_language_is_a_clear_error() -> None:
    result = run("ask", "--language", "xx", "hello")
    assert result.returncode == 1
    assert result.stderr.startswith("opastin: Unknown language 'xx'. Use one of: fi sv en")


def test_an_unknown_municipality_is_a_clear_error() -> None:
    result = run("ask", "--municipality", "Oulu", "hello")
    assert result.returncode == 1
    assert "Unknown municipality 'Oulu'. Use one of: Hyrynsalmi, Kajaani" in result.stderr


def test_ask_without_a_question_says_how_to_ask() -> None:
    result = run("ask")
    assert result.returncode == 1
    assert "Give a question" in result.stderr


def test_run_without_a_token_is_a_terminal_chat() -> None:
    env_token = os.environ.pop("OPASTIN_TELEGRAM_TOKEN", None)
    try:
        result = run("run", stdin="Hei!\n1\n/quit\n")
    finally:
        if env_token is not None:
            os.environ["OPASTIN_TELEGRAM_TOKEN"] = env_token
    assert result.returncode == 0, result.stderr
    assert "Opastin" in result.stdout
    assert "[1]" in result.stdout
