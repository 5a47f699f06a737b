"""What an exercise is: the function a learner writes, its cases, its reference and the
classic wrong answers the checker recognises; and what a check reports back.

The words (title, statement, hints, each mistake's diagnosis) are data in
exercises/exercises.yaml, read by `texts.py`; an Exercise reaches them through properties.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

STATUSES = ("passed", "wrong", "not-done", "error", "shape", "type", "timeout")
DEFAULT_TIME_LIMIT = 5.0  # seconds per call of the learner's function: right answers take ms


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer: `wrong` takes the reference's arguments and computes it."""

    name: str  # stable key, e.g. "transposed"; its sentence is in exercises.yaml
    wrong: Callable


@dataclass(frozen=True)
class Exercise:
    id: str
    function_name: str
    signature: str
    outputs: tuple[str, ...]
    reference: Callable  # the right answer, from the engine's own gradients
    cases: Callable[[np.random.Generator], list[tuple]]  # seeded argument tuples
    mistakes: tuple[Mistake, ...]
    stub: str  # the cell a learner starts from
    solution: str  # a learner-readable numpy solution, for "show a worked solution"
    # (exercise, fn) -> CheckReport, when "same args -> arrays" won't do; it calls the learner's
    # code through checking.call_learner, under `time_limit`
    custom_check: Optional[Callable] = None
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds a call of the learner's function may take

    # ---- the words, from exercises.yaml (and translations/<lang>/exercises.yaml) ----
    def texts_in(self, language: str = "en"):
        """Title, lesson, statement, hints and diagnoses in `language`, English where the
        translation lacks them."""
        from .texts import exercise_texts  # here: the file is read on first use, not on import
        return exercise_texts(self.id, language)

    texts = property(texts_in)

    title = property(lambda self: self.texts.title)
    lesson = property(lambda self: self.texts.lesson)
    statement = property(lambda self: self.texts.statement)
    hints = property(lambda self: list(self.texts.hints))

    def diagnosis(self, mistake_name: str, language: Optional[str] = None) -> str:
        """The sentence a teaching assistant would say to a learner who made this mistake, in
        `language` (default: the language of the check running now, English outside one)."""
        if language is None:
            from .messages import current_language
            language = current_language()
        try:
            return self.texts_in(language).mistakes[mistake_name]
        except KeyError:
            raise KeyError(f"exercise {self.id!r} has no diagnosis for mistake "
                           f"{mistake_name!r} in exercises/exercises.yaml") from None


@dataclass(frozen=True)
class CheckReport:
    """The verdict on one attempt; `diagnosis` is one sentence, None when it passed."""

    exercise_id: str
    status: str  # one of STATUSES
    diagnosis: Optional[str] = None
    details: Optional[str] = None
    mistake: Optional[str] = None  # the recognised Mistake's name, when there is one

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"CheckReport status must be one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        if self.passed:
            return f"{self.exercise_id}: passed"
        return f"{self.exercise_id}: {self.diagnosis}" + (f"\n{self.details}" if self.details else "")
