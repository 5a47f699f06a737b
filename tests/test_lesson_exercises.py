"""Every exercise sits in its lesson, right after the idea it practises, and nowhere else but
the exercises notebook.

The lesson cell that teaches the idea carries the tag `idea:<exercise id>`; the exercise's
section (`exercise_cells`: heading, stub, Check widget) follows that cell immediately, once.
The committed notebooks are executed with the stubs, so every widget shows "not done yet".
"""
from __future__ import annotations

import ast
import copy
import functools
import html
import json
from pathlib import Path

import pytest

from studypack.content.interface_text import interface_text
from studypack.exercises import get_exercise, list_exercises
from studypack.exercises.notebook import (IDEA_TAG, exercise_cells, ideas_of,
                                          place_exercises)
from studypack.progress import ProgressStore
from studypack.widgets import ExerciseWidget

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXERCISES_NOTEBOOK = "exercises.ipynb"
EXERCISES = list_exercises()
NOT_DONE = interface_text("en")["exercise not done"].split("{name}")[0]  # "Not done yet: ..."
RUN_TO_CHECK = interface_text("en")["exercise repr"].split("{name}")[0]  # "Run this cell to ..."


@functools.cache
def notebook(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def sources(cells: list[dict]) -> list[tuple[str, str]]:
    return [(cell["cell_type"], "".join(cell["source"])) for cell in cells]


def section(exercise) -> list[tuple[str, str]]:
    return [(kind, source) for kind, source, *_ in exercise_cells(exercise)]


def starts_of(cells: list[tuple[str, str]], run: list[tuple[str, str]]) -> list[int]:
    """Where `run` occurs as consecutive cells."""
    return [start for start in range(len(cells) - len(run) + 1)
            if cells[start:start + len(run)] == run]


def lessons_with_exercises() -> list[str]:
    return sorted({exercise.lesson for exercise in EXERCISES})


def by_id(exercise) -> str:
    return exercise.id


@pytest.mark.parametrize("exercise", EXERCISES, ids=by_id)
def test_the_exercise_follows_the_idea_it_practises_in_its_lesson(exercise):
    assert (NOTEBOOKS / exercise.lesson).is_file(), \
        f"{exercise.id}: its lesson notebooks/{exercise.lesson} does not exist"
    cells = notebook(exercise.lesson)["cells"]
    anchors = [index for index, cell in enumerate(cells) if exercise.id in ideas_of(cell)]
    assert len(anchors) == 1, (f"{exercise.id}: tag the one cell of {exercise.lesson} that "
                               f"teaches its idea with {IDEA_TAG}{exercise.id}")
    anchor = anchors[0]
    # right after the idea: the sections of the exercises tagged before it there, then its own
    tagged = ideas_of(cells[anchor])
    start = anchor + 1 + sum(len(section(get_exercise(other)))
                             for other in tagged[:tagged.index(exercise.id)])
    found = starts_of(sources(cells), section(exercise))
    assert found == [start], (f"{exercise.id}: its cells must be in {exercise.lesson} once, "
                              f"right after the cell tagged {IDEA_TAG}{exercise.id} (cell "
                              f"{anchor}); found at {found}: re-make them with "
                              f"studypack.exercises.notebook.place_exercises")
    # the idea is the lesson's, not another exercise's, and the lesson goes on after it
    assert not any(sources(cells[anchor:anchor + 1])[0] in section(other) for other in EXERCISES)
    after = anchor + 1 + sum(len(section(get_exercise(other))) for other in tagged)
    assert after < len(cells), f"{exercise.id}: its section is at the end of {exercise.lesson}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=by_id)
def test_no_other_notebook_holds_the_exercise(exercise):
    stub = exercise.stub.rstrip("\n") + "\n"
    widget = f'ExerciseWidget("{exercise.id}"'
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if path.name in (exercise.lesson, EXERCISES_NOTEBOOK):
            continue
        cells = notebook(path.name)["cells"]
        code = [source for kind, source in sources(cells) if kind == "code"]
        assert stub not in code and not any(widget in source for source in code), \
            f"{exercise.id} is in {path.name} too: it belongs to {exercise.lesson} only"
        assert not any(exercise.id in ideas_of(cell) for cell in cells), path.name


def test_an_idea_tag_names_an_exercise_of_that_lesson():
    known = {exercise.id: exercise.lesson for exercise in EXERCISES}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in notebook(path.name)["cells"]:
            for exercise_id in ideas_of(cell):
                assert known.get(exercise_id) == path.name, (path.name, exercise_id)


@pytest.mark.parametrize("lesson", lessons_with_exercises())
def test_the_lesson_defines_the_widget_and_the_store_before_its_first_exercise(lesson):
    cells = notebook(lesson)["cells"]
    first = min(index for index, cell in enumerate(cells) if ideas_of(cell))
    defined = set()
    for kind, source in sources(cells[:first + 1]):
        if kind != "code":
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.ImportFrom):
                defined.update(alias.asname or alias.name for alias in node.names)
    assert {"store", "ExerciseWidget"} <= defined, lesson
    # one progress file per lesson: the visit's store is the widgets' store
    assert sum(source.count("ProgressStore()") for kind, source in sources(cells)
               if kind == "code") == 1, lesson


@pytest.mark.parametrize("exercise", EXERCISES, ids=by_id)
def test_run_as_committed_the_widget_shows_not_done_yet(exercise, tmp_path):
    # the section's code cells, run in order in one namespace as the notebook runs them
    store = ProgressStore(directory=tmp_path)
    namespace: dict = {"store": store}
    namespace["ExerciseWidget"] = functools.partial(ExerciseWidget, namespace=namespace)
    for kind, source in section(exercise):
        if kind == "code":
            exec(compile(source, f"<{exercise.id}>", "exec"), namespace)  # noqa: S102
    widget = namespace["exercise"]
    assert isinstance(widget, ExerciseWidget) and widget.exercise.id == exercise.id
    assert widget.report.status == "not-done"
    assert NOT_DONE in html.unescape(widget.verdict.value)
    assert not widget.attempted and store.exercises_solved() == {}


def committed_text(cell: dict) -> str:
    """What an executed widget cell shows before the learner runs it: its text/plain."""
    [shown] = ["".join(output["data"]["text/plain"]) for output in cell["outputs"]
               if "text/plain" in output.get("data", {})]
    return shown


@pytest.mark.parametrize("name", [*lessons_with_exercises(), EXERCISES_NOTEBOOK])
def test_the_committed_notebook_shows_every_exercise_not_done_yet(name):
    saved = notebook(name)
    widget_cells = [cell for cell in saved["cells"] if cell["cell_type"] == "code"
                    and "ExerciseWidget(" in "".join(cell["source"])
                    and "import" not in "".join(cell["source"])]
    expected = [e for e in EXERCISES if name in (e.lesson, EXERCISES_NOTEBOOK)]
    assert len(widget_cells) == len(expected)
    # no widget state is committed, so no verdict (nor anyone's solution) can be shown: each
    # cell says what running it does, until the learner's own kernel checks their function
    assert "widgets" not in saved["metadata"]
    for cell in widget_cells:
        assert cell["execution_count"] is not None, "commit the notebook executed"
        assert committed_text(cell).startswith(RUN_TO_CHECK), "".join(cell["source"])
    raw = (NOTEBOOKS / name).read_text(encoding="utf-8")
    for path in ("/work/", "/tmp/", "/home/", "/root/", "/Users/"):
        assert path not in raw  # no one's progress file or checkout
    assert not any(output["output_type"] == "error" for cell in saved["cells"]
                   for output in cell.get("outputs", []))


# ---- place_exercises: the placing itself ----

@pytest.mark.parametrize("lesson", lessons_with_exercises())
def test_placing_again_changes_nothing(lesson):
    saved = notebook(lesson)
    assert sources(place_exercises(copy.deepcopy(saved))["cells"]) == sources(saved["cells"])


def test_placing_puts_a_lost_or_stale_section_back_and_follows_a_moved_tag():
    saved = copy.deepcopy(notebook("01_forward_pass_and_loss.ipynb"))
    exercise = get_exercise("mse-backward")
    own = section(exercise)
    lesson_only = [cell for cell in saved["cells"]
                   if not cell.get("id", "").startswith("exercise-")]
    stale = copy.deepcopy(saved)
    stub = next(cell for cell in stale["cells"] if "".join(cell["source"]) == own[1][1])
    stub["source"] = ["def mse_backward(p, t):\n", "    pass\n"]  # an old stub
    assert sources(place_exercises(stale)["cells"]) == sources(saved["cells"])
    assert sources(place_exercises({**saved, "cells": lesson_only})["cells"]) == \
        sources(saved["cells"])
    # the tag moved to the first cell: the section moves with it
    moved = copy.deepcopy(lesson_only)
    for cell in moved:
        cell["metadata"]["tags"] = [t for t in cell["metadata"].get("tags", [])
                                    if not t.startswith(IDEA_TAG)]
    moved[0]["metadata"]["tags"] = [IDEA_TAG + exercise.id]
    placed = sources(place_exercises({**saved, "cells": moved})["cells"])
    assert starts_of(placed, own) == [1] and len(placed) == len(lesson_only) + len(own)
    # the cells it makes are valid nbformat 4.5 cells with stable ids
    made = place_exercises({**saved, "cells": moved})["cells"][1:1 + len(own)]
    assert [cell["id"] for cell in made] == [f"exercise-mse-backward-{part}"
                                             for part in ("text", "stub", "check")]


def test_an_idea_tag_for_no_exercise_is_named():
    lesson = {"cells": [{"cell_type": "markdown", "id": "a", "source": ["x"],
                         "metadata": {"tags": [IDEA_TAG + "no-such-exercise"]}}]}
    with pytest.raises(KeyError, match="no-such-exercise"):
        place_exercises(lesson)
