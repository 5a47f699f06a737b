"""The interface's words are data (translations/<lang>/interface.yaml), checked like the content:
a broken file gives one line per problem, `file:line: key: message`, through `validate_pack`
and `studypack validate`, and a clear error naming the file when a widget asks for it.

Every test breaks a copy of the pack in tmp_path, never the checkout.
"""
import os
from pathlib import Path

import pytest
from helpers import copy_of_the_pack, studypack

from studypack.content import ContentValidationError, validate_pack
from studypack.content.interface_text import load_interface_words

DE = "translations/de/interface.yaml"
EN = "translations/en/interface.yaml"


@pytest.fixture
def pack(tmp_path) -> Path:
    """A copy of the pack's content (the lessons only by name: notes refer to them)."""
    return copy_of_the_pack(tmp_path / "pack")


def edit(pack: Path, file: str, old: str, new: str) -> None:
    path = pack / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(pack: Path, file: str, start: str) -> int:
    lines = (pack / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def problems(pack: Path) -> list[str]:
    return [str(error) for error in validate_pack(pack)]


def test_the_copy_of_the_pack_is_valid(pack):
    assert problems(pack) == []


def test_missing_extra_and_wrong_placeholders_are_all_named_at_once(pack):
    edit(pack, DE, "check: Prüfen\n", "")
    edit(pack, DE, "save: Speichern\n", "save: Speichern\nsaev: Speichern\n")
    edit(pack, DE, "Karte {position} von {total}", "Karte {Position} von {total}")
    assert problems(pack) == [
        f"{DE}:{line_of(pack, DE, 'card position:')}: card position: placeholders {{Position}}, "
        "{total} differ from the English {position}, {total}: keep every placeholder exactly "
        "as it is and translate the words around it",
        f"{DE}:{line_of(pack, DE, 'number placeholder:')}: check: missing: add it after "
        f"'number placeholder', translating the English 'Check' ({EN})",
        f"{DE}:{line_of(pack, DE, 'saev:')}: saev: unknown key: {EN} has no such key; fix its "
        "spelling or remove it",
    ]


@pytest.mark.parametrize("value, message", [
    ("yes", "expected text, got the boolean true (YAML reads yes/no/on/off/true/false as "
            "booleans); put it in quotes"),
    ("12", "expected text, got the number 12; put it in quotes"),
    ("", "expected text, got nothing (the value is empty)"),
    ("[Prüfen]", "expected text, got a list"),
    ("' '", "the text is empty: write the words (the English ones, if nothing else)"),
    ("'{Prüfen'", "a { or } that is not a placeholder: write {{ or }} for a brace itself, or "
                  "close the placeholder"),
    ("'Prüfen {n}'", "placeholders {n} differ from the English (none): keep every placeholder "
                     "exactly as it is and translate the words around it"),
])
def test_a_value_that_is_not_usable_text(pack, value, message):
    edit(pack, DE, "check: Prüfen\n", f"check: {value}\n")
    assert problems(pack) == [f"{DE}:{line_of(pack, DE, 'check:')}: check: {message}"]


def test_control_characters_and_lone_surrogates_written_as_escapes(pack):
    edit(pack, DE, "check: Prüfen\n", 'check: "Pr\\0fen"\n')
    edit(pack, DE, "save: Speichern\n", 'save: "Speich\\ud800ern"\n')
    found = problems(pack)
    assert [line.split(": ", 3)[:3] for line in found] == [
        [f"{DE}:{line_of(pack, DE, 'check:')}", "check", "a control character (U+0000), "
         "written as a YAML escape"],
        [f"{DE}:{line_of(pack, DE, 'save:')}", "save", "a lone surrogate (U+D800), written as "
         "a YAML escape"],
    ]


def test_a_key_written_twice(pack):
    first = line_of(pack, DE, "check:")
    edit(pack, DE, "save: Speichern\n", "save: Speichern\ncheck: Prüfen\n")
    assert problems(pack) == [f"{DE}:{line_of(pack, DE, 'save:') + 1}: check: written twice "
                              f"(first at line {first}); YAML would keep only this one: "
                              "remove one"]


def test_keys_yaml_reads_as_booleans_or_numbers(pack):
    edit(pack, DE, "save: Speichern\n", "save: Speichern\nyes: Ja\n1: eins\n")
    line = line_of(pack, DE, "save:")
    message = ("keys are text, but YAML reads this one as another type: write the English key "
               "exactly, in quotes")
    assert problems(pack) == [f"{DE}:{line + 1}: yes: {message}",
                              f"{DE}:{line + 2}: 1: {message}"]


def test_aliases_are_refused_where_they_are_written(pack):
    edit(pack, DE, "check: Prüfen\n", "check: &word Prüfen\n")
    edit(pack, DE, "save: Speichern\n", "save: *word\n")
    assert problems(pack) == [f"{DE}:{line_of(pack, DE, 'save:')}: YAML error: YAML aliases "
                              "(*name) are not allowed in content: write the value out in full"]


def test_a_file_that_is_not_a_mapping(pack):
    (pack / DE).write_text("- check: Prüfen\n- save: Speichern\n", encoding="utf-8")
    assert problems(pack) == [f"{DE}:1: expected a mapping from key to text (one 'key: text' "
                              "line each), got a list"]


def test_a_language_folder_without_the_words_and_a_stray_file_in_english(pack):
    (pack / DE).unlink()
    (pack / "translations/en/cards.yaml").write_text("x: y\n")
    assert problems(pack) == [
        f"{DE}: missing: every language has the interface's words; copy {EN} here and "
        "translate it",
        "translations/en/cards.yaml: unexpected file: translations/en/ holds only interface.yaml "
        "(the English content is the source itself, in flashcards/, quizzes/ and notes/)",
    ]


def test_a_broken_english_file_is_named_and_the_translations_wait_for_it(pack):
    edit(pack, EN, "check: Check\n", "check: [Check]\n")
    assert problems(pack) == [f"{EN}:{line_of(pack, EN, 'check:')}: check: expected text, "
                              "got a list"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_out_of_the_pack_is_refused(pack, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text((pack / DE).read_text(encoding="utf-8"), encoding="utf-8")
    (pack / DE).unlink()
    (pack / DE).symlink_to(outside)
    assert problems(pack) == [f"{DE}: is a symbolic link to a file outside the pack (or inside "
                              "a linked folder that is); the pack's files must be inside its "
                              "folder: copy the file in instead"]


def test_a_pack_of_ones_own_needs_no_interface_words(pack):
    for language in ("en", "it", "fr", "pt", "es", "de"):
        (pack / "translations" / language / "interface.yaml").unlink()
    (pack / "translations/en").rmdir()
    assert problems(pack) == []
    (pack / DE).write_text("check: Prüfen\n", encoding="utf-8")
    assert problems(pack) == [f"{DE}: no English {EN} to check it against: add the English "
                              "words there, or remove this file"]


def test_studypack_validate_names_the_problem(pack):
    edit(pack, DE, "check: Prüfen\n", "")
    result = studypack("validate", cwd=pack, expect=1)
    assert (f"{DE}:{line_of(pack, DE, 'number placeholder:')}: check: missing: add it after "
            "'number placeholder'") in result.stdout


def test_at_run_time_a_broken_file_is_an_error_naming_it(pack):
    folder = pack / "translations"
    assert load_interface_words(pack, folder, "de")["check"] == "Prüfen"
    assert load_interface_words(pack, folder, "xx") == load_interface_words(pack, folder, "en")
    edit(pack, DE, "save: Speichern\n", "saev: Speichern\n")
    with pytest.raises(ContentValidationError) as raised:
        load_interface_words(pack, folder, "de")
    assert f"{DE}:{line_of(pack, DE, 'saev:')}: saev: unknown key" in str(raised.value)
    assert load_interface_words(pack, folder, "fr")["save"] == "Enregistrer"  # fr is fine
    (pack / EN).unlink()
    with pytest.raises(ContentValidationError, match=f"translations/fr/interface.yaml: no "
                       f"English {EN} to check it against"):
        load_interface_words(pack, folder, "fr")
    with pytest.raises(FileNotFoundError, match="interface.yaml: the interface's English words"):
        load_interface_words(pack, folder, "en")
