"""Finding the municipality a message names, in any script, spelling or case ending.

knowledge/municipalities.yml lists each municipality's name and the forms editors have seen.
People write many more: "Souomussalmi", colloquial "sotkamos" and "puolangal", Ukrainian
"Рістиярві" where the list has "Рістіярві", Arabic without the long vowels. So every word of
the message and every listed form are transliterated to Latin letters (anyascii), folded to a
key that ignores what transliterations disagree on (j/y/i, w/v, c/k, kh/h, doubled letters),
and compared by edit distance. A word matches a form when its beginning is within one edit of
the form's key (two for keys of nine letters or more), so Finnish case endings after the stem
("Kajaanissa", "Puolangalla") need no list. Scripts written without spaces (Thai, Chinese)
are searched for the closest stretch instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import combinations

from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

_NO_SPACES = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_SPACED = re.compile(r"[a-zA-Z\u00c0-\u024f\u0400-\u04ff]")
#: Arabic-script keys lack the vowels the script leaves out; Sorani's and Persian's vowel letters
#: differ (ۆ, و, ە): they are folded further.
_ARABIC_FOLDS = str.maketrans({"a": None, "e": None, "o": "v", "u": "v"})
_FOLDS = (("kh", "h"), ("j", "i"), ("y", "i"), ("w", "v"), ("c", "k"), ("q", "k"), ("z", "s"), ("o", "u"))
_DOUBLED = re.compile(r"(.)\1+")
#: A vowel between two consonants: speakers of Somali, Swahili or Japanese often add one where
#: Finnish has a cluster ("Kuhumo", "Sotokamo"), so a word may also match without them.
_LINKING_VOWEL = re.compile(r"(?<=[^aeiu])[aeiu](?=[^aeiu])")
#: Keys shorter than this must match exactly (as the word's beginning); longer ones may be one
#: edit off, and those of ``TWO_EDITS`` letters or more two: short keys are near ordinary words.
ONE_EDIT = 7
TWO_EDITS = 9
#: Keys shorter than this match only a whole word, not its beginning.
MIN_PREFIX = 5
#: At most this many letters may follow a stem: Finnish endings, -kin, -han ("Kajaanissakin").
MAX_ENDING = 7
#: Letters that may stand glued before a name in scripts other than Latin and Cyrillic (Arabic
#: "ب"/"في"/"ل", Amharic "በ"): that many letters of the key may be skipped at the start.
MAX_PREFIX = 2
#: Keys of at least this many letters are looked for inside the pinyin of a Chinese run.
MIN_HAN = 5
#: How close a stretch of Thai or Chinese must be to a name (rapidfuzz's 0..100 score).
MIN_SCORE = 85.0


#: How many texts' names ``Places.find`` remembers (the least recently asked are forgotten first).
RECENT_TEXTS = 256


def normalize(text: str) -> str:
    """Fold case and Unicode forms so that matching ignores how a name was typed."""
    return unicodedata.normalize("NFC", text).casefold()


def key(text: str, doubles: bool = False) -> str:
    """``text`` in Latin letters, folded so that different transliterations of a name meet
    (doubled letters too, unless ``doubles``)."""
    folded = "".join(char for char in anyascii(normalize(text)).lower() if "a" <= char <= "z")
    for old, new in _FOLDS:
        folded = folded.replace(old, new)
    return folded if doubles else _DOUBLED.sub(r"\1", folded)


def stem(name: str, aliases: Iterable[str]) -> str:
    """The part of the name its Finnish case forms share: "Puolan" of Puolanka and Puolangalla."""
    shared = name
    for form in (alias for alias in aliases if alias.startswith(name[:-2])):
        while not form.startswith(shared):
            shared = shared[:-1]
    return shared


#: The keys of the letters glued before a name in Arabic script: ب, ل (and ال), و, ف, ك.
_ARABIC_CLITICS = frozenset("blvfk")
#: Words people glue before a name though they are written apart: Persian "در" ("درکایانی").
_ARABIC_GLUED = frozenset({"dr"})
#: ʿayn, which anyascii writes as a backtick (dropped by ``key``), is a consonant: kept as "x"
#: ("الأسبوع", "the week", is not "إسبو", Espoo).
_AYN = str.maketrans({"\u0639": "x"})


def _arabic_key(text: str) -> str:
    return _DOUBLED.sub(r"\1", key(text.translate(_AYN)).translate(_ARABIC_FOLDS))


#: Zero-width (non-)joiners stand inside a word: Persian types "ریستی\u200cیاروی" for Ristijärvi.
_JOINERS = frozenset("\u200c\u200d")


def words(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each word: letters and the marks written with them (Thai vowels and
    Arabic harakat are not ``\\w``), broken where the script changes ("بـSuomussalmi")."""
    spans, start, current = [], 0, ""
    for index, char in enumerate(text + " "):
        if char in _JOINERS and current:
            continue
        script = _letter_script(char)
        if script != current:
            if current:
                spans.append((start, index))
            start, current = index, script
    return spans


@lru_cache(maxsize=4096)  # three pattern searches for every character of every message
def _letter_script(char: str) -> str:
    """The ``_script`` of a letter or mark, "" for any other character."""
    return _script(char) if unicodedata.category(char)[0] in "LM" else ""


def _script(text: str) -> str:
    """ "nospace" (Thai, Chinese, Japanese), "arabic", "spaced" (Latin, Cyrillic) or "other"."""
    if _NO_SPACES.search(text):
        return "nospace"
    if _ARABIC.search(text):
        return "arabic"
    return "spaced" if _SPACED.search(text) else "other"


def _allowed(length: int) -> int:
    return 0 if length < ONE_EDIT else 1 if length < TWO_EDITS else 2


@dataclass(frozen=True)
class Found:
    """A municipality named in a message, and the word (span of the folded text) naming it."""

    municipality: str
    start: int
    end: int


class Places:
    """The municipalities of the region, found in messages by a tolerant match."""

    def __init__(self, municipalities: Iterable[tuple[str, Sequence[str]]], strict: bool = False) -> None:
        self.municipalities = tuple((name, tuple(aliases)) for name, aliases in municipalities)
        # Strict, for places outside the region (naming one is a refusal): Latin and Cyrillic
        # keys keep doubled letters (allowed as many edits as without), no linking vowels are
        # left out, and Thai or Chinese must hold a listed form: Spanish "esposa" is Espoossa's
        # key folded, Swahili "wanatafuta" Vantaa's without a linking vowel, and Chinese 最晚到
        # ("zuiwandao") holds Vanda's.
        self.strict = strict
        self._seen: dict[str, str | None] = {}  # word -> what it names: words recur in messages
        # text -> its names: one reply asks about the same text up to nine times (the ranker,
        # the language detector, the steering words, the municipality...).
        self._found = lru_cache(maxsize=RECENT_TEXTS)(self._find)

    @cached_property
    def _keys(self) -> dict[str, tuple[tuple[str, str, int], ...]]:
        """(key, municipality) of every name, stem and listed form, by the script of the words
        they are compared with, longest first. Latin and Cyrillic words meet the Latin and
        Cyrillic forms; Arabic-script words the Arabic-script forms (their keys lack the long
        vowels, so the Latin ones would not meet them); Thai and Chinese their own forms and the
        Latin names; other scripts (Amharic, Devanagari...) the Latin names."""
        keyed: dict[str, set[tuple[str, str, int]]] = {
            "spaced": set(),
            "arabic": set(),
            "nospace": set(),
            "other": set(),
        }
        for name, aliases in self.municipalities:
            # A form is never allowed more edits than the name itself: "Kajaanissa" as exactly as "Kajaani".
            most = _allowed(len(key(name)))
            forms = (name, stem(name, aliases)) if len(key(stem(name, aliases))) >= MIN_PREFIX else (name,)
            latin = {(self._key(form), name, min(most, _allowed(len(key(form))))) for form in forms}
            keyed["other"] |= latin
            keyed["spaced"] |= latin
            # In a run of Thai or Chinese a short Latin key turns up by chance: long ones only.
            keyed["nospace"] |= {item for item in latin if len(item[0]) >= ONE_EDIT}
            for form in aliases:
                script = _script(form)
                folded, edits = (_arabic_key(form),) * 2 if script == "arabic" else (self._key(form), key(form))
                keyed["spaced" if script == "other" else script].add((folded, name, min(most, _allowed(len(edits)))))
        return {
            script: tuple(sorted((item for item in items if item[0]), key=lambda item: (-len(item[0]), item)))
            for script, items in keyed.items()
        }

    @cached_property
    def _keys_by_initial(self) -> dict[str, dict[str, tuple[tuple[str, str, int], ...]]]:
        """``_keys`` by script and then by their first letter, in the same order: a word is
        compared only with the keys it can begin with. Preparing the 9,800 examples, on the way
        to every retrain's n-gram fit, met each new word with every key: 0.48 s of CPU, now 0.38."""
        indexed: dict[str, dict[str, list[tuple[str, str, int]]]] = {script: {} for script in self._keys}
        for script, items in self._keys.items():
            for item in items:
                indexed[script].setdefault(item[0][0], []).append(item)
        return {
            script: {initial: tuple(items) for initial, items in by_initial.items()}
            for script, by_initial in indexed.items()
        }

    def find(self, text: str) -> list[Found]:
        """Every word of ``text`` (after ``normalize``) that names a municipality."""
        return list(self._found(text))

    def _find(self, text: str) -> tuple[Found, ...]:
        folded = normalize(text)
        found = []
        for start, end in words(folded):
            word = folded[start:end]
            if word not in self._seen:
                script = _script(word)
                self._seen[word] = self._search(word) if script == "nospace" else self._match(word, script)
            name = self._seen[word]
            if name:
                found.append(Found(name, start, end))
        return tuple(found)

    def municipality(self, text: str) -> str | None:
        """The one municipality ``text`` names, or None for none or several."""
        names = {found.municipality for found in self.find(text)}
        return names.pop() if len(names) == 1 else None

    def without(self, text: str) -> str:
        """The folded ``text`` with the words naming a municipality cut out; in Thai or Chinese,
        whose "words" are whole phrases, the listed forms standing in them ("那苏奥穆斯萨尔米呢")."""
        folded = normalize(text)
        for item in sorted(self.find(text), key=lambda item: item.start, reverse=True):
            run = folded[item.start : item.end]
            kept = self._without_in_run(run, item.municipality) if _script(run) == "nospace" else " "
            folded = folded[: item.start] + kept + folded[item.end :]
        return folded

    def _without_in_run(self, run: str, municipality: str) -> str:
        """A run of Thai or Chinese without the listed form of ``municipality`` in it or, when it
        names it in a spelling not listed ("ฮูรึนซัลมิ"), without the stretch whose key is closest
        to one of its keys: left in, it reads as noise to the classifier."""
        forms = self._nospace_forms[municipality]
        if forms.search(run):
            return forms.sub(" ", run)
        keys = [form for form, name, _ in self._keys["nospace"] if name == municipality]
        stretches = (
            (fuzz.ratio(form, key(run[start:end])), start - end, start, end)
            for form in keys
            for start in range(len(run))
            for end in range(start + 1, min(len(run), start + len(form) + MAX_ENDING) + 1)
        )
        _, _, start, end = max(stretches, default=(0.0, 0, 0, 0))
        return run[:start] + " " + run[end:]

    @cached_property
    def _nospace_forms(self) -> dict[str, re.Pattern[str]]:
        """Each municipality's listed forms written in Thai or Chinese, longest first."""
        patterns = {}
        for name, aliases in self.municipalities:
            forms = sorted({normalize(form) for form in aliases if _script(form) == "nospace"}, key=len, reverse=True)
            patterns[name] = re.compile("|".join(map(re.escape, forms)) or r"(?!)")
        return patterns

    def _match(self, word: str, script: str) -> str | None:
        """The municipality whose name, stem or form the word begins with, give or take an edit."""
        word_key = _arabic_key(word) if script == "arabic" else self._key(word)
        skips = range(MAX_PREFIX + 1) if script in ("arabic", "other") else range(1)
        for skip in skips:
            glued = word_key[:skip]
            if script == "arabic" and not (set(glued) <= _ARABIC_CLITICS or glued in _ARABIC_GLUED):
                continue  # "ايفنت" (event) is not "فانتا" (Vantaa) behind a clitic
            rest = word_key[skip:]
            for form, name, allowed in self._keys_by_initial[script].get(rest[:1], ()):
                if not len(form) - 1 <= len(rest) <= len(form) + MAX_ENDING:
                    continue
                if len(form) < MIN_PREFIX and script == "spaced" and _spelling(word) not in self._short_spellings:
                    continue
                if _prefix_distance(form, rest, allowed) <= allowed:
                    return name
        if script == "spaced" and not self.strict:
            return self._match_without_linking_vowels(word_key)
        return None

    def _key(self, text: str) -> str:
        return key(text, doubles=self.strict)

    @cached_property
    def _short_spellings(self) -> frozenset[str]:
        """How the names and forms with keys under ``MIN_PREFIX`` letters are spelt: a Latin or
        Cyrillic word meets such a key only spelt so, since the folds join short words by chance
        (colloquial Finnish "ollu", "been", and Oulu are both "ulu")."""
        forms = (form for name, aliases in self.municipalities for form in (name, *aliases))
        return frozenset(_spelling(form) for form in forms if _script(form) == "spaced" and len(key(form)) < MIN_PREFIX)

    @cached_property
    def _long_forms(self) -> dict[int, dict[str, str]]:
        """The Latin and Cyrillic keys of five letters or more, by length: key -> municipality."""
        by_length: dict[int, dict[str, str]] = {}
        for form, name, _ in self._keys["spaced"]:
            if len(form) >= MIN_PREFIX:
                by_length.setdefault(len(form), {}).setdefault(form, name)
        return by_length

    def _match_without_linking_vowels(self, word_key: str) -> str | None:
        """The municipality whose name (five letters or more) the word begins with once one or
        two vowels it has between consonants are left out: "Kuhumo" for Kuhmo."""
        spots = [match.start() for match in _LINKING_VOWEL.finditer(word_key)]
        cuts = [{spot} for spot in spots] + [set(pair) for pair in combinations(spots, 2)]
        for cut in cuts:
            variant = "".join(char for index, char in enumerate(word_key) if index not in cut)
            for length, forms in self._long_forms.items():
                name = forms.get(variant[:length])
                if name and len(variant) - length <= MAX_ENDING:
                    return name
        return None

    def _search(self, run: str) -> str | None:
        """The municipality whose listed form stands inside a run of Thai or Chinese, or whose
        long key nearly does (anyascii's Thai is rough: short keys would meet by chance)."""
        names = {name for name, forms in self._nospace_forms.items() if forms.search(run)}
        if self.strict:
            return names.pop() if len(names) == 1 else None
        run_key = key(run)
        if not names and _HAN.search(run):  # pinyin is exact enough for the names as they are
            names = {name for form, name, _ in self._keys["spaced"] if len(form) >= MIN_HAN and form in run_key}
        if not names:
            names = {
                name
                for form, name, allowed in self._keys["nospace"]
                if len(form) >= ONE_EDIT
                and len(form) - allowed <= len(run_key)  # "ฮูรึนซัลมิ" is two letters short of its form
                and fuzz.partial_ratio(form, run_key, score_cutoff=MIN_SCORE)
            }
        return names.pop() if len(names) == 1 else None


def _spelling(text: str) -> str:
    """``text``'s letters in Latin script, lower case, as spelt (nothing folded)."""
    return "".join(char for char in anyascii(normalize(text)).lower() if char.isalpha())


def _prefix_distance(form: str, word: str, allowed: int) -> int:
    """The fewest edits turning some beginning of ``word`` into ``form`` (up to ``allowed``)."""
    if len(form) < MIN_PREFIX:  # "Oulu", "Vasa": the whole word, or "Turku" would be in "turkish"
        return 0 if word == form else 1
    if allowed == 0:
        return 0 if word.startswith(form) else 1
    lengths = range(max(1, len(form) - allowed), min(len(word), len(form) + allowed) + 1)
    return min((Levenshtein.distance(form, word[:length]) for length in lengths), default=len(form))
