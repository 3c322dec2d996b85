"""Follow-up or new question (bot/followup.py), with scripted rankings: each turn's ranking is
fixed, so these test the dialogue's rules, not where a trained model puts a borderline message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core import Core, Reply, State
from bot.followup import SURE_OF_ANOTHER
from bot.names import EMERGENCY, GREET, OTHER_AUTHORITY, OUT_OF_SCOPE, THANKS
from bot.nlu import NLU, Ranking
from bot.nlu.language import LanguageDetector
from tests.conftest import ScriptedRanking

CONTACT = (("coordinator_contact", 0.9), ("integration_plan", 0.05))


def scripted(core: Core, by_word: Mapping[str, Ranking]) -> Core:
    """``core`` ranking each message by the first word of ``by_word`` in it."""
    nlu = NLU(core.knowledge, core.nlu.detector, ScriptedRanking(by_word), core.nlu.fallback)
    return Core(core.knowledge, core.texts, nlu, today=core.today, steering=core.steering)


def talk(core: Core, messages: Sequence[str]) -> list[Reply]:
    replies, state = [], State()
    for message in messages:
        replies.append(core.reply(state, message))
        state = replies[-1].state
    return replies


def test_a_new_question_naming_a_municipality_is_not_a_follow_up(core: Core) -> None:
    bot = scripted(
        core,
        {
            "contact": CONTACT,
            "permit": ((OTHER_AUTHORITY, 0.8), ("coordinator_contact", 0.1)),
            "finnish": (("integration_training", 0.7), ("coordinator_contact", 0.2)),
        },
    )
    _, permit, finnish = talk(
        bot,
        [
            "Who is the contact person in Kuusamo?",
            "How do I renew my residence permit in Kajaani?",
            "Where can I learn Finnish in Kuhmo?",
        ],
    )
    assert (permit.topic, permit.fallback) == (None, True)
    assert (finnish.topic, finnish.municipality) == ("integration_training_kuhmo", "Kuhmo")


def test_a_bare_place_or_detail_goes_on_whatever_the_ranking_guesses(core: Core) -> None:
    bot = scripted(
        core,
        {
            "contact": CONTACT,
            "paltamo": ((GREET, 0.8), ("coordinator_contact", 0.1)),
            "mail": (("council_contact", 0.7), ("coordinator_contact", 0.2)),
            "number": ((OUT_OF_SCOPE, 0.6), ("coordinator_contact", 0.2)),
        },
    )
    _, paltamo, email, phone = talk(
        bot, ["Who is the contact person in Kuusamo?", "and in Paltamo?", "her e-mail?", "phone number?"]
    )
    assert paltamo.topic == "coordinator_contact_paltamo"
    assert email.topic == "coordinator_contact_paltamo"
    assert "helena.hynynen@paltamo.fi" in email.text
    assert (phone.topic, phone.fallback) == ("coordinator_contact_paltamo", False)


def test_a_few_unsure_words_ask_about_the_last_answer(core: Core) -> None:
    bot = scripted(
        core,
        {
            "kuhmo": CONTACT,
            "advance": (("info_sessions", 0.2), ("coordinator_contact", 0.1)),
            "weather": ((OUT_OF_SCOPE, 0.9), ("coordinator_contact", 0.05)),
        },
    )
    _, advance, weather = talk(
        bot, ["Who is the contact person in Kuhmo?", "register in advance?", "what's the weather tomorrow?"]
    )
    assert advance.topic == "coordinator_contact_kuhmo"
    assert weather.fallback


def test_a_detail_the_last_answer_does_not_hold_goes_to_the_topic_that_does(core: Core) -> None:
    bot = scripted(
        core,
        {
            "services": (("integration_services", 0.9), ("client_duration", 0.05)),
            "long": (("client_duration", 0.6), ("integration_services", 0.3)),
        },
    )
    _, duration = talk(bot, ["Who can use integration services?", "how long does it last?"])
    assert duration.topic == "client_duration"


def test_a_detail_another_entry_of_the_topic_holds_stays_on_the_topic(core: Core) -> None:
    bot = scripted(
        core,
        {
            "finnish": (("integration_training", 0.9), ("client_duration", 0.05)),
            "long": (("client_duration", 0.7), ("integration_training", 0.2)),
        },
    )
    _, duration = talk(bot, ["Where can I learn Finnish in Paltamo?", "how long does it last?"])
    assert duration.topic == "integration_training_paltamo", "its sibling says: at most 250 days"


def test_saying_where_one_moved_is_no_emergency_even_when_ranked_so(core: Core) -> None:
    bot = scripted(core, {"moved": ((EMERGENCY, 0.16), (GREET, 0.1))})
    moved = bot.reply(State(), "We moved to Taivalkoski")
    assert not moved.emergency
    assert (moved.state.municipality, moved.state.municipality_stated) == ("Taivalkoski", True)


def test_a_municipality_name_is_found_in_thai_as_people_spell_it(core: Core) -> None:
    assert core.knowledge.find_municipality("แล้วที่คาเยอานีล่ะคะ") == "Kajaani"


def test_a_language_named_with_no_topic_of_its_own_asks_for_the_last_answer_in_it(core: Core) -> None:
    bot = scripted(
        core,
        {
            "walk": (("event_walk_and_talk", 0.95), ("events", 0.02)),
            "russian": ((OUT_OF_SCOPE, 0.5), ("events", 0.1)),
            "somali": (("society_orientation", 0.8), ("events", 0.1)),
        },
    )
    _, russian = talk(bot, ["When is the Walk and Talk?", "can you tell me that in Russian?"])
    assert (russian.topic, russian.language, russian.fallback) == ("event_walk_and_talk", "ru", False)
    _, somali = talk(bot, ["When is the Walk and Talk?", "is there society orientation in Somali?"])
    assert (somali.topic, somali.language) == ("society_orientation", "en")


def test_a_request_with_its_reason_asks_for_the_language_named_last(core: Core) -> None:
    """People say why they ask ("I don't understand Finnish"): the language asked for is the one
    named last, and the reason does not make the request a new question."""
    bot = scripted(
        core,
        {
            "finnish": (("integration_training", 0.8), ("coordinator_contact", 0.1)),
            "suomeksi": (("language_cafe", 0.2), ("integration_training", 0.15)),
            "по-русски": (("integration_training", 0.3), ("language_cafe", 0.1)),
            "tiếng việt": (("integration_training", 0.2), ("language_cafe", 0.1)),
        },
    )
    first = "Where can I learn Finnish in Kajaani?"
    for request, language in (
        ("Voisitko kertoa saman suomeksi, en ymmärrä englantia kovin hyvin", "fi"),
        ("Я не понимаю по-фински, можно по-русски?", "ru"),
        ("Tôi không hiểu tiếng Anh, bạn có thể nói bằng tiếng Việt không?", "vi"),
    ):
        _, reply = talk(bot, [first, request])
        assert (reply.topic, reply.language) == ("integration_training_kajaani", language), request


def test_asking_about_finnish_courses_is_no_request_for_finnish_answers(core: Core) -> None:
    """Finnish is what people come to learn: "is there Finnish training?" after an answer keeps
    the user's language, while "in Finnish" asks for it."""
    bot = scripted(core, {"": (("work_employment", 0.9), ("integration_training", 0.05))})
    for first, question, language in (
        ("卡亚尼有找工作的项目吗?", "有芬兰语培训吗?", "zh"),
        ("Kajaani'de iş bulma projesi var mı?", "Fince kursu da var mı?", "tr"),
        ("¿Hay un proyecto de empleo en Kajaani?", "¿y clases de finlandés?", "es"),
        ("มีโครงการหางานที่ Kajaani ไหม", "มีสอนภาษาฟินแลนด์ไหม", "th"),
    ):
        _, reply = talk(bot, [first, question])
        assert reply.language == language, question
    _, finnish = talk(bot, ["卡亚尼有找工作的项目吗?", "请用芬兰语回答"])
    assert finnish.language == "fi"


class Estonian(LanguageDetector):
    """A detector that reads Estonian in every message long enough to tell."""

    def detect(self, text: str) -> str | None:
        """Estonian, as lingua reads some short Swedish messages."""
        return "et" if sum(char.isalpha() for char in text) >= self.min_letters else None


def test_a_short_message_keeps_the_conversations_language_and_a_sentence_switches_it(core: Core) -> None:
    nlu = NLU(
        core.knowledge,
        Estonian(core.knowledge, {**LanguageDetector.defaults}),
        ScriptedRanking({"": CONTACT}),
        core.nlu.fallback,
    )
    bot = Core(core.knowledge, core.texts, nlu, today=core.today, steering=core.steering)
    swedish = State(language="sv", topic="coordinator_contact_kuusamo")
    assert bot.reply(swedish, "hennes telefonnummer i Kuusamo?").language == "sv"
    assert bot.reply(swedish, "Kes on integratsiooni kontaktisik Kuusamos?").language == "et"


def test_a_short_message_in_another_script_switches_the_language(core: Core) -> None:
    """Another script is read by its letters, not guessed: "какой у него телефон?" after English
    is Russian, though as short as a Latin message that keeps the language."""
    bot = scripted(core, {"": CONTACT})
    english = State(language="en", topic="coordinator_contact_kuhmo")
    assert bot.reply(english, "какой у него телефон?").language == "ru"
    assert bot.reply(english, "ما هو بريده الإلكتروني؟").language == "ar"
    assert bot.reply(State(language="ru", topic="coordinator_contact_kuhmo"), "а какой телефон?").language == "ru"


def test_a_bare_detail_the_sources_lack_is_said_of_the_last_answer(core: Core) -> None:
    bot = scripted(
        core,
        {
            "council": (("council_contact", 0.9), ("coordinator_contact", 0.05)),
            "mail": (("coordinator_contact", 0.6), ("council_contact", 0.3)),
        },
    )
    _, email = talk(bot, ["How can I contact the immigrant council?", "what is their e-mail?"])
    assert email.topic == "council_contact"
    assert core.texts.get("detail_missing_email", "en") in email.text


def test_another_authoritys_question_is_never_taken_for_a_follow_up(core: Core) -> None:
    bot = scripted(
        core,
        {
            "contact": CONTACT,
            "dentist": ((OTHER_AUTHORITY, 0.3), ("coordinator_contact", 0.2)),
            "rent": ((OTHER_AUTHORITY, 0.3), ("coordinator_contact", 0.2)),
        },
    )
    _, dentist, rent = talk(bot, ["Who is the contact person in Kuusamo?", "a good dentist in Kuhmo?", "rent?"])
    assert (dentist.topic, dentist.fallback) == (None, True)
    assert (rent.topic, rent.fallback) == (None, True)


def test_short_phrases_are_whole_words_and_arabic_script_ones_start_a_word(core: Core) -> None:
    def detail(text: str) -> str | None:
        found = core.steering.read(text, core.knowledge.without_municipalities).detail
        return found.name if found else None

    assert detail("aitäh abi eest") is None, "Vietnamese 'ai' (who) is no stem of aitäh"
    assert detail("یکی از دوستانم") is None, "Persian کی (who) inside یکی (one)"
    assert (detail("ai?"), detail("کیه؟"), detail("ومتى؟")) == ("person", "person", "time")
    assert detail("sähköpostiosoite?") == "email", "a longer phrase is still a stem"


def test_a_bare_home_statement_too_short_to_tell_a_language_leaves_it_open(core: Core) -> None:
    moved = core.reply(State(), "Elan Kuhmos")
    assert (moved.state.municipality, moved.state.language) == ("Kuhmo", None)
    longer = core.reply(State(), "Ми з родиною переїхали в Тайвалкоскі")
    assert longer.state.language == "uk"


def test_an_unsure_thanks_is_thanks_not_the_last_answer_again(core: Core) -> None:
    bot = scripted(core, {"contact": CONTACT, "cheers": ((THANKS, 0.3), ("coordinator_contact", 0.2))})
    _, cheers = talk(bot, ["Who is the contact person in Kuusamo?", "cheers mate"])
    assert (cheers.topic, cheers.fallback) == (None, False)


def test_asking_what_it_costs_or_how_to_sign_up_goes_on_from_the_last_answer(core: Core) -> None:
    """Short questions about the price or signing up, which a ranking takes for thanks or a
    greeting ("free"), stay with the last answer; a gap about applying is said plainly."""
    bot = scripted(
        core,
        {
            "finnish": (("integration_training", 0.8), ("coordinator_contact", 0.1)),
            "kaikukortti": (("leisure_culture", 0.9), ("events", 0.05)),
            "free": ((THANKS, 0.6), ("integration_training", 0.1)),
            "бесплатно": ((GREET, 0.4), ("integration_training", 0.1)),
            "sign": ((OTHER_AUTHORITY, 0.3), ("integration_training", 0.1)),
            "apply": ((OUT_OF_SCOPE, 0.4), ("leisure_culture", 0.1)),
        },
    )
    _, free, russian, sign = talk(
        bot, ["Where can I learn Finnish in Kajaani?", "is it free?", "это бесплатно?", "how do I sign up?"]
    )
    assert [reply.topic for reply in (free, russian, sign)] == ["integration_training_kajaani"] * 3
    _, apply = talk(bot, ["What is the Kaikukortti?", "how do I apply?"])
    assert apply.topic == "leisure_culture"
    assert core.texts.get("detail_missing_signup", "en") in apply.text, "its gaps say where to apply is not known"


def test_a_municipality_named_in_a_follow_up_is_for_that_answer_only(core: Core) -> None:
    """A follow-up ("and in Kuhmo?") answers there; the next questions are for the municipality
    the conversation had (a guess from the first question, or the home the user said)."""
    bot = scripted(
        core,
        {
            "contact": CONTACT,
            "finnish": (("integration_training", 0.8), ("coordinator_contact", 0.1)),
            "kuhmo": ((GREET, 0.5), ("coordinator_contact", 0.1)),
            "mail": ((OUT_OF_SCOPE, 0.4), ("coordinator_contact", 0.2)),
        },
    )
    replies = talk(
        bot,
        [
            "Where can I learn Finnish in Kajaani?",
            "and in Kuhmo?",
            "her e-mail?",
            "Who is the contact person for integration?",
            "Where can I learn Finnish?",
        ],
    )
    assert [reply.municipality for reply in replies] == ["Kajaani", "Kuhmo", "Kuhmo", "Kajaani", "Kajaani"]
    assert replies[-1].state.municipality == "Kajaani"
    moved = bot.reply(replies[1].state, "I moved to Kuhmo, who is the contact person?")
    assert (moved.municipality, moved.state.municipality_stated) == ("Kuhmo", True)


def test_a_contact_detail_the_entry_lacks_is_answered_by_its_related_contact_entry(core: Core) -> None:
    """What the council does says nothing of how to reach it; the council's contact entry, from
    the same section of the same source, does (its gaps: the e-mail address is not known)."""
    bot = scripted(
        core,
        {
            "council": (("council_info", 0.9), ("council_contact", 0.05)),
            "contact": (("coordinator_contact", 0.4), ("council_info", 0.3)),
            "mail": ((OUT_OF_SCOPE, 0.5), ("council_info", 0.2)),
        },
    )
    _, contact = talk(bot, ["What does the immigrant council do?", "How can I contact them?"])
    assert contact.topic == "council_contact"
    assert core.texts.get("detail_missing_contact", "en") in contact.text
    _, email = talk(bot, ["What does the immigrant council do?", "and their e-mail?"])
    assert (email.topic, email.fallback) == ("council_contact", False)
    assert core.texts.get("detail_missing_email", "en") in email.text


def test_a_short_follow_up_is_judged_by_what_it_says_besides_the_place(core: Core) -> None:
    """A ranking sure of "e em Hyrynsalmi?" is the municipality name's (as "Hyrynsalmi?" alone
    would be): what is left, "e em", names no topic, so it goes on; "entä työ Kuusamossa?" names
    work in what is left too, so it is a new question."""
    bot = scripted(
        core,
        {
            "työ": (("work_employment", 0.8), ("coordinator_contact", 0.1)),
            "finnish": (("integration_training", 0.9), ("coordinator_contact", 0.05)),
            "hyrynsalmi": (("coordinator_contact", 0.62), ("greet", 0.07)),
        },
    )
    _, hyrynsalmi, work = talk(
        bot, ["Where can I learn Finnish in Suomussalmi?", "e em Hyrynsalmi?", "entä työ Kuusamossa?"]
    )
    assert (hyrynsalmi.topic, hyrynsalmi.municipality) == ("integration_training_hyrynsalmi", "Hyrynsalmi")
    assert (work.topic, work.municipality) == ("work_employment_kuusamo", "Kuusamo")


def test_a_way_to_reach_someone_after_an_answer_naming_nobody_is_the_contact_person(core: Core) -> None:
    """The quota refugees' answer names no one: "her e-mail?" gets the municipality's contact
    person (conversation.yml, details: otherwise); a phone number, which that entry does not show
    either, does not; after an answer naming who does it (the Red Cross café...), "who organises
    it?" stays on that answer."""
    bot = scripted(
        core,
        {
            "quota": (("quota_refugees", 0.9), ("society_orientation", 0.05)),
            "café": (("volunteer_activities", 0.9), ("language_cafe", 0.05)),
            "who": (("coordinator_contact", 0.6), ("greet", 0.1)),
            "mail": ((OUT_OF_SCOPE, 0.6), ("coordinator_contact", 0.2)),
            "number": ((OUT_OF_SCOPE, 0.6), ("coordinator_contact", 0.2)),
        },
    )
    _, phone = talk(bot, ["Do quota refugees come to Suomussalmi?", "phone number?"])
    assert phone.topic == "quota_refugees", "the contact person's entry shows no phone number either"
    _, email = talk(bot, ["Do quota refugees come to Suomussalmi?", "her e-mail?"])
    assert (email.topic, email.municipality) == ("coordinator_contact_suomussalmi", "Suomussalmi")
    assert "tytti.matero@suomussalmi.fi" in email.text
    _, who = talk(bot, ["Is there a café for meeting people in Kajaani?", "who organises it?"])
    assert who.topic == "volunteer_activities_kajaani"


def test_a_longer_unsure_question_taking_up_the_last_answers_words_asks_about_it(core: Core) -> None:
    bot = scripted(
        core,
        {
            "neuvosto": (("council_info", 0.9), ("council_contact", 0.05)),
            "tapahtuu": (("events", 0.27), ("council_info", 0.2)),
        },
    )
    _, then = talk(bot, ["mikä on maahanmuuttajaneuvosto?", "mitä sitten tapahtuu kun oon lähettäny viestin"])
    assert then.topic == "council_info", "'lähettäny' takes up the council answer's 'lähettää'"
    _, other = talk(bot, ["mikä on maahanmuuttajaneuvosto?", "mitä tapahtuu jos bussi ei tule ajoissa pysäkille"])
    assert other.topic != "council_info"


def test_a_follow_up_by_place_asks_for_the_intent_answered_and_a_close_runner_up_where_it_differs(core: Core) -> None:
    """ "and in Kajaani?" after Sotkamo's service point (its guidance entry answers for it) asks for
    Kajaani's service point; after an answer the same everywhere, for the intent ranked close
    behind it that differs between municipalities; a far second is no such guess."""
    bot = scripted(
        core,
        {
            "service point": (("service_point", 0.9), ("low_threshold_guidance", 0.05)),
            "course": (("client_duration", 0.38), ("integration_training", 0.28)),
            "client": (("client_duration", 0.6), ("integration_training", 0.1)),
            "kuhmo": ((GREET, 0.3), ("events", 0.1)),
            "kajaani": ((GREET, 0.3), ("events", 0.1)),
        },
    )
    sotkamo, kajaani = talk(bot, ["Where is the service point in Sotkamo?", "and in Kajaani?"])
    assert (sotkamo.topic, kajaani.topic) == ("low_threshold_guidance_sotkamo", "service_point")
    first, kuhmo = talk(bot, ["How many days is the integration course?", "and in Kuhmo?"])
    assert (first.topic, kuhmo.topic) == ("client_duration", "integration_training_kuhmo")
    _, same = talk(bot, ["How long am I a client?", "and in Kuhmo?"])
    assert same.topic == "client_duration"


def test_a_short_arabic_script_word_is_no_stem_of_a_longer_one(core: Core) -> None:
    """Persian "کی" (who) is no start of Arabic "كيف" (how): "كيف حالك؟" (how are you?) after the
    contact person's answer is a greeting, not "who?" asked of it; "کیه؟" (who is it?) still asks who."""
    bot = scripted(core, {"contact": CONTACT, "حال": ((GREET, 0.8), ("coordinator_contact", 0.1))})
    _, greeting = talk(bot, ["Who is the contact person in Kuusamo?", "كيف حالك؟"])
    assert greeting.topic is None
    signals = core.steering.read("مسئولش کیه؟", core.knowledge.without_municipalities)
    assert signals.detail is not None
    assert signals.detail.name == "person"


def test_a_follow_up_by_place_with_no_entry_there_asks_for_a_close_runner_up_that_has_one(core: Core) -> None:
    """Paltamo has no language café of its own: "and in Paltamo?" after Kajaani's, whose question
    was ranked close behind for Finnish courses, is Paltamo's integration training; Kuusamo has a
    café of its own, so "and in Kuusamo?" stays with the café."""
    bot = scripted(
        core,
        {
            "learn": (("language_cafe", 0.3), ("integration_training", 0.25)),
            "paltamo": ((GREET, 0.3), ("events", 0.1)),
            "kuusamo": ((GREET, 0.3), ("events", 0.1)),
        },
    )
    first, paltamo = talk(bot, ["Where can I learn Finnish for free in Kajaani?", "and in Paltamo?"])
    assert (first.topic, paltamo.topic) == ("language_cafe_kajaani", "integration_training_paltamo")
    _, kuusamo = talk(bot, ["Where can I learn Finnish for free in Kajaani?", "and in Kuusamo?"])
    assert kuusamo.topic == "language_cafe_kuusamo"


def test_a_few_words_surely_about_another_topic_are_a_new_question_whatever_detail_they_ask(
    core: Core,
) -> None:
    """ "Where is Kajaani Info?" after the work answer (whose entries name Kajaani Info too) asks
    about the service point, not where the work project is."""
    sure = scripted(
        core,
        {
            "work": (("work_employment", 0.9), ("service_point", 0.05)),
            "info": (("service_point", SURE_OF_ANOTHER + 0.15), ("work_employment", 0.05)),
        },
    )
    work, info = talk(sure, ["How can I find work in Kajaani?", "Where is Kajaani Info?"])
    assert work.intent == "work_employment"
    assert info.intent == "service_point"


def test_where_the_user_lives_after_an_answer_the_same_everywhere_answers_it_again_for_there(
    core: Core,
) -> None:
    """ "How long am I a client?" then "I live in Ristijärvi": the answer again, said for
    Ristijärvi, not only a note that answers will be for it."""
    script = scripted(core, {"client": (("client_duration", 0.9), ("integration_services", 0.05))})
    duration, home = talk(script, ["How long am I a client of integration services?", "I live in Ristijärvi"])
    assert duration.intent == "client_duration"
    assert home.intent == "client_duration"
    assert home.state.municipality == "Ristijärvi"
    assert home.text != core.texts.get("municipality_set", "en", municipality="Ristijärvi")


def test_the_last_answers_topic_asked_again_in_other_words_keeps_its_municipality(core: Core) -> None:
    """A user living in Kuhmo asks "Is there work for job seekers in Kajaani?", then "can that
    project help a welder?" (ranked for the same topic, naming no municipality): Kajaani's entry
    again, not the one for where they live."""
    work_words = (("work_employment", 0.9), ("out_of_scope", 0.05))
    script = scripted(core, {"work": work_words, "welder": work_words})
    _, work, welder = talk(
        script, ["I live in Kuhmo", "Is there work for job seekers in Kajaani?", "can that project help a welder?"]
    )
    assert work.municipality == "Kajaani"
    assert welder.intent == "work_employment"
    assert welder.municipality == "Kajaani"
    assert welder.state.municipality == "Kuhmo"


def test_a_few_words_of_their_own_surely_out_of_scope_fall_back_after_an_answer(core: Core) -> None:
    """ "where do I buy a car?" asks for a place, but "buy a car" is a question of its own that the
    ranking is sure is out of scope: the fallback, not the course again; "where?" ranked as
    surely, with nothing besides, asks where the course is."""
    bot = scripted(
        core,
        {
            "finnish": (("integration_training", 0.9), ("language_cafe", 0.05)),
            "car": ((OUT_OF_SCOPE, 0.85), ("volunteer_activities", 0.03)),
            "where": ((OUT_OF_SCOPE, 0.85), (GREET, 0.05)),
        },
    )
    _, car = talk(bot, ["Where can I learn Finnish in Kajaani?", "where do I buy a car?"])
    assert (car.topic, car.fallback) == (None, True)
    _, where = talk(bot, ["Where can I learn Finnish in Kajaani?", "where?"])
    assert where.topic == "integration_training_kajaani"


def test_out_of_scope_with_the_last_answer_close_behind_asks_about_it(core: Core) -> None:
    """ "how much does the Finnish course cost for me?" after the course, ranked out of scope and
    the course as high, asks what the course costs; a question ranked out of scope with the course
    far behind falls back."""
    bot = scripted(
        core,
        {
            "study": (("integration_training", 0.9), ("language_cafe", 0.05)),
            "course": ((OUT_OF_SCOPE, 0.35), ("integration_training", 0.34)),
            "flat": ((OUT_OF_SCOPE, 0.5), ("integration_training", 0.1)),
        },
    )
    _, cost = talk(bot, ["Where can I study the language in Kajaani?", "how much does the Finnish course cost for me?"])
    assert cost.topic == "integration_training_kajaani"
    _, flat = talk(bot, ["Where can I study the language in Kajaani?", "how much does a rented flat cost for me?"])
    assert (flat.topic, flat.fallback) == (None, True)


def test_a_follow_up_by_place_with_no_entry_there_asks_for_the_conversations_earlier_topic_there(
    core: Core,
) -> None:
    """ "and in Kuusamo?" after how long one is a client (the same everywhere), asked after where
    newcomers in Kajaani get help, asks where Kuusamo's get help; Taivalkoski has no entrepreneurs'
    entry of its own, so "and in Taivalkoski?" after Kuusamo's, asked after work in Kuusamo, asks
    for work in Taivalkoski. Where the topic answered last has an entry there, it stays."""
    bot = scripted(
        core,
        {
            "help": (("low_threshold_guidance", 0.9), ("service_point", 0.05)),
            "client": (("client_duration", 0.9), ("integration_training", 0.05)),
            "work": (("work_employment", 0.9), ("entrepreneurship", 0.05)),
            "business": (("entrepreneurship", 0.9), ("work_employment", 0.05)),
            "finnish": (("integration_training", 0.9), ("language_cafe", 0.05)),
        },
    )
    *_, kuusamo = talk(bot, ["Where do newcomers get help in Kajaani?", "How long am I a client?", "and in Kuusamo?"])
    assert kuusamo.topic == "low_threshold_guidance_kuusamo"
    *_, taivalkoski = talk(
        bot, ["Is there work in Kuusamo?", "Where do I start a business in Kuusamo?", "and in Taivalkoski?"]
    )
    assert taivalkoski.topic == "work_employment_taivalkoski"
    *_, kuhmo = talk(bot, ["Is there work in Kuusamo?", "Where can I learn Finnish in Kuusamo?", "and in Kuhmo?"])
    assert kuhmo.topic == "integration_training_kuhmo"
