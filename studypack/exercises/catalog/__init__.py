"""Every exercise, in course order: each catalog module holds an `EXERCISES` list; the
exercises are ordered by their lesson (from exercises.yaml), then as the modules list them.

A module not written yet is skipped (helpers write them side by side); any other import
error in a module that exists is a real bug and is raised.
"""
from __future__ import annotations

import functools
import importlib

from ..model import Exercise

# within a lesson, the order of the ideas
MODULES = ("graphs", "activations", "layers", "losses", "numerical", "optimisers", "networks")


@functools.cache
def _catalog() -> dict[str, Exercise]:
    exercises: dict[str, Exercise] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"{__name__}.{name}":
                continue
            raise
        for exercise in module.EXERCISES:
            if exercise.id in exercises:
                raise ValueError(f"two exercises have the id {exercise.id!r}")
            exercises[exercise.id] = exercise
    return {exercise.id: exercise for exercise in sorted(exercises.values(), key=_lesson_of)}


def _lesson_of(exercise: Exercise) -> str:
    """The lesson's notebook name ('03_backward...'), which sorts in course order."""
    from ..texts import ExerciseTextsError, all_texts
    try:
        texts = all_texts().get(exercise.id)
    except ExerciseTextsError:  # a broken texts file is reported where the texts are shown
        return ""
    return texts.lesson if texts else "~"  # an exercise without texts yet: last


def list_exercises() -> list[Exercise]:
    """Every exercise, in course order."""
    return list(_catalog().values())


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id; KeyError listing the known ids."""
    try:
        return _catalog()[exercise_id]
    except KeyError:
        raise KeyError(f"no exercise {exercise_id!r}; the exercises are: "
                       f"{', '.join(_catalog())}") from None
