"""`check(exercise, function)`: run a learner's function on the exercise's seeded cases and say,
in one sentence, what is wrong with it.

The learner's code is called safely: their bugs become reports (never exceptions), their
edits to the arguments cannot spoil later cases (each call gets fresh copies), and numpy's
warnings stay quiet (a NaN in the answer is reported instead). A wrong answer is compared
with each known Mistake's answer on the same cases: the first that matches everywhere names
the mistake; otherwise the report names the output, the case and the largest error.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import linecache
import numbers
import zlib
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..content.model import LANGUAGES
from .model import CheckReport, Exercise

RTOL, ATOL = 1e-6, 1e-8
NOT_DONE = "not done yet: replace `raise NotImplementedError` with your code, run the cell, and check again"


def check(exercise_or_id, function, language: str = "en") -> CheckReport:
    """Check a learner's `function` against an exercise (an Exercise or its id).

    A recognised mistake's diagnosis is in `language` (from translations/<lang>/
    exercises.yaml); the checker's other sentences (not done, type, shape, error) are English.
    """
    if language not in LANGUAGES:  # said at once, not only when a mistake is recognised
        raise ValueError(f"unknown language {language!r}; available: {', '.join(LANGUAGES)}")
    exercise = exercise_or_id if isinstance(exercise_or_id, Exercise) else _lookup(exercise_or_id)
    report = _check(exercise, function)
    if language == "en" or not report.mistake:
        return report
    names = report.mistake.split("+")
    if report.diagnosis != _joined_diagnoses(exercise, names, "en"):
        return report  # a sentence of its own, not the mistakes' diagnoses: leave it
    return dataclasses.replace(report, diagnosis=_joined_diagnoses(exercise, names, language))


def _joined_diagnoses(exercise: Exercise, names: Sequence[str], language: str) -> str:
    return " Also: ".join(exercise.diagnosis(name, language) for name in names)


def _check(exercise: Exercise, function) -> CheckReport:
    if not callable(function):
        return CheckReport(exercise.id, "type",
                           f"check needs your function itself, e.g. check({exercise.id!r}, "
                           f"{exercise.function_name}), not {describe_value(function)}")
    if exercise.custom_check is not None:
        try:
            return exercise.custom_check(function)
        except Exception as error:  # the learner's code raised inside a custom check
            return report_exception(exercise, function, error)
    return _check_outputs(exercise, function)


def _lookup(exercise_id: str) -> Exercise:
    from .catalog import get_exercise  # here: the catalog imports this module's helpers
    return get_exercise(exercise_id)


# ---- calling the learner's code ----

def call_learner(exercise: Exercise, function: Callable, args: Sequence) -> tuple[Any, Optional[CheckReport]]:
    """`(result, None)`, or `(None, report)` when the learner's function raised."""
    try:
        with np.errstate(all="ignore"):
            return function(*copy.deepcopy(tuple(args))), None
    except Exception as error:
        return None, report_exception(exercise, function, error)


def report_exception(exercise: Exercise, function: Callable, error: BaseException) -> CheckReport:
    """"not done yet" for NotImplementedError; else the error's type, message and line."""
    if isinstance(error, NotImplementedError):
        return CheckReport(exercise.id, "not-done", NOT_DONE)
    line, source = learner_line(error, function)
    where = f" at line {line}" if line else ""
    message = str(error).strip().splitlines()[0] if str(error).strip() else "(no message)"
    details = f"line {line}: {source}" if line and source else None
    return CheckReport(exercise.id, "error",
                       f"your code raised {type(error).__name__}{where}: {message}", details)


def learner_line(error: BaseException, function: Callable) -> tuple[Optional[int], str]:
    """The line (and its text) where `error` happened in the learner's code: the deepest frame
    of the traceback in the file (or notebook cell) their function was written in."""
    code = _code_of(function)
    if code is None:
        return None, ""
    found = None
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code is code or frame.tb_frame.f_code.co_filename == code.co_filename:
            found = (frame.tb_lineno, frame.tb_frame.f_code.co_filename)
        frame = frame.tb_next
    if found is None:
        return None, ""
    return found[0], linecache.getline(found[1], found[0]).strip()


def _code_of(function: Callable):
    """The code object of a function, a method, a functools.partial or a callable object."""
    function = inspect.unwrap(function) if inspect.isfunction(function) else function
    while isinstance(function, functools.partial):
        function = function.func
    function = getattr(function, "__func__", function)
    code = getattr(function, "__code__", None)
    if code is None:
        code = getattr(getattr(type(function), "__call__", None), "__code__", None)
    return code


# ---- reading what came back ----

class _WrongType(Exception):
    pass


def describe_value(value) -> str:
    """What a learner returned, in words: 'None (did your function forget ...)', 'a list of 3 values'."""
    if value is None:
        return "None (did your function forget to `return`?)"
    if type(value).__name__ in ("Tensor", "Value") and hasattr(value, "data"):
        return f"a studypack {type(value).__name__} (return its .data, a numpy array)"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, np.ndarray):
        kind = "" if value.dtype.kind in "biuf" else f" and dtype {value.dtype}"
        return f"a numpy array of shape {value.shape}{kind}"
    return f"a {type(value).__name__}"


_describe_value = describe_value  # the name the catalog's first modules import


def _as_array(value, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":  # a 0/1 mask counts too
        return value.astype(float)
    if isinstance(value, (numbers.Real, np.floating, np.integer, np.bool_)):
        try:
            return np.asarray(float(value))
        except Exception:  # a learner's own number type: fall through to the message
            pass
    raise _WrongType(f"{name} should be a numpy array of numbers, but your function returned "
                     f"{describe_value(value)}")


def as_outputs(exercise: Exercise, result) -> tuple[np.ndarray, ...]:
    """The learner's result as one float array per output; _WrongType says what was expected."""
    names = exercise.outputs
    if len(names) == 1:
        if isinstance(result, (tuple, list)):
            raise _WrongType(f"expected one numpy array ({names[0]}), but your function returned "
                             f"{describe_value(result)}")
        return (_as_array(result, names[0]),)
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise _WrongType(f"expected a tuple of {len(names)} numpy arrays ({', '.join(names)}), "
                         f"but your function returned {describe_value(result)}")
    return tuple(_as_array(value, name) for value, name in zip(result, names))


# ---- what the right and the mistaken answers are (computed once per exercise) ----

def exercise_seed(exercise: Exercise) -> int:
    return zlib.crc32(exercise.id.encode("utf-8"))


@functools.lru_cache(maxsize=None)
def _cases(exercise: Exercise) -> tuple[tuple, ...]:
    return tuple(tuple(case) for case in exercise.cases(np.random.default_rng(exercise_seed(exercise))))


@functools.lru_cache(maxsize=None)
def _answers(exercise: Exercise, compute: Callable) -> Optional[tuple]:
    """`compute`'s outputs on every case, or None if it fails on one (a mistake that cannot
    even run on a case explains nothing)."""
    answers = []
    for case in _cases(exercise):
        try:
            with np.errstate(all="ignore"):
                answers.append(as_outputs(exercise, compute(*copy.deepcopy(case))))
        except Exception:
            if compute is exercise.reference:
                raise
            return None
    return tuple(answers)


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    # equal_nan: a mistake that makes NaN (0/0) is recognised by the same NaN; the right
    # answers are always finite, so NaN never passes
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL,
                                                            equal_nan=True))


def _parameter_names(exercise: Exercise) -> list[str]:
    return list(inspect.signature(exercise.reference).parameters)


def describe_case(exercise: Exercise, case: tuple) -> str:
    """'x (3, 4), W (4, 2), b (2,)': arrays by shape, numbers by value."""
    parts = []
    for name, value in zip(_parameter_names(exercise), case):
        if isinstance(value, np.ndarray):
            parts.append(f"{name} {value.shape}" if value.ndim else f"{name} = {value.item():.4g}")
        elif isinstance(value, numbers.Number):
            parts.append(f"{name} = {value:.4g}" if isinstance(value, float) else f"{name} = {value}")
    return ", ".join(parts)


# ---- the check ----

def _check_outputs(exercise: Exercise, function: Callable) -> CheckReport:
    cases, expected = _cases(exercise), _answers(exercise, exercise.reference)
    mismatch = _parameters_mismatch(exercise, function, cases[0])
    if mismatch:
        return CheckReport(exercise.id, "type", mismatch)
    received = []
    for case in cases:
        result, failed = call_learner(exercise, function, case)
        if failed:
            return failed
        try:
            received.append(as_outputs(exercise, result))
        except _WrongType as problem:
            return CheckReport(exercise.id, "type", str(problem))
    wrong = [(k, i) for k in range(len(cases)) for i in range(len(exercise.outputs))
             if not _close(received[k][i], expected[k][i])]
    if not wrong:
        return CheckReport(exercise.id, "passed", None, f"right on all {len(cases)} cases")
    return (_recognised_mistake(exercise, received, expected)
            or _first_problem(exercise, cases, received, expected, wrong))


def _parameters_mismatch(exercise: Exercise, function: Callable, case: tuple) -> Optional[str]:
    """'your function takes (z), it should take (z, grad_out)', before calling it at all."""
    try:
        parameters = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature: just call it
        return None
    try:
        parameters.bind(*case)
    except TypeError:
        return (f"your function takes {parameters}, but it should take "
                f"{inspect.signature(exercise.reference)}: {exercise.signature}")
    return None


def _shape(shape: tuple) -> str:
    return f"{shape} (a single number)" if shape == () else str(shape)


def _recognised_mistake(exercise: Exercise, received, expected) -> Optional[CheckReport]:
    """The Mistake whose answers equal the learner's on every case; else, output by output,
    the mistakes that explain each wrong output (a learner may make two at once)."""
    n_outputs = len(exercise.outputs)
    answers = [(mistake, _answers(exercise, mistake.wrong)) for mistake in exercise.mistakes]
    answers = [(mistake, found) for mistake, found in answers if found is not None]
    for mistake, found in answers:
        if all(_close(got[i], want[i]) for got, want in zip(received, found) for i in range(n_outputs)):
            return _mistake_report(exercise, [mistake], len(received))
    explained = []
    for i in range(n_outputs):
        if all(_close(got[i], want[i]) for got, want in zip(received, expected)):
            continue
        for mistake, found in answers:
            changes_it = any(not _close(m[i], e[i]) for m, e in zip(found, expected))
            if changes_it and all(_close(got[i], m[i]) for got, m in zip(received, found)):
                if mistake not in explained:
                    explained.append(mistake)
                break
        else:
            return None
    return _mistake_report(exercise, explained, len(received)) if explained else None


def _mistake_report(exercise: Exercise, mistakes: list, n_cases: int) -> CheckReport:
    diagnosis = _joined_diagnoses(exercise, [mistake.name for mistake in mistakes], "en")
    return CheckReport(exercise.id, "wrong", diagnosis,
                       f"your answers match this mistake on all {n_cases} cases",
                       "+".join(mistake.name for mistake in mistakes))


def _first_problem(exercise, cases, received, expected, wrong) -> CheckReport:
    """No known mistake explains it: a shape first, then NaN/inf, then the largest error."""
    names = _parameter_names(exercise)
    for k, i in wrong:
        got, want = received[k][i], expected[k][i]
        if got.shape != want.shape:
            same = [name for name, value in zip(names, cases[k])
                    if isinstance(value, np.ndarray) and value.shape == want.shape]
            hint = f" (the shape of {same[0]})" if same else ""
            return CheckReport(exercise.id, "shape",
                               f"{exercise.outputs[i]} has shape {_shape(got.shape)}, expected "
                               f"{_shape(want.shape)}{hint}, for {describe_case(exercise, cases[k])}")
    for k, i in wrong:
        got = received[k][i]
        if not np.all(np.isfinite(got)):
            kind = "NaN (not a number)" if np.isnan(got).any() else "an infinite value"
            return CheckReport(exercise.id, "wrong",
                               f"{exercise.outputs[i]} contains {kind} for "
                               f"{describe_case(exercise, cases[k])}: look for an overflow "
                               f"(exp of a large number) or a division by zero")
    k, i = wrong[0]
    got, want = received[k][i], expected[k][i]
    name, case = exercise.outputs[i], describe_case(exercise, cases[k])
    errors = np.abs(got - want)
    index = np.unravel_index(int(np.argmax(errors)), errors.shape) if errors.ndim else ()
    at = f" at index {tuple(int(j) for j in index)}" if errors.ndim else ""
    details = (f"case {k + 1} of {len(cases)}{at}: expected {float(want[index]):.6g}, "
               f"got {float(got[index]):.6g}")
    relative = float(errors.max()) / max(float(np.abs(want).max()), 1e-300)
    if not got.any():
        diagnosis = (f"{name} is all zeros for {case}: did you return the array before filling "
                     f"it in, or multiply by something that is zero?")
    elif relative < 2e-3:  # right but for rounding: float16/32, or numbers rounded on the way
        diagnosis = (f"{name} is nearly right for {case}, but only to a relative {relative:.1g}: "
                     f"compute in float64 (numpy's default) and don't round")
    else:
        diagnosis = (f"{name} is not right for {case}: it differs from the right answer by up to "
                     f"{float(errors.max()):.3g}{at}")
    return CheckReport(exercise.id, "wrong", diagnosis, details)
