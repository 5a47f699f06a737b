"""The exercises' texts in six languages: translations/<lang>/exercises.yaml is checked against
exercises/exercises.yaml (ids, fields, hint counts, mistake names, $math$ and `code` spans), one
line per problem `file:line: id: field: message`, all at once, through `studypack validate`;
what a translation lacks is English at run time; `check` and the widget speak the language.

Broken files are copies in tmp_path; the shipped translations are tested as they are.
"""
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import copy_of_the_pack, studypack
from hypothesis import given, strategies as st

from studypack.content import validate_pack
from studypack.content.interface_text import interface_text
from studypack.content.model import LANGUAGES
from studypack.exercises import check, get_exercise, list_exercises
from studypack.exercises import texts as texts_module
from studypack.exercises.texts import (TEXTS_FILE, ExerciseTextsError, all_texts,
                                       exercise_text_errors, exercise_texts)
from studypack.widgets.exercise import ExerciseWidget

ROOT = Path(__file__).resolve().parents[1]
DE = "translations/de/exercises.yaml"
TRANSLATIONS = [language for language in LANGUAGES if language != "en"]
MISTAKES = [(exercise, mistake) for exercise in list_exercises()
            for mistake in exercise.mistakes]


def as_translation(english: dict) -> dict:
    """English's texts in the form of a translation (every field but `lesson`)."""
    return {exercise_id: {field: value for field, value in entry.items() if field != "lesson"}
            for exercise_id, entry in english.items()}


ENGLISH = yaml.safe_load((ROOT / TEXTS_FILE).read_text(encoding="utf-8"))


@pytest.fixture
def pack(tmp_path) -> Path:
    """A copy of the pack's content and exercise texts, with a German translation that is
    English's words (valid: the checks are about form, not language)."""
    copy = copy_of_the_pack(tmp_path / "pack", ("flashcards", "quizzes", "notes", "exercises"))
    for language in ("en", "de"):
        folder = copy / "translations" / language
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "translations" / language / "interface.yaml", folder)
    write(copy, as_translation(ENGLISH))
    return copy


def write(pack: Path, data) -> None:
    (pack / DE).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096),
                           encoding="utf-8")


def line_of(pack: Path, start: str, after: int = 0) -> int:
    lines = (pack / DE).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1)
                if number > after and line.startswith(start))


def problems(pack: Path) -> list[str]:
    return [str(error) for error in exercise_text_errors(pack)]


def test_a_complete_translation_is_valid_and_a_missing_file_is_named(pack):
    assert problems(pack) == []
    assert validate_pack(pack) == []  # the content's check lets translations/de/ hold it
    studypack("validate", cwd=pack, expect=0)
    (pack / DE).unlink()
    assert problems(pack) == [f"{DE}: missing: every language has the exercises' texts; "
                              f"translate {TEXTS_FILE} here"]
    shutil.rmtree(pack / "exercises")  # a pack of one's own has no exercises: nothing to say
    assert problems(pack) == []


def test_every_kind_of_problem_is_named_at_once_with_its_line(pack):
    data = as_translation(ENGLISH)
    ids = list(data)
    first, second, third = ids[0], ids[1], ids[2]
    hints = len(ENGLISH[first]["hints"])
    del data[ids[-1]]                                          # a missing id
    data["no-such-exercise"] = {"title": "Nichts"}              # an unknown id
    entry = data[first]
    entry["lesson"] = ENGLISH[first]["lesson"]                 # not translatable
    entry["hints"] = entry["hints"][:-1]                       # one hint too few
    mistakes = dict(entry["mistakes"])
    missing_name = next(iter(mistakes))
    mistakes["no-such-mistake"] = mistakes.pop(missing_name)   # unknown and missing names
    entry["mistakes"] = mistakes
    data[second]["title"] = 42                                 # not text
    data[second]["statement"] = data[second]["statement"].replace("$", "", 1)  # math mangled
    data[third]["statement"] = data[third]["statement"].replace("`", "'")      # code mangled
    del data[third]["title"]                                   # a missing field
    write(pack, data)
    found = problems(pack)
    first_line = line_of(pack, f"{first}:")
    second_line = line_of(pack, f"{second}:")
    third_line = line_of(pack, f"{third}:")
    expected = [
        f"{DE}:{line_of(pack, '  lesson:', first_line)}: {first}: lesson: the lesson is not "
        f"translated: remove it (it stays in {TEXTS_FILE})",
        f"{DE}:{line_of(pack, '  hints:', first_line)}: {first}: hints: {hints - 1} hints but "
        f"the English has {hints}: translate every hint, in the same order",
        f"{DE}:{line_of(pack, '    no-such-mistake:', first_line)}: {first}: "
        "mistakes.no-such-mistake: unknown mistake name: the English entry has",
        f"{DE}:{line_of(pack, '  mistakes:', first_line)}: {first}: mistakes: {missing_name}: "
        "missing: translate the English",
        f"{DE}:{line_of(pack, '  title:', second_line)}: {second}: title: expected text, got ",
        f"{DE}:{line_of(pack, '  statement:', second_line)}: {second}: statement: ",
        f"{DE}:{line_of(pack, '  statement:', third_line)}: {third}: statement: `code` spans ",
        f"{DE}:{third_line}: {third}: title: missing: translate the English "
        f"{ENGLISH[third]['title']!r}",
        f"{DE}:{line_of(pack, 'no-such-exercise:')}: no-such-exercise: no exercise with this "
        f"id in {TEXTS_FILE}: translations are keyed by the English id",
        f"{DE}:{line_of(pack, f'{ids[-2]}:')}: {ids[-1]}: missing: add its title, statement, "
        f"hints and mistakes after {ids[-2]!r}",
    ]
    assert len(found) == len(expected), "\n".join(found)
    for wanted in expected:
        assert any(problem.startswith(wanted) for problem in found), (wanted, found)
    assert any("$math$ spans but the English has" in problem for problem in found)
    assert any("; put it in quotes" in problem for problem in found)


@pytest.mark.parametrize("escape, what", [("\\x07", "a control character"),
                                          ("\\ud800", "a lone surrogate")])
def test_control_characters_and_lone_surrogates(pack, escape, what):
    first = next(iter(ENGLISH))
    text = (pack / DE).read_text(encoding="utf-8")
    title = f"title: {ENGLISH[first]['title']}\n"
    assert text.count(title) == 1
    (pack / DE).write_text(text.replace(title, f'title: "Der {escape} Gradient"\n'),
                           encoding="utf-8")
    [problem] = problems(pack)
    assert problem.startswith(f"{DE}:{line_of(pack, '  title:')}: {first}: title: {what} (")


def test_a_file_that_is_not_a_mapping_and_a_syntax_error(pack):
    (pack / DE).write_text("- nur eine Liste\n", encoding="utf-8")
    assert problems(pack) == [f"{DE}:1: expected a mapping from exercise id to its "
                              "translated texts, got a list"]
    (pack / DE).write_text("mse-backward:\n  title: [unclosed\n", encoding="utf-8")
    [problem] = problems(pack)
    assert problem.startswith(f"{DE}:")


def test_studypack_validate_reports_them_and_exits_1(pack):
    data = as_translation(ENGLISH)
    first = next(iter(data))
    data[first]["lesson"] = "x.ipynb"
    write(pack, data)
    result = studypack("validate", cwd=pack, expect=1)
    assert (f"{DE}:{line_of(pack, '  lesson:')}: {first}: lesson: the lesson is not "
            "translated") in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def checkout_is(monkeypatch):
    """Make `root` the checkout exercise_texts reads, with fresh caches."""
    def use(root: Path) -> None:
        monkeypatch.setattr(texts_module, "default_root", lambda: root)
        all_texts.cache_clear()
        texts_module._translations.cache_clear()
    yield use
    all_texts.cache_clear()
    texts_module._translations.cache_clear()


def test_at_run_time_what_a_translation_lacks_is_english(pack, checkout_is):
    first, second = list(ENGLISH)[:2]
    name = next(iter(ENGLISH[first]["mistakes"]))
    write(pack, {first: {"title": "Der Gradient", "mistakes": {name: "Falsch."}}})
    checkout_is(pack)
    german = exercise_texts(first, "de")
    assert german.title == "Der Gradient" and german.mistakes[name] == "Falsch."
    assert german.statement == ENGLISH[first]["statement"]
    assert german.hints == ENGLISH[first]["hints"]
    assert german.lesson == ENGLISH[first]["lesson"]
    others = {key: text for key, text in ENGLISH[first]["mistakes"].items() if key != name}
    assert {key: german.mistakes[key] for key in others} == others
    assert exercise_texts(second, "de") == exercise_texts(second)
    assert exercise_texts(second, "fr") == exercise_texts(second)  # no French file here
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        exercise_texts(first, "xx")


def test_at_run_time_a_broken_translation_is_an_error_naming_it(pack, checkout_is):
    first = next(iter(ENGLISH))
    write(pack, {first: {"title": "Der Gradient", "lesson": "x.ipynb"}})
    checkout_is(pack)
    with pytest.raises(ExerciseTextsError, match=f"^{DE}:3: {first}: lesson: the lesson is "
                                                  "not translated"):
        exercise_texts(first, "de")
    assert exercise_texts(first).title == ENGLISH[first]["title"]  # English still works


ENGLISH_TEXTS = [text for entry in ENGLISH.values()
                 for text in (entry["statement"], *entry["hints"], *entry["mistakes"].values())]


@given(st.sampled_from([text for text in ENGLISH_TEXTS if "$" in text and "$$" not in text]),
       st.data())
def test_losing_any_dollar_is_caught(text, data):
    dollars = [index for index, character in enumerate(text) if character == "$"]
    index = data.draw(st.sampled_from(dollars))
    problem = []
    texts_module.ExerciseTextsChecker._check_text(("statement",), text, text,
                                                  lambda *found: problem.append(found))
    assert problem == []
    texts_module.ExerciseTextsChecker._check_text(("statement",), text[:index] + text[index + 1:],
                                                  text, lambda *found: problem.append(found))
    assert len(problem) == 1 and "$math$ spans" in problem[0][1]


# ---- the shipped translations ----

def test_every_shipped_translation_is_complete_and_valid():
    for language in TRANSLATIONS:
        assert (ROOT / "translations" / language / "exercises.yaml").is_file(), language
    assert [str(error) for error in exercise_text_errors(ROOT)] == []
    for language in TRANSLATIONS:
        translated = texts_module._translations(language)
        for exercise in list_exercises():
            fields = translated[exercise.id]
            assert set(fields) == {"title", "statement", "hints", "mistakes"}, exercise.id
            assert set(fields["mistakes"]) == {mistake.name for mistake in exercise.mistakes}


@pytest.mark.parametrize("exercise, mistake", MISTAKES, ids=[f"{exercise.id}-{mistake.name}"
                                                            for exercise, mistake in MISTAKES])
def test_check_gives_each_mistakes_diagnosis_in_every_language(exercise, mistake):
    """Every mistake of every exercise (custom checks too), in the five languages."""
    english = check(exercise, mistake.wrong)
    assert english.mistake == mistake.name
    for language in TRANSLATIONS:
        translated = check(exercise, mistake.wrong, language=language)
        assert (translated.status, translated.mistake) == (english.status, english.mistake)
        assert translated.diagnosis == exercise.diagnosis(mistake.name, language)
        assert translated.diagnosis != english.diagnosis, (exercise.id, language)


def test_two_mistakes_at_once_are_both_translated():
    exercise = get_exercise("linear-backward")
    right = exercise.reference
    wrongs = {mistake.name: mistake.wrong for mistake in exercise.mistakes}
    english = None
    for first, second in [(a, b) for a in wrongs for b in wrongs if a < b]:
        def both(*args, first=first, second=second):
            one, two = wrongs[first](*args), wrongs[second](*args)
            base = right(*args)
            return tuple(o if not _same(o, r) else t for o, t, r in zip(one, two, base))
        report = check(exercise, both)
        if report.mistake and "+" in report.mistake:
            english = report
            break
    if english is None:
        pytest.skip("no pair of linear-backward mistakes touches different outputs")
    names = english.mistake.split("+")
    german = check(exercise, both, language="de")
    first, second = (exercise.diagnosis(name, "de") for name in names)
    assert german.diagnosis == interface_text("de")["checker two mistakes"].format(
        first=first, second=second)


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.allclose(a, b)


def plain(widget) -> str:
    return re.sub(r"<[^>]+>", "", widget.value)


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_the_widget_shows_the_exercise_in_the_language(language):
    exercise = get_exercise("mse-backward")
    words = exercise.texts_in(language)
    assert words.title != exercise.title and words.statement != exercise.statement
    mistake = exercise.mistakes[0]
    namespace = {exercise.function_name: mistake.wrong}
    widget = ExerciseWidget(exercise, namespace=namespace, language=language)
    assert widget.exercise_texts == words
    assert words.title.split()[-1] in plain(widget.title)
    widget.hint_button.click()
    assert words.hints[0].split()[0] in widget.hints_view.value
    widget.check_button.click()
    assert widget.report.diagnosis == exercise.diagnosis(mistake.name, language)
    assert widget.report.diagnosis.split()[0] in widget.verdict.value


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3), max_leaves=8)


@given(field=st.sampled_from(["title", "statement", "hints", "mistakes", "lesson", "other"]),
       value=YAML_VALUES)
def test_any_value_in_any_field_is_a_problem_or_accepted_never_a_crash(tmp_path_factory, field,
                                                                       value):
    pack = tmp_path_factory.mktemp("pack")
    shutil.copytree(ROOT / "exercises", pack / "exercises")
    (pack / "translations" / "de").mkdir(parents=True)
    data = as_translation(ENGLISH)
    first = next(iter(data))
    data[first][field] = value
    write(pack, data)
    found = problems(pack)
    assert all(problem.startswith(f"{DE}:") for problem in found)
    if field in ("lesson", "other") or not isinstance(value, (str, list, dict)):
        assert any(f": {first}: {field}" in problem for problem in found), found


def test_the_widget_in_an_unknown_language_is_english_like_its_interface_words():
    widget = ExerciseWidget("mse-backward", namespace={}, language="xx")
    assert widget.exercise_texts == get_exercise("mse-backward").texts
    assert ENGLISH["mse-backward"]["title"] in plain(widget.title)


def test_check_in_an_unknown_language_says_so_at_once():
    exercise = get_exercise("mse-backward")
    for function in (exercise.reference, exercise.mistakes[0].wrong):
        with pytest.raises(ValueError, match="unknown language 'xx'; available: en, "):
            check(exercise, function, language="xx")
