"""Which entry answers a detail asked of the last answer (bot/followup.py's ``holder``), with
scripted rankings: each turn's ranking is fixed, so these test the dialogue's rules, not where a
trained model puts a borderline message."""

from __future__ import annotations

from bot.core import Core
from bot.names import GREET, OUT_OF_SCOPE
from bot.project.conversation import load_steering
from bot.project.texts import load_texts
from tests.conftest import ROOT
from tests.test_followup import scripted, talk

GUIDANCE = (("low_threshold_guidance", 0.9), ("service_point", 0.05))


def test_a_detail_the_answer_lacks_comes_from_the_entry_about_the_place_it_names(core: Core) -> None:
    """Where Kajaani's guidance is given names Kajaani Info, and its gaps say the sources lack its
    opening hours and phone number: "when is it open?" gets the Kajaani Info entry's hours, and
    "phone number?" its text, saying the number is not given."""
    bot = scripted(
        core,
        {
            "advice": GUIDANCE,
            "open": ((OUT_OF_SCOPE, 0.3), ("integration_training", 0.1)),
            "phone": ((OUT_OF_SCOPE, 0.3), ("coordinator_contact", 0.2)),
        },
    )
    first, hours = talk(bot, ["Where do I get advice in Kajaani?", "when is it open?"])
    assert (first.topic, hours.topic) == ("low_threshold_guidance_kajaani", "service_point")
    assert "9-12" in hours.text
    assert "do not give the date or time" not in hours.text, "the entry about it gives the hours"
    _, phone = talk(bot, ["Where do I get advice in Kajaani?", "what is the phone number?"])
    assert phone.topic == "service_point"
    assert "do not give a phone number" in phone.text


def test_opening_hours_the_sources_lack_say_nothing_of_how_long_something_lasts(core: Core) -> None:
    """ "Opening hours ... not in the sources" is no gap of a duration: "how long does it take?" after
    the guidance is a question of its own when the ranking is sure of it."""
    bot = scripted(
        core,
        {
            "advice": GUIDANCE,
            "take": (("client_duration", 0.6), (GREET, 0.05)),
        },
    )
    _, duration = talk(bot, ["Where do I get advice in Kajaani?", "how long does it take?"])
    assert duration.topic == "client_duration"


def test_a_social_media_account_comes_from_the_entry_naming_it(core: Core) -> None:
    """ "do they have Instagram?" after what the council is: the council's contact entry, related
    to it, names the Foreigners in Kajaani Instagram account; after the Talk to a stranger day,
    the events overview, from the same section of the council's plan, names it."""
    bot = scripted(
        core,
        {
            "council": (("council_info", 0.9), ("council_contact", 0.05)),
            "stranger": (("event_talk_to_stranger", 0.9), ("events", 0.05)),
            "instagram": ((OUT_OF_SCOPE, 0.2), ("leisure_culture", 0.1)),
        },
    )
    _, account = talk(bot, ["What is the immigrant council?", "do they have an instagram?"])
    assert account.topic == "council_contact"
    assert "Instagram" in account.text
    assert "Kotona Kajaanissa" in account.text
    assert "web page" not in account.text, "only the lines naming the account"
    _, campaign = talk(bot, ["When was the Talk to a stranger day?", "where do I find the instagram for foreigners?"])
    assert campaign.topic == "events"


def test_a_latin_word_glued_to_chinese_is_a_word_of_its_own(core: Core) -> None:
    """Chinese writes no spaces: "的Instagram账号" still names Instagram, "Kajaani的" Kajaani's."""
    signals = core.steering.read("外国人的Instagram账号叫什么?", core.knowledge.without_municipalities)
    assert signals.detail is not None
    assert signals.detail.name == "social"
    assert core.steering.read("我想要email地址", core.knowledge.without_municipalities).detail is not None


def test_a_detail_the_topic_lacks_and_the_ranked_intent_shows_is_a_new_question(core: Core) -> None:
    """After the welcome event, which names no social media account, a question about the
    foreigners' Instagram account ranked, however unsure, for how to reach the council gets the
    council's contact entry; ranked too unsure of it, the welcome event again."""
    bot = scripted(
        core,
        {
            "welcome": (("event_welcome", 0.9), ("events", 0.05)),
            "account": (("council_contact", 0.3), ("leisure_culture", 0.1)),
            "profile": (("council_contact", 0.2), ("leisure_culture", 0.1)),
        },
    )
    _, account = talk(bot, ["When is the welcome event?", "what is the instagram account of the foreigners?"])
    assert account.topic == "council_contact"
    _, unsure = talk(bot, ["When is the welcome event?", "what is the instagram profile of the foreigners?"])
    assert unsure.topic == "event_welcome"


def test_a_detail_of_the_person_an_answer_names_is_the_persons_own_entry_when_ranked_for_it(core: Core) -> None:
    """Suomussalmi's guidance names its contact person with her e-mail: "whats her email" ranked
    for the contact person gets her own entry (without saying the guidance lacks it); ranked for
    nothing of the kind, the guidance's line with the e-mail."""
    bot = scripted(
        core,
        {
            "advice": GUIDANCE,
            "her": (("coordinator_contact", 0.59), (OUT_OF_SCOPE, 0.16)),
            "his": ((OUT_OF_SCOPE, 0.6), ("coordinator_contact", 0.1)),
        },
    )
    first, email = talk(bot, ["Where do I get advice in Suomussalmi?", "whats her email"])
    assert (first.topic, email.topic) == ("low_threshold_guidance_suomussalmi", "coordinator_contact_suomussalmi")
    assert "tytti.matero@suomussalmi.fi" in email.text
    assert core.texts.get("detail_missing_email", "en") not in email.text
    _, lines = talk(bot, ["Where do I get advice in Suomussalmi?", "and his email"])
    assert lines.topic == "low_threshold_guidance_suomussalmi"
    assert "tytti.matero@suomussalmi.fi" in lines.text


def test_a_short_remark_after_a_follow_up_by_place_is_no_question_of_its_own(core: Core) -> None:
    """ "e a Hyrynsalmi? lavoro lì" (I work there) asks for Hyrynsalmi's contact person, whatever
    the remark's "work" ranks for; a second question after it ("...? is there work?") is asked."""
    bot = scripted(
        core,
        {
            "contact": (("coordinator_contact", 0.9), ("human_contact", 0.05)),
            "work": (("work_employment", 0.7), (GREET, 0.09)),
            "lavoro": (("work_employment", 0.7), (GREET, 0.09)),
            "hyrynsalmi": ((GREET, 0.3), (OUT_OF_SCOPE, 0.2)),
        },
    )
    _, there = talk(bot, ["Who is the contact person in Puolanka?", "e a Hyrynsalmi? lavoro lì"])
    assert there.topic == "coordinator_contact_hyrynsalmi"
    _, asked = talk(bot, ["Who is the contact person in Puolanka?", "and in Hyrynsalmi? is there work?"])
    assert asked.intent == "work_employment"


def test_a_condition_asks_about_the_last_answer_for_another_situation(core: Core) -> None:
    """ "what if I am looking for work?" after who writes Paltamo's integration plan asks about the
    plan for a job seeker, however sure the ranking is of work; without a last answer it is the
    question its ranking says."""
    bot = scripted(
        core,
        {
            "plan": (("integration_plan", 0.9), ("service_needs_assessment", 0.05)),
            "work": (("work_employment", 0.7), (GREET, 0.06)),
        },
    )
    _, situation = talk(bot, ["Who writes my integration plan in Paltamo?", "what if I am looking for work?"])
    assert situation.topic == "integration_plan_paltamo"
    (alone,) = talk(bot, ["what if I am looking for work in Paltamo?"])
    assert alone.topic == "work_employment_paltamo"
    _, someone = talk(bot, ["Who writes my integration plan in Paltamo?", "and for someone who has work?"])
    assert someone.topic == "integration_plan_paltamo"  # a situation of someone else is a condition too


def test_a_situation_of_someone_else_opens_a_condition_in_every_language() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    opened = (
        "entä sellainen joka on eläkkeellä?",
        "och för den som inte söker jobb?",
        "а для тех кто не ищет работу?",
        "et pour quelqu'un qui travaille déjà ?",
        "y para alguien que ya trabaja?",
        "برای کسی که کار داره چی؟",
        "а для тих хто вже працює?",
    )
    assert all(steering.read(text, lambda folded: folded).condition for text in opened)


def test_where_of_an_answer_giving_no_place_is_the_entry_about_the_service_it_names(core: Core) -> None:
    """Kajaani's guidance names Kajaani Info and gives no address, nor says the sources lack one:
    "where is it?" gets the Kajaani Info entry, whole (where the Info is, in words), not the same
    answer again."""
    bot = scripted(core, {"advice": GUIDANCE, "where": ((GREET, 0.3), (OUT_OF_SCOPE, 0.2))})
    _, where = talk(bot, ["Where do I get advice in Kajaani?", "where is it?"])
    assert where.topic == "service_point"
    assert "city hall" in where.text
    assert "do not give the exact place" not in where.text, "the entry about it is no stand-in"


def test_a_detail_the_answer_lacks_comes_from_a_topic_the_message_also_ranks_for(core: Core) -> None:
    """Who integration services are for says nothing of how long: "how long does it take?", ranked
    out of scope first and for how long one is a client next, gets that entry's duration, said to
    stand in; ranked that low for nothing that shows a duration, the same answer again."""
    clients = (("integration_services", 0.9), ("client_duration", 0.05))
    bot = scripted(
        core,
        {
            "clients": clients,
            "long": ((OUT_OF_SCOPE, 0.4), ("client_duration", 0.25)),
            "duration": ((OUT_OF_SCOPE, 0.6), ("client_duration", 0.1)),
        },
    )
    _, duration = talk(bot, ["Who are the clients of integration services?", "how long does it take?"])
    assert duration.topic == "client_duration"
    assert "do not say how long" in duration.text
    assert "3-4" in duration.text
    _, again = talk(bot, ["Who are the clients of integration services?", "and the duration?"])
    assert again.topic == "integration_services"


def test_whether_children_may_come_is_the_line_naming_them(core: Core) -> None:
    """ "can I bring my kids?" after where to practise Finnish in Kajaani gets the line saying that
    small children may come to the Red Cross reading group, not the one about its café; it is read
    so in Russian too."""
    bot = scripted(
        core,
        {
            "practise": (("language_cafe", 0.9), ("literacy_training", 0.05)),
            "kids": ((OUT_OF_SCOPE, 0.3), ("volunteer_activities", 0.2)),
        },
    )
    first, kids = talk(bot, ["Where can I practise Finnish in Kajaani?", "can I bring my kids?"])
    assert (first.topic, kids.topic) == ("language_cafe_kajaani", "language_cafe_kajaani")
    assert "small children" in kids.text
    assert "Kahvila" not in kids.text, "only the line naming children"
    assert core.steering.read("можно с детьми?", core.knowledge.without_municipalities).detail is not None
