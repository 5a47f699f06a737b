"""Every exercise's checker: passes its reference and its worked solution, names each of its
classic mistakes with exactly that mistake's sentence, and handles a learner's stub, crash,
wrong type, wrong shape and NaN as reports (never exceptions). Parametrised over the whole
catalog, so every exercise added later is held to the same."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from studypack import Tensor
from studypack.exercises import CheckReport, Exercise, check, get_exercise, list_exercises
from studypack.exercises.checking import _answers, _cases
from studypack.exercises.texts import text_problems

EXERCISES = list_exercises()
IDS = [exercise.id for exercise in EXERCISES]
MISTAKES = [(exercise, mistake) for exercise in EXERCISES for mistake in exercise.mistakes]
GENERIC = [exercise for exercise in EXERCISES if exercise.custom_check is None]
REQUIRED = {  # the issue's ids and signatures, exactly
    "mse-backward": "mse_backward(prediction, target) -> grad_prediction",
    "sigmoid-backward": "sigmoid_backward(z, grad_out) -> grad_z",
    "tanh-backward": "tanh_backward(z, grad_out) -> grad_z",
    "relu-backward": "relu_backward(z, grad_out) -> grad_z",
    "neuron-gradients": "neuron_gradients(x, w, b, target) -> (grad_w, grad_b)",
    "linear-backward": "linear_backward(x, W, b, grad_out) -> (grad_x, grad_W, grad_b)",
    "softmax-cross-entropy-backward": "softmax_cross_entropy_backward(logits, labels) -> grad_logits",
    "sgd-momentum-step": ("sgd_momentum_step(w, grad, velocity, learning_rate, momentum) -> "
                          "(new_w, new_velocity)"),
    "adam-step": ("adam_step(w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8)"
                  " -> (new_w, new_m, new_v)"),
}


def _learner_function(source: str, name: str):
    """A function as a learner's cell defines it (numpy imported as np)."""
    namespace = {"np": np}
    exec(compile(source, f"<cell {name}>", "exec"), namespace)
    return namespace[name]


# ---- the catalog ----

def test_the_issues_exercises_are_there_with_their_signatures():
    for exercise_id, signature in REQUIRED.items():
        exercise = get_exercise(exercise_id)
        assert exercise.signature == signature
        assert signature.startswith(exercise.function_name + "(")


def test_ids_are_unique_and_an_unknown_id_lists_the_known_ones():
    assert len(IDS) == len(set(IDS))
    with pytest.raises(KeyError) as raised:
        check("linear-backwards", lambda *args: None)
    assert "linear-backward" in str(raised.value) and "adam-step" in str(raised.value)


def test_every_exercise_has_its_texts_and_every_mistake_its_diagnosis():
    assert text_problems(EXERCISES) == []
    for exercise in EXERCISES:
        assert exercise.title.strip() and exercise.statement.strip()
        assert 2 <= len(exercise.hints) <= 3
        assert exercise.lesson.endswith(".ipynb")


def test_every_exercise_has_at_least_three_mistakes_with_distinct_sentences():
    for exercise in EXERCISES:
        names = [mistake.name for mistake in exercise.mistakes]
        assert len(names) >= 3 and len(set(names)) == len(names), exercise.id
        sentences = [exercise.diagnosis(name) for name in names]
        assert len(set(sentences)) == len(sentences), exercise.id


# ---- right answers pass ----

@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_reference_passes(exercise):
    report = check(exercise.id, exercise.reference)
    assert report == CheckReport(exercise.id, "passed", None, report.details)
    assert report.passed and report.diagnosis is None


@pytest.mark.parametrize("exercise", GENERIC, ids=[e.id for e in GENERIC])
def test_the_worked_solution_passes(exercise):
    """The numpy solution a learner may be shown is right (and independent of the engine)."""
    assert check(exercise, _learner_function(exercise.solution, exercise.function_name)).passed


@pytest.mark.parametrize("exercise", GENERIC, ids=[e.id for e in GENERIC])
def test_a_learner_who_edits_the_arguments_in_place_still_passes(exercise):
    """Each call gets fresh copies: a learner scribbling on the inputs after computing the
    answer spoils neither this case nor the next."""
    def scribbler(*args):
        answer = exercise.reference(*args)
        for value in args:
            if isinstance(value, np.ndarray):
                value[...] = 1e6
        return answer
    assert check(exercise, scribbler).passed
    assert check(exercise, exercise.reference).passed


# ---- each classic mistake is named ----

@pytest.mark.parametrize("exercise, mistake", MISTAKES,
                         ids=[f"{e.id}:{m.name}" for e, m in MISTAKES])
def test_each_mistake_gets_exactly_its_diagnosis(exercise, mistake):
    report = check(exercise.id, mistake.wrong)
    assert not report.passed
    assert report.diagnosis == exercise.diagnosis(mistake.name)
    if exercise.custom_check is None:
        assert (report.status, report.mistake) == ("wrong", mistake.name)


@pytest.mark.parametrize("exercise", GENERIC, ids=[e.id for e in GENERIC])
def test_each_mistake_differs_from_the_answer_and_from_the_other_mistakes(exercise):
    """Otherwise a mistake could never be told apart: its cases must show it."""
    answers = {"reference": _answers(exercise, exercise.reference)}
    for mistake in exercise.mistakes:
        answers[mistake.name] = _answers(exercise, mistake.wrong)
        assert answers[mistake.name] is not None, f"{mistake.name} fails on a case"
    for (name_a, a), (name_b, b) in itertools.combinations(answers.items(), 2):
        same = all(x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=1e-8)
                   for case_a, case_b in zip(a, b) for x, y in zip(case_a, case_b))
        assert not same, f"{exercise.id}: {name_a} and {name_b} give the same answers"


def test_the_transposed_weight_gradient_is_named_with_both_formulas():
    report = check("linear-backward", lambda x, W, b, g: (g @ W.T, g.T @ x, g.sum(axis=0)))
    assert report.status == "wrong" and report.mistake == "transposed"
    assert "grad_outᵀ·x" in report.diagnosis and "xᵀ·grad_out" in report.diagnosis


def test_two_mistakes_at_once_are_both_named():
    report = check("linear-backward", lambda x, W, b, g: (g @ W.T, g.T @ x, g))
    exercise = get_exercise("linear-backward")
    assert report.mistake == "transposed+bias-not-summed"
    assert exercise.diagnosis("transposed") in report.diagnosis
    assert exercise.diagnosis("bias-not-summed") in report.diagnosis


def test_relu_at_exactly_zero_is_checked():
    cases = _cases(get_exercise("relu-backward"))
    assert any((case[0] == 0).any() for case in cases)
    assert sum((case[0] == 0).any() for case in cases) == 1  # only deliberately
    report = check("relu-backward", lambda z, g: g * (z >= 0))
    assert report.mistake == "gradient-one-at-zero"


@pytest.mark.parametrize("exercise", GENERIC, ids=[e.id for e in GENERIC])
def test_cases_are_varied(exercise):
    """Several cases, several shapes, negative values; matrices are not square."""
    cases = _cases(exercise)
    assert len(cases) >= 3
    arrays = [value for case in cases for value in case
              if isinstance(value, np.ndarray) and value.dtype.kind == "f"]
    assert len({a.shape for a in arrays}) >= 3
    assert any((a < 0).any() for a in arrays)


def test_matrix_cases_have_batch_one_and_more_and_no_square_weights():
    for exercise_id in ("linear-backward", "softmax-cross-entropy-backward"):
        cases = _cases(get_exercise(exercise_id))
        assert {len(case[0]) == 1 for case in cases} == {True, False}
    for x, W, b, grad_out in _cases(get_exercise("linear-backward")):
        assert W.shape[0] != W.shape[1]


# ---- a learner's unfinished or broken code becomes a report ----

@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_stub_reads_not_done_yet(exercise):
    assert f"def {exercise.function_name}(" in exercise.stub
    report = check(exercise, _learner_function(exercise.stub, exercise.function_name))
    assert report.status == "not-done" and not report.passed
    assert report.diagnosis.startswith("not done yet")


def test_a_crash_is_reported_with_its_type_message_and_line():
    source = ("def sigmoid_backward(z, grad_out):\n"
              "    s = 1 / (1 + np.exp(-z))\n"
              "    return grad_out * s * (1 - s) @ np.ones((7, 7))\n")
    report = check("sigmoid-backward", _learner_function(source, "sigmoid_backward"))
    assert report.status == "error"
    assert report.diagnosis.startswith("your code raised ValueError at line 3: ")
    assert "matmul" in report.diagnosis


def test_the_line_is_the_learners_even_inside_their_own_helper():
    source = ("def helper(z):\n"
              "    return z.no_such_method()\n"
              "\n"
              "def tanh_backward(z, grad_out):\n"
              "    return helper(z) * grad_out\n")
    report = check("tanh-backward", _learner_function(source, "tanh_backward"))
    assert report.diagnosis == ("your code raised AttributeError at line 2: 'numpy.ndarray' "
                                "object has no attribute 'no_such_method'")


def test_a_function_from_a_file_gets_its_line_and_its_source(tmp_path, monkeypatch):
    (tmp_path / "my_answers.py").write_text(
        "import numpy as np\n\ndef relu_backward(z, grad_out):\n    return grad_out[z > 0] / 0\n"
        "\ndef mse_backward(p, t):\n    raise KeyError('target')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import my_answers
    report = check("mse-backward", my_answers.mse_backward)
    assert report.diagnosis == "your code raised KeyError at line 7: 'target'"
    assert report.details == "line 7: raise KeyError('target')"


def test_a_function_defined_in_a_notebook_cell_gets_its_line():
    """IPython runs a cell from a code object with no file of its own: the traceback's frame
    of the learner's code still gives the line within the cell."""
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        shell.run_cell("import numpy as np\n"
                       "def linear_backward(x, W, b, grad_out):\n"
                       "    grad_x = grad_out @ W.T\n"
                       "    grad_W = x.T @ grad_out\n"
                       "    grad_b = grad_out.sum(axis=0)\n"
                       "    return grad_x, grad_W, grad_b[5]\n")
        report = check("linear-backward", shell.user_ns["linear_backward"])
    finally:
        InteractiveShell.clear_instance()
    assert report.status == "error"
    assert report.diagnosis.startswith("your code raised IndexError at line 6: index 5 is out of bounds")
    assert report.details == "line 6: return grad_x, grad_W, grad_b[5]"


def test_a_keyboard_interrupt_is_not_swallowed():
    def interrupted(z, grad_out):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        check("relu-backward", interrupted)


# ---- wrong types and shapes are named ----

@pytest.mark.parametrize("returned, expected", [
    (lambda z, g: None, "grad_z should be a numpy array of numbers, but your function returned "
                        "None (did your function forget to `return`?)"),
    (lambda z, g: list(g), "expected one numpy array (grad_z), but your function returned a list "
                           "of 5 values"),
    (lambda z, g: (g, g), "expected one numpy array (grad_z), but your function returned a tuple "
                          "of 2 values"),
    (lambda z, g: Tensor(g), "grad_z should be a numpy array of numbers, but your function "
                             "returned a studypack Tensor (return its .data, a numpy array)"),
    (lambda z, g: "0.5", "grad_z should be a numpy array of numbers, but your function returned "
                         "a str"),
])
def test_a_wrong_return_type_says_what_was_expected(returned, expected):
    report = check("tanh-backward", returned)
    assert (report.status, report.diagnosis) == ("type", expected)


def test_a_wrong_number_of_outputs_lists_the_expected_ones():
    report = check("linear-backward", lambda x, W, b, g: (g @ W.T, x.T @ g))
    assert report.status == "type"
    assert report.diagnosis == ("expected a tuple of 3 numpy arrays (grad_x, grad_W, grad_b), "
                                "but your function returned a tuple of 2 values")
    report = check("adam-step", lambda *args: args[0])
    assert report.diagnosis.startswith("expected a tuple of 3 numpy arrays (new_w, new_m, new_v), "
                                       "but your function returned a numpy array of shape")


def test_something_not_callable_is_a_type_report():
    report = check("mse-backward", np.zeros(3))
    assert report.status == "type" and "check('mse-backward', mse_backward)" in report.diagnosis


def test_a_shape_mismatch_names_the_output_and_both_shapes():
    report = check("sigmoid-backward", lambda z, g: (g * (s := 1 / (1 + np.exp(-z))) * (1 - s)).ravel())
    first_2d = next(case for case in _cases(get_exercise("sigmoid-backward")) if case[0].ndim == 2)
    shape = first_2d[0].shape
    assert report.status == "shape"
    assert report.diagnosis == (f"grad_z has shape ({shape[0] * shape[1]},), expected {shape} "
                                f"(the shape of z), for z {shape}, grad_out {shape}")


def test_a_bias_gradient_of_the_wrong_shape_names_b():
    report = check("linear-backward", lambda x, W, b, g: (g @ W.T, x.T @ g, g.sum(axis=1)))
    assert report.status == "shape"
    assert report.diagnosis.startswith("grad_b has shape (1,), expected (2,) (the shape of b), "
                                       "for x (1, 3), W (3, 2), b (2,), grad_out (1, 2)")


def test_nan_in_an_output_is_named():
    report = check("mse-backward", lambda p, t: 2 * (p - t) / p.size * np.nan)
    assert report.status == "wrong" and report.diagnosis.startswith(
        "grad_prediction contains NaN (not a number) for prediction (5,), target (5,)")
    report = check("mse-backward", lambda p, t: 2 * (p - t) / 0.0)
    assert "contains an infinite value" in report.diagnosis


def test_an_unknown_mistake_names_the_output_the_case_and_the_error():
    exercise = get_exercise("neuron-gradients")

    def off(x, w, b, target):
        grad_w, grad_b = exercise.reference(x, w, b, target)
        return grad_w, grad_b + 0.5
    report = check(exercise, off)
    x, w, b, target = _cases(exercise)[0]
    assert report.status == "wrong" and report.mistake is None
    assert report.diagnosis == (f"grad_b is not right for x {x.shape}, w {w.shape}, b = {b:.4g}, "
                                f"target = {target:.4g}: it differs from the right answer by up to 0.5")


def test_checking_is_deterministic():
    def wrong(z, grad_out):
        return grad_out * 0.9
    first = [check(exercise_id, wrong) for exercise_id in ("tanh-backward", "relu-backward")]
    _cases.cache_clear(), _answers.cache_clear()
    assert [check(exercise_id, wrong) for exercise_id in ("tanh-backward", "relu-backward")] == first


def test_exercise_and_report_are_the_contracts_dataclasses():
    exercise = get_exercise("mse-backward")
    assert isinstance(exercise, Exercise)
    with pytest.raises(ValueError):
        CheckReport("mse-backward", "fine")
    assert str(CheckReport("mse-backward", "passed")) == "mse-backward: passed"


def test_a_function_with_the_wrong_parameters_is_told_the_signature():
    report = check("relu-backward", lambda z: z > 0)
    assert (report.status, report.diagnosis) == (
        "type", "your function takes (z), but it should take (z, grad_out): "
                "relu_backward(z, grad_out) -> grad_z")


def test_a_boolean_mask_is_read_as_zeros_and_ones():
    report = check("relu-backward", lambda z, grad_out: z > 0)
    assert report.mistake == "dropped-upstream"


def test_a_number_where_an_array_belongs_and_back_are_shapes_in_words():
    exercise = get_exercise("neuron-gradients")
    report = check(exercise, lambda x, w, b, t: (exercise.reference(x, w, b, t)[0],
                                                 np.array([exercise.reference(x, w, b, t)[1]])))
    assert report.status == "shape"
    assert report.diagnosis.startswith("grad_b has shape (1,), expected () (a single number), for x ")
    report = check("mse-backward", lambda p, t: float(np.mean(2 * (p - t))))
    assert report.diagnosis.startswith("grad_prediction has shape () (a single number), expected "
                                       "(5,) (the shape of prediction)")


def test_missing_defaults_are_a_parameters_mismatch():
    def adam_step(w, grad, m, v, t, learning_rate, beta1, beta2, eps):
        return w, m, v
    report = check("adam-step", adam_step)
    assert report.status == "type"
    assert report.diagnosis.startswith(
        "your function takes (w, grad, m, v, t, learning_rate, beta1, beta2, eps), but it should "
        "take (w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-08)")


def test_exercises_come_in_course_order():
    lessons = [exercise.lesson for exercise in EXERCISES]
    assert lessons == sorted(lessons)
    # within a lesson, the catalog's order of ideas (its modules, then each module's list)
    from studypack.exercises.catalog import MODULES
    order = [(exercise.lesson, MODULES.index(exercise.reference.__module__.rsplit(".", 1)[1]))
             for exercise in EXERCISES]
    assert order == sorted(order)


def test_an_all_zero_answer_and_a_float32_answer_are_named():
    exercise = get_exercise("linear-backward")
    report = check(exercise, lambda x, W, b, g: (np.zeros_like(x), x.T @ g, g.sum(axis=0)))
    assert report.diagnosis.startswith("grad_x is all zeros for x (1, 3), W (3, 2), b (2,), "
                                       "grad_out (1, 2): did you return the array before")
    for low_precision in (np.float16, np.float32):
        report = check(exercise, lambda x, W, b, g: tuple(
            a.astype(low_precision) for a in exercise.reference(x.astype(low_precision),
                                                                W.astype(low_precision), b, g)))
        assert report.status == "wrong" and "is nearly right for" in report.diagnosis
        assert "compute in float64" in report.diagnosis
