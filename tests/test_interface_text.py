"""The study widgets' interface words exist in every pack language, with the same slots."""
import re
import string
from pathlib import Path

import pytest
import yaml

from studypack.content import LANGUAGES
from studypack.content.interface_text import interface_text

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "studypack"


def words_file(language: str) -> dict:
    """A language's interface.yaml as written (not through the module under test)."""
    path = ROOT / "translations" / language / "interface.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def slots(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


ENGLISH = words_file("en")


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_language_has_every_entry_with_the_same_slots(language):
    table = words_file(language)
    assert list(table) == list(ENGLISH)  # every key, in English's order
    for key, english in ENGLISH.items():
        assert isinstance(table[key], str) and table[key].strip(), (language, key)
        assert slots(table[key]) == slots(english), (language, key)
    # buttons are really translated, not copied
    assert table["again"] != ENGLISH["again"] and table["check"] != ENGLISH["check"]
    assert interface_text(language) == table


def test_unknown_languages_fall_back_to_english():
    assert interface_text("xx") == ENGLISH
    assert interface_text("en") == interface_text() == ENGLISH


def test_each_call_gives_a_table_of_its_own():
    words = interface_text("fr")
    words["check"] = "changed"
    assert interface_text("fr")["check"] == words_file("fr")["check"]


def test_every_key_the_code_asks_for_is_in_english():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""text\[["']([^"'\]]+)["']\]""", path.read_text()))
    assert len(used) > 50  # the pattern still finds the widgets' lookups
    assert sorted(used - set(ENGLISH)) == []
    # keys built at run time: the flashcard ratings and the progress problems
    assert {"again", "hard", "good", "easy", "problem other", "problem disk full"} <= set(ENGLISH)
