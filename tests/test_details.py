"""Follow-ups asking for one detail of the last answer, or naming what one municipality's entry
holds, with scripted rankings (bot/followup.py, knowledge/conversation.yml)."""

from __future__ import annotations

from bot.core import Core
from bot.echo import stems
from bot.names import GREET, OTHER_AUTHORITY, OUT_OF_SCOPE, THANKS
from tests.test_followup import scripted, talk

WORK = (("work_employment", 0.9), ("entrepreneurship", 0.05))


def test_a_follow_up_naming_what_one_municipalitys_entry_holds_is_answered_there(core: Core) -> None:
    """The region's work answer does not name the Flow project, Kajaani's does; a project is
    named by its name before the dash too ("Work & Stay" of "Work & Stay – Kokonainen ...")."""
    bot = scripted(core, {"flow": WORK, "stay": WORK, "work": WORK})
    _, flow = talk(bot, ["How can I find work?", "and what is Flow?"])
    assert (flow.topic, flow.municipality) == ("work_employment_kajaani", "Kajaani")
    stay = talk(bot, ["What is the Work & Stay project?"])[0]
    assert stay.topic in ("work_employment_kuusamo", "work_employment_taivalkoski")


def test_asking_for_an_appointment_or_a_web_page_goes_on_from_the_last_answer(core: Core) -> None:
    bot = scripted(
        core,
        {
            "council": (("council_contact", 0.9), ("council_info", 0.05)),
            "book": ((OTHER_AUTHORITY, 0.15), ("client_duration", 0.14)),
            "website": ((OUT_OF_SCOPE, 0.5), ("council_info", 0.1)),
            "tack": ((THANKS, 0.5), ("council_info", 0.1)),
        },
    )
    _, booking = talk(bot, ["How do I contact the immigrant council?", "do I have to book an appointment?"])
    assert (booking.topic, booking.fallback) == ("council_contact", False)
    _, web = talk(bot, ["How do I contact the immigrant council?", "do they have a website?"])
    assert web.topic == "council_contact"
    assert "https://kajaani.fi/kaupunki-ja-hallinto/" in web.text
    assert "Kotona Kajaanissa" not in web.text, "only the lines with the web page"


def test_a_new_question_pointing_back_there_is_for_the_last_answers_municipality(core: Core) -> None:
    bot = scripted(
        core,
        {
            "paltamo": ((OUT_OF_SCOPE, 0.4), ("coordinator_contact", 0.2)),
            "seekers": WORK,
            "contact": (("coordinator_contact", 0.9), ("integration_plan", 0.05)),
        },
    )
    asked = ["Who is the contact person in Kajaani?", "and in Paltamo?"]
    _, _, there = talk(bot, [*asked, "is there a project for job seekers there?"])
    assert there.municipality == "Paltamo"
    _, _, here = talk(bot, [*asked, "is there a project for job seekers?"])
    assert here.municipality == "Kajaani", "'is there' points nowhere"


def test_a_few_words_taking_up_a_word_of_the_last_answer_ask_about_it(core: Core) -> None:
    """Only the Walk and Talk entry names a theme: "whats the theme this time?" asks about it, however sure
    the ranking is that it is out of scope; a word every answer has ("weather" none) does not."""
    bot = scripted(
        core,
        {
            "walk": (("event_walk_and_talk", 0.95), ("events", 0.02)),
            "theme": ((OUT_OF_SCOPE, 0.64), ("events", 0.08)),
            "weather": ((OUT_OF_SCOPE, 0.64), ("events", 0.08)),
        },
    )
    _, theme, weather = talk(
        bot, ["When is the Walk and Talk?", "whats the theme this time?", "what's the weather like?"]
    )
    assert (theme.topic, theme.fallback) == ("event_walk_and_talk", False)
    assert weather.fallback


def test_a_word_of_four_letters_is_taken_up_whole() -> None:
    """Spanish names the theme "tema": four letters count as a whole word, never as a stem of longer ones."""
    assert stems("¿y el tema?") == frozenset({"tema"})
    assert stems("themes, temas") == frozenset({"theme", "temas"})


def test_a_short_word_of_the_last_answer_in_its_language_asks_about_it(core: Core) -> None:
    bot = scripted(
        core,
        {"walk": (("event_walk_and_talk", 0.95), ("events", 0.02)), "tema": ((OUT_OF_SCOPE, 0.64), ("events", 0.08))},
    )
    first, theme = talk(bot, ["¿Qué es el Walk and Talk y cuándo se organiza?", "¿y cuál es el tema?"])
    assert first.language == "es"
    assert (theme.topic, theme.fallback, theme.language) == ("event_walk_and_talk", False, "es")


def test_a_contact_asked_of_a_course_stays_with_the_course_for_the_next_place(core: Core) -> None:
    """ "who do I ask about it?" of Kuhmo's literacy course (it names no one) is Kuhmo's contact
    person, with a line saying the course's answer names none; "what about Sotkamo?" then asks
    for Sotkamo's literacy course, the conversation's topic."""
    bot = scripted(
        core,
        {
            "read": (("literacy_training", 0.9), ("integration_training", 0.05)),
            "who": ((GREET, 0.3), ("coordinator_contact", 0.2)),
            "sotkamo": ((GREET, 0.5), ("coordinator_contact", 0.2)),
        },
    )
    course, who, sotkamo = talk(
        bot,
        ["My wife needs to learn to read and write, we live in Kuhmo", "who do i ask about it?", "what about sotkamo"],
    )
    assert (course.topic, who.topic) == ("literacy_training_kuhmo", "coordinator_contact_kuhmo")
    assert who.text.count(core.texts.get("detail_missing_person", "en")) == 1
    assert "pekka.horttanainen@kuhmo.fi" in who.text
    assert sotkamo.topic == "literacy_training_sotkamo"


def test_a_number_in_an_address_is_no_duration_an_events_date_is(core: Core) -> None:
    duration = next(detail for detail in core.steering.details if detail.name == "duration")
    taivalkoski, training = (
        core.knowledge.entry("integration_plan_taivalkoski"),
        core.knowledge.entry("integration_training_kajaani"),
    )
    walk = core.knowledge.entry("event_walk_and_talk")
    assert taivalkoski is not None
    assert training is not None
    assert walk is not None
    assert duration.lines(taivalkoski.text["en"], taivalkoski.facts) == [], "Kauppatie 19"
    assert any("23.5.2026" in line for line in duration.lines(walk.text["en"], walk.facts)), "a day's event"
    assert any("250" in line for line in duration.lines(training.text["en"], training.facts))
