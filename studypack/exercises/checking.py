"""`check(exercise, function)`: run a learner's function on the exercise's seeded cases and say,
in one sentence, what is wrong with it.

The learner's code is called safely: their bugs become reports (never exceptions), their
edits to the arguments cannot spoil later cases (each call gets fresh copies), numpy's
warnings stay quiet (a NaN in the answer is reported instead), and each call runs under the
exercise's time limit (limits.py): an endless loop is stopped and reported. A wrong answer is compared
with each known Mistake's answer on the same cases: the first that matches everywhere names
the mistake; otherwise the report names the output, the case and the largest error.

Every sentence is in the check's language: the mistakes' diagnoses from exercises.yaml, the
checker's own from the "checker ..." keys of interface.yaml (messages.py).
"""
from __future__ import annotations

import copy
import functools
import inspect
import linecache
import numbers
import zlib
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..content.model import LANGUAGES
from .limits import LearnerTimeout, run_limited
from .messages import checking_language, say
from .model import CheckReport, Exercise

RTOL, ATOL = 1e-6, 1e-8


def check(exercise_or_id, function, language: str = "en") -> CheckReport:
    """Check a learner's `function` against an exercise (an Exercise or its id).

    Every sentence of the report is in `language`: a recognised mistake's diagnosis (from
    translations/<lang>/exercises.yaml) and the checker's own (interface.yaml).
    """
    if language not in LANGUAGES:  # said at once, not only when a mistake is recognised
        raise ValueError(f"unknown language {language!r}; available: {', '.join(LANGUAGES)}")
    exercise = exercise_or_id if isinstance(exercise_or_id, Exercise) else _lookup(exercise_or_id)
    with checking_language(language):
        return _check(exercise, function)


def _joined_diagnoses(exercise: Exercise, names: Sequence[str]) -> str:
    """The mistakes' diagnoses, one after the other, in the check's language."""
    return functools.reduce(lambda first, second: say("checker two mistakes", first=first,
                                                      second=second),
                            (exercise.diagnosis(name) for name in names))


def _check(exercise: Exercise, function) -> CheckReport:
    if not callable(function):
        return CheckReport(exercise.id, "type", say(
            "checker not callable", call=f"check({exercise.id!r}, {exercise.function_name})",
            value=describe_value(function)))
    if exercise.custom_check is not None:
        try:
            return exercise.custom_check(exercise, function)
        except LearnerTimeout as stopped:  # a custom check's own call, made without call_learner
            return report_timeout(exercise, function, stopped)
        except Exception as error:  # the learner's code raised inside a custom check
            return report_exception(exercise, function, error)
    return _check_outputs(exercise, function)


def _lookup(exercise_id: str) -> Exercise:
    from .catalog import get_exercise  # here: the catalog imports this module's helpers
    return get_exercise(exercise_id)


# ---- calling the learner's code ----

def call_learner(exercise: Exercise, function: Callable, args: Sequence,
                 copy_args: bool = True) -> tuple[Any, Optional[CheckReport]]:
    """`(result, None)`, or `(None, report)` when the learner's function raised or ran past
    the exercise's time limit. The arguments are deep copies unless `copy_args` is False (a
    graph whose .grad the learner must fill in)."""
    args = copy.deepcopy(tuple(args)) if copy_args else tuple(args)
    try:
        with np.errstate(all="ignore"):
            return run_limited(exercise.time_limit, function, *args), None
    except LearnerTimeout as stopped:
        return None, report_timeout(exercise, function, stopped)
    except Exception as error:
        return None, report_exception(exercise, function, error)


def report_exception(exercise: Exercise, function: Callable, error: BaseException) -> CheckReport:
    """"not done yet" for NotImplementedError; "endless recursion" for a RecursionError when
    the exercise knows that mistake; else the error's type, message and line."""
    if isinstance(error, NotImplementedError):
        return CheckReport(exercise.id, "not-done", say("checker not done"))
    if isinstance(error, RecursionError) and any(mistake.name == "endless-recursion"
                                                 for mistake in exercise.mistakes):
        return CheckReport(exercise.id, "error", exercise.diagnosis("endless-recursion"),
                           None, "endless-recursion")
    line, source = learner_line(error, function)
    message = str(error).strip().splitlines()[0] if str(error).strip() else say("checker no message")
    return CheckReport(exercise.id, "error",
                       say("checker raised at line" if line else "checker raised",
                           error=type(error).__name__, line=line, message=message),
                       _line_details(line, source))


def report_timeout(exercise: Exercise, function: Callable, stopped: LearnerTimeout) -> CheckReport:
    """Still running at the time limit: how long, and the line it was running, if it is the
    learner's."""
    line, source = learner_line(stopped, function)
    return CheckReport(exercise.id, "timeout",
                       say("checker timeout at line" if line else "checker timeout",
                           seconds=f"{exercise.time_limit:g}", line=line),
                       _line_details(line, source))


def _line_details(line: Optional[int], source: str) -> Optional[str]:
    return say("checker line", line=line, source=source) if line and source else None


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
    kind = type(value).__name__
    if value is None:
        return say("checker value none")
    if kind in ("Tensor", "Value") and hasattr(value, "data"):
        return say("checker value studypack", kind=kind)
    if isinstance(value, (tuple, list)):
        return say("checker value sequence", kind=kind, count=len(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return say("checker value array", shape=value.shape)
        return say("checker value array dtype", shape=value.shape, dtype=value.dtype)
    return say("checker value other", kind=kind)


_describe_value = describe_value  # the name the catalog's first modules import


def _as_array(value, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":  # a 0/1 mask counts too
        return value.astype(float)
    if isinstance(value, (numbers.Real, np.floating, np.integer, np.bool_)):
        try:
            return np.asarray(float(value))
        except Exception:  # a learner's own number type: fall through to the message
            pass
    raise _WrongType(say("checker expected array", name=name, value=describe_value(value)))


def as_outputs(exercise: Exercise, result) -> tuple[np.ndarray, ...]:
    """The learner's result as one float array per output; _WrongType says what was expected."""
    names = exercise.outputs
    if len(names) == 1:
        if isinstance(result, (tuple, list)):
            raise _WrongType(say("checker expected one array", name=names[0],
                                 value=describe_value(result)))
        return (_as_array(result, names[0]),)
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise _WrongType(say("checker expected tuple", count=len(names), names=", ".join(names),
                             value=describe_value(result)))
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
        return CheckReport(exercise.id, "passed", None, say("checker passed cases", count=len(cases)))
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
        return say("checker parameters", got=parameters,
                   expected=inspect.signature(exercise.reference), signature=exercise.signature)
    return None


def _shape(shape: tuple) -> str:
    return say("checker single number", shape=shape) if shape == () else str(shape)


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
    diagnosis = _joined_diagnoses(exercise, [mistake.name for mistake in mistakes])
    return CheckReport(exercise.id, "wrong", diagnosis,
                       say("checker matches mistake", count=n_cases),
                       "+".join(mistake.name for mistake in mistakes))


def _first_problem(exercise, cases, received, expected, wrong) -> CheckReport:
    """No known mistake explains it: a shape first, then NaN/inf, then the largest error."""
    names = _parameter_names(exercise)
    for k, i in wrong:
        got, want = received[k][i], expected[k][i]
        if got.shape != want.shape:
            same = [name for name, value in zip(names, cases[k])
                    if isinstance(value, np.ndarray) and value.shape == want.shape]
            return CheckReport(exercise.id, "shape", say(
                "checker shape like" if same else "checker shape", name=exercise.outputs[i],
                got=_shape(got.shape), expected=_shape(want.shape), like=same[0] if same else "",
                case=describe_case(exercise, cases[k])))
    for k, i in wrong:
        got = received[k][i]
        if not np.all(np.isfinite(got)):
            kind = say("checker nan") if np.isnan(got).any() else say("checker infinite")
            return CheckReport(exercise.id, "wrong", say(
                "checker not finite", name=exercise.outputs[i], kind=kind,
                case=describe_case(exercise, cases[k])))
    k, i = wrong[0]
    got, want = received[k][i], expected[k][i]
    name, case = exercise.outputs[i], describe_case(exercise, cases[k])
    errors = np.abs(got - want)
    index = np.unravel_index(int(np.argmax(errors)), errors.shape) if errors.ndim else ()
    at = tuple(int(j) for j in index)  # () for a single number: no index to name
    details = say("checker case details at" if at else "checker case details", case=k + 1,
                  count=len(cases), index=at, expected=f"{float(want[index]):.6g}",
                  got=f"{float(got[index]):.6g}")
    relative = float(errors.max()) / max(float(np.abs(want).max()), 1e-300)
    if not got.any():
        diagnosis = say("checker all zeros", name=name, case=case)
    elif relative < 2e-3:  # right but for rounding: float16/32, or numbers rounded on the way
        diagnosis = say("checker nearly right", name=name, case=case, error=f"{relative:.1g}")
    else:
        diagnosis = say("checker not right at" if at else "checker not right", name=name, case=case,
                        error=f"{float(errors.max()):.3g}", index=at)
    return CheckReport(exercise.id, "wrong", diagnosis, details)
