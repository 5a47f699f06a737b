"""The exercises notebook is the catalog's: its cells are what `exercises_notebook()` makes,
and a learner who has written nothing yet sees every exercise as not done."""
import json
from pathlib import Path

from studypack.exercises import check, list_exercises
from studypack.exercises.notebook import exercises_notebook

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


def test_all_stubs_run_together_leave_every_exercise_not_done():
    # one namespace, as in the notebook: no stub may define (or import) another exercise's answer
    namespace: dict = {}
    for exercise in list_exercises():
        exec(compile(exercise.stub, f"<stub {exercise.id}>", "exec"), namespace)
    for exercise in list_exercises():
        assert check(exercise, namespace[exercise.function_name]).status == "not-done", exercise.id
