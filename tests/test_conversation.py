"""Conversations that remember, in the channel-free core: follow-ups by place and by detail, the
home municipality, short replies, declines, language switches and fallbacks that keep the context."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.core import Core, Reply, State
from bot.errors import DataError
from bot.followup import BARE_LETTERS
from bot.names import HANDOFF_ACTION, OUT_OF_SCOPE
from bot.project.conversation import Steering, Switch, load_steering
from bot.project.places import normalize
from bot.project.texts import load_texts
from tests.conftest import ROOT, copy_project
from tests.test_cli import run
from tests.test_followup import scripted

KUUSAMO = "Who is the contact person for integration in Kuusamo?"


def talk(core: Core, messages: Sequence[str], state: State | None = None) -> list[Reply]:
    """Each message's reply, one conversation."""
    replies = []
    state = state or State()
    for message in messages:
        replies.append(core.reply(state, message))
        state = replies[-1].state
    return replies


def test_a_message_naming_only_a_municipality_answers_the_same_topic_there(core: Core) -> None:
    first, paltamo, kuhmo, russian = talk(core, [KUUSAMO, "And in Paltamo?", "what about kuhmo", "а в Пальтамо?"])
    assert first.topic == "coordinator_contact_kuusamo"
    assert (paltamo.topic, paltamo.municipality) == ("coordinator_contact_paltamo", "Paltamo")
    assert "helena.hynynen@paltamo.fi" in paltamo.text
    assert paltamo.text.startswith(core.texts.get("answer_for", "en", municipality="Paltamo"))
    assert kuhmo.topic == "coordinator_contact_kuhmo"
    assert russian.topic == "coordinator_contact_paltamo"


def test_a_detail_question_answers_that_detail_of_the_same_entry(core: Core) -> None:
    _, email = talk(core, [KUUSAMO, "What is her e-mail?"])
    assert email.topic == "coordinator_contact_kuusamo"
    assert "raisa.kuusisto@kuusamo.fi" in email.text
    assert "Every municipality" not in email.text
    _, when = talk(core, ["When is the Tervetuloa Kajaaniin event?", "where?"])
    assert when.topic == "event_welcome"
    assert "Kaukametsä, musiikkiopiston aula" in when.text


def test_a_detail_the_sources_lack_is_said_with_what_they_give(core: Core) -> None:
    _, phone = talk(core, [KUUSAMO, "phone?"])
    assert phone.topic == "coordinator_contact_kuusamo"
    assert core.texts.get("detail_missing_phone", "en") in phone.text
    assert "raisa.kuusisto@kuusamo.fi" in phone.text
    _, finnish = talk(core, ["Kuka on kotoutumisen yhteyshenkilö Kuhmossa?", "onko hänellä puhelinnumeroa?"])
    assert core.texts.get("detail_missing_phone", "fi") in finnish.text
    assert "pekka.horttanainen@kuhmo.fi" in finnish.text


def test_the_home_municipality_is_kept_and_one_question_elsewhere_does_not_move_it(core: Core) -> None:
    home, plan, elsewhere, again = talk(
        core,
        [
            "I live in Sotkamo",
            "Who makes my integration plan?",
            "Who makes the integration plan in Kuusamo?",
            "Who is the contact person for integration?",
        ],
    )
    assert home.text == core.texts.get("municipality_set", "en", municipality="Sotkamo")
    assert (home.state.municipality, home.state.municipality_stated) == ("Sotkamo", True)
    assert plan.topic == "integration_plan_sotkamo"
    assert elsewhere.topic == "integration_plan_kuusamo"
    assert elsewhere.state.municipality == "Sotkamo"
    assert again.topic == "coordinator_contact_sotkamo"
    moved = talk(core, ["I moved to Kuhmo"], again.state)[0]
    assert moved.state.municipality == "Kuhmo"


def test_a_correction_naming_two_municipalities_moves_home_to_the_one_lived_in(core: Core) -> None:
    steering = core.steering
    assert steering.home_named("sorry, I live in Kuhmo, not Kajaani", core.knowledge) == "Kuhmo"
    assert steering.home_named("not Kajaani, I live in Kuhmo", core.knowledge) == "Kuhmo"
    assert steering.home_named("ой, я переплутала, живу в Соткамо, не в Каяані", core.knowledge) == "Sotkamo"
    assert steering.home_named("بەڵام من لە پالتامۆ دەژیم نەک کایانی", core.knowledge) == "Paltamo"
    assert steering.home_named("is there a language café in Kuhmo or Sotkamo?", core.knowledge) is None
    assert steering.home_named("I live in Kuhmo", core.knowledge) is None  # one name: the usual way
    first, corrected = talk(core, ["I live in Kajaani", "sorry, I live in Kuhmo, not Kajaani"])
    assert (first.state.municipality, corrected.state.municipality) == ("Kajaani", "Kuhmo")
    assert corrected.state.municipality_stated


def test_short_replies_are_short_and_keep_the_conversation(core: Core) -> None:
    replies = talk(core, [KUUSAMO, "ok", "kiitos", "👍", "спасибо", "And in Paltamo?"])
    for short in replies[1:5]:
        assert not short.fallback
        assert HANDOFF_ACTION not in [button.action for button in short.buttons]
        assert short.state.topic == "coordinator_contact_kuusamo"
    assert replies[1].text == core.texts.get("acknowledged", "en")
    assert replies[5].topic == "coordinator_contact_paltamo"


def test_a_short_reply_is_for_the_municipality_of_the_answer_it_replies_to(core: Core) -> None:
    """ "ok kiitos" after "entä Kuhmossa?" thanks for Kuhmo's answer, though the next question
    without a municipality is still for Sotkamo, the one the conversation named first."""
    _, kuhmo, thanks, no = talk(
        core, ["Kuka on kotoutumisen yhteyshenkilö Sotkamossa?", "entä Kuhmossa?", "ok kiitos", "ei kiitos"]
    )
    assert kuhmo.municipality == "Kuhmo"
    assert (thanks.municipality, no.municipality) == ("Kuhmo", "Kuhmo")
    assert thanks.state.municipality == "Sotkamo"


def test_no_declines_the_offered_question_about_the_municipality(core: Core) -> None:
    asked, declined = talk(core, ["Who makes the integration plan?", "no"])
    assert asked.state.pending_intent == "integration_plan"
    assert declined.text == core.texts.get("declined", "en")
    assert declined.state.pending_intent is None
    assert not declined.fallback


def test_a_full_sentence_switches_the_language_and_a_short_word_does_not(core: Core) -> None:
    finnish, ack, english = talk(core, ["Kuka on kotoutumisen yhteyshenkilö Kuusamossa?", "ok", "in English please"])
    assert (finnish.language, ack.language) == ("fi", "fi")
    assert (english.language, english.topic) == ("en", "coordinator_contact_kuusamo")


def test_a_plain_english_question_after_finnish_switches_to_english(core: Core) -> None:
    """lingua alone reads "Who is the contact person in ...?" as Spanish; CLD2 is sure it is English."""
    finnish, english = talk(core, ["Missä voin opiskella suomea Kuhmossa?", "Who is the contact person in Paltamo?"])
    assert finnish.language == "fi"
    assert (english.language, english.topic) == ("en", "coordinator_contact_paltamo")


def test_a_language_named_inside_a_question_is_no_request_to_answer_in_it() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))

    def language(text: str) -> str | None:
        return steering.read(text, lambda folded: folded).language

    assert language("Quiero empezar a estudiar finlandés, ¿cómo me apunto a un curso?") is None
    assert language("Saanko tietoa Suomen yhteiskunnasta somaliksi jossain koulutuksessa?") is None
    assert (language("in English please"), language("suomeksi?")) == ("en", "fi")
    assert (language("English please"), language("sorry, Russian is easier")) == ("en", "ru")


def asked_detail(text: str) -> str | None:
    """The name of the detail ``text`` asks for, read by the project's steering words."""
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    asked = steering.read(text, lambda folded: folded).detail
    return asked.name if asked else None


def test_of_two_details_the_longer_phrase_says_which_is_asked() -> None:
    assert [asked_detail("mihin aikaan?"), asked_detail("mihin mennä?"), asked_detail("what time?")] == [
        "time",
        "place",
        "time",
    ]


def test_an_address_asked_with_another_detail_is_that_details() -> None:
    assert [asked_detail("what is his email address?"), asked_detail("address and phone?")] == ["email", "phone"]
    assert asked_detail("address?") == "place"
    assert [asked_detail("their contact e-mail?"), asked_detail("how do I contact them?")] == ["email", "contact"]


def test_a_detail_is_read_however_it_is_typed_but_a_short_word_only_as_written() -> None:
    """Phones lack diacritics and people write Arabic letters either way; a short word's plain
    form can be another word (French "ou" is "or", Vietnamese "gia" is in "gia đình", family)."""
    typed = ["sahkoposti?", "khi nao?", "hur lange?", "ne kadar surer", "متي؟", "کِی؟"]
    assert [asked_detail(text) for text in typed] == ["email", "time", "duration", "duration", "time", "person"]
    assert (asked_detail("où ?"), asked_detail("giá?")) == ("place", "cost")
    assert (asked_detail("Kajaani ou Kuhmo ?"), asked_detail("gia đình tôi")) == (None, None)


def test_the_quick_check_before_the_pattern_never_misses_a_phrase() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    sets = [steering.acknowledgements, steering.declines, steering.home, steering.followups]
    sets += [detail.phrases for detail in steering.details] + list(steering.language_requests.values())
    sets.append(steering.language_questions)
    for phrases in sets:
        for alternatives in (phrases.marked, phrases.pattern):
            for phrase in alternatives.phrases:
                assert alternatives.search(f"x {phrase} y"), phrase
                assert alternatives.sub(" ", f"x {phrase} y") != f"x {phrase} y", phrase
            assert not alternatives.may_match("§§ 12 §§")
            assert alternatives.sub(" ", "§§ 12 §§") == "§§ 12 §§"
    assert steering.home.found(normalize("Well, I live in Kuhmo now"))


def test_words_about_living_somewhere_are_whole_words_not_the_start_of_others() -> None:
    """ "vuokra-asunto Kajaanista, mistä saan?" asks about housing: "asun" (I live) is not the start
    of "asunto" (flat), nor Ukrainian "я з" (I am from) of "я знаю" (I know)."""
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    assert not steering.home.found(normalize("vuokra-asunto kajaanista, mistä saan?"))
    assert not steering.home.found(normalize("я знаю, що в Каяані є курси"))
    assert not steering.home.found(normalize("я изучаю финский в Каяани"))
    assert steering.home.found(normalize("asun Kuhmossa"))
    assert steering.home.found(normalize("я из Каяани"))
    assert steering.home.found(normalize("من در سوتکامو ساکنم"))


def test_a_fallback_does_not_erase_the_context_and_two_still_offer_a_person(core: Core) -> None:
    _, weather, football, paltamo = talk(
        core,
        [KUUSAMO, "Who won the football match yesterday?", "What is the weather like on Mars?", "And in Paltamo?"],
    )
    assert weather.fallback
    assert football.fallback
    assert HANDOFF_ACTION in [button.action for button in football.buttons]
    assert paltamo.topic == "coordinator_contact_paltamo"


def test_the_terminal_chat_keeps_the_conversation() -> None:
    result = run("chat", stdin=f"{KUUSAMO}\nAnd in Paltamo?\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "helena.hynynen@paltamo.fi" in result.stdout


def test_ask_jsonl_reads_conversations_by_id_or_by_blank_lines() -> None:
    lines = [
        json.dumps({"conversation": "a", "text": KUUSAMO}),
        json.dumps({"conversation": "b", "text": "Who is the contact person for integration in Kuhmo?"}),
        json.dumps({"conversation": "a", "text": "And in Paltamo?"}),
        "",
        "And in Paltamo?",
    ]
    result = run("ask", "--jsonl", "--conversations", stdin="\n".join(lines) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["conversation"] for r in records] == ["a", "b", "a", "1"]
    assert records[2]["topic"] == "coordinator_contact_paltamo"
    assert records[3]["topic"] != "coordinator_contact_paltamo", "a blank line starts a new conversation"


def test_a_detail_without_its_interface_string_is_a_clear_error(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "copy")
    path = copy / "knowledge" / "conversation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  person:\n", "  price:\n"), encoding="utf-8")
    with pytest.raises(DataError, match="detail_missing_price"):
        load_steering(copy / "knowledge", load_texts(ROOT / "translations" / "ui"))


def test_a_follow_up_opened_with_thanks_is_still_a_follow_up() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    opened = [steering.read(text, lambda folded: folded) for text in ("Kiitos! Entä sitten?", "ok thanks, and then?")]
    assert [(signals.followup, signals.acknowledgement) for signals in opened] == [(True, False)] * 2
    assert [signals.rest for signals in opened] == [6, 4], "only the words after the opening count"


def test_follow_ups_by_place_are_read_in_their_usual_shapes() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    asked = [
        "Hur är det i Kuhmo?",
        "а як щодо Кухмо?",
        "а как насчёт Кухмо?",
        "miten on Kuhmossa?",
        "how is it in Kuhmo?",
    ]
    assert all(steering.read(text, lambda folded: folded.replace("kuhmo", " ")).followup for text in asked)


def switches(steering: Steering, *texts: str) -> list[tuple[str, str] | None]:
    """The (language, question) each text's language request switches to, None for no switch."""
    return [(s.language, s.question) if (s := steering.switch(text)) else None for text in texts]


def test_a_clause_asking_for_a_language_switches_it_and_the_question_is_read_without_it() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    switched = switches(
        steering,
        "sorry english is easier. where is that office in kajaani?",
        "Pardon, en français svp : c'est quoi la campagne photo 375 ?",
        "اسف، بالعربي لو سمحت: في فعاليات ثانية للاجانب بكاياني بالربيع؟",
        "Is Kaikukortti for me too? In Russian please",
    )
    assert switched == [
        ("en", "where is that office in kajaani?"),
        ("fr", "c'est quoi la campagne photo 375 ?"),
        ("ar", "في فعاليات ثانية للاجانب بكاياني بالربيع؟"),
        ("ru", "Is Kaikukortti for me too?"),
    ]
    unswitched = (
        "Я не понимаю по-фински, можно по-русски?",  # two requests and nothing else: the last one asked
        "Voisitko kertoa saman suomeksi, en ymmärrä englantia hyvin?",  # a request with its reason
        "Hi, is there help in English?",  # a greeting is no question
        "Can you explain the Work & Stay project in English?",  # one clause: the question itself
    )
    assert [steering.switch(text) for text in unswitched] == [None] * 4


def test_the_question_after_a_language_switch_is_answered_in_the_new_language(core: Core) -> None:
    bot = scripted(
        core,
        {
            "kaikukortti": (("leisure_culture", 0.9), ("events", 0.05)),
            "walk": (("event_walk_and_talk", 0.95), ("events", 0.02)),
            "français": (("event_walk_and_talk", 0.6), ("events", 0.1)),
        },
    )
    _, french = talk(bot, ["When is the Walk and Talk?", "Pardon, en français svp : c'est quoi la Kaikukortti ?"])
    assert (french.topic, french.language, french.state.language) == ("leisure_culture", "fr", "fr")
    _, again = talk(bot, ["When is the Walk and Talk?", "en français svp"])
    assert (again.topic, again.language) == ("event_walk_and_talk", "fr")


def test_a_request_clause_ends_at_a_dash_and_a_short_question_after_it_is_still_asked(core: Core) -> None:
    """ "English please - when is the welcome event?": the dash ends the request, and the question is
    read without it; a question of a few letters with its question mark counts ("أين المكتب؟"),
    where a greeting alone asks nothing ("Hei! in English please")."""
    steering = core.steering
    assert steering.switch("عفوا، بالعربية من فضلك: أين المكتب؟") == Switch("ar", "أين المكتب؟")
    assert steering.switch("xin lỗi, nói tiếng Việt được không? văn phòng ở đâu?") == Switch("vi", "văn phòng ở đâu?")
    assert steering.switch("Hei! in English please") is None
    assert steering.switch("Kaiku-kortti in English please") is None, "a dash in a word joins"
    bot = scripted(
        core,
        {
            "please": ((OUT_OF_SCOPE, 0.9), ("greet", 0.05)),  # were the request read with the question
            "walk": (("event_walk_and_talk", 0.95), ("events", 0.02)),
            "welcome": (("event_welcome", 0.9), ("events", 0.05)),
        },
    )
    _, welcome = talk(bot, ["Milloin on Walk and Talk?", "English please - when is the welcome event?"])
    assert (welcome.topic, welcome.language) == ("event_welcome", "en")


def test_a_reason_for_a_language_asks_nothing_of_its_own() -> None:
    """ "in English please, I can't read Finnish well" is the request alone: the reason is no question."""
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    switched = switches(
        steering,
        "in English please, I can't read Finnish well",
        "je ne comprends pas bien le finnois, en français svp",
        "по-русски пожалуйста, я плохо понимаю по-фински",
    )
    assert switched == [
        ("en", "in English please,"),
        ("fr", "en français svp"),
        ("ru", "по-русски пожалуйста,"),
    ]
    speaks = steering.switch("Mi padre solo habla español: ¿dónde está la oficina?")
    assert speaks == Switch("es", "¿dónde está la oficina?")  # who speaks it, in it: a request too
    asked = steering.switch("in English please, I don't understand: where is the office?")
    assert asked == Switch("en", "I don't understand: where is the office?")  # with a question: asked


def test_after_a_reason_for_a_language_the_last_answer_comes_in_it(core: Core) -> None:
    bot = scripted(core, {"walk": (("event_walk_and_talk", 0.95), ("events", 0.02))})
    _, again = talk(bot, ["When is the Walk and Talk?", "en français svp, je ne lis pas bien l'anglais"])
    assert (again.topic, again.language, again.fallback) == ("event_walk_and_talk", "fr", False)


#: Detail questions as people ask them, one of each kind per language: (e-mail, where, whom to
#: ask, web page, when).
DETAILS_ASKED = {
    "fi": [
        "mikä hänen sähköpostinsa on?",
        "missä se on?",
        "keneltä kysyn?",
        "onko heillä nettisivut?",
        "milloin se on?",
    ],
    "sv": ["vad är hennes mejl?", "var ligger det?", "vem frågar jag?", "har de en hemsida?", "när är det?"],
    "en": ["what's her email?", "where is it?", "who do I ask?", "do they have a website?", "when is it?"],
    "ru": ["какая у неё почта?", "где это находится?", "к кому обратиться?", "у них есть сайт?", "когда это?"],
    "et": ["mis on tema e-post?", "kus see asub?", "kelle käest küsida?", "kas neil on koduleht?", "millal see on?"],
    "fr": ["c'est quoi son mail ?", "c'est où ?", "je demande à qui ?", "ils ont un site ?", "c'est quand ?"],
    "so": ["iimaylkeeda?", "xaggee bay ku taal?", "yaan weydiiyaa?", "website ma leeyihiin?", "goorma?"],
    "es": ["¿cuál es su correo?", "¿dónde está?", "¿a quién pregunto?", "¿tienen página web?", "¿cuándo es?"],
    "tr": ["e-postası ne?", "nerede?", "kime sorayım?", "web siteleri var mı?", "ne zaman?"],
    "zh": ["她的邮箱是什么?", "在哪里?", "我该问谁?", "他们有网站吗?", "什么时候?"],
    "fa": ["ایمیلش چیه؟", "کجاست؟", "از کی بپرسم؟", "سایت دارن؟", "چه ساعتی؟"],
    "ar": ["ما هو بريدها؟", "أين يقع؟", "من أسأل؟", "هل عندهم موقع؟", "متى؟"],
    "uk": ["яка в неї пошта?", "де це?", "до кого звернутися?", "у них є сайт?", "коли це?"],
    "vi": ["email của chị ấy là gì?", "ở đâu?", "hỏi ai?", "họ có trang web không?", "khi nào?"],
    "th": ["อีเมลของเธอคืออะไร", "อยู่ที่ไหน", "ถามใครดี", "มีเว็บไซต์ไหม", "เมื่อไหร่"],
    "sw": ["barua pepe yake ni ipi?", "iko wapi?", "nimuulize nani?", "wana tovuti?", "lini?"],
    "rw": ["imeyili ye ni iyihe?", "iherereye he?", "mbaze nde?", "bafite urubuga?", "ryari?"],
    "ckb": ["ئیمەیڵەکەی چییە؟", "لە کوێیە؟", "لە کێ بپرسم؟", "ماڵپەڕیان هەیە؟", "کەی؟"],
}


@pytest.mark.parametrize("language", sorted(DETAILS_ASKED))
def test_a_detail_is_read_in_every_language(language: str) -> None:
    assert [asked_detail(text) for text in DETAILS_ASKED[language]] == ["email", "place", "person", "web", "time"]


#: "in which town?" and "how often?" as people ask them after an answer, one pair per language.
TOWN_AND_FREQUENCY = {
    "fi": ["missä kunnassa?", "kuinka usein?"],
    "sv": ["i vilken stad?", "hur ofta?"],
    "en": ["in which town?", "how often?"],
    "ru": ["в каком городе?", "как часто?"],
    "et": ["mis linnas?", "kui tihti?"],
    "fr": ["dans quelle ville ?", "combien de fois ?"],
    "so": ["magaaladee?", "immisa jeer?"],
    "es": ["¿en qué ciudad?", "¿cada cuánto?"],
    "tr": ["hangi şehirde?", "haftada kaç kez?"],
    "zh": ["在哪个城市?", "多久一次?"],
    "fa": ["کدوم شهر؟", "چند وقت یکبار؟"],
    "ar": ["في أي مدينة؟", "كم مرة؟"],
    "uk": ["у якому місті?", "як часто?"],
    "vi": ["ở thành phố nào?", "mấy lần?"],
    "th": ["ที่เมืองไหน", "บ่อยแค่ไหน"],
    "sw": ["mji gani?", "mara ngapi?"],
    "rw": ["mu wuhe mujyi?", "inshuro zingahe?"],
    "ckb": ["لە کام شار؟", "چەند جار؟"],
}


@pytest.mark.parametrize("language", sorted(TOWN_AND_FREQUENCY))
def test_which_town_asks_where_and_how_often_asks_when_in_every_language(language: str) -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    read = [steering.read(text, lambda folded: folded) for text in TOWN_AND_FREQUENCY[language]]
    assert [signals.detail.name if signals.detail else None for signals in read] == ["place", "time"]
    assert all(signals.rest <= BARE_LETTERS for signals in read), "nothing asked besides the detail"


def test_which_town_after_an_answer_the_same_everywhere_is_that_answer_again(core: Core) -> None:
    """ "ở thành phố nào?" (in which town?) after what society orientation is: the same entry, which
    says where it is given, not the fallback a ranking sure of nothing gives a question of its own."""
    bot = scripted(
        core,
        {
            "orientation": (("society_orientation", 0.9), ("integration_training", 0.05)),
            "thành": ((OUT_OF_SCOPE, 0.41), ("service_point", 0.18)),
        },
    )
    _, town = talk(bot, ["Is there society orientation in Vietnamese?", "ở thành phố nào?"])
    assert (town.topic, town.fallback) == ("society_orientation", False)


def test_a_stem_removed_takes_its_inflection_with_it() -> None:
    """ "sähköpostinsa" is all steering: what is left ("mikä hänen on") is a bare detail question."""
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    assert steering.read("mikä hänen sähköpostinsa on?", lambda folded: folded).rest == len("mikähänenon")


def test_words_pointing_back_to_the_last_answer_name_no_topic() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    assert steering.read("who do i ask about it?", lambda folded: folded).rest == len("doiask")
    assert steering.read("keneltä kysyn siitä?", lambda folded: folded).rest == len("kysyn")


def test_getting_there_writing_to_them_insta_and_a_weak_language_are_read(core: Core) -> None:
    steering = core.steering

    def detail(text: str) -> str | None:
        found = steering.read(text, lambda folded: folded).detail
        return found.name if found else None

    assert detail("ну а как туда попасть?") == "place"
    assert detail("comment leur écrire ?") == "contact"
    assert detail("do they have insta?") == "social"
    assert steering.read("who do I ask about it?", lambda folded: folded).reference
    switch = steering.switch("sorry, in English please? my Swedish is not so good")
    assert switch is not None
    assert (switch.language, switch.question) == ("en", "in English please?")


def test_asking_which_language_a_service_is_in_is_no_request_for_that_language() -> None:
    steering = load_steering(ROOT / "knowledge", load_texts(ROOT / "translations" / "ui"))
    questions = ("is it in English?", "onko se englanniksi?", "är det på engelska?", "c'est en anglais ?", "有中文的吗")
    read = [steering.read(text, lambda folded: folded) for text in questions]
    assert [(signals.language, signals.language_question) for signals in read] == [(None, True)] * len(questions)
    assert [steering.switch(text) for text in questions] == [None] * len(questions)
    # the request stays one, also beside such a question in a clause of its own
    assert steering.read("in English please", lambda folded: folded).language == "en"
    assert steering.switch("sorry, English is easier: is it in Finnish only?") == Switch("en", "is it in Finnish only?")


def test_asking_which_language_the_last_answer_is_in_answers_about_it_in_the_conversations_language(
    core: Core,
) -> None:
    bot = scripted(core, {"финский": (("integration_training", 0.9), ("language_cafe", 0.05))})
    course, language = talk(bot, ["Где в Кухмо можно учить финский?", "а это на английском?"])
    assert (course.topic, course.language) == ("integration_training_kuhmo", "ru")
    assert (language.topic, language.language, language.fallback) == ("integration_training_kuhmo", "ru", False)
