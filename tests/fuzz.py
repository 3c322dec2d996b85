"""Broken and hostile text for fuzzing the core and the store (also used by benchmarks/fuzz_core.py)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

#: Ordinary questions the odd pieces are mixed into.
QUESTIONS = (
    "Missä on Kajaani Info?",
    "Where can I learn Finnish in Kuhmo?",
    "أين يمكنني تعلم اللغة الفنلندية؟",
    "Как связаться с советом иммигрантов?",
    "我在哪里可以学习芬兰语？",
    "ฉันจะเรียนภาษาฟินแลนด์ได้ที่ไหน",
    "من کجا می‌توانم فنلاندی یاد بگیرم؟",
    "Nimeni on Sanna, puh. 040 123 4567",
)


def _lone_surrogate(rng: random.Random) -> str:
    return chr(rng.randint(0xD800, 0xDFFF))


def _control(rng: random.Random) -> str:
    return chr(rng.choice([*range(0x00, 0x20), *range(0x7F, 0xA0)]))


def _bidi(rng: random.Random) -> str:
    return chr(rng.choice([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]))


def _marks(rng: random.Random) -> str:
    return "a" + "".join(chr(rng.randint(0x0300, 0x036F)) for _ in range(rng.randint(5, 400)))


def _any_code_point(rng: random.Random) -> str:
    return chr(rng.choice((rng.randint(0, 0xFFFF), rng.randint(0x10000, 0x10FFFF))))


def _emoji(rng: random.Random) -> str:
    return rng.choice(("😀", "👍🏽", "👨‍👩‍👧", "🇫🇮", "\ud83d", "\ude00", "❤️", "🏳️‍🌈"))


def _long(rng: random.Random) -> str:
    return rng.choice(("a", "Kajaani ", "ب", "👍", "\u0301", "0", " ", "\n")) * rng.randint(10_000, 100_000)


def _markup(rng: random.Random) -> str:
    return rng.choice(("<b>", "&amp;", "</i>", "*_`[", "{municipality}", "%s", "\\ud83d", "${x}", "'; DROP TABLE"))


_PIECES: tuple[Callable[[random.Random], str], ...] = (
    lambda rng: rng.choice(QUESTIONS),
    _lone_surrogate,
    _control,
    _bidi,
    _marks,
    _any_code_point,
    _emoji,
    _markup,
    lambda rng: rng.choice((" ", "\t", "\n", "\u3000", "\u00a0", "\u2028")),
    lambda rng: str(rng.randint(0, 10 ** rng.randint(1, 30))),
)


def fuzz_inputs(count: int, seed: int = 12) -> Iterator[str]:
    """``count`` messages, the same for the same seed: ordinary questions broken in odd ways."""
    rng = random.Random(seed)
    for number in range(count):
        if number % 500 == 499:
            yield _long(rng)
            continue
        yield "".join(rng.choice(_PIECES)(rng) for _ in range(rng.randint(1, 8)))
