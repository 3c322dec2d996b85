"""The conversation's language stays one of the 18: a message in another language (a detector
that names Tagalog) is answered in English, with a line saying so, and changes nothing stored."""

from __future__ import annotations

from bot.core import Core, State
from bot.languages import SUPPORTED
from bot.nlu import NLU
from bot.nlu.language import LanguageDetector
from bot.speaking import answer_language
from tests.conftest import FixedRanking


class Tagalog(LanguageDetector):
    """A detector that hears Tagalog in every message long enough to tell."""

    def detect(self, text: str) -> str | None:
        """Tagalog, as CLD2 names some Latin-script messages."""
        return "tl" if sum(char.isalpha() for char in text) >= self.min_letters else None


def tagalog_core(core: Core) -> Core:
    """``core`` hearing Tagalog everywhere, every message ranked as the service point question."""
    detector = Tagalog(core.knowledge, {**LanguageDetector.defaults})
    nlu = NLU(core.knowledge, detector, FixedRanking((("service_point", 0.9),)), core.nlu.fallback)
    return Core(core.knowledge, core.texts, nlu, {}, today=core.today, steering=core.steering)


def test_a_language_beyond_the_18_is_answered_in_english_and_never_stored(core: Core) -> None:
    """Its code is never stored: the conversation goes on in English, the answer's language."""
    tagalog = tagalog_core(core)
    reply = tagalog.reply(State(), "Saan ang Kajaani Info at kailan ito bukas?")
    entry = core.knowledge.entry("service_point")
    assert entry is not None
    assert (reply.topic, reply.language, reply.translation) == ("service_point", "en", "none")
    assert entry.text["en"] in reply.text
    assert core.texts.get("answer_in_english", "en") in reply.text, "said in a line"
    assert reply.state.language == "en"
    thanks = tagalog.reply(reply.state, "salamat!")  # the conversation's English, not none
    assert (thanks.language, thanks.state.language) == ("en", "en")


def test_the_conversations_language_stays_after_a_message_in_another_language(core: Core) -> None:
    tagalog = tagalog_core(core)
    somali = State(language="so")
    reply = tagalog.reply(somali, "Saan ang Kajaani Info at kailan ito bukas?")
    assert reply.language == "en"
    assert reply.state.language == "so"
    short = tagalog.reply(reply.state, "ok")
    assert short.language == "so"
    assert short.state.language in SUPPORTED


def test_a_stored_code_beyond_the_18_is_not_carried_on(core: Core) -> None:
    tagalog = tagalog_core(core)
    reply = tagalog.reply(State(language="tl"), "Saan ang Kajaani Info at kailan ito bukas?")
    assert reply.language == "en"
    assert reply.state.language == "en"


def test_a_short_sentence_clearly_in_another_language_switches_it_and_a_short_word_does_not(core: Core) -> None:
    """Under 25 letters a Latin-script message switches the language only when it is a sentence
    of a few words that the examples' model and lingua both read as that language."""
    nlu = NLU(core.knowledge, core.nlu.detector, FixedRanking((("coordinator_contact", 0.9),)), core.nlu.fallback)
    bot = Core(core.knowledge, core.texts, nlu, {}, today=core.today, steering=core.steering)
    english = State(language="en", topic="coordinator_contact_kuhmo")
    assert bot.reply(english, "Vad är hans e-postadress?").language == "sv"
    assert bot.reply(english, "Mikä on hänen numeronsa?").language == "fi"
    assert [bot.reply(english, text).language for text in ("kiitos", "ok kiitos", "tack så mycket")] == ["en"] * 3
    assert bot.reply(State(language="sv", topic="coordinator_contact_kuhmo"), "Och i Kuhmo?").language == "sv"


def test_a_latin_script_sentence_after_a_conversation_in_another_script_switches_it() -> None:
    """The detector's verdict is given: what is tested is whether a message this short may switch."""
    russian = State(language="ru")
    assert answer_language(russian, "Who is the contact person in ?", "en", None, None) == "en"
    assert answer_language(State(language="ar"), "Wer hilft mir in ?", "de", None, None) == "de"
    assert answer_language(russian, "thanks a lot", "en", None, None) == "ru"
    assert answer_language(russian, "ok thanks", "en", None, None) == "ru"
    assert answer_language(russian, "kto pomogaet v ?", "ru", None, None) == "ru"
    assert answer_language(State(language="en"), "hennes telefonnummer?", "et", None, None) == "en"
