"""Romanized and code-mixed messages (issue #14): Arabizi told by its digits, Finnish terms inside
another language left out of the language decision, and romanized Thai, Sorani, Persian and
Chinese answered in their own language. The examples' model is fixed where a rule is tested;
the end-to-end inputs are training examples, far from any threshold."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from bot.core import Core, State
from bot.nlu.language import LanguageDetector, is_arabizi


def with_domain(core: Core, domain: Callable[[str], tuple[str, float, float]]) -> LanguageDetector:
    """The core's detector with the examples' model replaced by ``domain``."""
    detector = copy.copy(core.nlu.detector)
    detector.domain = domain
    return detector


@pytest.mark.parametrize(
    ("text", "arabizi"),
    [
        ("wen fi 7ada bisa3edni", True),
        ("ana mish 3aref shu a3mel", True),
        ("shu esm el munassi2", True),
        ("I live on the 2nd floor", False),
        ("course level B2 in Kajaani", False),
        ("is it open at 9am", False),
        ("what is the Kajaani 375 campaign", False),
    ],
)
def test_arabizi_is_told_by_the_digits_inside_its_words(text: str, arabizi: bool) -> None:
    assert is_arabizi(text) is arabizi


def test_arabizi_is_arabic_whatever_the_examples_model_leans_to(core: Core) -> None:
    detector = with_domain(core, lambda text: ("en", 0.9, 0.01))
    assert detector.detect("fi 7ada bisa3ed el ajaneb b Kuhmo?") == "ar"
    assert detector.detect("Who helps immigrants on the 2nd floor?") == "en"


def finnish_or_spanish(text: str) -> tuple[str, float, float]:
    """A scripted examples' model: Finnish wherever a Finnish letter is, else Spanish."""
    return ("fi", 0.9, 0.01) if set(text) & set("äöy") else ("es", 0.9, 0.01)


def test_short_english_is_english_when_cld2_and_the_examples_model_agree(core: Core) -> None:
    # lingua alone reads "tell me a joke" as Finnish; CLD2 is sure it is English.
    unsure_english = with_domain(core, lambda text: ("en", 0.12, 0.11))
    assert unsure_english.detect("tell me a joke") == "en"
    unsure_spanish = with_domain(core, lambda text: ("es", 0.12, 0.11))
    assert unsure_spanish.detect("tell me a joke") != "es"


def test_finnish_terms_inside_another_language_do_not_make_it_finnish(core: Core) -> None:
    detector = with_domain(core, finnish_or_spanish)
    assert detector.detect("¿Quién organiza el työssäoppiminen para los estudiantes?") == "es"


def test_a_finnish_message_stays_finnish_without_its_long_words(core: Core) -> None:
    detector = with_domain(core, finnish_or_spanish)
    # What remains after the knowledge base's Finnish words is still Finnish, or too short to tell.
    assert detector.detect("Missä voin tehdä työssäoppimista Kajaanissa?") == "fi"
    assert detector.detect("työssäoppimista Kajaanissa") == "fi"


def test_the_short_words_left_of_a_finnish_message_do_not_make_it_another_language(core: Core) -> None:
    # CLD2 reads "moi kuka on se" as Galician; the examples' model is unsure of what remains.
    detector = with_domain(core, lambda text: ("fi", 0.9, 0.01) if "koordinaattori" in text else ("fi", 0.2, 0.15))
    assert detector.detect("moi, kuka on se kotoutumiskoordinaattori kajaanissa?") == "fi"


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("an nangsue mai awk, mee khlas son an kian mai ka", "th", "literacy_training"),
        ("dmawe zmani finlandi fer bm, kurs la kwe haya?", "ckb", "integration_training"),
        ("kafe zaban koja hast ke finlandi harf bezanam?", "fa", "language_cafe"),
        ("nali keyi gen bendiren lian fenlanyu kouyu", "zh", "language_cafe"),
        ("ma ba3ref e2ra w ekteb, fi dars lal kbar?", "ar", "literacy_training"),
    ],
)
def test_romanized_messages_are_answered_in_their_language(core: Core, text: str, language: str, intent: str) -> None:
    reply = core.reply(State(), text)
    assert reply.language == language
    assert reply.translation != "none"
    assert reply.intent == intent


def test_japanese_with_few_kana_among_its_kanji_is_not_chinese(core: Core) -> None:
    """Chinese is never written with kana: a message with them is Japanese, beyond the 18,
    however many kanji it has (once the katakana name "カヤーニ" is cut out, few kana are left)."""
    assert core.nlu.detector.detect("移民評議会の連絡先電話番号教えて") is None
    assert core.nlu.detector.detect("移民评议会的联系电话是多少") == "zh"
