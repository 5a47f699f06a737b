"""The coding exercises as an nbgrader assignment: per exercise its statement, an answer cell
(the stub, with the reference solution between nbgrader's solution markers) and a locked test
cell worth points that runs the checker.

The cells are plain `(role, source, grade_id, points)` tuples (roles "text", "setup",
"answer", "tests"): `studypack.classroom.nbgrader.source_notebook()` turns them into the
notebook with nbgrader's metadata (this room may not import the classroom; the command joins
the two).

In the test cell the student sees the checker's report (so they can check themselves as often
as they like); the hidden part, put back by nbgrader when it grades, checks again with the
checker imported afresh (a `check` redefined in the notebook cannot pass it) and fails with
the diagnosis, which is what nbgrader's feedback shows.
"""
from __future__ import annotations

import ast
import builtins
import html
import textwrap
from typing import Sequence

from ..content.interface_text import interface_text
from ..content.markdown import markdown_to_html
from .catalog import list_exercises
from .model import Exercise

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
SETUP = """\
import warnings

import numpy as np

from studypack.exercises import check

# nbgrader scores a test cell that writes to stderr as 0: no warning may cost points
warnings.simplefilter("ignore")
"""


def choose_exercises(ids: Sequence[str] = ()) -> list[Exercise]:
    """The exercises with these ids (all when none), in course order. ValueError names an
    unknown id, or an exercise whose solution calls another's function left out."""
    known = {exercise.id: exercise for exercise in list_exercises()}
    unknown = [exercise_id for exercise_id in ids if exercise_id not in known]
    if unknown:
        raise ValueError(f"no exercise {', '.join(map(repr, unknown))}; the exercises: "
                         f"{', '.join(known)}")
    chosen = [exercise for exercise in known.values() if not ids or exercise.id in ids]
    names = {exercise.function_name: exercise for exercise in chosen}
    for exercise in chosen:
        for needed in sorted(_free_names(exercise.solution)):
            other = next((e for e in known.values() if e.function_name == needed), None)
            if other is not None and needed not in names:
                raise ValueError(f"{exercise.id} calls {needed}, the function of the exercise "
                                 f"{other.id}: add {other.id} to --ids")
    return chosen


def _free_names(code: str) -> set[str]:
    """The names `code` uses without defining them (nor importing them, nor builtins)."""
    tree = ast.parse(code)
    defined = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
    used = {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return used - defined


def answer_source(exercise: Exercise) -> str:
    """The answer cell: the stub as the learner gets it, its `raise NotImplementedError`
    replaced by the reference solution's body between nbgrader's solution markers."""
    stub = exercise.stub.rstrip("\n").split("\n")
    raising = [index for index, line in enumerate(stub)
               if line.strip().startswith("raise NotImplementedError")]
    if len(raising) != 1:
        raise ValueError(f"{exercise.id}: its stub needs exactly one `raise "
                         "NotImplementedError` line, where the solution goes")
    indent = stub[raising[0]][:len(stub[raising[0]]) - len(stub[raising[0]].lstrip())]
    lines = exercise.solution.rstrip("\n").split("\n")
    function = next((node for node in ast.parse(exercise.solution).body
                     if isinstance(node, ast.FunctionDef)
                     and node.name == exercise.function_name), None)
    if function is None or any(line.strip() for line in lines[function.end_lineno:]):
        raise ValueError(f"{exercise.id}: its solution must end with `def "
                         f"{exercise.function_name}(...)`")
    header_end = function.lineno - 1  # the def line, or the last line of a long signature
    while not _code(lines[header_end]).endswith(":"):
        header_end += 1
    # what the solution does before its def (an import) and the stub does not, goes inside
    stub_preamble = {_code(line) for line in stub}
    extra = [line.strip() for line in lines[:function.lineno - 1]
             if _code(line) and _code(line) not in stub_preamble]
    body = textwrap.dedent("\n".join(lines[header_end + 1:function.end_lineno]))
    region = [SOLUTION_MARKERS[0], *extra, *body.split("\n"), SOLUTION_MARKERS[1]]
    return "\n".join(stub[:raising[0]] + [indent + line if line.strip() else ""
                                          for line in region] + stub[raising[0] + 1:]) + "\n"


def _code(line: str) -> str:
    """A line without its comment and outer spaces (a `#` inside a string is rare here)."""
    return line.split("#", 1)[0].strip()


def check_cell_source(exercise: Exercise, language: str) -> str:
    """The test cell: the checker's report for the student, then the graded check, hidden."""
    call = f"{exercise.id!r}, {exercise.function_name}, language={language!r}"
    return (f"# checks your {exercise.function_name} and prints what is wrong (run it as often "
            "as you like)\n"
            f"print(check({call}))\n"
            f"{HIDDEN_MARKERS[0]}\n"
            "from studypack.exercises import check as graded_check  # not one the notebook "
            "redefined\n"
            f"graded = graded_check({call})\n"
            "assert graded.passed, graded.diagnosis\n"
            f"{HIDDEN_MARKERS[1]}\n")


def exercise_cells(exercises: Sequence[Exercise], title: str, language: str = "en",
                   points: float = 1.0) -> list[tuple]:
    """The nbgrader cells of an assignment of `exercises` (see the module docstring)."""
    words = interface_text(language)
    intro = words["nbgrader exercises intro"].format(count=len(exercises))
    cells = [("text", f"# {title}\n\n{intro}\n", "", 0), ("setup", SETUP, "setup", 0)]
    for number, exercise in enumerate(exercises, start=1):
        texts = exercise.texts_in(language)
        heading = words["exercise heading"].format(title=texts.title)
        signature = html.escape(exercise.signature, quote=False)
        cells += [("text", f"## {number}. {heading}\n\n{markdown_to_html(texts.statement)}\n"
                           f"<p><code>{signature}</code></p>\n", exercise.id, 0),
                  ("answer", answer_source(exercise), f"{exercise.id}-answer", 0),
                  ("tests", check_cell_source(exercise, language), f"{exercise.id}-check", points)]
    return cells
