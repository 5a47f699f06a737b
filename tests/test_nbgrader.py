"""`studypack assign ... --nbgrader`, then the real nbgrader CLI: generate, release, collect,
autograde, feedback, export.

One course is shared by the module (nbgrader starts slowly): the README's own commands (its
section "Grade with nbgrader") run as written. Between them, as the README says: one student
fetches the quiz through nbgrader's exchange, answers it right and submits it (the
instructor's `collect` brings it in); the other hand-ins (a right and a wrong one for the
exercises, a wrong one for the quiz) are put in submitted/ as an LMS download would be.
"""
import ast
import csv
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st
from helpers import studypack
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.utils import get_username

from studypack.exercises import check, get_exercise, list_exercises

ROOT = Path(__file__).parents[1]
SECTION = re.search(r"### Grade with nbgrader.*?(?=\n### )",
                    (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(0)
ASSIGN_AND_GENERATE, EXCHANGE, GRADE = re.findall(r"```sh\n(.*?)```", SECTION, re.S)
SUBMITTER = get_username()  # who `nbgrader submit` says handed in
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS")
WRONG_EXERCISES = {  # exercise id -> (the classic mistake, how a student writes it)
    "mse-backward": ("missing-factor-2", ("2 * (prediction - target)", "(prediction - target)")),
    "linear-backward": ("transposed", ("x.T @ grad_out", "grad_out.T @ x")),
}


def run(block: str, cwd: Path) -> None:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               JUPYTER_CONFIG_DIR=str(cwd / ".jupyter-config"))  # no user nbgrader config
    result = subprocess.run(["bash", "-e", "-c", block], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"


def cells(path: Path) -> dict:
    """grade_id -> cell of a notebook."""
    notebook = nbformat.read(path, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if "nbgrader" in cell.metadata}


def fill_in(path: Path, answers: dict, out: Path = None) -> None:
    """A student's work: these answer cells' sources in the notebook at `path` (to `out`)."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(notebook, out or path)


def hand_in(course: Path, student: str, name: str, notebook: str, answers: dict) -> None:
    """The released notebook so answered, in submitted/STUDENT/NAME/ (as from an LMS)."""
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True)
    fill_in(course / "release" / name / notebook, answers, folder / notebook)


def hidden_key(cell) -> dict:
    """The key entry written in a quiz test cell's hidden part."""
    call = cell.source.split("### BEGIN HIDDEN TESTS\n")[1].split("### END HIDDEN TESTS")[0]
    return ast.literal_eval(ast.parse(call).body[1].value.args[1])


def right_answer(entry: dict):
    from studypack.content.grading import option_label

    if "instance" in entry:
        return entry["instance"]["answer"]
    question = entry["question"]
    if "options" in question:
        return "".join(option_label(i) for i, o in enumerate(question["options"]) if o["correct"])
    return question["answer"]


def wrong_answer(entry: dict):
    """A wrong option (its letter) or a number far off."""
    from studypack.content.grading import option_label

    if "options" in entry["question"]:
        return option_label(next(i for i, o in enumerate(entry["question"]["options"])
                                 if not o["correct"]))
    return right_answer(entry) + 1000


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nbgrader")
    run(ASSIGN_AND_GENERATE, folder)
    course = folder / "course"
    right = {f"{e.id}-answer": e.solution for e in list_exercises()}
    wrong = dict(right)
    for exercise_id, (_, (good, bad)) in WRONG_EXERCISES.items():
        assert good in right[f"{exercise_id}-answer"]
        wrong[f"{exercise_id}-answer"] = right[f"{exercise_id}-answer"].replace(good, bad)
    hand_in(course, "alice", "week4", "exercises.ipynb", right)
    hand_in(course, "bob", "week4", "exercises.ipynb", wrong)
    keys = {grade_id[:-len("-grade")]: hidden_key(cell)
            for grade_id, cell in cells(course / "source/quiz3/quiz.ipynb").items()
            if grade_id.endswith("-grade")}
    names = {question_id: f"answer_{number}" for number, question_id in enumerate(keys, 1)}
    release, collect = EXCHANGE.strip().splitlines()
    exchange = f"c = get_config()\nc.CourseDirectory.course_id = 'backprop'\n" \
               f"c.Exchange.root = {str(folder / 'exchange')!r}\n"
    (folder / "exchange").mkdir()
    (course / "nbgrader_config.py").write_text(exchange, encoding="utf-8")
    run(release, course)
    home = folder / "student-home"  # the student's side, with the hub's settings
    home.mkdir()
    (home / "nbgrader_config.py").write_text(exchange, encoding="utf-8")
    run("nbgrader fetch_assignment quiz3", home)
    fill_in(home / "quiz3/quiz.ipynb",
            {f"{q}-answer": f"{names[q]} = {right_answer(k)!r}" for q, k in keys.items()})
    run("nbgrader submit quiz3", home)
    run(collect, course)
    hand_in(course, "dave", "quiz3", "quiz.ipynb",
            {f"{q}-answer": f"{names[q]} = {wrong_answer(k)!r}" for q, k in keys.items()})
    run(GRADE, course)
    return course


def scores(course: Path, name: str, student: str) -> tuple[float, float, dict]:
    """(score, max score, {grade id: score} of the cells not given full points)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(name, student)
        lost = {grade.name: grade.score for notebook in submission.notebooks
                for grade in notebook.grades if grade.score != grade.max_score}
        return submission.score, submission.max_score, lost


def feedback_text(course: Path, student: str, name: str, notebook: str) -> str:
    page = (course / "feedback" / student / name / notebook).with_suffix(".html")
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


# ---- the source and the student's copy ----

def test_the_source_notebooks_are_valid_nbgrader_notebooks(course):
    for path in (course / "source/week4/exercises.ipynb", course / "source/quiz3/quiz.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        MetadataValidator().validate_nb(notebook)
    exercise_cells = cells(course / "source/week4/exercises.ipynb")
    assert [grade_id for grade_id in exercise_cells if grade_id.endswith("-check")] == \
        [f"{exercise.id}-check" for exercise in list_exercises()]
    assert all(cell.metadata["nbgrader"]["points"] == 1 and cell.metadata["nbgrader"]["locked"]
               for grade_id, cell in exercise_cells.items() if grade_id.endswith("-check"))


def test_the_released_copy_keeps_no_solution_key_or_hidden_test(course):
    paths = sorted((course / "release").rglob("*"))
    assert [path.relative_to(course).as_posix() for path in paths if path.is_file()] == \
        ["release/quiz3/quiz.ipynb", "release/week4/exercises.ipynb"]
    released = "\n".join(path.read_text(encoding="utf-8") for path in paths if path.is_file())
    secrets = list(MARKERS) + ["graded_check", "grade_answer", "'correct'", "tolerance"]
    for exercise in list_exercises():  # every line of a solution that the stub lacks
        secrets += [line.strip() for line in exercise.solution.splitlines()
                    if len(line.strip()) > 12 and line.strip() not in exercise.stub]
    for cell in cells(course / "source/quiz3/quiz.ipynb").values():
        if "### BEGIN HIDDEN TESTS" in cell.source:
            entry = hidden_key(cell)
            if not isinstance(right_answer(entry), str):
                secrets.append(repr(right_answer(entry)))
            secrets += [option["feedback"] for option in entry["question"].get("options", [])]
            secrets.append(entry.get("instance", entry["question"])["explanation"])
    assert [secret for secret in secrets if json.dumps(secret)[1:-1] in released] == []
    for name in ("quiz3/quiz.ipynb", "week4/exercises.ipynb"):  # each answer: nbgrader's stub
        for grade_id, cell in cells(course / "release" / name).items():
            if grade_id.endswith("-answer"):
                assert cell.source.rstrip().endswith("# YOUR CODE HERE\n" + " " * (
                    4 if name.startswith("week4") else 0) + "raise NotImplementedError()")
                assert not re.search(r"^\s*(answer_\d+ =|return)", cell.source, re.M)


# ---- exercises: scores and feedback ----

def test_a_right_hand_in_gets_every_point_and_a_wrong_one_loses_exactly_its_mistakes(course):
    assert scores(course, "week4", "alice") == (15.0, 15.0, {})
    assert scores(course, "week4", "bob") == (13.0, 15.0, {f"{exercise_id}-check": 0.0
                                                           for exercise_id in WRONG_EXERCISES})


def test_the_wrong_hand_in_s_feedback_says_the_checker_s_diagnosis(course):
    text = feedback_text(course, "bob", "week4", "exercises.ipynb")
    for exercise_id, (mistake, _) in WRONG_EXERCISES.items():
        assert get_exercise(exercise_id).diagnosis(mistake) in text
    assert "AssertionError" not in feedback_text(course, "alice", "week4", "exercises.ipynb")


# ---- quizzes ----

def test_quiz_scores_reach_nbgrader_s_gradebook(course):
    assert scores(course, "quiz3", SUBMITTER) == (5.0, 5.0, {})  # through the exchange
    score, max_score, lost = scores(course, "quiz3", "dave")
    assert (score, max_score, len(lost)) == (0.0, 5.0, 5)
    with open(course / "grades.csv", newline="", encoding="utf-8") as stream:
        exported = {(row["assignment"], row["student_id"]): float(row["raw_score"])
                    for row in csv.DictReader(stream)}
    handed_in = {("week4", "alice"): 15.0, ("week4", "bob"): 13.0, ("quiz3", SUBMITTER): 5.0,
                 ("quiz3", "dave"): 0.0}  # export lists every student for every assignment
    assert {pair: exported[pair] for pair in handed_in} == handed_in


def test_a_wrong_quiz_answer_s_feedback_gives_the_option_s_feedback_and_why(course):
    text = " ".join(feedback_text(course, "dave", "quiz3", "quiz.ipynb").split())
    for cell in cells(course / "source/quiz3/quiz.ipynb").values():
        if "### BEGIN HIDDEN TESTS" in cell.source:
            entry = hidden_key(cell)
            explanation = entry.get("instance", entry["question"])["explanation"]
            assert " ".join(explanation.split()) in text
            chosen = next((option for option in entry["question"].get("options", [])
                           if not option["correct"]), None)  # the option dave chose
            if chosen is not None:
                assert " ".join(chosen["feedback"].split()) in text


def test_the_quiz_is_the_one_assign_out_draws_with_the_same_seed(course, tmp_path):
    studypack("assign", "questions", "--topic", "loss", "--count", "5", "--seed", "7", "--out",
              "plain", cwd=tmp_path, expect=0)
    key = json.loads((tmp_path / "plain/instructor/key.json").read_text(encoding="utf-8"))
    hidden = [hidden_key(cell) for cell in cells(course / "source/quiz3/quiz.ipynb").values()
              if "### BEGIN HIDDEN TESTS" in cell.source]
    assert hidden == key["questions"]


# ---- the command's failure paths: one line, exit 2, nothing written ----

def refused(folder: Path, capsys, *args, message: str) -> None:
    """`studypack assign ARGS` run in-process in `folder` (these are many: a subprocess each
    would cost a second) exits 2 with `message` on one line, and writes nothing."""
    from studypack.cli import main

    os.chdir(folder)
    try:
        code = main(["assign", *args])
    except SystemExit as exit:  # argparse's own errors
        code = exit.code
    error = capsys.readouterr().err
    assert code == 2 and message in error, (code, error)
    assert "Traceback" not in error and error.strip().splitlines()[-1].count(message) == 1
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (("questions", "--out", "x", "--nbgrader", "course", "--name", "q"), "not allowed with"),
    (("questions", "--name", "q"), "one of the arguments --out --nbgrader is required"),
    (("questions", "--nbgrader", "course"), "--nbgrader needs --name NAME"),
    (("questions", "--out", "course", "--name", "q"), "--name names an nbgrader assignment"),
    (("exercises", "--out", "course"), "the coding exercises are assigned for nbgrader only"),
    (("exercises", "--nbgrader", "course", "--name", "week 4"), "cannot name an nbgrader"),
    (("exercises", "--nbgrader", "course", "--name", "a+b"), "cannot name an nbgrader"),
    (("exercises", "--nbgrader", "course", "--name", "../up"), "cannot name an nbgrader"),
    (("exercises", "--nbgrader", "course", "--name", "w", "--ids", "mse-backward,nope"),
     "no exercise 'nope'"),
    (("exercises", "--nbgrader", "course", "--name", "w", "--ids", "train-mlp-moons"),
     "add two-layer-backward to --ids"),
    (("exercises", "--nbgrader", "course", "--name", "w", "--topic", "loss"),
     "--topic chooses quiz questions"),
    (("questions", "--nbgrader", "course", "--name", "w", "--ids", "nope"),
     "no question with id 'nope'"),
])
def test_a_wrong_command_line_is_one_clear_error_and_writes_nothing(tmp_path, capsys,
                                                                   monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)  # put back after the test
    refused(tmp_path, capsys, *args, message=message)


def test_an_existing_source_needs_force_and_force_deletes_nothing_else(tmp_path):
    studypack("assign", "exercises", "--ids", "mse-backward,linear-backward", "--nbgrader",
              "course", "--name", "week4", cwd=tmp_path, expect=0)
    notebook = tmp_path / "course/source/week4/exercises.ipynb"
    assert list(cells(notebook)) == [
        "setup", "mse-backward-answer", "mse-backward-check",
        "linear-backward-answer", "linear-backward-check"]
    before = notebook.read_bytes()
    result = studypack("assign", "exercises", "--nbgrader", "course", "--name", "week4",
                       cwd=tmp_path, expect=2)
    assert "exists: choose another --name, or pass --force" in result.stderr
    assert result.stderr.count("\n") == 1 and notebook.read_bytes() == before
    studypack("assign", "exercises", "--ids", "relu-backward", "--nbgrader", "course", "--name",
              "week4", "--force", cwd=tmp_path, expect=0)
    assert "relu-backward-check" in cells(notebook)
    (notebook.parent / "data.csv").write_text("mine", encoding="utf-8")  # the instructor's
    result = studypack("assign", "exercises", "--nbgrader", "course", "--name", "week4",
                       "--force", cwd=tmp_path, expect=2)
    assert "data.csv" in result.stderr
    assert (notebook.parent / "data.csv").read_text(encoding="utf-8") == "mine"
    assert "relu-backward-check" in cells(notebook)


def test_an_empty_source_folder_is_filled_without_force(tmp_path):
    (tmp_path / "course/source/week4").mkdir(parents=True)  # made by hand, or by nbgrader
    studypack("assign", "exercises", "--ids", "relu-backward", "--nbgrader", "course", "--name",
              "week4", cwd=tmp_path, expect=0)
    assert list(cells(tmp_path / "course/source/week4/exercises.ipynb"))[-1] == \
        "relu-backward-check"


def test_a_course_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "course").write_text("not a folder", encoding="utf-8")
    result = studypack("assign", "exercises", "--nbgrader", "course", "--name", "w",
                       cwd=tmp_path, expect=2)
    assert "is a file" in result.stderr
    assert (tmp_path / "course").read_text(encoding="utf-8") == "not a folder"


# ---- the pieces, in-process ----

@given(st.lists(st.sampled_from(["BEGIN SOLUTION", "END HIDDEN TESTS", "END SOLUTION", "\\", "'",
                                 '"', "\n", "é", "BEGIN HIDDEN TESTS", "x"]), max_size=12)
       .map("".join))
def test_a_key_literal_never_holds_a_marker_and_reads_back_the_same(text):
    from studypack.classroom.nbgrader import MARKERS as ALL_MARKERS, python_literal

    value = {"feedback": text, "options": [text, 0.1], "nested": {"why": text}}
    literal = python_literal(value)
    assert not any(marker in literal for marker in ALL_MARKERS)
    assert ast.literal_eval(literal) == value


def test_content_holding_a_marker_is_refused_not_cut():
    from studypack.classroom.assignments import AssignmentError
    from studypack.classroom.nbgrader import source_notebook

    with pytest.raises(AssignmentError, match="BEGIN SOLUTION.*reword"):
        source_notebook([("text", "Type ### BEGIN SOLUTION here", "", 0)])
    with pytest.raises(AssignmentError, match="END SOLUTION"):
        source_notebook([("answer", "### BEGIN SOLUTION\nx = 'END SOLUTION'\n### END SOLUTION",
                          "a", 0)])


@pytest.mark.parametrize("exercise", list_exercises(), ids=lambda exercise: exercise.id)
def test_every_answer_cell_is_the_stub_around_the_reference(exercise):
    """The source's answer cell runs as the reference (it passes the checker); nbgrader's
    stub in its place leaves the stub's signature and comments."""
    import numpy as np

    from studypack.exercises.assignment import answer_source

    source = answer_source(exercise)
    namespace = {"np": np}
    if exercise.id == "train-mlp-moons":
        exec(get_exercise("two-layer-backward").solution, namespace)
    exec(source, namespace)
    assert check(exercise, namespace[exercise.function_name]).passed
    student = re.sub(r"( *)### BEGIN SOLUTION\n.*### END SOLUTION",
                     r"\1raise NotImplementedError", source, flags=re.S)
    assert student.strip() == exercise.stub.strip()


def test_quiz_answers_are_read_as_letters_or_numbers_and_scored_as_studypack_grade_does():
    from studypack.classroom.nbgrader import check_answer_form, grade_answer

    options = [{"text": t, "correct": c, "feedback": f"feedback {t}"}
               for t, c in (("a", True), ("b", False), ("c", True), ("d", False))]
    multiple = {"id": "q", "question": {"id": "q", "topics": ["loss"], "difficulty": "easy",
                                        "kind": "multiple_choice", "prompt": "Which?",
                                        "options": options, "explanation": "Because."}}
    assert grade_answer("a, c", multiple) is None and grade_answer("CA", multiple) is None
    assert grade_answer("A", multiple) == 0.5  # partial credit, as a number nbgrader reads
    with pytest.raises(AssertionError, match=r"(?s)you chose it\): feedback b.*Why: Because"):
        grade_answer("B", multiple)
    for bad in ("", "E", "AA", 2, None):
        with pytest.raises(AssertionError, match="letters of the options"):
            check_answer_form(bad, "multiple_choice", 4)
    for bad in ("AB", "", "Z", ["A"]):
        with pytest.raises(AssertionError, match="letter of one option"):
            check_answer_form(bad, "single_choice", 4)
    check_answer_form(" b ", "single_choice", 4)
    check_answer_form("1/4", "numeric", 0)
    with pytest.raises(AssertionError, match="should be a number.*you typed \"abc\""):
        check_answer_form("abc", "numeric", 0, "en")


def test_language_gives_the_notebook_s_words_statements_and_diagnoses_in_it():
    from studypack.classroom.nbgrader import source_notebook
    from studypack.content.interface_text import interface_text
    from studypack.exercises.assignment import choose_exercises, exercise_cells

    exercise = get_exercise("mse-backward")
    text = source_notebook(exercise_cells(choose_exercises(["mse-backward"]), "Woche 4", "de"))
    german = interface_text("de")["nbgrader exercises intro"].format(count=1)
    assert json.dumps(german, ensure_ascii=False)[1:-1] in text
    assert json.dumps(exercise.texts_in("de").title, ensure_ascii=False)[1:-1] in text
    assert "language='de'" in text


def test_nbgrader_takes_a_partly_right_answer_s_number_as_partial_credit():
    """What the kernel records for a partly right multiple choice (the feedback printed, the
    points as the cell's value) is partial credit to nbgrader; an AssertionError is 0."""
    from nbgrader.utils import determine_grade

    def test_cell(*outputs):
        return nbformat.v4.new_code_cell("grade_answer(...)", outputs=list(outputs), metadata={
            "nbgrader": {"grade": True, "solution": False, "locked": True, "points": 1.0,
                         "grade_id": "q-grade", "schema_version": 3}})

    printed = nbformat.v4.new_output("stream", name="stdout", text="Partly right: …\n")
    value = nbformat.v4.new_output("execute_result", data={"text/plain": repr(0.5)},
                                   execution_count=1)
    failed = nbformat.v4.new_output("error", ename="AssertionError", evalue="✘ Not quite.",
                                    traceback=[])
    assert determine_grade(test_cell(printed, value)) == (0.5, 1.0)
    assert determine_grade(test_cell()) == (1.0, 1.0)  # grade_answer returned None: all right
    assert determine_grade(test_cell(failed)) == (0, 1.0)


def test_a_question_whose_text_holds_an_nbgrader_marker_is_refused_by_name(tmp_path):
    """nbgrader would cut the notebook at the marker (or, in a feedback, end the hidden key
    early): the prompt is refused with the question's id, exit 1, nothing written."""
    from helpers import copy_of_the_pack

    pack = copy_of_the_pack(tmp_path / "pack")
    quiz = pack / "quizzes/questions.yaml"
    text = quiz.read_text(encoding="utf-8")
    prompt = "prompt: What does the mean squared error $"
    assert text.count(prompt) == 1
    quiz.write_text(text.replace(prompt, "prompt: What does the (END SOLUTION) error $"),
                    encoding="utf-8")
    result = studypack("assign", "questions", "--ids", "what-does-mse-measure", "--nbgrader",
                       "course", "--name", "q", "--pack", "pack", cwd=tmp_path, expect=1)
    assert "the cell of what-does-mse-measure" in result.stderr
    assert "END SOLUTION" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "course").exists()
