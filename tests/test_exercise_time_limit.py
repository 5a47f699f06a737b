"""The time limit on the learner's code: an endless loop becomes a report naming the time and
the line, never a hang or an exception out of check(); the enclosing program's SIGALRM
handler and timer come back exactly; other threads and a Jupyter kernel are covered too."""
from __future__ import annotations

import dataclasses
import inspect
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from studypack.exercises import check, get_exercise, list_exercises
from studypack.exercises.limits import LearnerTimeout, run_limited
from studypack.exercises.model import DEFAULT_TIME_LIMIT

EXERCISES = list_exercises()
SHORT = 0.3  # seconds: the tests' limit
BOUND = 3.0  # a check of an endless function must end well within this
THREAD_BOUND = 10.0  # the watchdog needs some tries for a bare `except:` loop, on a busy machine


def _short(exercise_id: str, seconds: float = SHORT):
    return dataclasses.replace(get_exercise(exercise_id), time_limit=seconds)


def endless(*args):
    while True:
        pass


def swallows_everything(*args):
    while True:
        try:
            total = sum(range(100))
        except:  # noqa: E722 - the learner's bare except, interrupted again and again
            total = 0


def sleeps(*args):
    time.sleep(10 ** 6)


def recurses_on_the_way(*args):
    def spin(n):
        while n >= 0:
            n = n + 1
    spin(0)


def _lines_of(function, text: str) -> set[int]:
    """The numbers of the lines of `function` holding `text`."""
    lines, start = inspect.getsourcelines(function)
    return {start + i for i, line in enumerate(lines) if text in line}


@pytest.mark.parametrize("function, line_text", [
    (endless, "pass"), (swallows_everything, ""), (sleeps, "time.sleep"),
    (recurses_on_the_way, "n = n + 1")])
def test_an_endless_function_is_reported_with_its_time_and_line(function, line_text):
    start = time.monotonic()
    report = check(_short("mse-backward"), function)
    took = time.monotonic() - start
    assert SHORT <= took < BOUND
    assert report.status == "timeout" and not report.passed
    assert report.diagnosis.startswith(f"your function was still running after {SHORT:g} s, at line ")
    line = int(report.diagnosis.split("at line ")[1].split(":")[0])
    # a bare `except:` loop is interrupted anywhere in it ("": any line of the function)
    assert line in _lines_of(function, line_text) | _lines_of(function, "while")
    assert report.details.startswith(f"line {line}: ")


@pytest.mark.parametrize("exercise", EXERCISES, ids=[exercise.id for exercise in EXERCISES])
def test_every_exercise_stops_an_endless_function(exercise):
    """The generic path and every custom check (graphs, training) call under the limit."""
    limited = dataclasses.replace(exercise, time_limit=SHORT)
    start = time.monotonic()
    report = check(limited, swallows_everything)
    assert time.monotonic() - start < BOUND
    assert report.status == "timeout", report
    line = int(report.details.split(":")[0].split()[-1])
    lines, start = inspect.getsourcelines(swallows_everything)
    assert start < line < start + len(lines)


def test_a_learner_function_that_loops_inside_the_checks_callback_is_stopped():
    """numerical-gradient: the learner loops on calling our f; the limit still holds."""
    def forever(f, x, eps=1e-5):
        while True:
            f(x)
    report = check(_short("numerical-gradient"), forever)
    assert report.status == "timeout" and "f(x)" in report.details


def test_the_limits_are_sensible():
    for exercise in EXERCISES:
        expected = DEFAULT_TIME_LIMIT if exercise.id != "train-mlp-moons" else exercise.time_limit
        assert exercise.time_limit == expected
    assert get_exercise("train-mlp-moons").time_limit > DEFAULT_TIME_LIMIT >= 2


def test_a_right_answer_is_not_disturbed_and_passes():
    for exercise in EXERCISES:
        assert check(exercise, exercise.reference).passed, exercise.id


def test_the_timeout_is_said_in_every_language():
    for language, words in [("it", "riga"), ("fr", "ligne"), ("pt", "linha"), ("es", "línea"),
                            ("de", "Zeile")]:
        report = check(_short("relu-backward"), endless, language=language)
        assert report.status == "timeout" and words in report.diagnosis
        assert "running" not in report.diagnosis and "0.3 s" in report.diagnosis


# ---- the enclosing program's SIGALRM ----

needs_alarm = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM here")


@pytest.fixture
def own_alarm():
    """A program with its own SIGALRM handler; put back as it was after the test."""
    calls = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: calls.append(time.monotonic()))
    yield calls
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@needs_alarm
def test_the_programs_own_handler_and_timer_come_back(own_alarm):
    handler = signal.getsignal(signal.SIGALRM)
    signal.setitimer(signal.ITIMER_REAL, 30.0, 7.0)
    start = time.monotonic()
    assert check(_short("tanh-backward"), endless).status == "timeout"
    delay, interval = signal.getitimer(signal.ITIMER_REAL)
    assert signal.getsignal(signal.SIGALRM) is handler
    assert interval == pytest.approx(7.0)
    assert delay == pytest.approx(30.0 - (time.monotonic() - start), abs=0.2)
    assert own_alarm == []


@needs_alarm
def test_the_programs_alarm_falling_due_meanwhile_still_reaches_its_handler(own_alarm):
    signal.setitimer(signal.ITIMER_REAL, 0.1, 0.0)
    start = time.monotonic()
    report = check(_short("tanh-backward", 0.5), endless)
    assert report.status == "timeout" and time.monotonic() - start < BOUND
    assert len(own_alarm) == 1 and own_alarm[0] - start == pytest.approx(0.1, abs=0.15)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@needs_alarm
def test_a_repeating_alarm_of_the_program_keeps_ticking_during_the_check(own_alarm):
    signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)
    check(_short("tanh-backward", 0.55), endless)
    assert 3 <= len(own_alarm) <= 7
    assert signal.getitimer(signal.ITIMER_REAL)[1] == pytest.approx(0.1)


@needs_alarm
def test_a_program_alarm_already_overdue_at_the_end_is_delivered_not_lost(own_alarm):
    signal.setitimer(signal.ITIMER_REAL, 0.2, 0.0)
    run_limited(5.0, time.sleep, 0.0)  # a limit that ends long before the program's alarm
    assert own_alarm == [] and 0.1 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.2
    time.sleep(0.4)
    assert len(own_alarm) == 1


def test_limits_nest_and_the_shorter_outer_one_wins():
    def inner():
        run_limited(10.0, endless)
    start = time.monotonic()
    with pytest.raises(LearnerTimeout):
        run_limited(0.3, inner)
    assert 0.3 <= time.monotonic() - start < BOUND
    if hasattr(signal, "setitimer"):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


# ---- finishing near the deadline, and other threads ----

def _busy(seconds: float):
    def work():
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        return "done"
    return work


def _near_the_deadline_then_carry_on(results: list) -> None:
    """Functions ending just before, at and after a 30 ms deadline: each either returns or is
    interrupted inside run_limited, and nothing is raised afterwards."""
    for offset in np.linspace(-0.01, 0.01, 21):
        try:
            results.append(run_limited(0.03, _busy(0.03 + offset)))
        except LearnerTimeout:
            results.append("stopped")
        _busy(0.06)()  # an interrupt left over would hit here
    results.append("finished")


def test_finishing_near_the_deadline_leaves_nothing_behind_in_the_main_thread():
    results = []
    _near_the_deadline_then_carry_on(results)
    assert results[-1] == "finished" and set(results[:-1]) <= {"done", "stopped"}
    assert "done" in results and "stopped" in results
    if hasattr(signal, "setitimer"):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_finishing_near_the_deadline_leaves_nothing_behind_in_another_thread():
    results, errors = [], []

    def run():
        try:
            _near_the_deadline_then_carry_on(results)
        except BaseException as error:  # noqa: BLE001 - what leaked is the test's finding
            errors.append(error)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert errors == [] and results[-1] == "finished"
    assert "done" in results and "stopped" in results


def test_a_check_in_another_thread_stops_a_pure_python_loop():
    """No SIGALRM outside the main thread: the watchdog raises in the learner's thread."""
    found = {}

    def run():
        found["report"] = check(_short("sigmoid-backward"), swallows_everything, language="fr")
        _busy(0.3)()  # nothing pending may be raised after the check
        found["after"] = True
    start = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(THREAD_BOUND)
    assert not thread.is_alive() and found.get("after")
    assert found["report"].status == "timeout" and "ligne" in found["report"].diagnosis
    assert time.monotonic() - start < THREAD_BOUND


# ---- in a Jupyter kernel ----

NOTEBOOK_CELLS = [
    "from studypack.exercises import check\n"
    "from studypack.widgets.exercise import ExerciseWidget",
    "def mse_backward(prediction, target):\n"
    "    while True:\n"
    "        pass",
    "import time\n"
    "start = time.monotonic()\n"
    "report = check('mse-backward', mse_backward)\n"
    "print(report.status, round(time.monotonic() - start), '|', report.diagnosis)",
    "widget = ExerciseWidget('mse-backward', language='de')\n"
    "widget.check_button.click()  # what a click on Check runs in the kernel\n"
    "print(widget.report.status, '|', widget.verdict.value)",
]


def test_in_a_jupyter_kernel_the_check_and_the_button_end_with_the_report(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("STUDYPACK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    start = time.monotonic()
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert time.monotonic() - start < 60
    checked = notebook.cells[2].outputs[0]["text"]
    # the line of the loop: `while True:` (2) or `pass` (3), where the interrupt landed
    assert checked.startswith(f"timeout {DEFAULT_TIME_LIMIT:g} | your function was still running "
                              f"after {DEFAULT_TIME_LIMIT:g} s, at line "), checked
    assert checked.split("at line ")[1][:2] in ("2:", "3:"), checked
    clicked = notebook.cells[3].outputs[0]["text"]
    assert clicked.startswith("timeout | ") and "nicht rechtzeitig" in clicked, clicked
    assert "Zeile 2" in clicked or "Zeile 3" in clicked
