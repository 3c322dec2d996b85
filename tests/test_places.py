"""Municipality names in every script, spelling and case ending (bot/project/places.py), per script.

The Places matcher is built from knowledge/municipalities.yml alone: no model, no core.
Every spelling here is written for this test and is not in the alias list.
"""

from __future__ import annotations

import pytest

from bot.project.knowledge import load_knowledge
from bot.project.places import Places, key, stem
from tests.conftest import ROOT

KNOWLEDGE = load_knowledge(ROOT / "knowledge", "kainuu")
PLACES = KNOWLEDGE.places


def names(*texts: str) -> list[str | None]:
    return [PLACES.municipality(text) for text in texts]


def test_transliterations_of_one_name_meet_in_one_key() -> None:
    assert key("Kajaani") == key("Каяани") == key("kayani") == key("KAJANI")
    assert key("Taivalkoski") == key("Тайвалкоскі") == key("Taiwalkoski")


def test_the_stem_is_what_the_finnish_case_forms_share() -> None:
    assert stem("Puolanka", ["Puolangan", "Puolankaan", "Puolangalla"]) == "Puolan"
    assert stem("Kuhmo", ["Kuhmon", "Kuhmossa"]) == "Kuhmo"


@pytest.mark.parametrize(
    ("script", "texts", "name"),
    [
        ("latin misspelling", ("Who helps immigrants in Souomussalmi?", "kielikahvila Suomusalmella"), "Suomussalmi"),
        ("colloquial finnish", ("kuka auttaa maahanmuuttajia sotkamos", "onks sotkamos kielikahvilaa"), "Sotkamo"),
        ("finnish case endings", ("onks puolangal joku joka auttaa", "Puolangallakin on kurssi?"), "Puolanka"),
        ("cyrillic ukrainian", ("Хто допомагає іммігрантам у Рістиярві?", "курси в Рістиярвях"), "Ristijärvi"),
        ("cyrillic russian", ("Кто координатор в Сотакамо?", "я живу в Соткамо"), "Sotkamo"),
        ("arabic with a clitic", ("في شغل بسوتكامو؟", "دروس لغة في سوتكاموو"), "Sotkamo"),
        ("persian", ("من در کاجانی زندگی میکنم", "کلاس زبان تو کایانی", "کلاس زبان درکاجانی"), "Kajaani"),
        ("sorani", ("کۆرسی زمان لە کۆهمۆ", "لە کوهمو کێ یارمەتی دەدات"), "Kuhmo"),
        ("thai", ("ฉันอยู่ที่กายานี", "เรียนภาษาที่คายานีได้ไหม"), "Kajaani"),
        ("thai, a vowel shorter", ("เรียนภาษาที่ ฮูรึนซัลมิ", "ฮูรึนซัลมิ มีห้องสมุดไหม"), "Hyrynsalmi"),
        ("chinese", ("我住在卡雅尼", "凯亚尼有芬兰语课吗"), "Kajaani"),
        ("other scripts", ("कायानीमा एकीकरण सेवा", "በካያኒ ትምህርት"), "Kajaani"),
        ("linking vowels", ("waxbarasho Sotokamo", "kozi za Kiswahili Sotokamossa"), "Sotkamo"),
    ],
)
def test_municipalities_are_found_in_every_script(script: str, texts: tuple[str, ...], name: str) -> None:
    assert names(*texts) == [name] * len(texts), script


@pytest.mark.parametrize(
    "text",
    [
        "hyvää huomenta",  # Finnish words near "Kuhmo"
        "puhelin ei käynnisty",  # near "Kajaani"
        "kulamo macluumaad",  # Somali "meetings", near "Kuusamo"
        "saaxiib, meel aan kula kulmo dadka",  # Somali, near "Kuhmo"
        "igihe cyanjye cya integrasiyo",  # Kinyarwanda, near "Kajaani"
        "ขอข้อมูลพื้นฐานได้ที่ไหน",  # Thai without any name
        "I live in Helsinki",
        "sotka is a duck",
        "planning a plan",  # Puolanka's stem "Puolan" without its vowels
    ],
)
def test_ordinary_words_name_no_municipality(text: str) -> None:
    assert PLACES.municipality(text) is None


@pytest.mark.parametrize("text", ["شو في هالأسبوع؟", "في ايفنت بكرة؟", "عندي موعد الاسبوع الجاي"])
def test_common_arabic_words_name_no_city_outside_the_region(text: str) -> None:
    """ʿayn is a consonant ("الأسبوع", the week, is not Espoo), and only a clitic (ب, ل, و, ف, ك)
    stands glued before a name ("ايفنت", event, is not Vantaa)."""
    assert not KNOWLEDGE.names_elsewhere(text)


def test_ukrainian_or_is_no_city_outside_the_region() -> None:
    """Turku's Swedish name Åbo would be "або" ("or") in Cyrillic: it is not listed."""
    assert not KNOWLEDGE.names_elsewhere("курси мови або групи для жінок є?")


def test_a_zero_width_non_joiner_inside_a_persian_name_keeps_it_one_word() -> None:
    # Persian keyboards put U+200C between the parts of a compound: "ریستی‌یاروی" is one name.
    assert names("در ریستی\u200cیاروی کلاس هست؟", "می\u200cخواهم در ریستی\u200cیارویی زندگی کنم") == ["Ristijärvi"] * 2


def test_a_short_name_is_met_only_as_spelt() -> None:
    """Colloquial Finnish "ollu" ("been") and Oulu fold to one key, "ulu"."""
    assert not KNOWLEDGE.names_elsewhere("oon ollu täällä vuoden, onks kursseja?")
    assert all(KNOWLEDGE.names_elsewhere(text) for text in ("OULU kurssi?", "работа в Оулу", "بأولو"))


@pytest.mark.parametrize(
    "text",
    [
        "¿Hay un curso de finés para mi esposa?",  # Espoossa, folded: "esposa"
        "wanatafuta kazi wapi?",  # Vantaa, with a linking vowel left out
        "最晚到几点可以报名?",  # "zuiwandao": Vanda inside the pinyin
    ],
)
def test_ordinary_words_name_no_city_outside_the_region(text: str) -> None:
    """A place outside the region is a refusal: it is matched strictly (doubled letters count,
    no linking vowels, Chinese and Thai only as listed), the region's own names tolerantly."""
    assert not KNOWLEDGE.names_elsewhere(text)


def test_cities_outside_the_region_are_found_in_their_forms_and_scripts() -> None:
    texts = ("Helsingissä", "helsnki kurssi", "Tampereelle", "Хельсінкі", "در هلسینکی", "万塔有课吗", "esbo")
    assert all(KNOWLEDGE.names_elsewhere(text) for text in texts)


def test_two_municipalities_name_none_and_without_cuts_each_word() -> None:
    assert PLACES.municipality("from Kuhmo to Sotkamos") is None
    assert PLACES.without("Muutin Kuhmosta sotkamoon.").split() == ["muutin", "."]


def test_without_cuts_a_listed_form_out_of_a_run_of_chinese_or_thai() -> None:
    """Chinese and Thai write no spaces: the name's listed form is cut out of the run, the rest stays."""
    places = Places([("Suomussalmi", ["苏奥穆斯萨尔米", "ซูโอมุสซัลมิ"])])
    assert places.without("那苏奥穆斯萨尔米呢?").split() == ["那", "呢?"]
    assert places.without("แล้วที่ซูโอมุสซัลมิล่ะ").split() == ["แล้วที่", "ล่ะ"]


def test_without_cuts_a_name_found_only_by_its_sound_out_of_a_run_of_thai() -> None:
    """A Thai spelling of a name that is not listed is found by its closeness to a listed form: the
    closest stretch is cut out too (it stayed in the text the classifier read, as noise)."""
    places = Places([("Suomussalmi", ["ซูโอมุสซัลมิ"])])
    assert places.municipality("ซูโอมุซซัลมี มีอะไรบ้าง") == "Suomussalmi"
    assert places.without("ซูโอมุซซัลมี มีอะไรบ้าง").split() == ["มีอะไรบ้าง"]
    assert places.without("ที่ซูโอมุซซัลมีมีอะไรบ้าง").split() == ["ที่", "มีอะไรบ้าง"]


def test_a_matcher_built_from_other_data_knows_only_its_names() -> None:
    places = Places([("Oulu", ["Oulussa", "Uleåborg"])])
    assert places.municipality("asun Oulussa") == "Oulu"
    assert places.municipality("asun Kajaanissa") is None
