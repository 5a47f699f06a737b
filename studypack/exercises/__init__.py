"""Coding exercises: learners write a backward pass (or an optimiser's step), and `check`
tells them, in one sentence, what they got wrong.

    from studypack.exercises import check
    report = check("linear-backward", my_linear_backward)
    report.passed, report.diagnosis
"""
from .catalog import get_exercise, list_exercises
from .checking import check
from .model import CheckReport, Exercise, Mistake

__all__ = ["check", "list_exercises", "get_exercise", "CheckReport", "Exercise", "Mistake"]
