"""Property tests of the progress store against damaged files, and real processes killed
mid-write.

Whatever is done to a valid progress file — a value anywhere replaced by any JSON value
(huge or non-finite numbers, lone surrogates, deep nesting, wrong types, odd dates), a key
removed, the bytes cut or changed — opening and using the store either works or gives the
documented `ProgressFileWarning` with the original bytes kept aside; nothing else is raised.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studypack.progress.store import (
    FORMAT_VERSION,
    ProgressFileWarning,
    ProgressStore,
    UnsupportedProgressVersion,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
DECK = ["what-is-backpropagation", "chain-rule-in-one-line"]


def valid_progress() -> dict:
    """A real file, written by the store: reviews in every fsrs state, quizzes, lessons."""
    with tempfile.TemporaryDirectory() as folder:
        store = ProgressStore("alice", directory=folder)
        card = store.record_review(DECK[0], "good", T0)
        card = store.record_review(DECK[0], "good", card.due)  # to the Review state
        store.record_review(DECK[0], "again", card.due + timedelta(days=2))  # Relearning
        store.record_review(DECK[1], "hard", T0)
        store.record_quiz_attempt("forward-pass-quiz", {"q": [0, 2], "n": 0.25}, 1.5, 3, T0)
        store.record_lesson_visit("01_forward_pass_and_loss", T0)
        return json.loads(store.path.read_text(encoding="utf-8"))


VALID = valid_progress()

ISO_TIMES = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                 timezones=st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23),
                                                             max_value=timedelta(hours=23))))
    .map(datetime.isoformat),
    st.sampled_from(["2025-02-30T00:00:00+00:00", "2025-03-01T12:00:00", "0001-01-01T00:00:00+01:00",
                     "9999-12-31T23:59:59-01:00", "9999-12-31T00:00:00+00:00", "yesterday", ""]),
)
LEAVES = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-10, max_value=10), st.integers(), st.integers(min_value=10**18),
    st.sampled_from([10**400, -10**400, 2**63, -2**63 - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0005, 1e-300, 1e300, 1e6 + 1, 10.5, 0.99]),
    st.text(max_size=8), st.sampled_from(["\ud800", "card \udfff", "what-is-backpropagation"]),
    ISO_TIMES,
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=6), children, max_size=3)),
    max_leaves=8)


def places(value, path=()):
    """Every (path to a container, key in it) of a JSON tree."""
    if isinstance(value, dict):
        keys = list(value)
    elif isinstance(value, list):
        keys = list(range(len(value)))
    else:
        return []
    found = [(path, key) for key in keys] + ([(path, None)] if isinstance(value, dict) else [])
    for key in keys:
        found += places(value[key], path + (key,))
    return found


PLACES = places(VALID)


@st.composite
def mutated_files(draw) -> bytes:
    data = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path, key = draw(st.sampled_from(PLACES))
        container = data
        try:
            for step in path:
                container = container[step]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation changed the way there
        if not isinstance(container, (dict, list)):
            continue
        action = draw(st.sampled_from(["replace", "delete", "deep"]))
        if key is None:  # a new key in an object
            if isinstance(container, dict):
                container[draw(st.text(max_size=6))] = draw(JSON_VALUES)
            continue
        still_there = (key in container if isinstance(container, dict)
                       else isinstance(key, int) and key < len(container))
        if not still_there:
            continue
        if action == "delete":
            del container[key]
        elif action == "deep":
            depth = draw(st.sampled_from([5, 20, 3000, 100_000]))
            container[key] = "__deep__"
            text = json.dumps(data).replace('"__deep__"', "[" * depth + "]" * depth)
            return text.encode("utf-8")
        else:
            container[key] = draw(JSON_VALUES)
    # ensure_ascii: lone surrogates become \ud800 escapes, as in a hand-edited file
    text = json.dumps(data, indent=draw(st.sampled_from([None, 1])), allow_nan=True)
    return text.encode("utf-8")


@st.composite
def damaged_bytes(draw) -> bytes:
    raw = json.dumps(VALID, indent=1).encode("utf-8")
    position = draw(st.integers(min_value=0, max_value=len(raw) - 1))
    how = draw(st.sampled_from(["cut", "replace", "insert"]))
    if how == "cut":
        return raw[:position]
    byte = bytes([draw(st.integers(min_value=0, max_value=255))])
    return raw[:position] + byte + raw[position + (how == "replace"):]


def open_and_use(folder: Path, content: bytes) -> None:
    """Write `content` as alice's file, then do all a learner's widgets do; check the rules."""
    store = ProgressStore("alice", directory=folder)
    store.path.write_bytes(content)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            store.summary(DECK, now=T0)
            schedules = {card_id: store.card_schedule(card_id) for card_id in DECK}
            store.due_cards(DECK, T0 + timedelta(days=30))
            store.summary(now=T0 + timedelta(days=30))  # every card in the file
            store.retention_estimate(T0 + timedelta(days=400))
            store.review_history()
            store.reviewed_today(T0)
            for card_id, schedule in schedules.items():
                store.scheduler.preview(card_id, schedule, T0 + timedelta(days=1))
                store.record_review(card_id, "easy", T0 + timedelta(days=1))
            store.best_scores()
            store.record_quiz_attempt("forward-pass-quiz", {"q": 1}, 1, 3, T0)
            store.record_lesson_visit("02_chain_rule_and_graphs", T0)
        except UnsupportedProgressVersion:
            # documented: a file from a newer studypack is left exactly as it is
            data = json.loads(content)
            assert type(data["format_version"]) is int and data["format_version"] > FORMAT_VERSION
            assert store.path.read_bytes() == content
            return
    unexpected = [w for w in caught if not issubclass(w.category, ProgressFileWarning)]
    assert not unexpected, [str(w.message) for w in unexpected]
    copies = sorted(folder.glob("alice.corrupt-*.json"))
    if caught:
        assert len(caught) == 1 and len(copies) == 1
        assert copies[0].read_bytes() == content  # the original bytes are never lost
        assert str(store.path) in str(caught[0].message)
    else:
        assert copies == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # what the store wrote is a good file
        assert ProgressStore("alice", directory=folder).lessons_visited()


FAST = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(mutated_files())
def test_any_mutation_of_a_valid_file_is_used_or_set_aside(content):
    with tempfile.TemporaryDirectory() as folder:
        open_and_use(Path(folder), content)


@FAST
@given(damaged_bytes())
def test_any_damage_to_the_bytes_is_used_or_set_aside(content):
    with tempfile.TemporaryDirectory() as folder:
        open_and_use(Path(folder), content)


# -- real processes killed mid-write ----------------------------------------------------------

WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from studypack.progress.store import ProgressStore
store = ProgressStore("alice", directory=sys.argv[1])
t0 = datetime(2025, 3, 1, tzinfo=timezone.utc)
print("ready", flush=True)
for i in range(10**6):
    store.record_quiz_attempt("quiz", {"q": "x" * 3000}, 1, 1, t0 + timedelta(seconds=i))
    print(i, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_writers_killed_at_random_moments_leave_the_old_or_the_new_file(tmp_path):
    """Each kill lands somewhere else in a write; every time the file holds every attempt the
    writer reported saved (the last one at most unreported), and nothing is set aside."""
    saved_before = 0
    for round_number in range(8):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        reported = None
        deadline = time.monotonic() + 0.05 + 0.04 * round_number
        while time.monotonic() < deadline:
            reported = writer.stdout.readline().strip() or reported
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a half-written file would warn
            attempts = len(ProgressStore("alice", directory=tmp_path).quiz_attempts())
        done = saved_before + (int(reported) + 1 if reported is not None else 0)
        assert attempts in (done, done + 1)  # the kill may land after the rename, before print
        saved_before = attempts
    assert not list(tmp_path.glob("alice.corrupt-*"))
    ProgressStore("alice", directory=tmp_path).record_lesson_visit("01_forward_pass_and_loss", T0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.json", "alice.json.lock"]
