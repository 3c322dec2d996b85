"""The languages Opastin supports, by ISO code, in the order the service lists them."""

from __future__ import annotations

from typing import Final

#: InfoFinland's 13, the society-orientation languages of seed 001, and Kurdish (Sorani).
SUPPORTED: Final[tuple[str, ...]] = (
    "fi", "sv", "en", "ru", "et", "fr", "so", "es", "tr",
    "zh", "fa", "ar", "uk", "vi", "th", "sw", "rw", "ckb",
)  # fmt: skip
#: The language of the knowledge sources.
SOURCE_LANGUAGE: Final = "fi"
#: The language answers fall back to when the user's language has no text yet.
FALLBACK_LANGUAGE: Final = "en"
RIGHT_TO_LEFT: Final[frozenset[str]] = frozenset({"ar", "fa", "ckb"})
