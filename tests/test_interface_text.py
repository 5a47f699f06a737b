"""The study widgets' interface words exist in every pack language, with the same slots."""
import string

import pytest

from studypack.content import LANGUAGES
from studypack.content.interface_text import ENGLISH, TRANSLATED, interface_text


def slots(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_language_has_every_entry_with_the_same_slots(language):
    table = TRANSLATED[language]
    assert set(table) == set(ENGLISH)
    for key, english in ENGLISH.items():
        assert slots(table[key]) == slots(english), (language, key)
        assert table[key].strip(), (language, key)
    # buttons are really translated, not copied
    assert table["again"] != ENGLISH["again"] and table["check"] != ENGLISH["check"]


def test_unknown_languages_and_missing_words_fall_back_to_english():
    assert interface_text("xx") == ENGLISH
    assert interface_text("en") == ENGLISH
