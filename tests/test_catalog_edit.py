"""A review written into a catalog: only that entry's lines change, whatever Babel would do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.errors import DataError
from bot.project.catalog_edit import Correction, save_review
from bot.project.texts import read_catalog

CATALOG = """# A translator's header comment.
msgid ""
msgstr ""
"Language: so\\n"

#. en: Old title
#: knowledge/a.yml:1
#, fuzzy, python-format
#| msgid "Vanha otsikko"
msgctxt "a#title"
msgid "Vanha otsikko"
msgstr "Cinwaan hore"

# reviewed-by: somebody, 2026-01-01
# keep this note
#. en: A long text
#: knowledge/a.yml:1
#, fuzzy
#| msgid "Vanha teksti"
msgctxt "a#text"
msgid "Vanha teksti"
msgstr ""
"Qoraal hore\\n"
"labaad"

#. en: Another entry
#, fuzzy
#| msgid "Toinen, vanha"
msgctxt "b#text"
msgid   "Toinen"
msgstr "Mid kale"
"""
CORRECTION = Correction(
    entry="a",
    source_title="Uusi otsikko",
    source_text="Uusi teksti\nkahdella rivillä",
    title="Cinwaan cusub",
    text='Qoraal cusub "xigasho"\nlaba sadar',
    reviewer="Amina Hassan",
    day=date(2026, 12, 3),
)


def test_the_entry_is_current_unfuzzy_and_reviewed_and_everything_else_stays_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "so.po"
    path.write_text(CATALOG, encoding="utf-8")
    save_review(path, CORRECTION)
    after = path.read_text(encoding="utf-8")
    blocks = after.split("\n\n")
    before = CATALOG.split("\n\n")
    assert blocks[0] == before[0], "the header as it was"
    assert blocks[3] == before[3], "another entry, its #| line and odd spacing kept"
    assert blocks[1] == (
        "#. en: Old title\n#: knowledge/a.yml:1\n#, python-format\n"
        'msgctxt "a#title"\nmsgid "Uusi otsikko"\nmsgstr "Cinwaan cusub"'
    )
    assert blocks[2] == (
        "# reviewed-by: Amina Hassan, 2026-12-03\n# keep this note\n#. en: A long text\n#: knowledge/a.yml:1\n"
        'msgctxt "a#text"\nmsgid ""\n"Uusi teksti\\n"\n"kahdella rivillä"\n'
        'msgstr ""\n"Qoraal cusub \\"xigasho\\"\\n"\n"laba sadar"'
    )
    messages = {str(m.context): m for m in read_catalog(path) if m.context}
    text = messages["a#text"]
    assert (text.string, text.fuzzy, text.user_comments) == (
        CORRECTION.text,
        False,
        ["reviewed-by: Amina Hassan, 2026-12-03", "keep this note"],
    )
    assert messages["b#text"].fuzzy, "the other entry stays fuzzy"


def test_a_title_already_right_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "so.po"
    path.write_text(CATALOG, encoding="utf-8")
    save_review(path, CORRECTION)
    once = path.read_text(encoding="utf-8")
    save_review(path, CORRECTION)
    assert path.read_text(encoding="utf-8") == once, "saving again changes nothing, the review stamp is not doubled"


def test_an_entry_missing_from_the_catalog_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "so.po"
    path.write_text(CATALOG, encoding="utf-8")
    with pytest.raises(DataError, match="translations update"):
        save_review(path, Correction("zzz", "a", "b", "c", "d", "amina", date(2026, 12, 3)))
    assert path.read_text(encoding="utf-8") == CATALOG
