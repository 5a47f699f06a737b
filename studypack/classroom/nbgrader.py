"""nbgrader source assignments: a quiz or the coding exercises as a notebook nbgrader grades.

The instructor runs `studypack assign ... --nbgrader COURSE --name NAME`, which writes
COURSE/source/NAME/<notebook>.ipynb, then nbgrader's own commands (generate_assignment,
autograde, generate_feedback). nbgrader reads the notebook's cell metadata (schema version 3):

- an *autograded answer* cell (`solution`) holds the student's code; in the source, the right
  code sits between `### BEGIN SOLUTION` and `### END SOLUTION`, which nbgrader swaps for its
  stub (`raise NotImplementedError()`) in the student's copy;
- a *test* cell (`grade`, `locked`, `points`) is scored: full points if it runs cleanly, 0 if
  it raises (its message is the feedback the student reads), partial points if its last line
  evaluates to a number. `### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS` is removed from the
  student's copy and put back when grading.

Cells are described as `(role, source, grade_id, points)` tuples (roles: ROLES; a "text"
cell's grade_id only names it in messages: the question or exercise), so that the
exercises (which may not import this room) describe theirs as plain data and the command joins
them. `quiz_cells()` makes a quiz's cells from `build_assignment()`'s student part and key: the
key travels only in hidden tests. `check_answer_form()` and `grade_answer()` run in the
student's notebook (and in nbgrader's kernel when it grades).
"""
from __future__ import annotations

import json
import pprint
import re
from pathlib import Path
from typing import Any, Optional, Sequence

from studypack.content.interface_text import interface_text
from studypack.content.markdown import markdown_inline, markdown_to_html
from studypack.content.notebooks import notebook_text
from studypack.progress.atomic import building_folder

from .assignments import CHOICE_KINDS, Assignment, AssignmentError, shown

SOURCE_FOLDER = "source"  # nbgrader's CourseDirectory.source_directory
QUIZ_NOTEBOOK, EXERCISES_NOTEBOOK = "quiz.ipynb", "exercises.ipynb"
SCHEMA_VERSION = 3
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_TESTS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
# nbgrader finds its markers as substrings of any line (ClearSolutions, ClearHiddenTests)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
# role -> (cell type, nbgrader flags); "text" cells carry no nbgrader metadata
ROLES = {"text": ("markdown", None),
         "setup": ("code", {"grade": False, "solution": False, "locked": True}),
         "answer": ("code", {"grade": False, "solution": True, "locked": False}),
         "tests": ("code", {"grade": True, "solution": False, "locked": True})}
# the markers each role must hold, in this order (anything else is text that would cut the cell)
EXPECTED_MARKERS = {"text": (), "setup": (), "answer": SOLUTION, "tests": HIDDEN_TESTS}
# stricter than nbgrader (which forbids only "+"): the name is a folder and a glob in nbgrader
ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
QUIZ_SETUP = ("import warnings\n\n"
              "# nbgrader scores a test cell that writes to stderr as 0: no warning may cost\n"
              "# points\n"
              "warnings.simplefilter(\"ignore\")\n\n"
              "from studypack.classroom.nbgrader import check_answer_form\n")


# ---- the notebook ----

def check_assignment_name(name: str) -> str:
    """`name` if nbgrader can use it as an assignment name; AssignmentError otherwise."""
    if not isinstance(name, str) or not ASSIGNMENT_NAME.fullmatch(name):
        raise AssignmentError(f"--name {shown(name)} cannot name an nbgrader assignment: use 1 to "
                              "64 letters, digits, - and _, starting with a letter or digit "
                              "(e.g. week4); nbgrader makes folders and patterns of it")
    return name


def marker_problem(role: str, source: str) -> Optional[str]:
    """What is wrong with the nbgrader markers of a cell's source (None if they are right)."""
    found = [marker for line in source.splitlines() for marker in MARKERS if marker in line]
    wanted = [marker.lstrip("# ") for marker in EXPECTED_MARKERS[role]]
    if found == wanted:
        return None
    return (f"it holds nbgrader's markers ({', '.join(found) or 'none'}) where nbgrader needs "
            f"({', '.join(wanted) or 'none'}): reword the text that contains one, or nbgrader "
            "would cut the notebook there")


def source_notebook(cells: Sequence[tuple]) -> str:
    """The notebook's text (nbformat 4.4, no outputs) from `(role, source, grade_id, points)`
    cells; AssignmentError names a cell whose text would break nbgrader's markers."""
    ids = set()
    for role, source, grade_id, _ in cells:
        problem = marker_problem(role, source)
        if problem:
            raise AssignmentError(f"cannot write the nbgrader notebook: the cell of "
                                  f"{grade_id or shown(source[:40])}: {problem}")
        if ROLES[role][1] is not None and (grade_id in ids or
                                           not ASSIGNMENT_NAME.fullmatch(grade_id)):
            raise AssignmentError(f"cannot write the nbgrader notebook: grade id {grade_id!r} "
                                  "is repeated or not letters, digits, - and _")
        ids.add(grade_id)
    notebook = json.loads(notebook_text([(ROLES[role][0], source)
                                         for role, source, _, _ in cells]))
    for cell, (role, _, grade_id, points) in zip(notebook["cells"], cells):
        flags = ROLES[role][1]
        if flags is not None:
            metadata = {"schema_version": SCHEMA_VERSION, **flags, "grade_id": grade_id}
            if flags["grade"]:
                metadata["points"] = points
            cell["metadata"]["nbgrader"] = metadata
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def python_literal(value: Any) -> str:
    """`value` (JSON-like data) as Python source that nbgrader's markers cannot appear in: a
    marker inside a text is written with its first letter escaped (same string, other
    spelling), so a question's feedback can never end a hidden region early."""
    text = pprint.pformat(value, width=96, sort_dicts=False)
    for marker in MARKERS:  # markers are letters and spaces: only ever inside a string literal
        text = text.replace(marker, f"\\x{ord(marker[0]):02x}{marker[1:]}")
    return text


def write_source_assignment(course: Path, name: str, notebook_file: str, text: str,
                            force: bool = False) -> Path:
    """COURSE/source/NAME/NOTEBOOK_FILE, written whole. An existing source/NAME is refused
    without `force`; with it, replaced only if it holds nothing but that notebook (the
    instructor's other files there are never deleted)."""
    check_assignment_name(name)
    course = Path(course)
    if course.exists() and not course.is_dir():
        raise AssignmentError(f"{course} is a file, not a course folder: give the folder "
                              "nbgrader runs in (it holds source/)")
    target = course / SOURCE_FOLDER / name
    with building_folder(target, force, replaceable=lambda entry: entry == notebook_file) as new:
        (new / notebook_file).write_text(text, encoding="utf-8")
    return target / notebook_file


# ---- a quiz ----

def answer_name(number: int) -> str:
    return f"answer_{number}"


def quiz_cells(assignment: Assignment, key: dict, points: float = 1.0) -> list[tuple]:
    """The cells of a quiz notebook: per question, its text, an answer cell (the right answer
    as the solution) and a test cell (its form visible, the key hidden)."""
    words = interface_text(assignment.language)
    intro = words["nbgrader quiz intro"].format(count=len(assignment.questions))
    cells = [("text", f"# {assignment.title}\n\n{intro}\n", "", 0),
             ("setup", QUIZ_SETUP, "setup", 0)]
    for number, (question, entry) in enumerate(zip(assignment.questions, key["questions"]), 1):
        name = answer_name(number)
        cells.append(("text", _question_text(question, number, name, words), question.id, 0))
        cells.append(("answer", f"# {name}: {_instruction(question, name, words, plain=True)}\n"
                                f"{SOLUTION[0]}\n{name} = {_right_answer(entry)!r}\n"
                                f"{SOLUTION[1]}\n", f"{question.id}-answer", 0))
        form = f"{question.kind!r}, {len(question.options)}"
        cells.append(("tests", f"# checks the form of {name} (the grading is done when you hand "
                               f"it in)\ncheck_answer_form({name}, {form}, "
                               f"{assignment.language!r})\n"
                               f"{HIDDEN_TESTS[0]}\n"
                               f"from studypack.classroom.nbgrader import grade_answer\n"
                               f"grade_answer({name}, {python_literal(entry)},\n"
                               f"             {points!r}, {assignment.language!r})\n"
                               f"{HIDDEN_TESTS[1]}\n", f"{question.id}-grade", points))
    return cells


def _question_text(question, number: int, name: str, words: dict) -> str:
    heading = words["question number"].format(number=number)
    parts = [f"### {heading}\n", markdown_to_html(question.prompt)]
    if question.unit:
        parts.append(f"<p>({markdown_inline(question.unit)})</p>")
    if question.kind in CHOICE_KINDS:
        parts.append("<p>" + "<br>\n".join(f"<b>{_label(index)}.</b> {markdown_inline(text)}"
                                           for index, text in enumerate(question.options))
                     + "</p>")
    parts.append(f"<p>{_instruction(question, name, words)}</p>")
    return "\n".join(parts) + "\n"


def _instruction(question, name: str, words: dict, plain: bool = False) -> str:
    """Which letter(s) or number to type, and how, as a sentence (`plain`: for a comment)."""
    if question.kind == "single_choice":
        text = words["nbgrader type a letter"].format(name=name, example="B")
    elif question.kind == "multiple_choice":
        text = words["nbgrader type letters"].format(name=name, example="AC")
    else:
        text = words["nbgrader type a number"].format(name=name, example="0.25")
    return text.replace("`", "") if plain else text.replace("`", "<code>", 1).replace(
        "`", "</code>", 1)


def _label(index: int) -> str:
    from studypack.content.grading import option_label

    return option_label(index)


def _right_answer(entry: dict):
    """The answer a student should type, from a key entry: "B", "AC" or the number."""
    if "instance" in entry:
        return entry["instance"]["answer"]
    question = entry["question"]
    if question["kind"] in CHOICE_KINDS:
        return "".join(_label(index) for index, option in enumerate(question["options"])
                       if option["correct"])
    return question["answer"]


# ---- in the student's notebook: the form of an answer, then its grade ----

def _chosen(answer, kind: str, count: int) -> tuple[Optional[Any], Optional[str]]:
    """(the response `grading.score` takes, None) or (None, which problem: a words key)."""
    if kind not in CHOICE_KINDS:
        from studypack.content.grading import parse_number

        if isinstance(answer, str) and len(answer) > 100:
            return None, "nbgrader form number"
        try:
            return parse_number(answer), None
        except (TypeError, ValueError, OverflowError):
            return None, "nbgrader form number"
    labels = {_label(index): index for index in range(count)}
    tokens = re.split(r"[\s,;]+", answer.strip().upper()) if isinstance(answer, str) else []
    if count <= 26:  # one letter per option: "AC" is A and C
        tokens = [letter for token in tokens for letter in token]
    tokens = [token for token in tokens if token]
    problem = "nbgrader form letters" if kind == "multiple_choice" else "nbgrader form letter"
    if (not tokens or any(token not in labels for token in tokens)
            or len(set(tokens)) < len(tokens)):
        return None, problem
    if kind == "single_choice":
        return (labels[tokens[0]], None) if len(tokens) == 1 else (None, problem)
    return [labels[token] for token in tokens], None


def check_answer_form(answer, kind: str, count: int, language: str = "en") -> None:
    """Raise AssertionError (saying what to type) unless `answer` has the question's form:
    one option letter, option letters, or a number. Tells nothing of what is right."""
    _, problem = _chosen(answer, kind, count)
    if problem:
        letters = ", ".join(_label(index) for index in range(count))
        raise AssertionError(interface_text(language)[problem].format(
            letters=letters, given=shown(answer)))


def grade_answer(answer, entry: dict, points: float = 1.0, language: str = "en"):
    """Score `answer` against one key entry as `studypack grade` does (`grading.score`).

    All points: returns None (nbgrader gives the cell its points). Some: prints the feedback
    and returns the points earned (nbgrader takes a number as partial credit). None: raises
    AssertionError with the feedback (the chosen options' feedback, the right answer, why),
    which nbgrader shows the student.
    """
    from studypack.content.generators import format_number
    from studypack.content.grading import score

    from .assignments import key_question

    scorable = key_question(entry).scorable
    kind = entry["question"]["kind"]
    count = len(entry["question"].get("options") or ())
    check_answer_form(answer, kind, count, language)  # a malformed answer: say what to type
    response, _ = _chosen(answer, kind, count)
    result = score(scorable, response)
    if result.correct or result.points >= result.max_points:
        return None
    words = interface_text(language)
    earned = points * result.fraction
    lines = [words["partly right"].format(points=format_number(earned),
                                          max_points=format_number(points))
             if result.points > 0 else words["not quite"]]
    for option in result.feedback:
        why = words["you chose it"] if option.chosen else words["right option not chosen"]
        lines.append(f"{_label(option.index)}. {option.text} ({why}): {option.feedback}")
    if kind not in CHOICE_KINDS:
        lines.append(words["answer was"].format(expected=format_number(result.expected),
                                                given=format_number(response)))
    if result.mistake_feedback:  # the answer a known mistake gives: say which mistake
        lines.append(result.mistake_feedback)
    if result.explanation:
        lines.append(f"{words['why']} {result.explanation.strip()}")
    message = "\n".join(lines)
    if result.points <= 0:
        raise AssertionError(message)
    print(message)
    return earned
