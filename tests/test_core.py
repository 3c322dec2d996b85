"""The core as a user meets it: answers, municipalities, events by date, emergencies, fallback."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.cleantext import clean
from bot.core import Core, State
from tests.conftest import TODAY, with_ranking


def ask(core: Core, text: str, state: State | None = None):
    return core.reply(state or State(), text)


def test_event_answer_keeps_the_source_facts_verbatim(core: Core) -> None:
    reply = ask(core, "When is the Tervetuloa Kajaaniin event?")
    assert reply.topic == "event_welcome"
    for fact in ("Kaukametsä", "23.4.", "17–19"):
        assert fact in reply.text


def test_a_past_event_is_told_as_past_and_the_next_as_next(core: Core) -> None:
    assert date(2026, 5, 1) == TODAY
    welcome = ask(core, "When is the Tervetuloa Kajaaniin event?")
    walk = ask(core, "When is Walk and Talk?")
    assert "already taken place (23.4.2026)" in welcome.text
    assert "Next: 23.5.2026." in walk.text


def test_the_event_overview_lists_every_dated_event_with_its_status(core: Core) -> None:
    reply = ask(core, "What events are there for immigrants?")
    assert reply.topic == "events"
    assert [line for line in reply.text.splitlines() if line.startswith("• ")] == [
        "• Puhu tuntemattomalle (Talk to a stranger) campaign day: This event has already taken place (18.3.2026).",
        "• Tervetuloa Kajaaniin (Welcome to Kajaani) event: This event has already taken place (23.4.2026).",
        "• Walk and Talk campaign: Next: 23.5.2026.",
    ]


def test_today_decides_past_and_next(core: Core) -> None:
    later = Core(core.knowledge, core.texts, core.nlu, today=lambda: date(2026, 11, 24), steering=core.steering)
    assert "already taken place (23.5.2026)" in later.reply(State(), "When is Walk and Talk?").text


def test_the_answer_depends_on_the_municipality_named_in_any_script(core: Core) -> None:
    sotkamo = ask(core, "Kuka tekee kotoutumissuunnitelman Sotkamossa?")
    kuusamo = ask(core, "Who writes my integration plan in Kuusamo?")
    assert (sotkamo.topic, sotkamo.state.municipality) == ("integration_plan_sotkamo", "Sotkamo")
    assert (kuusamo.topic, kuusamo.state.municipality) == ("integration_plan_kuusamo", "Kuusamo")
    assert ask(core, "Кто составляет план интеграции в Куусамо?").state.municipality == "Kuusamo"


def test_an_unknown_municipality_gets_the_region_wide_answer_and_the_question(core: Core) -> None:
    reply = ask(core, "Who makes my integration plan?")
    assert (reply.topic, reply.municipality) == ("integration_plan", None)
    assert reply.text.endswith("Which municipality do you live in? The answers can be different in each.")
    assert "This answer is for" not in reply.text
    assert [b.action for b in reply.buttons][:2] == ["municipality:Hyrynsalmi", "municipality:Kajaani"]
    assert reply.state.pending_intent == "integration_plan"


def test_without_a_region_wide_entry_the_default_municipality_answers_and_says_so(core: Core) -> None:
    reply = with_ranking(core, ("service_point", 0.9)).reply(State(), "Where is the service point?")
    assert (reply.topic, reply.municipality) == ("service_point", "Kajaani")
    assert "This answer is for Kajaani. Which municipality do you live in?" in reply.text
    assert reply.state.pending_intent == "service_point"


def test_a_name_only_one_municipality_s_entry_holds_answers_from_it(core: Core) -> None:
    reply = with_ranking(core, ("work_employment", 0.9)).reply(State(), "What is the Flow project?")
    assert (reply.topic, reply.municipality) == ("work_employment_kajaani", "Kajaani")
    assert "This answer is for Kajaani." in reply.text


def test_a_name_the_user_s_own_municipality_holds_too_answers_from_its_entry(core: Core) -> None:
    home = State(municipality="Sotkamo", municipality_stated=True)
    leisure = with_ranking(core, ("leisure_culture", 0.9))
    for written in ("How do I get a Kaikukortti?", "How do I get a Kaiku-kortti?", "kaiku kortti?"):
        assert leisure.reply(home, written).topic == "leisure_culture_sotkamo", written


def test_naming_the_municipality_after_the_question_answers_it_there(core: Core) -> None:
    first = ask(core, "Who makes my integration plan?")
    typed = core.reply(first.state, "Sotkamo")
    pressed = core.select(first.state, "municipality:Kuusamo")
    assert (typed.topic, typed.state.pending_intent) == ("integration_plan_sotkamo", None)
    assert pressed.topic == "integration_plan_kuusamo"


def test_the_municipality_is_remembered_for_the_next_question(core: Core) -> None:
    first = ask(core, "I live in Sotkamo. Who makes my integration plan?")
    second = core.reply(first.state, "Who assesses my service needs?")
    assert second.topic == "service_needs_assessment_sotkamo"
    assert "Which municipality" not in second.text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Someone is badly hurt, we need an ambulance!", "en"),
        ("Joku loukkaantui pahasti, tarvitaan ambulanssi", "fi"),
        ("Нужна скорая помощь, человек без сознания", "ru"),
        ("نحتاج سيارة إسعاف بسرعة", "ar"),
    ],
)
def test_an_emergency_is_answered_first_with_112(core: Core, text: str, language: str) -> None:
    reply = ask(core, text)
    assert reply.emergency
    assert (reply.topic, reply.language, reply.sources) == ("emergency", language, ("112.fi",))
    assert "112" in reply.text


def test_an_emergency_wins_over_a_question_about_services(core: Core) -> None:
    reply = ask(core, "My friend is not breathing! Also where is Kajaani Info?")
    assert reply.emergency


def test_a_ranking_barely_sure_of_an_emergency_answers_the_question_it_ranks_next(core: Core) -> None:
    # "can I bring my kids?" ranked 0.22 for an emergency and got the 112 answer.
    unsure = with_ranking(core, ("emergency", 0.22), ("language_cafe", 0.2), ("volunteer_activities", 0.1))
    reply = unsure.reply(State(language="en"), "can I bring my kids?")
    assert not reply.emergency
    assert reply.intent == "language_cafe"
    sure = with_ranking(core, ("emergency", 0.45), ("language_cafe", 0.2))
    assert sure.reply(State(language="en"), "my friend fell down the stairs, help").emergency


def test_an_emergency_phrase_answers_112_whatever_the_ranking(core: Core) -> None:
    unsure = with_ranking(core, ("language_cafe", 0.5), ("emergency", 0.11))
    assert unsure.reply(State(language="et"), "Naaber kukkus trepil ega ärka, vaja kohe abi").emergency


@pytest.mark.parametrize("text", ["What will the weather be tomorrow?", "Who won the football match?", "asdfgh qwerty"])
def test_out_of_scope_gets_a_polite_fallback_naming_kajaani_info(core: Core, text: str) -> None:
    reply = ask(core, text)
    assert reply.fallback
    assert reply.topic is None
    assert "Kajaani Info" in reply.text
    assert reply.buttons, "the fallback offers the main topics"


def test_fallbacks_in_a_row_are_counted_and_reset_by_an_answer(core: Core) -> None:
    first = ask(core, "asdfgh qwerty")
    second = core.reply(first.state, "zxcvb poiuy")
    answered = core.reply(second.state, "Where is Kajaani Info?")
    assert (first.state.fallbacks_in_row, second.state.fallbacks_in_row, answered.state.fallbacks_in_row) == (1, 2, 0)


def test_the_offer_of_a_person_shows_the_question_it_would_send(core: Core) -> None:
    first = ask(core, "asdfgh qwerty")
    second = core.reply(first.state, "zxcvb poiuy, please help")
    assert second.handoff_question == "zxcvb poiuy, please help"
    assert "“zxcvb poiuy, please help”" in second.text
    person = core.reply(second.state, "I want to talk to a human")
    assert person.intent == "human_contact"
    assert person.handoff_question is None, "the button asks for the question instead"


def test_a_language_without_text_gets_english_with_a_line_saying_so(core: Core) -> None:
    without_somali = Core(core.knowledge, core.texts, core.nlu, {}, today=core.today, steering=core.steering)
    reply = without_somali.reply(State(language="so", language_chosen=True), "Where is Kajaani Info?")
    english = core.knowledge.entry("service_point")
    assert english is not None
    assert reply.translation == "none"
    assert english.text["en"] in reply.text
    assert core.texts.get("answer_in_english", "so") in reply.text


def test_finnish_gets_the_finnish_source_text(core: Core) -> None:
    reply = ask(core, "Missä Kajaani Info sijaitsee ja milloin se on auki?")
    assert (reply.language, reply.translation) == ("fi", "curated")
    entry = core.knowledge.entry("service_point")
    assert entry is not None
    # after the one line saying which municipality the answer is for
    assert entry.text["fi"][:40] in reply.text


def test_a_short_message_does_not_flip_the_conversation_language(core: Core) -> None:
    first = ask(core, "Mitä tapahtumia Kajaanissa on tulossa?")
    assert first.language == "fi"
    for short in ("ok", "thanks", "?", "👍"):
        assert core.reply(first.state, short).language == "fi", short


def test_an_explicit_language_choice_sticks(core: Core) -> None:
    chosen = core.select(State(), "language:ar")
    reply = core.reply(chosen.state, "Where is Kajaani Info?")
    assert (chosen.language, reply.language) == ("ar", "ar")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x07\x1b[31m", "😀😀😀", "<b>hi</b> & <script>alert(1)</script>", "**bold** _x_", "x" * 10_000],
)
def test_bad_input_gets_a_polite_reply(core: Core, text: str) -> None:
    reply = ask(core, text)
    assert reply.text.strip()
    assert reply.language


def test_a_very_long_message_is_read_from_its_beginning(core: Core) -> None:
    reply = ask(core, "Where is Kajaani Info? " + "I would like to know more about it. " * 300)
    assert reply.text.startswith(core.texts.get("long_message", "en"))


def test_clean_removes_control_and_bidi_override_characters() -> None:
    assert clean("\u202eab\x00c\u200b\td ") == "abc d"
    assert clean("\u3164\u2800\u2060\u00ad\U000e0041 ") == "", "invisible, though some count as letters"


def test_clean_keeps_zero_width_joiners_inside_words_only() -> None:
    persian = "می\u200cخواهم فارسی\u200cزبان"  # Persian and Sorani spell with the non-joiner
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined
    assert clean(persian) == persian
    assert clean(family) == family
    assert clean("\u200c\u200d \u200c") == "", "joiners alone show nothing"
    assert clean("\u200cسلام\u200c \u200dhei") == "سلام hei"
    assert clean("040\u200d123\u200c4567") == "0401234567", "nothing hidden between digits"


def test_topic_buttons_lead_to_the_same_answers(core: Core) -> None:
    welcome = ask(core, "Hello!")
    assert welcome.buttons
    for button in welcome.buttons:
        reply = core.select(welcome.state, button.action)
        assert not reply.fallback, button
        assert reply.intent == button.action.removeprefix("topic:")


def test_unknown_buttons_get_a_polite_line(core: Core) -> None:
    reply = core.select(replace(State(), language="fi"), "topic:no_such_thing")
    assert reply.fallback
    assert reply.language == "fi"
