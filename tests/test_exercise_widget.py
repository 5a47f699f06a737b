"""The exercise widget, driven through its controls as a learner would: define a function in
the notebook (here: a namespace dict, as `exec` of a cell fills it), press Check, read the
verdict; hints one at a time; the worked solution only after a real attempt; the first pass
recorded in the learner's progress, and a save that fails shown, never raised."""
import html
import re

import numpy as np
import pytest
from test_progress_os_errors import disk_full, no_callback_errors  # noqa: F401 (a fixture)

import studypack.widgets.exercise as exercise_module
from studypack.exercises import check, get_exercise, list_exercises
from studypack.progress import ProgressStore
from studypack.widgets import Exercise, ExerciseWidget, look

MSE = get_exercise("mse-backward")
# the pack's one feedback language (studypack.widgets.look): green, red, orange "not done"
RIGHT, WRONG, ORANGE = (look.COLOUR[look.RIGHT], look.COLOUR[look.WRONG],
                        look.COLOUR[look.PARTLY])

STUB = MSE.stub
FORGOT_THE_MEAN = "def mse_backward(prediction, target):\n    return 2 * (prediction - target)\n"
CORRECT = ("def mse_backward(prediction, target):\n"
           "    return 2 * (prediction - target) / prediction.size\n")
DIVIDES_BY_ZERO = ("def mse_backward(prediction, target):\n"
                   "    n = 0\n"
                   "    return 2 * (prediction - target) / (1 // n)\n")


def run_cell(namespace: dict, source: str) -> None:
    """What running a notebook cell does to the learner's namespace."""
    exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 - the test's own code


def plain(widget_html) -> str:
    """An HTML widget's text as the learner reads it."""
    return html.unescape(re.sub(r"<[^>]*>", "", widget_html.value))


def all_buttons(widget) -> list:
    found, pending = [], [widget]
    while pending:
        item = pending.pop()
        if hasattr(item, "on_click"):
            found.append(item)
        pending.extend(getattr(item, "children", ()))
    return found


@pytest.fixture
def store(tmp_path):
    return ProgressStore("alice", directory=tmp_path / "data")


@pytest.fixture
def notebook():
    return {"np": np}


def test_a_wrong_then_a_right_attempt(notebook, store, no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook, store=store)
    run_cell(notebook, STUB)
    widget.check_button.click()
    assert ORANGE in widget.verdict.value and "Not done yet" in plain(widget.verdict)
    assert widget.solution_button.disabled and not widget.attempted
    assert store.exercises_solved() == {}

    run_cell(notebook, FORGOT_THE_MEAN)
    widget.check_button.click()
    expected = check(MSE, notebook["mse_backward"])
    assert expected.status == "wrong" and expected.mistake
    assert WRONG in widget.verdict.value and RIGHT not in widget.verdict.value
    shown = plain(widget.verdict)
    assert "✘ Not right yet." in shown and MSE.diagnosis(expected.mistake) in shown
    assert not widget.solution_button.disabled and widget.attempted
    assert store.exercises_solved() == {}

    run_cell(notebook, CORRECT)  # the learner fixes the cell and runs it again
    widget.check_button.click()
    assert RIGHT in widget.verdict.value and WRONG not in widget.verdict.value
    assert "✔ Right: your mse_backward gives the right answer in every case." in plain(
        widget.verdict)
    assert widget.solved and list(store.exercises_solved()) == ["mse-backward"]
    first = store.exercises_solved()["mse-backward"]
    assert store.path.read_text(encoding="utf-8").count("mse-backward") == 1

    widget.check_button.click()  # checking again records nothing new
    assert store.exercises_solved() == {"mse-backward": first}


def test_the_verdict_follows_the_latest_definition_back_to_wrong(notebook, no_callback_errors):
    widget = ExerciseWidget(MSE, namespace=notebook)
    run_cell(notebook, CORRECT)
    widget.check_button.click()
    assert RIGHT in widget.verdict.value
    run_cell(notebook, FORGOT_THE_MEAN)
    widget.check_button.click()
    assert WRONG in widget.verdict.value and widget.report.status == "wrong"


def test_a_missing_name_says_what_to_define_and_is_not_an_attempt(notebook, store,
                                                                  no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook, store=store)
    widget.check_button.click()
    assert plain(widget.verdict) == ("◐ Not done yet: define mse_backward in a cell above and "
                                     "run it, then press Check.")
    assert "<code>mse_backward</code>" in widget.verdict.value and ORANGE in widget.verdict.value
    assert widget.report is None and widget.solution_button.disabled


def test_a_name_that_is_not_a_function_is_named(notebook, no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    notebook["mse_backward"] = np.zeros(3)
    widget.check_button.click()
    assert "mse_backward is a ndarray, not a function" in plain(widget.verdict)
    assert widget.report is None and widget.solution_button.disabled


def test_learner_code_that_raises_is_reported_with_its_line_never_raised(notebook,
                                                                         no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    run_cell(notebook, DIVIDES_BY_ZERO)
    widget.check_button.click()  # no_callback_errors: nothing escaped the click
    shown = plain(widget.verdict)
    assert "✘ Your mse_backward stopped with an error." in shown
    assert "ZeroDivisionError at line 3" in shown and "integer division or modulo by zero" in shown
    assert WRONG in widget.verdict.value
    assert not widget.solution_button.disabled  # the code ran: a real attempt


def test_the_learners_error_message_is_shown_escaped(notebook, no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    run_cell(notebook, "def mse_backward(prediction, target):\n"
                       "    raise ValueError('<img src=x onerror=alert(1)> & <b>bold</b>')\n")
    widget.check_button.click()
    assert "<img" not in widget.verdict.value and "<b>bold" not in widget.verdict.value
    assert "<img src=x onerror=alert(1)> & <b>bold</b>" in plain(widget.verdict)


@pytest.mark.parametrize("returned, words", [
    ("'not an array'", "should be a numpy array"),
    ("np.zeros((1, 1))", "shape"),
])
def test_a_wrong_type_or_shape_is_red_with_the_checkers_words(notebook, returned, words,
                                                             no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    run_cell(notebook, f"def mse_backward(prediction, target):\n    return {returned}\n")
    widget.check_button.click()
    assert widget.report.status in ("type", "shape")
    assert WRONG in widget.verdict.value and words in plain(widget.verdict)
    assert widget.report.diagnosis.replace("`", "") in plain(widget.verdict)  # code as <code>


def test_hints_are_revealed_one_at_a_time(notebook, no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    hints = MSE.hints
    assert len(hints) == 3 and widget.hints_view.layout.display == "none"
    for shown in range(1, 4):
        assert widget.hint_button.description == f"Hint {shown} of 3"
        assert not widget.hint_button.disabled
        widget.hint_button.click()
        assert widget.hints_shown == shown and widget.hints_view.layout.display is None
        assert widget.hints_view.value.count("<li>") == shown
        assert f"Hint {shown}:" in widget.hints_view.value
        assert f"Hint {shown + 1}:" not in widget.hints_view.value
    assert widget.hint_button.disabled and widget.hint_button.description == "All 3 hints shown"
    widget.reveal_hint()  # a stale click from the browser shows nothing more
    assert widget.hints_view.value.count("<li>") == 3
    assert "$\\frac{1}{N}$" in widget.hints_view.value  # math left for MathJax


def test_the_solution_is_shown_only_after_a_real_attempt(notebook, no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    assert widget.solution_button.disabled
    widget.reveal_solution()  # called directly before any attempt: still hidden
    assert widget.solution_view.layout.display == "none" and widget.solution_view.value == ""
    run_cell(notebook, STUB)
    widget.check_button.click()
    assert widget.solution_button.disabled
    run_cell(notebook, FORGOT_THE_MEAN)
    widget.check_button.click()
    widget.solution_button.click()
    assert widget.solution_view.layout.display is None
    assert html.escape(MSE.solution) in widget.solution_view.value  # code, escaped


def test_show_solution_false_removes_the_button(notebook, no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook, show_solution=False)
    assert widget.solution_button is None
    assert sorted(b.description for b in all_buttons(widget)) == ["Check", "Hint 1 of 3",
                                                                  "Save again"]  # (hidden)
    run_cell(notebook, FORGOT_THE_MEAN)
    widget.check_button.click()
    widget.reveal_solution()
    assert widget.solution_view.value == "" and MSE.solution not in repr(widget.children)


def test_the_statement_title_and_signature_are_shown_safely():
    widget = ExerciseWidget("mse-backward", namespace={})
    assert plain(widget.title) == f"Exercise: {MSE.title}"
    assert "<strong>all</strong>" in widget.statement.value  # Markdown rendered
    assert "$L = \\frac{1}{N}\\sum_k (p_k - t_k)^2$" in widget.statement.value  # math kept
    assert "mse_backward(prediction, target) -&gt; grad_prediction" in widget.signature.value


def test_the_saved_notebook_shows_a_sentence_not_the_widget_tree():
    widget = ExerciseWidget("mse-backward", namespace={})
    assert widget._repr_mimebundle_()["text/plain"] == (
        "Run this cell to check your `mse_backward`.")


def test_the_notebooks_own_namespace_is_read_at_click_time(monkeypatch, no_callback_errors):
    class Shell:
        user_ns = {"np": np}

    import IPython
    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell)
    widget = ExerciseWidget("mse-backward")
    run_cell(Shell.user_ns, CORRECT)  # defined after the widget was made
    widget.check_button.click()
    assert widget.solved
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # plain Python, no notebook
    widget.check_button.click()
    assert "no notebook to find mse_backward in" in plain(widget.verdict)


def test_a_checker_bug_is_shown_as_one_not_raised(notebook, monkeypatch, no_callback_errors):
    def broken(exercise, function, language="en"):
        raise RuntimeError("internal <oops>")

    monkeypatch.setattr(exercise_module, "check", broken)
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    run_cell(notebook, CORRECT)
    widget.check_button.click()
    shown = plain(widget.verdict)
    assert "bug in studypack, not in your code" in shown and "RuntimeError: internal <oops>" in shown
    assert not widget.solved and widget.solution_button.disabled


def test_a_pass_that_cannot_be_saved_is_kept_shown_and_saved_again(notebook, store, monkeypatch,
                                                                   no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook, store=store)
    run_cell(notebook, CORRECT)
    disk_full(monkeypatch)
    widget.check_button.click()
    assert RIGHT in widget.verdict.value  # the learner still sees they solved it
    assert "not recorded yet" in widget.notice.problems
    assert "The disk is full" in widget.notice.problems
    assert widget.notice.retry_button.layout.display is None
    monkeypatch.undo()
    assert store.exercises_solved() == {}
    widget.notice.retry_button.click()
    assert list(store.exercises_solved()) == ["mse-backward"]
    assert "Saved" in widget.notice.problems


def test_a_failed_save_is_retried_by_the_next_check(notebook, store, monkeypatch,
                                                    no_callback_errors):
    widget = ExerciseWidget("mse-backward", namespace=notebook, store=store)
    run_cell(notebook, CORRECT)
    disk_full(monkeypatch)
    widget.check_button.click()
    monkeypatch.undo()
    widget.check_button.click()
    assert list(store.exercises_solved()) == ["mse-backward"]


def test_the_widget_speaks_the_learners_language(notebook):
    widget = ExerciseWidget("mse-backward", namespace=notebook, language="de")
    assert widget.check_button.description == "Prüfen"
    assert widget.hint_button.description == "Hinweis 1 von 3"
    assert widget.solution_button.description == "Eine ausgearbeitete Lösung zeigen"
    widget.check_button.click()
    assert "Definiere mse_backward" in plain(widget.verdict)


def test_exercise_is_the_widget_and_an_unknown_id_is_named():
    assert Exercise is ExerciseWidget
    with pytest.raises(KeyError, match="mse-backward"):
        ExerciseWidget("mse-backwards", namespace={})


@pytest.mark.parametrize("exercise", list_exercises(), ids=lambda exercise: exercise.id)
def test_every_exercise_starts_not_done_and_its_solution_turns_it_green(exercise, store,
                                                                       no_callback_errors):
    """The stub a notebook starts from and the worked solution it shows, run as cells (after
    the other exercises' solutions: a later exercise may use the learner's earlier pieces)."""
    notebook = {"np": np}
    for other in list_exercises():
        if other.id != exercise.id:
            run_cell(notebook, other.solution)
    widget = ExerciseWidget(exercise, namespace=notebook, store=store)
    run_cell(notebook, exercise.stub)
    widget.check_button.click()
    assert widget.report.status == "not-done" and ORANGE in widget.verdict.value
    run_cell(notebook, exercise.solution)
    widget.check_button.click()
    assert widget.report.status == "passed", widget.report
    assert RIGHT in widget.verdict.value and exercise.id in store.exercises_solved()


@pytest.mark.parametrize("language", ["en", "it", "fr", "pt", "es", "de"])
def test_every_message_fills_in_in_every_language(language, store, no_callback_errors):
    """Each path through the widget, in each language: every template gets its values."""
    from studypack.content.interface_text import interface_text
    words = interface_text(language)
    notebook = {"np": np}
    widget = ExerciseWidget("mse-backward", namespace=notebook, store=store, language=language)
    assert widget.check_button.description == words["check"]
    seen = []
    for source in (None, "mse_backward = 3", STUB, FORGOT_THE_MEAN, DIVIDES_BY_ZERO, CORRECT):
        if source is not None:
            run_cell(notebook, source)
        widget.check_button.click()
        shown = plain(widget.verdict)
        assert "mse_backward" in shown or "✘" in shown, shown
        assert "{" not in shown
        seen.append(shown)
    assert len(set(seen)) == len(seen)  # six different messages
    assert seen[-1].startswith("✔") and store.exercises_solved()
    for _ in range(3):
        widget.hint_button.click()
    assert widget.hint_button.description == words["all hints shown"].format(total=3)
    widget.solution_button.click()
    assert words["solution heading"] in plain(widget.solution_view)
    assert repr(widget) == words["exercise repr"].format(name="mse_backward") + "."


ENDLESS = "def mse_backward(prediction, target):\n    while True:\n        pass\n"
WRONG_SHAPE = "def mse_backward(prediction, target):\n    return (prediction - target).sum()\n"


@pytest.mark.parametrize("language", ["en", "it", "fr", "pt", "es", "de"])
def test_the_checkers_sentences_are_shown_in_the_widgets_language(language, notebook,
                                                                  no_callback_errors):
    """The diagnosis and details under the headline are the checker's, in that language."""
    from studypack.content.interface_text import interface_text
    words = interface_text(language)
    widget = ExerciseWidget("mse-backward", namespace=notebook, language=language)
    for source, status in [(DIVIDES_BY_ZERO, "error"), (WRONG_SHAPE, "shape"),
                           (CORRECT, "passed")]:
        run_cell(notebook, source)
        widget.check_button.click()
        assert widget.report.status == status
        assert widget.report == check(MSE, notebook["mse_backward"], language)
        shown = plain(widget.verdict)
        for sentence in (widget.report.diagnosis, widget.report.details):
            if sentence:
                assert sentence.replace("`", "") in shown.replace("`", ""), (sentence, shown)
    assert words["checker passed cases"].format(count=4) in shown


def test_an_endless_loop_ends_with_the_timeout_verdict_not_a_hang(notebook, monkeypatch,
                                                                   no_callback_errors):
    """The Check button's click returns: red, 'did not finish in time', the line, in German."""
    import dataclasses
    quick = dataclasses.replace(MSE, time_limit=0.3)
    widget = ExerciseWidget(quick, namespace=notebook, language="de")
    run_cell(notebook, ENDLESS)
    widget.check_button.click()
    assert widget.report.status == "timeout" and WRONG in widget.verdict.value
    shown = plain(widget.verdict)
    assert "Deine mse_backward ist nicht rechtzeitig fertig geworden." in shown
    assert "deine Funktion lief nach 0.3 s immer noch, in Zeile 2: Suche eine Schleife" in shown
    assert widget.attempted  # a real attempt: the worked solution may be shown


def test_checking_the_same_function_again_visibly_answers(no_callback_errors):
    """A second Check on an unchanged function gives the same verdict: the count shows the
    click was heard."""
    notebook = {"np": np}
    widget = ExerciseWidget("mse-backward", namespace=notebook)
    run_cell(notebook, FORGOT_THE_MEAN)
    widget.check_button.click()
    first = widget.verdict.value
    assert "checked" not in first
    widget.check_button.click()
    assert widget.verdict.value != first and "checked 2 times" in widget.verdict.value
