"""Progress files that parse as JSON but hold what no studypack wrote: each is set aside
byte for byte with a warning naming it, and the learner carries on from a fresh file —
nothing raises later, when a widget uses the values (fsrs arithmetic, formatting a score)."""
import json
import warnings
from datetime import datetime, timedelta, timezone

import pytest

from studypack.progress.store import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    ProgressFileWarning,
    ProgressStore,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
CARD = "what-is-backpropagation"


@pytest.fixture
def store(tmp_path):
    return ProgressStore("alice", directory=tmp_path / "data")


def valid_file(store) -> dict:
    """A real progress file, as the store writes it: a card reviewed, a quiz, a lesson, an
    exercise solved."""
    store.record_review(CARD, "good", T0)
    store.record_quiz_attempt("forward-pass-quiz", {"q": [0, 2]}, 1.5, 3, T0)
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    store.record_exercise_solved("mse-backward", T0)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    store.path.unlink()
    return data


def use_everything(store):
    """What the widgets do with a store, so anything a bad value would break shows here."""
    store.due_cards([CARD, "chain-rule-in-one-line"], T0 + timedelta(days=3))
    store.summary([CARD], now=T0 + timedelta(days=3))
    store.retention_estimate(T0 + timedelta(days=3))
    store.best_scores()
    store.review_history()
    store.reviewed_today(T0)
    store.lessons_visited()
    schedule = store.card_schedule(CARD)
    store.scheduler.preview(CARD, schedule, T0 + timedelta(days=3))
    store.record_review(CARD, "again", T0 + timedelta(days=3))
    store.record_quiz_attempt("forward-pass-quiz", {"q": 1}, 1, 3, T0)
    store.record_lesson_visit("01_forward_pass_and_loss", T0 + timedelta(days=3))
    store.exercises_solved()
    store.record_exercise_solved("linear-backward", T0 + timedelta(days=3))


def assert_set_aside_and_fresh(store, content: bytes):
    """Opening warns, names the file, keeps the bytes aside, and the learner carries on."""
    with pytest.warns(ProgressFileWarning) as caught:
        assert store.lessons_visited() == {}
    (copy,) = store.directory.glob("alice.corrupt-*.json")
    assert copy.read_bytes() == content
    message = str(caught[0].message)
    assert str(store.path) in message and str(copy) in message and "starts fresh" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fresh file is not damaged
        use_everything(store)
    assert copy.read_bytes() == content


def set_path(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


FIRST_CARD = ("cards", CARD)
REVIEW_LOG = ("reviews", 0, "fsrs")
ATTEMPT = ("quiz_attempts", 0)


def nested(depth):
    return "[" * depth + "]" * depth


# (where in the file, the raw JSON text put there)
IMPOSSIBLE_VALUES = [
    # numbers JSON allows but no progress holds
    (ATTEMPT + ("score",), "1" + "0" * 400),
    (ATTEMPT + ("max_score",), "1" + "0" * 400),
    (FIRST_CARD + ("stability",), "1" + "0" * 400),
    (FIRST_CARD + ("card_id",), "9" * 400),
    (("something_new",), "1" + "0" * 400),
    (FIRST_CARD + ("stability",), "NaN"),
    (FIRST_CARD + ("difficulty",), "Infinity"),
    (ATTEMPT + ("score",), "-Infinity"),
    (ATTEMPT + ("max_score",), "1e400"),
    (("lessons",), '{"x": NaN}'),
    # fsrs values outside what fsrs produces
    (FIRST_CARD + ("stability",), "-1.5"),
    (FIRST_CARD + ("stability",), "0"),
    (FIRST_CARD + ("stability",), "1e300"),
    (FIRST_CARD + ("difficulty",), "0.5"),
    (FIRST_CARD + ("difficulty",), "11"),
    (FIRST_CARD + ("state",), "7"),
    (FIRST_CARD + ("state",), "2"),            # Review state while a learning step is set
    (FIRST_CARD + ("step",), "-1"),
    (FIRST_CARD + ("card_id",), "-5"),
    (REVIEW_LOG + ("rating",), "0"),
    (REVIEW_LOG + ("rating",), "5"),
    (REVIEW_LOG + ("review_duration",), "-1"),
    (ATTEMPT + ("score",), "4"),                # above max_score
    (ATTEMPT + ("max_score",), "0"),
    # wrong types anywhere
    (FIRST_CARD + ("stability",), '"2.3"'),
    (FIRST_CARD + ("state",), "true"),
    (FIRST_CARD + ("step",), "1.0"),
    (FIRST_CARD + ("due",), "12"),
    (FIRST_CARD + ("last_review",), "null"),
    (FIRST_CARD, "[]"),
    (REVIEW_LOG, "null"),
    (("reviews", 0), '"x"'),
    (("reviews", 0, "card"), "3"),
    (ATTEMPT + ("answers",), "[1, 2]"),
    (ATTEMPT + ("quiz",), '""'),
    (ATTEMPT + ("when",), "1700000000"),
    (ATTEMPT, "true"),
    (("lessons",), '{"01_forward_pass_and_loss": null}'),
    (("lessons",), '{"": "2025-03-01T12:00:00+00:00"}'),
    (("cards",), "[]"),
    (("learner",), "null"),
    (("format_version",), "true"),
    (("format_version",), "0"),
    (("cards",), '{"Not An Id": {}}'),
    # invalid dates
    (FIRST_CARD + ("due",), '"2025-02-30T12:00:00+00:00"'),
    (FIRST_CARD + ("due",), '"2025-03-01T12:00:00"'),     # no timezone
    (FIRST_CARD + ("due",), '"0001-01-01T00:00:00+01:00"'),  # before year 1 in UTC
    (FIRST_CARD + ("last_review",), '"9999-12-31T23:59:59-01:00"'),  # after 9999 in UTC
    (FIRST_CARD + ("due",), '"9999-12-31T00:00:00+00:00"'),  # + fsrs interval overflows
    (REVIEW_LOG + ("review_datetime",), '"yesterday"'),
    (ATTEMPT + ("when",), '"1969-12-31T23:59:59+00:00"'),
    # lone surrogates: JSON can escape them, UTF-8 cannot hold them
    (("lessons",), '{"\\ud800": "2025-03-01T12:00:00+00:00"}'),
    (ATTEMPT + ("quiz",), '"quiz \\udfff"'),
    (ATTEMPT + ("answers",), '{"q": "\\ud83d"}'),
    (("note_from_a_tool",), '"\\ud800"'),
    # nesting
    (ATTEMPT + ("answers",), '{"q": ' + nested(MAX_DEPTH) + "}"),
    (("note_from_a_tool",), nested(100_000)),
]


@pytest.mark.parametrize("path, raw", IMPOSSIBLE_VALUES,
                         ids=[f"{'.'.join(map(str, p))}={r[:20]}" for p, r in IMPOSSIBLE_VALUES])
def test_a_file_holding_an_impossible_value_is_set_aside(store, path, raw):
    data = valid_file(store)
    marker = "__the_bad_value__"
    set_path(data, path, marker)
    content = json.dumps(data).replace(json.dumps(marker), raw).encode("utf-8")
    store.path.write_bytes(content)
    assert_set_aside_and_fresh(store, content)


@pytest.mark.parametrize("content", [
    b"null", b"5", b'"text"', b"[]", b"true", b"{}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
    b'"\\ud800"',
    b"\xef\xbb\xbf{}",  # a UTF-8 byte-order mark
])
def test_a_file_that_is_not_a_progress_object_is_set_aside(store, content):
    store.directory.mkdir(parents=True)
    store.path.write_bytes(content)
    assert_set_aside_and_fresh(store, content)


def test_a_huge_file_is_set_aside_without_being_read(store):
    store.directory.mkdir(parents=True)
    with open(store.path, "wb") as huge:  # sparse: the size costs no disk
        huge.write(b"{")
        huge.truncate(MAX_FILE_BYTES + 1)
    with pytest.warns(ProgressFileWarning, match="bytes"):
        assert store.best_scores() == {}
    (copy,) = store.directory.glob("alice.corrupt-*.json")
    assert copy.stat().st_size == MAX_FILE_BYTES + 1
    store.record_lesson_visit("01_forward_pass_and_loss", T0)


def test_the_valid_file_itself_is_accepted(store):
    data = valid_file(store)
    store.path.write_text(json.dumps(data), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        use_everything(store)
    assert not list(store.directory.glob("alice.corrupt-*"))


# -- the store never writes what it would later set aside ------------------------------------

@pytest.mark.parametrize("save, error", [
    (lambda s: s.record_quiz_attempt("quiz", {}, 10**400, 10**401, T0), ValueError),
    (lambda s: s.record_quiz_attempt("quiz", {}, 1, 2**70, T0), ValueError),
    (lambda s: s.record_quiz_attempt("quiz", {"q": [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}, 1, 1, T0),
     TypeError),
    (lambda s: s.record_quiz_attempt("quiz", {"q": "\ud800"}, 1, 1, T0), TypeError),
    (lambda s: s.record_quiz_attempt("quiz \ud800", {}, 1, 1, T0), ValueError),
    (lambda s: s.record_quiz_attempt("quiz", {}, 1, 1,
                                     datetime(9500, 1, 1, tzinfo=timezone.utc)), ValueError),
    (lambda s: s.record_lesson_visit("lesson \udfff", T0), ValueError),
    (lambda s: s.record_lesson_visit("lesson", datetime(1900, 1, 1, tzinfo=timezone.utc)),
     ValueError),
    (lambda s: s.record_review(CARD, "good", datetime(1960, 1, 1, tzinfo=timezone.utc)),
     ValueError),
])
def test_values_the_file_cannot_hold_are_refused_before_writing(store, save, error):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = store.path.read_bytes()
    with pytest.raises(error):
        save(store)
    assert store.path.read_bytes() == before
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        use_everything(store)
