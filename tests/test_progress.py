"""Learner progress: persistence, atomic writes, damaged files, concurrent notebooks, names."""
import json
import multiprocessing
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import platformdirs
import pytest
from fsrs import Rating

import studypack.progress.store as progress
from studypack.progress.store import (
    FORMAT_VERSION,
    InvalidLearnerName,
    ProgressFileWarning,
    ProgressStore,
    UnsupportedProgressVersion,
    default_data_dir,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
DECK = ["what-is-backpropagation", "chain-rule-in-one-line", "what-is-the-forward-pass"]


@pytest.fixture(autouse=True)
def no_real_home(tmp_path, monkeypatch):
    """Point every default location at a temp dir so no test can touch the real home."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("STUDYPACK_HOME", str(tmp_path / "studypack-home"))


@pytest.fixture
def store(tmp_path):
    return ProgressStore("alice", directory=tmp_path / "data")


def files_in(directory):
    return sorted(p.name for p in Path(directory).iterdir())


def graduate(store, card_id, when=T0):
    """Rate a card Good twice so it leaves fsrs's short learning steps (due a day or more later)."""
    card = store.record_review(card_id, "good", when)
    return store.record_review(card_id, Rating.Good, card.due)


# -- schedules --------------------------------------------------------------------------------

def test_schedule_persists_across_store_instances(tmp_path):
    first = ProgressStore("alice", directory=tmp_path)
    card = graduate(first, "chain-rule-in-one-line")
    reopened = ProgressStore("alice", directory=tmp_path)
    assert reopened.card_schedule("chain-rule-in-one-line") == card
    assert reopened.card_schedule("what-is-backpropagation") is None
    # a card rated Good is not due again until its due time
    assert "chain-rule-in-one-line" not in reopened.due_cards(DECK, card.due - timedelta(minutes=1))
    assert "chain-rule-in-one-line" in reopened.due_cards(DECK, card.due)


def test_again_brings_a_card_back_sooner_than_easy(store):
    again = store.record_review("what-is-backpropagation", "again", T0)
    easy = store.record_review("chain-rule-in-one-line", "easy", T0)
    assert again.due < easy.due
    assert store.due_cards(DECK, again.due) == ["what-is-backpropagation", "what-is-the-forward-pass"]


def test_due_cards_most_overdue_first_then_new_in_deck_order(store):
    first = graduate(store, "what-is-the-forward-pass", T0)
    second = graduate(store, "what-is-backpropagation", T0 + timedelta(hours=5))
    now = max(first.due, second.due) + timedelta(hours=1)
    assert first.due < second.due
    assert store.due_cards(DECK, now) == [
        "what-is-the-forward-pass", "what-is-backpropagation", "chain-rule-in-one-line"]
    assert store.due_cards(DECK, now, include_new=False) == [
        "what-is-the-forward-pass", "what-is-backpropagation"]
    # cards no longer in the deck are not offered
    assert store.due_cards(["chain-rule-in-one-line"], now) == ["chain-rule-in-one-line"]


def test_review_history_and_retention_estimate(store):
    assert store.retention_estimate(T0) is None
    graduate(store, "what-is-backpropagation")
    store.record_review("chain-rule-in-one-line", "hard", T0)
    history = store.review_history()
    assert [(r.card_id, r.rating) for r in history] == [
        ("what-is-backpropagation", Rating.Good), ("what-is-backpropagation", Rating.Good),
        ("chain-rule-in-one-line", Rating.Hard)]
    assert all(r.when.tzinfo is not None for r in history)
    assert len(store.review_history("chain-rule-in-one-line")) == 1
    for days in (0, 3, 300):
        assert 0.0 <= store.retention_estimate(T0 + timedelta(days=days)) <= 1.0


def test_reviews_are_kept_in_fsrs_form(store):
    card = store.record_review("what-is-backpropagation", "good", T0)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["format_version"] == FORMAT_VERSION
    assert data["cards"]["what-is-backpropagation"] == card.to_dict()
    assert data["reviews"][0]["card"] == "what-is-backpropagation"
    assert data["reviews"][0]["fsrs"]["rating"] == 3


def test_reviewed_today_uses_the_learners_calendar_day(store):
    plus_two = timezone(timedelta(hours=2))
    store.record_review("what-is-backpropagation", "good", datetime(2025, 3, 1, 21, 0, tzinfo=timezone.utc))
    store.record_review("chain-rule-in-one-line", "good", datetime(2025, 3, 1, 22, 30, tzinfo=timezone.utc))
    store.record_review("chain-rule-in-one-line", "good", datetime(2025, 3, 1, 23, 0, tzinfo=timezone.utc))
    now = datetime(2025, 3, 1, 23, 30, tzinfo=timezone.utc)
    assert store.reviewed_today(now, tz=timezone.utc) == ["what-is-backpropagation", "chain-rule-in-one-line"]
    # at UTC+2, 21:00 UTC is still 1 March but 22:30 UTC is already 2 March
    assert store.reviewed_today(now, tz=plus_two) == ["chain-rule-in-one-line"]
    assert store.reviewed_today(now + timedelta(days=1), tz=timezone.utc) == []


def test_bad_review_arguments_fail_clearly_and_write_nothing(store):
    with pytest.raises(ValueError, match="content id"):
        store.record_review("Not An Id", "good", T0)
    with pytest.raises(ValueError, match="again, hard, good, easy"):
        store.record_review("what-is-backpropagation", "fine", T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_review("what-is-backpropagation", "good", datetime(2025, 3, 1))
    assert not store.path.exists()


# -- quizzes and lessons ------------------------------------------------------------------------

def test_quiz_attempts_and_best_scores(store):
    assert store.best_score("forward-pass-quiz") is None
    store.record_quiz_attempt("forward-pass-quiz", {"what-does-mse-measure": 1}, 1, 3, T0)
    best = store.record_quiz_attempt("forward-pass-quiz", {"what-does-mse-measure": 0,
                                                           "pick-the-losses": [0, 2]}, 2.5, 3,
                                     T0 + timedelta(hours=1))
    store.record_quiz_attempt("forward-pass-quiz", {}, 2.5, 3, T0 + timedelta(hours=2))  # a tie
    store.record_quiz_attempt("history-quiz", {"when-was-backprop-popularised": "a"}, 1, 1, T0)
    reopened = ProgressStore("alice", directory=store.directory)
    assert reopened.best_score("forward-pass-quiz") == best
    assert reopened.best_score("forward-pass-quiz").fraction == pytest.approx(2.5 / 3)
    assert set(reopened.best_scores()) == {"forward-pass-quiz", "history-quiz"}
    assert len(reopened.quiz_attempts("forward-pass-quiz")) == 3
    assert len(reopened.quiz_attempts()) == 4


@pytest.mark.parametrize("score, max_score", [(-1, 3), (4, 3), (1, 0), (float("nan"), 3), ("2", 3), (True, 3)])
def test_impossible_scores_are_refused(store, score, max_score):
    with pytest.raises(ValueError, match="score"):
        store.record_quiz_attempt("quiz", {}, score, max_score, T0)
    assert not store.path.exists()


def test_answers_must_be_json_values(store):
    with pytest.raises(TypeError, match="JSON"):
        store.record_quiz_attempt("quiz", {"q": object()}, 1, 1, T0)
    with pytest.raises(TypeError, match="question ids"):
        store.record_quiz_attempt("quiz", {1: "a"}, 1, 1, T0)
    assert not store.path.exists()


def test_lesson_visits_keep_the_latest_time(store):
    store.record_lesson_visit("01_forward_pass_and_loss", T0 + timedelta(days=1))
    store.record_lesson_visit("01_forward_pass_and_loss", T0)  # an older visit, recorded late
    store.record_lesson_visit("02_chain_rule_and_graphs", T0)
    assert store.lessons_visited() == {
        "01_forward_pass_and_loss": T0 + timedelta(days=1),
        "02_chain_rule_and_graphs": T0,
    }


def test_summary(store):
    graduate(store, "what-is-backpropagation", T0)
    store.record_quiz_attempt("forward-pass-quiz", {}, 2, 4, T0)
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    due = store.card_schedule("what-is-backpropagation").due
    summary = store.summary(DECK, now=due, tz=timezone.utc)
    assert summary.learner == "alice"
    assert (summary.cards_due, summary.cards_new) == (1, 2)
    assert summary.reviewed_today == (1 if due.date() == T0.date() else 0)
    assert 0.0 <= summary.retention <= 1.0
    assert summary.best_scores["forward-pass-quiz"].fraction == 0.5
    assert summary.lessons_visited == {"01_forward_pass_and_loss": T0}
    empty = ProgressStore("bob", directory=store.directory).summary(DECK, now=T0)
    assert (empty.cards_due, empty.cards_new, empty.reviewed_today, empty.retention) == (0, 3, 0, None)


# -- where files live, and learner names ------------------------------------------------------

def test_studypack_home_is_respected(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYPACK_HOME", str(tmp_path / "elsewhere"))
    store = ProgressStore("bob")
    assert store.path == (tmp_path / "elsewhere" / "bob.json").resolve()
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    assert (tmp_path / "elsewhere" / "bob.json").is_file()


def test_explicit_directory_overrides_studypack_home(tmp_path):
    store = ProgressStore("bob", directory=tmp_path / "explicit")
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    assert files_in(tmp_path / "explicit") == ["bob.json", "bob.json.lock"]
    assert not (tmp_path / "studypack-home").exists()


def test_without_studypack_home_the_platform_data_dir_is_used(monkeypatch):
    monkeypatch.setenv("STUDYPACK_HOME", "")
    expected = Path(platformdirs.user_data_dir("studypack", appauthor=False))
    assert default_data_dir() == expected
    assert ProgressStore("bob").path == expected.resolve() / "bob.json"  # nothing is written


@pytest.mark.parametrize("name", [
    "", "../alice", "a/b", "a\\b", ".hidden", "alice.json", "a b", "zoë", "-x", "x" * 65,
    "con", "NUL", "com1", "alice\n",
])
def test_unsafe_learner_names_are_rejected_with_a_clear_message(tmp_path, name):
    with pytest.raises(InvalidLearnerName, match="learner name") as raised:
        ProgressStore(name, directory=tmp_path)
    assert repr(name) in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_non_string_learner_name_is_rejected(tmp_path):
    with pytest.raises(InvalidLearnerName, match="string"):
        ProgressStore(None, directory=tmp_path)


def test_learner_names_are_case_insensitive(tmp_path):
    ProgressStore("Alice", directory=tmp_path).record_lesson_visit("01_forward_pass_and_loss", T0)
    assert ProgressStore("alice", directory=tmp_path).lessons_visited()
    assert ProgressStore("Study_Group-2", directory=tmp_path).path.name == "study_group-2.json"


# -- atomic writes -----------------------------------------------------------------------------

def test_crash_before_the_rename_leaves_the_old_file_and_no_temp_files(store, monkeypatch):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = store.path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(progress.os, "replace", crash)
    with pytest.raises(progress.ProgressError, match="simulated"):
        store.record_review("what-is-backpropagation", "good", T0)
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert files_in(store.directory) == ["alice.json", "alice.json.lock"]


def test_crash_halfway_through_writing_leaves_the_old_file(store, monkeypatch):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = store.path.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        """A temp file whose write stops halfway, as when the disk fills up."""

        def __init__(self, *args, **kwargs):
            self.file = real_fdopen(*args, **kwargs)

        def write(self, text):
            self.file.write(text[: len(text) // 2])
            self.file.flush()
            raise OSError("simulated: no space left on device")

        def __getattr__(self, name):
            return getattr(self.file, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

    monkeypatch.setattr(progress.os, "fdopen", HalfWriter)
    with pytest.raises(progress.ProgressError, match="no space"):
        store.record_quiz_attempt("forward-pass-quiz", {"q": 1}, 1, 1, T0)
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert files_in(store.directory) == ["alice.json", "alice.json.lock"]


def test_interrupt_during_fsync_leaves_the_old_file(store, monkeypatch):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = store.path.read_bytes()

    def interrupted(fd):
        raise KeyboardInterrupt  # the learner pressed stop in the notebook

    monkeypatch.setattr(progress.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.record_lesson_visit("02_chain_rule_and_graphs", T0)
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert files_in(store.directory) == ["alice.json", "alice.json.lock"]
    # the lock was released: the store still works
    store.record_lesson_visit("02_chain_rule_and_graphs", T0)
    assert set(store.lessons_visited()) == {"01_forward_pass_and_loss", "02_chain_rule_and_graphs"}


# A real writer killed at random moments: test_progress_properties.py.


def test_the_next_write_removes_temp_files_a_killed_writer_left(store):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    for leftover in (".alice.k3j2h1.tmp", ".alice-2.k3j2h1.tmp"):
        (store.directory / leftover).write_text('{"half a fi', encoding="utf-8")
    store.record_lesson_visit("02_chain_rule_and_graphs", T0)
    # only this learner's leftovers: another learner's writer may be mid-write right now
    assert files_in(store.directory) == [".alice-2.k3j2h1.tmp", "alice.json", "alice.json.lock"]


# -- damaged and newer files -------------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b'{"format_version": 1, "cards": {',                          # cut off mid-write
    b"",                                                          # empty
    b"\xff\xfe not utf-8",                                        # not text
    b"[1, 2, 3]",                                                 # JSON, wrong shape
    b'{"format_version": 1, "learner": "alice", "cards": {}}',     # keys missing
    b'{"format_version": 1, "learner": "alice", "cards": {"c": {"due": 5}},'
    b' "reviews": [], "quiz_attempts": [], "lessons": {}}',       # not an fsrs card
    b'{"format_version": "1", "learner": "alice", "cards": {},'
    b' "reviews": [], "quiz_attempts": [], "lessons": {}}',       # version not a number
])
def test_damaged_file_is_moved_aside_with_a_warning_and_kept_byte_for_byte(store, content):
    store.directory.mkdir(parents=True)
    store.path.write_bytes(content)
    with pytest.warns(ProgressFileWarning) as caught:
        assert store.card_schedule("what-is-backpropagation") is None
    copies = list(store.directory.glob("alice.corrupt-*.json"))
    assert len(copies) == 1
    assert copies[0].read_bytes() == content
    message = str(caught[0].message)
    assert str(store.path) in message and str(copies[0]) in message and "starts fresh" in message
    # progress carries on from empty, and the copy is left alone
    store.record_review("what-is-backpropagation", "good", T0)
    assert store.card_schedule("what-is-backpropagation") is not None
    assert copies[0].read_bytes() == content


def test_two_damaged_files_in_the_same_second_are_both_kept(store):
    store.directory.mkdir(parents=True)
    for content in (b"{broken one", b"{broken two"):
        store.path.write_bytes(content)
        with pytest.warns(ProgressFileWarning):
            store.record_lesson_visit("01_forward_pass_and_loss", T0)
    copies = sorted(p.read_bytes() for p in store.directory.glob("alice.corrupt-*.json"))
    assert copies == [b"{broken one", b"{broken two"]


def test_a_file_from_a_newer_studypack_is_never_clobbered(store):
    store.directory.mkdir(parents=True)
    newer = json.dumps({"format_version": FORMAT_VERSION + 1, "learner": "alice",
                        "something": "new"}).encode()
    store.path.write_bytes(newer)
    with pytest.raises(UnsupportedProgressVersion, match="newer studypack") as raised:
        store.record_review("what-is-backpropagation", "good", T0)
    assert "upgrade" in str(raised.value)
    with pytest.raises(UnsupportedProgressVersion):
        store.lessons_visited()
    assert store.path.read_bytes() == newer
    assert files_in(store.directory) == ["alice.json", "alice.json.lock"]


def test_unknown_top_level_keys_are_preserved(store):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["note_from_a_tool"] = {"kept": True}
    store.path.write_text(json.dumps(data), encoding="utf-8")
    store.record_lesson_visit("02_chain_rule_and_graphs", T0)
    assert json.loads(store.path.read_text(encoding="utf-8"))["note_from_a_tool"] == {"kept": True}


# -- two notebooks at once ---------------------------------------------------------------------

def test_two_stores_for_one_learner_keep_each_others_updates(tmp_path):
    first = ProgressStore("alice", directory=tmp_path)
    second = ProgressStore("alice", directory=tmp_path)
    first.record_review("what-is-backpropagation", "good", T0)
    second.record_quiz_attempt("forward-pass-quiz", {}, 1, 2, T0)
    first.record_lesson_visit("01_forward_pass_and_loss", T0)
    second.record_review("chain-rule-in-one-line", "easy", T0)
    for store in (first, second):
        assert store.card_schedule("what-is-backpropagation") is not None
        assert store.card_schedule("chain-rule-in-one-line") is not None
        assert store.best_score("forward-pass-quiz") is not None
        assert store.lessons_visited() == {"01_forward_pass_and_loss": T0}


def test_two_stores_in_threads_lose_nothing(tmp_path):
    def hammer(worker):
        store = ProgressStore("alice", directory=tmp_path)
        for i in range(25):
            store.record_review(f"card-{worker}-{i}", "good", T0)

    threads = [threading.Thread(target=hammer, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = ProgressStore("alice", directory=tmp_path)
    assert len(store.review_history()) == 50
    assert len(store.due_cards([f"card-{w}-{i}" for w in range(2) for i in range(25)],
                               T0 + timedelta(days=365), include_new=False)) == 50


def _hammer_from_another_process(directory, worker, count, start):
    store = ProgressStore("alice", directory=directory)
    start.wait()
    for i in range(count):
        store.record_quiz_attempt(f"quiz-{worker}", {"question": i}, i % 3, 2 + 1, T0)
        store.record_review(f"card-{worker}-{i}", "good", T0)


def test_two_processes_hammering_updates_lose_nothing(tmp_path):
    workers, count = 3, 20
    context = multiprocessing.get_context("spawn")  # the same on every OS
    start = context.Event()
    processes = [context.Process(target=_hammer_from_another_process,
                                 args=(tmp_path, w, count, start)) for w in range(workers)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    store = ProgressStore("alice", directory=tmp_path)
    attempts = store.quiz_attempts()
    assert len(attempts) == workers * count
    for worker in range(workers):
        assert [a.answers["question"] for a in attempts if a.quiz_id == f"quiz-{worker}"] == list(range(count))
    assert len(store.review_history()) == workers * count
    assert files_in(tmp_path) == ["alice.json", "alice.json.lock"]


# A lock held past the timeout: test_progress_os_errors.py (by a real second process).
