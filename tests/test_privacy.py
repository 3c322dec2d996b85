"""Personal data is redacted before storing; pseudonyms are stable and keyed."""

from __future__ import annotations

import pytest

from bot.privacy import is_valid_hetu, pseudonym, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my mail is ali.hassan@example.com ok", "my mail is [e-mail] ok"),
        ("soita 040 123 4567 kiitos", "soita [phone] kiitos"),
        ("soita 040-1234567", "soita [phone]"),
        ("call +358 40 123 4567 now", "call [phone] now"),
        ("call +44 20 7946 0958", "call [phone]"),
        ("hetu 131052-308T please", "hetu [henkilötunnus] please"),
        ("new code 010594Y9032 here", "new code [henkilötunnus] here"),
        ("asun Kauppakatu 12 B 5 Kajaanissa", "asun [address] Kajaanissa"),
        ("I live at Pohjolankatu 9", "I live at [address]"),
    ],
)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tervetuloa Kajaaniin 23.4. kello 17–19",
        "Walk and Talk 23.5.2026",
        "Koulutus kestää maksimissaan 250 päivää",
        "laki 1386/2010 ja 301/2004",
        "arkisin kello 9-12",
        "131052-308X is not a valid code",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_identity_code_checksum() -> None:
    assert is_valid_hetu("131052-308T")
    assert not is_valid_hetu("131052-308U")
    assert not is_valid_hetu("321352-308T")


def test_pseudonym_is_stable_keyed_and_not_the_id() -> None:
    first = pseudonym(123456789, b"secret-a")
    assert first == pseudonym("123456789", b"secret-a")
    assert first != pseudonym(123456789, b"secret-b")
    assert "123456789" not in first
    assert len(first) == 32
