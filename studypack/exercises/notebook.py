"""The exercises notebook, made from the catalog: each exercise's starting cell (its stub) and
its Check widget, in course order, then a summary of where the learner stands.

The committed `notebooks/exercises.ipynb` is this notebook, executed; a test compares their
sources, so a changed stub or a new exercise cannot leave the notebook behind.
"""
from __future__ import annotations

from studypack.content.notebooks import notebook_text

from .catalog import list_exercises

INTRODUCTION = """\
# Exercises: write backprop yourself

Each exercise is one function for you to write. Replace the `raise NotImplementedError` in its
cell with your code, run the cell (Shift+Enter), then press **Check** below it. The check runs
your function on several cases (different shapes, batches of one and more, negative numbers),
compares it with the engine's own gradients and, when something is wrong, says in one sentence
which mistake explains it.

Stuck? **Hint** shows one hint at a time. After a real attempt you may open a worked solution.
The exercises you solve are saved with your progress (see `00_start_here`).
"""

SETUP = """\
from studypack.exercises import check, list_exercises
from studypack.progress import ProgressStore
from studypack.widgets import ExerciseWidget

store = ProgressStore()  # your progress file: the exercises you solve are recorded there
"""

SUMMARY = """\
# every exercise and the state of your function for it
for exercise in list_exercises():
    function = globals().get(exercise.function_name)
    status = check(exercise, function).status if callable(function) else "not defined"
    print(f"{exercise.id:32} {status}")
"""


def exercises_notebook() -> str:
    """The notebook's text (nbformat 4.4, no outputs)."""
    cells: list[tuple] = [("markdown", INTRODUCTION), ("code", SETUP)]
    for number, exercise in enumerate(list_exercises(), start=1):
        cells += [("markdown", f"## {number}. {exercise.title}\n\n`{exercise.signature}`\n"),
                  ("code", exercise.stub.rstrip("\n") + "\n"),
                  ("code", f'ExerciseWidget("{exercise.id}", store=store)\n')]
    cells += [("markdown", "## Where you stand\n"),
              ("code", SUMMARY, ("nbval-check-output",))]
    return notebook_text(cells)
