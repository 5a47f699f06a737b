"""Each lesson records the learner's visit in its first cell through `visit_lesson`, so a
visit that cannot be saved is shown in the notebook (what failed, what to do, "Save again")
instead of a traceback. The cells are run as Jupyter runs them: the last line's value is shown."""
import ast
import errno
import json
import os
from pathlib import Path

import pytest

from studypack.content.interface_text import interface_text
from studypack.content.lessons import list_lessons
from studypack.progress.store import ProgressStore
from studypack.widgets import ProgressNotice

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def first_code_cell(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return next("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def run_cell(source: str):
    """Run `source` as a notebook cell does and return what it would display (the value of
    a final expression, else None)."""
    tree = ast.parse(source)
    namespace: dict = {}
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = ast.Module(tree.body[:-1] if last else tree.body, type_ignores=[])
    exec(compile(body, "<cell>", "exec"), namespace)  # noqa: S102 - the pack's own lessons
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


def test_every_lesson_00_to_09_is_checked():
    assert [path.stem for path in LESSONS] == [lesson.name for lesson in list_lessons(ROOT)]
    assert [path.stem[:2] for path in LESSONS] == [f"{n:02d}" for n in range(10)]


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda path: path.stem)
def test_the_first_cell_records_the_visit_through_visit_lesson(notebook):
    tree = ast.parse(first_code_cell(notebook))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    called = {getattr(call.func, "id", getattr(call.func, "attr", None)) for call in calls}
    assert "record_lesson_visit" not in called  # it would raise a traceback on a failed save
    last = tree.body[-1]
    # the last line, so that the notice it returns is displayed
    assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
    assert getattr(last.value.func, "id", None) == "visit_lesson"
    assert ast.literal_eval(last.value.args[0]) == notebook.stem


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda path: path.stem)
def test_the_first_cell_records_the_visit_and_shows_nothing(notebook, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYPACK_HOME", str(tmp_path))
    assert run_cell(first_code_cell(notebook)) is None
    assert list(ProgressStore().lessons_visited()) == [notebook.stem]


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda path: path.stem)
def test_a_visit_that_cannot_be_saved_is_shown_in_the_notebook(notebook, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYPACK_HOME", str(tmp_path))
    store = ProgressStore()
    store.path.mkdir()  # a folder where the progress file should be: saving fails
    shown = run_cell(first_code_cell(notebook))
    english = interface_text("en")
    assert isinstance(shown, ProgressNotice)
    assert english["visit not saved"] in shown.problems
    assert english["problem not a file"] in shown.problems and str(store.path) in shown.problems
    assert shown.retry_button.layout.display != "none"
    store.path.rmdir()  # the learner moved it away, as the notice says: "Save again" works
    shown.retry_button.click()
    assert english["saved now"] in shown.problems
    assert list(store.lessons_visited()) == [notebook.stem]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_refused_write_is_shown_and_saved_again(code, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYPACK_HOME", str(tmp_path))
    source = first_code_cell(LESSONS[0])

    def refuse(*args, **kwargs):
        raise OSError(code, "refused")

    with monkeypatch.context() as os_refuses:
        os_refuses.setattr(os, "replace", refuse)
        shown = run_cell(source)
    reason = {errno.ENOSPC: "disk full", errno.EACCES: "no permission"}[code]
    assert interface_text("en")[f"problem {reason}"] in shown.problems
    store = ProgressStore(directory=tmp_path)
    assert store.lessons_visited() == {}  # nothing was saved ...
    shown.retry_button.click()
    assert list(store.lessons_visited()) == [LESSONS[0].stem]  # ... until now
