"""Exercises solved, in the learner's progress file: the first pass of each exercise is kept;
files written before exercises existed still load (and keep everything when updated); a
damaged "exercises" section is set aside like any other damage; the overview counts them."""
import json
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_progress_damaged import assert_set_aside_and_fresh, set_path, valid_file

from studypack.progress.file_format import FORMAT_KEYS, parse
from studypack.progress.store import ProgressStore
from studypack.widgets import ProgressOverview

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    return ProgressStore("alice", directory=tmp_path / "data")


def test_the_first_pass_is_kept(store):
    assert store.exercises_solved() == {}
    store.record_exercise_solved("mse-backward", T0 + timedelta(hours=1))
    store.record_exercise_solved("mse-backward", T0 + timedelta(days=2))  # solved again later
    store.record_exercise_solved("mse-backward", T0)  # another notebook's earlier pass, late
    store.record_exercise_solved("linear-backward", T0)
    assert store.exercises_solved() == {"mse-backward": T0, "linear-backward": T0}
    assert store.summary().exercises_solved == {"mse-backward": T0, "linear-backward": T0}
    stored = json.loads(store.path.read_text(encoding="utf-8"))["exercises"]
    assert stored == {"mse-backward": "2025-03-01T12:00:00+00:00",
                      "linear-backward": "2025-03-01T12:00:00+00:00"}


def test_times_are_stored_in_utc_and_default_to_now(store):
    store.record_exercise_solved("relu-backward",
                                 datetime(2025, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    before = datetime.now(timezone.utc)
    store.record_exercise_solved("tanh-backward")
    solved = store.exercises_solved()
    assert solved["relu-backward"] == T0 and solved["relu-backward"].tzinfo == timezone.utc
    assert before <= solved["tanh-backward"] <= datetime.now(timezone.utc)


@pytest.mark.parametrize("exercise_id, when, error, words", [
    ("Mse-Backward", T0, ValueError, "exercise id 'Mse-Backward' is not an exercise's id"),
    ("mse_backward", T0, ValueError, "kebab-case"),
    ("", T0, ValueError, "kebab-case"),
    (None, T0, ValueError, "kebab-case"),
    ("mse-backward", datetime(2025, 3, 1, 12, 0), ValueError, "timezone"),
    ("mse-backward", "2025-03-01", TypeError, "when must be a datetime, got str"),
])
def test_what_cannot_be_stored_is_refused_and_nothing_is_written(store, exercise_id, when, error,
                                                                words):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = store.path.read_bytes()
    with pytest.raises(error, match=words):
        store.record_exercise_solved(exercise_id, when)
    assert store.path.read_bytes() == before


def test_a_file_from_before_exercises_loads_and_keeps_everything(store):
    """Format 1 as studypack wrote it before this change: no "exercises" key at all."""
    old = valid_file(store)
    del old["exercises"]
    store.path.write_text(json.dumps(old), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not damaged: nothing set aside
        assert store.exercises_solved() == {}
        assert store.summary().exercises_solved == {}
        store.record_lesson_visit("02_chain_rule_and_graphs", T0)  # an update without exercises
        store.record_exercise_solved("mse-backward", T0)
    now = json.loads(store.path.read_text(encoding="utf-8"))
    assert now["format_version"] == 1 and now["exercises"] == {"mse-backward": T0.isoformat()}
    for key in ("cards", "reviews", "quiz_attempts"):
        assert now[key] == old[key]
    assert set(now["lessons"]) == {"01_forward_pass_and_loss", "02_chain_rule_and_graphs"}
    assert not list(store.directory.glob("alice.corrupt-*"))


def test_an_older_studypack_keeps_the_exercises_as_an_unknown_key():
    """An older studypack's parse knows only the first six keys and keeps any other as it is
    (checked as JSON): the section is plain JSON it can carry along."""
    assert FORMAT_KEYS[:6] == ("format_version", "learner", "cards", "reviews",
                               "quiz_attempts", "lessons")
    data = {"format_version": 1, "learner": "alice", "cards": {}, "reviews": [],
            "quiz_attempts": [], "lessons": {}, "exercises": {"mse-backward": T0.isoformat()}}
    assert json.loads(json.dumps(data)) == data
    assert parse(data).exercises == {"mse-backward": T0}


DAMAGED_EXERCISES = [
    '[]', '"mse-backward"', 'null', '{"mse-backward": null}', '{"mse-backward": 5}',
    '{"mse-backward": "yesterday"}', '{"mse-backward": "2025-03-01T12:00:00"}',  # no timezone
    '{"mse-backward": "1960-03-01T12:00:00+00:00"}', '{"mse-backward": "9999-12-31T00:00:00Z"}',
    '{"Not An Id": "2025-03-01T12:00:00+00:00"}', '{"": "2025-03-01T12:00:00+00:00"}',
    '{"\\ud800": "2025-03-01T12:00:00+00:00"}', '{"mse-backward": "\\udfff"}',
    '{"mse-backward": ["2025-03-01T12:00:00+00:00"]}', '{"x": NaN}',
]


@pytest.mark.parametrize("raw", DAMAGED_EXERCISES)
def test_a_damaged_exercises_section_is_set_aside_like_any_damage(store, raw):
    data = valid_file(store)
    marker = "__the_bad_value__"
    set_path(data, ("exercises",), marker)
    content = json.dumps(data).replace(json.dumps(marker), raw).encode("utf-8")
    store.path.write_bytes(content)
    assert_set_aside_and_fresh(store, content)
    assert store.exercises_solved() == {"linear-backward": T0 + timedelta(days=3)}


@given(st.lists(st.tuples(st.sampled_from(["mse-backward", "relu-backward", "adam-step"]),
                          st.integers(0, 10**8)), max_size=8))
def test_whatever_the_order_of_passes_the_earliest_of_each_is_kept(tmp_path_factory, passes):
    store = ProgressStore("bob", directory=tmp_path_factory.mktemp("data"))
    for exercise_id, seconds in passes:
        store.record_exercise_solved(exercise_id, T0 + timedelta(seconds=seconds))
    earliest = {}
    for exercise_id, seconds in passes:
        earliest[exercise_id] = min(earliest.get(exercise_id, seconds), seconds)
    assert store.exercises_solved() == {exercise_id: T0 + timedelta(seconds=seconds)
                                        for exercise_id, seconds in earliest.items()}


def test_two_notebooks_record_different_exercises_without_losing_either(tmp_path):
    first = ProgressStore("alice", directory=tmp_path)
    second = ProgressStore("alice", directory=tmp_path)
    first.record_exercise_solved("mse-backward", T0)
    second.record_exercise_solved("relu-backward", T0)
    assert set(first.exercises_solved()) == {"mse-backward", "relu-backward"}


# -- the overview ------------------------------------------------------------------------------

def test_the_overview_counts_the_exercises_it_is_given(store):
    store.record_exercise_solved("mse-backward", T0)
    store.record_exercise_solved("not-in-this-course", T0)
    overview = ProgressOverview(store, exercise_ids=["mse-backward", "relu-backward",
                                                     "adam-step", "mse-backward"])
    assert "Exercises: 1 of 3 solved" in overview.view.value
    store.record_exercise_solved("adam-step", T0)
    overview.refresh_button.click()
    assert "Exercises: 2 of 3 solved" in overview.view.value


def test_the_overview_without_exercises_shows_no_exercise_line(store):
    overview = ProgressOverview(store, [("01_forward_pass_and_loss", "Lesson 1")], [])
    assert "Exercises" not in overview.view.value and "Lessons: 0 of 1" in overview.view.value


@pytest.mark.parametrize("language, words", [
    ("it", "Esercizi: 0 di 2 risolti"), ("fr", "Exercices : 0 sur 2 résolus"),
    ("pt", "Exercícios: 0 de 2 resolvidos"), ("es", "Ejercicios: 0 de 2 resueltos"),
    ("de", "Übungen: 0 von 2 gelöst"), ("en", "Exercises: 0 of 2 solved"),
])
def test_the_overview_counts_in_the_learners_language(store, language, words):
    overview = ProgressOverview(store, language=language,
                                exercise_ids=["mse-backward", "adam-step"])
    assert words in overview.view.value
