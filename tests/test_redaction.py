"""Redaction on a corpus of personal data as people type it (tests/redaction.yml), and on the
texts that must survive it: the knowledge base, the catalogs and ordinary questions."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.languages import SUPPORTED
from bot.privacy import redact
from bot.project.config import load_config
from bot.project.knowledge import Knowledge, load_knowledge
from tests.conftest import ROOT
from tests.redaction import load_corpus, must_survive, recall

KINDS = {
    "name", "iban", "postal", "street", "email", "email_obfuscated",
    "mobile", "landline", "fi_international", "foreign", "hetu",
}  # fmt: skip
#: Ordinary questions in intents/ that do carry a person's name (greetings): they must lose it.
WITH_A_NAME = {"muraho nitwa Uwase": "muraho nitwa [name]", "salaan magacaygu waa Cali": "salaan magacaygu waa [name]"}


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    """The knowledge base from the project's files."""
    return load_knowledge(ROOT / "knowledge", load_config(ROOT / "config.yml").region)


def test_the_corpus_covers_every_kind_in_every_language() -> None:
    messages = load_corpus()
    items = [(item.kind, message.language) for message in messages for item in message.items]
    assert len(items) >= 400
    assert {kind for kind, _ in items} == KINDS
    assert {language for _, language in items} == set(SUPPORTED)
    for language in SUPPORTED:
        assert ("name", language) in items, language


def test_recall_is_at_least_99_percent_per_kind() -> None:
    caught, total = recall(load_corpus(), redact)
    for kind in KINDS:
        found = sum(count for (k, _), count in caught.items() if k == kind)
        overall = sum(count for (k, _), count in total.items() if k == kind)
        assert found / overall >= 0.99, f"{kind}: {found}/{overall}"


def test_knowledge_and_catalog_texts_survive_unchanged(knowledge: Knowledge) -> None:
    changed = [
        (where, text)
        for where, text in must_survive(knowledge)
        if text not in WITH_A_NAME and redact(text, knowledge.public_facts) != text
    ]
    assert changed == []


def test_without_the_public_facts_only_published_contacts_are_taken(knowledge: Knowledge) -> None:
    """Dates, years, law numbers, clock times and opening hours are never personal data; the
    only things taken from the knowledge texts are the e-mails and addresses it publishes."""
    for where, text in must_survive(knowledge):
        if text in WITH_A_NAME:
            continue
        redacted = redact(text)
        # Examples of messages with personal data hold it as redaction labels already.
        taken = Counter(re.findall(r"\[[\w-]+\]", redacted)) - Counter(re.findall(r"\[[\w-]+\]", text))
        for label in taken:
            assert label in ("[e-mail]", "[address]"), (where, text)
        if redacted != text:
            assert any(fact in text for fact in knowledge.public_facts), (where, text)


def test_a_public_number_inside_a_phone_number_does_not_keep_it(knowledge: Knowledge) -> None:
    # 112 (the emergency number) and 2020 are public facts; inside a phone number they are not.
    for text in ("soita minulle 0451122334", "numeroni on 040 2020 551"):
        assert "[phone]" in redact(text, knowledge.public_facts), text
    assert redact("hätänumero 112 ja Kauppatie 19", knowledge.public_facts) == "hätänumero 112 ja Kauppatie 19"


def test_questions_with_a_name_lose_it(knowledge: Knowledge) -> None:
    texts = {text for _, text in must_survive(knowledge)}
    for question, redacted in WITH_A_NAME.items():
        assert question in texts
        assert redact(question) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Tervetuloa Kajaaniin 23.4. kello 17–19",
        "laki 1386/2010 ja 301/2004, vuodesta 2024",
        "avoinna ma–pe klo 08.00-16.00, la 9-12",
        "Y-tunnus 0211675-2, päivä 01.02.2026 ja 2026-05-23",
        "look at kela.fi and migri.fi please",
        "I am in Kajaani and I am Syrian",
        "Olen Kajaanissa ja olen kotoisin Syyriasta",
        "Koulutus kestää maksimissaan 250 päivää, 10000 euroa",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text
