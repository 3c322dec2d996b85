"""Which language a message is written in: script rules; for Latin script, the examples' own
model (romanized languages included), CLD2 and lingua."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any, ClassVar

import pycld2
from lingua import Language, LanguageDetectorBuilder

from ..languages import SUPPORTED
from ..project.knowledge import Knowledge

# Latin-script languages lingua can tell apart; Kinyarwanda is not among lingua's languages.
_LINGUA = {
    Language.FINNISH: "fi", Language.SWEDISH: "sv", Language.ENGLISH: "en", Language.ESTONIAN: "et",
    Language.FRENCH: "fr", Language.SOMALI: "so", Language.SPANISH: "es", Language.TURKISH: "tr",
    Language.VIETNAMESE: "vi", Language.SWAHILI: "sw",
}  # fmt: skip
_LATIN_SCRIPT = frozenset({*_LINGUA.values(), "rw"})
#: The script of each of the 18 not written in Latin letters.
SCRIPTS = {
    "ru": "cyrillic",
    "uk": "cyrillic",
    "fa": "arabic",
    "ar": "arabic",
    "ckb": "arabic",
    "th": "thai",
    "zh": "han",
}
# CLD2 names Kinyarwanda's close relatives when it misses it; none of them is supported here.
_CLD2_AS_KINYARWANDA = {"rw", "rn", "zu", "xh", "ny", "lg", "sn", "st", "ig"}
_SORANI_LETTERS = set("ێۆڕڵەڤ")
# Languages beyond the 18 in Arabic script, told by their own letters (answered in English).
_URDU_LETTERS = set("ٹڈڑںےھہ")
_PASHTO_LETTERS = set("ټډړږښځڅۍې")
_PERSIAN_LETTERS = set("پچژگکی")
_UKRAINIAN_LETTERS = set("іїєґ")
_RUSSIAN_LETTERS = set("ыэъё")
# Ukrainian words people write without і, ї, є or ґ ("Хто ...?", "Як ...?"): not Russian words.
_UKRAINIAN_WORDS = frozenset(
    {
        "хто",
        "що",
        "як",
        "де",
        "чи",
        "або",
        "це",
        "мені",
        "мене",
        "та",
        "ми",
        "він",
        "вона",
        "яка",
        "який",
        "яке",
        "коли",
        "скільки",
        "треба",
        "можна",
        "ласка",
    }
)
# Latin-script languages CLD2 tells reliably even without their diacritics, and never names for
# romanized Russian (which it takes for Slovak, Croatian, Serbian or Esperanto): "gdzie moge sie
# nauczyc" is Polish, not Russian in Latin letters, unless the examples' model is sure.
_CLD2_NOT_ROMANIZED = frozenset({"pl"})
# Kurmanji (Latin script, not among CLD2's languages) is taken for Kinyarwanda, which is written
# without diacritics: a text with Kurmanji's letters is not Kinyarwanda.
_KURMANJI_LETTERS = set("êîûçş")
#: Kurmanji's long vowels; of the 18, French has them too, Vietnamese ê, Turkish î and û in a few
#: loanwords.
_KURMANJI_VOWELS = set("êîû")
#: The marks of Kurmanji's letters (circumflex, cedilla): a text with a letter bearing any other
#: (French é, Turkish ğ and ö, Vietnamese tones, Finnish ä) is not Kurmanji, nor one with these.
_KURMANJI_MARKS = frozenset({"\u0302", "\u0327"})
_NOT_KURMANJI = frozenset("âôıđøæœ")
#: This many of Kurmanji's long vowels, and no other accented letter, make a text Kurdish (Sorani
#: in Latin letters writes them too): lingua and the examples' model know no Kurmanji and read it as
#: Turkish, French, Slovene or Albanian ("Meclîsa koçberan çi dike? ..." was answered in Turkish
#: from the n-grams of Turkish examples).
KURMANJI_VOWELS = 2
#: Hiragana and katakana: Japanese writes them among its kanji, Chinese never.
_KANA = re.compile(r"[\u3040-\u30ff]")

# Arabizi writes the letters Latin lacks with digits inside words: 3 for ع, 7 for ح, 2 for ء,
# 5 for خ, 9 for ق ("bisa3ed", "7ad", "mas2oul"); a number with its unit or ending is not one.
_ARABIZI_WORD = re.compile(r"[a-z]*[235679][a-z]*")
_NOT_ARABIZI = re.compile(r"\d(?:st|nd|rd|th|am|pm|km|kg|min|h|v|e|g)")
# Finnish terms inside another language ("¿El kotoutumiskoulutus incluye työssäoppiminen?"):
# words of the Finnish texts of the knowledge base, told by their first letters (any ending).
_FINNISH_STEM = 9
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W\d_]+")

#: A Latin-script example teaches the language model when at least this share of its letters is
#: Latin once names are hidden ("kotoutumispalvelut что входит" is Russian, not Latin-script).
LATIN_SHARE = 0.9
MIN_LANGUAGE_LETTERS = 8
#: A Latin-script message of at least this many words can be clear about its language, however
#: short: "Vad är hans e-postadress?" (one word, "ok", "kiitos", a name, never is).
CLEAR_WORDS = 3
#: What remains of a Finnish-reading message without its Finnish terms must have this many
#: words to be taken for a language beyond the 18.
FOREIGN_REMAINDER_WORDS = 6


def letters_only(text: str) -> str:
    """``text`` with everything but letters turned into spaces (what language detection reads)."""
    return "".join(char if char.isalpha() else " " for char in text)


def is_latin_script(text: str, share: float = LATIN_SHARE) -> bool:
    """Tell whether at least ``share`` of the letters of ``text`` are Latin."""
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and _script_counts(letters)["latin"] >= share * len(letters)


class LanguageDetector:
    """Script rules first, then, for Latin script, a model of how each language's examples are
    written (intents/, romanized Arabic, Persian, Russian... included), CLD2 and lingua; names
    (municipalities in any spelling, Finnish terms of the knowledge base) are hidden first."""

    defaults: ClassVar[Mapping[str, Any]] = {
        "min_letters": 3, "low_accuracy_mode": True, "non_latin_share": 0.2, "domain_confidence": 0.3,
        "romanized_lead": 1.4, "over_cld2": 0.6, "domain_lead": 1.5, "mixed_letters": 8,
    }  # fmt: skip

    def __init__(self, knowledge: Knowledge, settings: dict[str, Any]) -> None:
        self.knowledge = knowledge
        self.min_letters = int(settings["min_letters"])
        self.low_accuracy_mode = bool(settings["low_accuracy_mode"])
        # A message whose letters are at least this share of one non-Latin script is in that
        # script's language, whatever Finnish terms it holds ("kotoutumispalvelut что входит").
        self.non_latin_share = float(settings["non_latin_share"])
        # The examples' own model decides a Latin-script message when it is at least this sure.
        self.domain_confidence = float(settings["domain_confidence"])
        # Romanized Arabic, Persian, Russian... have few examples: their language wins when it is
        # this many times as likely as the runner-up.
        self.romanized_lead = float(settings["romanized_lead"])
        # CLD2 names languages beyond the 18 (German, Polish...), but takes short French for
        # Interlingue: the examples' model wins over it when at least this sure.
        self.over_cld2 = float(settings["over_cld2"])
        # lingua reads a short message by letters alone ("linna kontakt immigrantidele" is Swedish
        # to it): a Latin-script language of the 18 the examples' model puts this many times above
        # the runner-up, and at least half as sure as ``domain_confidence``, decides before it.
        self.domain_lead = float(settings["domain_lead"])
        # A message taken for Finnish is read again without the knowledge base's Finnish words
        # when two words and at least this many letters remain: the rest says which language it
        # is written in.
        self.mixed_letters = int(settings["mixed_letters"])
        self.domain: Callable[[str], tuple[str, float, float]] | None = None

    @cached_property
    def _lingua(self) -> Any:
        builder = LanguageDetectorBuilder.from_languages(*_LINGUA)
        return (builder.with_low_accuracy_mode() if self.low_accuracy_mode else builder).build()

    def detect(self, text: str) -> str | None:
        """The language of ``text``, or None when it has too few letters to tell."""
        hidden = self.knowledge.without_names(text)
        letters = [char for char in hidden if char.isalpha()]
        if len(letters) < self.min_letters:
            return None
        scripts = _script_counts(letters)
        script = max(scripts, key=lambda name: scripts[name])
        others = {name: count for name, count in scripts.items() if name not in ("latin", "other")}
        best_other = max(others, key=lambda name: others[name])
        if others[best_other] >= max(self.min_letters, self.non_latin_share * len(letters)):
            script = best_other
        if script == "arabic":
            present = set(letters)
            if present & _SORANI_LETTERS:
                return "ckb"
            if present & _PASHTO_LETTERS:
                return "ps"
            if present & _URDU_LETTERS:
                return "ur"
            return "fa" if present & _PERSIAN_LETTERS else "ar"
        if script == "cyrillic":
            return _cyrillic(hidden, set(letters))
        if script == "han" and _KANA.search(hidden):
            return None  # Japanese (kanji with kana), a language beyond the 18: Chinese has no kana
        if script in ("thai", "han"):
            return {"thai": "th", "han": "zh"}[script]
        if script != "latin":
            return None
        if hidden.isascii() and is_arabizi(hidden):
            return "ar"
        if is_kurmanji(letters):  # Kurdish in Latin letters: Sorani, whose romanized examples it knows, or Kurmanji
            sorani = self.domain is not None and self.domain(letters_only(hidden))[0] == "ckb"
            return "ckb" if sorani else "ku"
        language = self._latin(letters_only(hidden))
        rest = letters_only(self._without_finnish(hidden))
        if language == "fi" and len(rest.split()) >= 2 and len(rest.replace(" ", "")) >= self.mixed_letters:
            # The few short words left of a Finnish message read as anything to CLD2 ("moi kuka
            # on se" is Galician): a language beyond the 18 needs a longer remainder (romanized
            # Urdu around Finnish terms has eight words).
            found = self._latin(rest)
            return found if found in SUPPORTED or len(rest.split()) >= FOREIGN_REMAINDER_WORDS else language
        return language

    @cached_property
    def _finnish_stems(self) -> frozenset[str]:
        """The first letters of the long words of the knowledge base's Finnish texts that its
        English texts lack ("työssäoppimista", not "Instagram")."""
        english = {word for entry in self.knowledge.entries for word in _long_words(entry.text.get("en", ""))}
        finnish = {word for entry in self.knowledge.entries for word in _long_words(entry.text.get("fi", ""))}
        return frozenset(word[:_FINNISH_STEM] for word in finnish - english)

    def _without_finnish(self, text: str) -> str:
        """``text`` without the Finnish words of the knowledge base, in any ending."""
        stems = self._finnish_stems
        words = text.split()
        return " ".join(word for word in words if _letters(word)[:_FINNISH_STEM] not in stems)

    def clear(self, text: str, language: str) -> bool:
        """Tell whether ``text`` is surely in ``language`` (a Latin-script one of the 18), short as
        it may be: a sentence of ``CLEAR_WORDS`` words or more that the examples' model is sure of
        and lingua, which reads letters alone, or CLD2, sure of it, reads alike (lingua takes
        "Who is the contact person in ...?" for Spanish)."""
        hidden = letters_only(self.knowledge.without_names(text))
        if language not in _LINGUA.values() or len(hidden.split()) < CLEAR_WORDS or self.domain is None:
            return False
        domain, confidence, _ = self.domain(hidden)
        if domain != language or confidence < self.domain_confidence:
            return False
        read = self._lingua.detect_language_of(hidden)
        return (read is not None and _LINGUA[read] == language) or _cld2(hidden) == (True, language)

    def unknown_script(self, text: str) -> bool:
        """Tell whether ``text`` is mostly in a script none of the 18 languages uses (Ethiopic,
        Devanagari, Bengali...)."""
        letters = [char for char in self.knowledge.without_names(text) if char.isalpha()]
        return len(letters) >= self.min_letters and _script_counts(letters)["other"] > len(letters) / 2

    def _latin(self, text: str) -> str | None:
        """CLD2 for Kinyarwanda and for languages outside the 18; then the examples' model when
        it is sure, or leads by ``domain_lead`` (it knows how people here write, romanized Arabic
        or Russian too), or CLD2 reliably agrees with it; then lingua, which tells short Latin texts
        apart best; unsure of all: None."""
        reliable, cld2 = _cld2(text)
        language, confidence, runner_up = self.domain(text) if self.domain else ("", 0.0, 0.0)
        sure = confidence >= self.domain_confidence
        # People romanize in plain ASCII (Arabizi's digits included): "się" is Polish, not Russian.
        leads = confidence >= self.romanized_lead * runner_up > 0 and not (reliable and cld2 in _CLD2_NOT_ROMANIZED)
        romanized = text.isascii() and (sure or leads)
        if language not in _LATIN_SCRIPT and romanized:
            return language  # romanized: CLD2 takes "zdravstvujte, gde..." for Serbian
        if reliable and cld2 in _CLD2_AS_KINYARWANDA:
            return "ku" if set(text) & _KURMANJI_LETTERS else "rw"
        foreign = cld2 not in SUPPORTED and cld2 not in ("un", "xx") and len(text.split()) >= 4
        if reliable and foreign and confidence < self.over_cld2:
            return str(cld2)  # a language outside the 18: answered through MT where a model exists
        leading = confidence >= max(self.domain_confidence / 2, self.domain_lead * runner_up)
        if sure or (leading and language in _LATIN_SCRIPT):
            return language
        if reliable and cld2 == language and language in _LATIN_SCRIPT:
            return language  # two readers agree: lingua alone takes "tell me a joke" for Finnish
        confidences = self._lingua.compute_language_confidence_values(text)
        best = confidences[0] if confidences else None
        if best is not None and best.value >= 0.5:
            return _LINGUA[best.language]
        if reliable and cld2 in SUPPORTED:
            return cld2
        return _LINGUA[best.language] if best is not None and best.value >= 0.3 else None


def _cld2(text: str) -> tuple[bool, str]:
    """Whether CLD2 is sure, and the language it reads ``text`` in ("un": unknown)."""
    try:
        reliable, _, details = pycld2.detect(text, bestEffort=True)
    except pycld2.error:
        return False, "un"
    return bool(reliable), str(details[0][1]) if details else "un"


def is_arabizi(text: str) -> bool:
    """Tell whether ``text`` has a word of Arabic in Latin letters written with digits ("3arabi")."""
    return any(
        _ARABIZI_WORD.fullmatch(word) and sum(char.isalpha() for char in word) >= 2 and not _NOT_ARABIZI.fullmatch(word)
        for word in _ASCII_WORD.findall(text.casefold())
    )


def is_kurmanji(letters: Iterable[str]) -> bool:
    """Tell whether Latin ``letters`` are Kurmanji's: ``KURMANJI_VOWELS`` of its long vowels (ê, î,
    û) or more, and no accented letter Kurmanji lacks."""
    vowels = 0
    for char in letters:
        marks = set(unicodedata.normalize("NFD", char.casefold())[1:])
        if marks - _KURMANJI_MARKS or char.casefold() in _NOT_KURMANJI:
            return False
        vowels += char.casefold() in _KURMANJI_VOWELS
    return vowels >= KURMANJI_VOWELS


def _letters(word: str) -> str:
    return "".join(char for char in word.casefold() if char.isalpha())


def _long_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if len(word) > _FINNISH_STEM}


def _cyrillic(text: str, letters: set[str]) -> str:
    """Ukrainian or Russian: by the letters only one of them has, else by Ukrainian words."""
    if letters & _UKRAINIAN_LETTERS:
        return "uk"
    if letters & _RUSSIAN_LETTERS:
        return "ru"
    return "uk" if _UKRAINIAN_WORDS & set(letters_only(text.casefold()).split()) else "ru"


def _script_counts(letters: Iterable[str]) -> dict[str, int]:
    counts = {"latin": 0, "arabic": 0, "cyrillic": 0, "thai": 0, "han": 0, "other": 0}
    for char in letters:
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            counts["latin"] += 1
        elif name.startswith("ARABIC"):
            counts["arabic"] += 1
        elif name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith("THAI"):
            counts["thai"] += 1
        elif name.startswith("CJK"):
            counts["han"] += 1
        else:
            counts["other"] += 1
    return counts
