"""Which municipality's entry a question naming no municipality asks about, by meaning.

When a question names no municipality and the user has not said where they live, the bot
answers an intent's region-wide entry and asks where they live. But some questions ask about
something only one municipality's entry holds ("is there a women's group where I can meet other
mothers?": Kajaani's MamaTree): those get that entry, said to be for that municipality. Only for
the intents whose region-wide entry editors mark as an overview (region.yml: ``overviews``; the
associations' entry only says which municipalities have them): elsewhere the region-wide entry
answers general questions well, and choosing by meaning lost 21 of 105 held-out questions.

Each entry of the intent is read sentence by sentence (its English text: e5 matches questions in
every language with it better than with the Finnish, which made the choice worse; titles left
out: they name the topic, not what the entry holds), as e5 passages; the question's
sentence vector (the one the intent ranking computed) is compared with each sentence, both taken
relative to the mean of all the intent's sentences, so that what every entry of the topic shares
counts for nothing. A municipality's entry counts only its own sentences: one that another entry
says too (``SHARED``) is what they share, not what only it holds. An entry scores its closest
sentence, and a municipality's entry is chosen only when it beats every other entry, the
region-wide one included, by ``MARGIN``.

The sentences of an intent are embedded the first time a question needs them (the associations'
21 English sentences: about a second on a busy machine, once) and cached on disk beside the
examples' vectors: training is not slower, and a reply embeds at most the question, only when
the intent ranking skipped its embedding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy

from ..languages import FALLBACK_LANGUAGE
from ..project.knowledge import Entry, Knowledge
from .sentences import sentences as split_sentences
from .vectors import Embedder

#: How much closer (cosine, centred) a municipality's entry must be than every other entry of the
#: intent. Calibrated on the held-out questions and the dev halves of both independent sets
#: (3.12.2026) for volunteer_activities: 0.065 chose 8 entries, 5 more right in set 2 and 2
#: held-out ones lost (asked just as set 2's: "a women's meeting place run by volunteers?",
#: which the held-out set wants answered region-wide); 0.08: 3 more right, 1 lost; 0.1: 3, none.
MARGIN = 0.065
#: A sentence of a municipality's entry this close (cosine) to one of another entry of the intent
#: says what they share ("literacy training is organised by the adult education centre"): it
#: does not count for that municipality. From 0.88 to 0.92 the choices are the same (0.86: 2 more
#: held-out questions lost; without it, 1 more lost and 3 fewer right in set 2).
SHARED = 0.88


class Chooser(Protocol):
    """Chooses the municipality whose entry of an intent a question asks about, if one is clear."""

    def choose(self, intent: str, text: str) -> str | None:
        """The municipality whose entry of ``intent`` ``text`` asks about, else None."""
        ...


def sentences(entry: Entry) -> list[str]:
    """The sentences of ``entry``'s English text (split as a message is), without list bullets."""
    found = (part.lstrip("-•").strip() for part in split_sentences(entry.text[FALLBACK_LANGUAGE]))
    return [sentence for sentence in found if sentence]


def closest(query: Any, vectors: Mapping[str, Any], mean: Any, margin: float = MARGIN) -> str | None:
    """The key of ``vectors`` (an entry's sentence vectors, one row each) holding a sentence
    clearly closest to ``query``: by ``margin`` closer than every other entry's closest, all
    taken relative to ``mean`` (of every sentence). None when no entry is that much closer."""
    if len(vectors) < 2:
        return None
    centred = _unit(query - mean)
    scores = sorted(((float((_unit(rows - mean) @ centred).max()), key) for key, rows in vectors.items()), reverse=True)
    (best, key), (second, _) = scores[0], scores[1]
    return key if best - second >= margin else None


def distinctive(vectors: Mapping[str, Any], regional: str | None, shared: float = SHARED) -> dict[str, Any]:
    """``vectors`` with each entry's sentences that another entry (nearly) says too left out, but
    the ``regional`` entry's (what the region-wide answer says competes in full); an entry with
    nothing of its own left is left out."""
    kept = {}
    for key, rows in vectors.items():
        others = [other for name, other in vectors.items() if name != key]
        if key != regional and others:
            rows = rows[(rows @ numpy.vstack(others).T).max(axis=1) < shared]
        if len(rows):
            kept[key] = rows
    return kept


def _unit(vectors: Any) -> Any:
    norms = numpy.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / numpy.maximum(norms, 1e-12)


class EntryChooser:
    """``closest`` over the e5 vectors of the question and of the intent's entries' sentences."""

    def __init__(
        self, knowledge: Knowledge, embedder: Embedder, prepare: Callable[[str], str], margin: float = MARGIN
    ) -> None:
        self.knowledge = knowledge
        self.embedder = embedder
        self.prepare = prepare  # the text the intent ranking embedded: the same vector, computed once
        self.margin = margin
        self._vectors: dict[str, tuple[dict[str, Any], Any]] = {}

    def choose(self, intent: str, text: str) -> str | None:
        """The municipality whose entry of ``intent`` ``text`` clearly asks about, else None."""
        entries = {entry.id: entry for entry in self.knowledge.entries_for(intent)}
        if len(entries) < 2 or not any(entry.municipality for entry in entries.values()):
            return None
        vectors, mean = self.vectors(intent)
        chosen = closest(self.embedder.embed(self.prepare(text)), vectors, mean, self.margin)
        return entries[chosen].municipality if chosen else None

    def vectors(self, intent: str) -> tuple[dict[str, Any], Any]:
        """The distinctive sentence vectors of each entry of ``intent``, by entry id, and the mean
        of all its sentences: embedded once."""
        if intent not in self._vectors:
            split = {entry.id: sentences(entry) for entry in self.knowledge.entries_for(intent)}
            split = {entry_id: found for entry_id, found in split.items() if found}
            rows = self.embedder.embed_passages([sentence for found in split.values() for sentence in found])
            vectors, start = {}, 0
            for entry_id, found in split.items():
                vectors[entry_id], start = rows[start : start + len(found)], start + len(found)
            regional = next((entry.id for entry in self.knowledge.entries_for(intent) if not entry.municipality), None)
            mean = rows.mean(axis=0) if len(rows) else numpy.zeros(rows.shape[1])
            self._vectors[intent] = (distinctive(vectors, regional), mean)
        return self._vectors[intent]
