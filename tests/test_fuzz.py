"""The core is total: broken text never crashes it or the store (fixed seed, tests/fuzz.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cleantext import MAX_INPUT, clean
from bot.core import Core, State
from bot.store import Store
from tests.fuzz import fuzz_inputs


@pytest.mark.parametrize(
    "text",
    [
        "\ud83d",
        "Missä on Kajaani Info?\ud83d",
        "\x00",
        "a" + "\u0301" * 5000,
        "x" * 100_000,
        "\u202eofni inaajak",
        "\ude00\ud83d",
    ],
)
def test_broken_text_gets_a_reply_and_is_stored(core: Core, tmp_path: Path, text: str) -> None:
    reply = core.reply(State(), text)
    assert reply.text.encode("utf-8")
    store = Store.in_dir(tmp_path)
    store.record_question("user", clean(text), reply)
    assert len(store.questions()) == 1


def test_clean_joins_surrogate_pairs_drops_lone_ones_and_caps_work() -> None:
    assert clean("\ud83d\ude00 ok \ud83d") == "😀 ok"
    assert clean("a" + "\u0301" * 500) == "á" + "\u0301" * 3  # composed first, then capped
    assert clean("tie\u0302\u0301ng") == "tiếng"  # Vietnamese keeps its two marks, composed
    assert len(clean("x" * 100_000)) == MAX_INPUT


def test_two_thousand_fuzzed_inputs_never_crash(core: Core, tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    for text in fuzz_inputs(2000):
        reply = core.reply(State(), text)
        assert reply.text
        assert reply.text.encode("utf-8")
        store.record_question("fuzz", clean(text), reply)
    assert len(store.questions()) == 2000
