"""The exercises notebook is the catalog's: its cells are what `exercises_notebook()` makes,
each exercise's section is `exercise_cells()` (the same cells its lesson holds), and a learner
who has written nothing yet sees every exercise as not done."""
import json
from pathlib import Path

import pytest

from studypack.exercises import check, get_exercise, list_exercises
from studypack.exercises.notebook import LEAD_INS, exercise_cells, exercises_notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "exercises.ipynb"


def sources(notebook: dict) -> list[tuple[str, str]]:
    return [(cell["cell_type"], "".join(cell["source"])) for cell in notebook["cells"]]


def test_the_committed_notebook_has_the_catalogs_cells():
    made = json.loads(exercises_notebook())
    committed = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert sources(committed) == sources(made), \
        "re-make it: notebooks/exercises.ipynb from studypack.exercises.notebook, then execute it"


def test_every_exercise_has_its_stub_and_its_widget_in_course_order():
    cells = sources(json.loads(exercises_notebook()))
    code = [source for kind, source in cells if kind == "code"]
    for exercise in list_exercises():
        stub_at = code.index(exercise.stub.rstrip("\n") + "\n")
        assert f'ExerciseWidget("{exercise.id}"' in code[stub_at + 1]


def test_each_section_is_the_exercises_own_cells_in_course_order():
    cells = sources(json.loads(exercises_notebook()))
    at = 2  # after the introduction and the set-up
    for number, exercise in enumerate(list_exercises(), start=1):
        own = [(kind, source) for kind, source, *_ in exercise_cells(exercise, number)]
        assert cells[at:at + len(own)] == own, exercise.id
        at += len(own)
    assert cells[at][1].startswith("## Where you stand")


@pytest.mark.parametrize("exercise", list_exercises(), ids=lambda exercise: exercise.id)
def test_a_section_is_heading_stub_and_widget(exercise):
    for number in (None, 3):
        (heading_kind, heading), (stub_kind, stub), (widget_kind, widget) = \
            exercise_cells(exercise, number)
        assert (heading_kind, stub_kind, widget_kind) == ("markdown", "code", "code")
        assert f"`{exercise.signature}`" in heading and LEAD_INS[exercise.id] in heading
        assert stub == exercise.stub.rstrip("\n") + "\n"
        assert widget.startswith(f'exercise = ExerciseWidget("{exercise.id}", store=store)\n')
        assert widget.splitlines()[-1] == "exercise"  # the last line: the widget is shown
    in_lesson, numbered = exercise_cells(exercise)[0][1], exercise_cells(exercise, 3)[0][1]
    assert in_lesson.startswith(f"### Exercise: write `{exercise.function_name}`\n")
    assert numbered.startswith(f"## 3. {exercise.title}\n")
    assert f"]({exercise.lesson})" in numbered  # the exercises notebook links to the lesson
    assert exercise_cells(exercise.id) == exercise_cells(exercise)


def test_every_exercise_and_only_those_have_a_lead_in():
    assert set(LEAD_INS) == {exercise.id for exercise in list_exercises()}
    for exercise_id, lead_in in LEAD_INS.items():
        assert lead_in.count("$") % 2 == 0 and lead_in.count("`") % 2 == 0, exercise_id
        assert len(lead_in) <= 400 and lead_in.endswith("."), exercise_id


def test_an_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="no-such-exercise"):
        exercise_cells("no-such-exercise")


def test_all_stubs_run_together_leave_every_exercise_not_done():
    # one namespace, as in the notebook: no stub may define (or import) another exercise's answer
    namespace: dict = {}
    for exercise in list_exercises():
        exec(compile(exercise.stub, f"<stub {exercise.id}>", "exec"), namespace)
    for exercise in list_exercises():
        assert check(exercise, namespace[exercise.function_name]).status == "not-done", exercise.id
    assert get_exercise("mse-backward").function_name in namespace
