"""assign → students answer (through the AssignmentForm widget, and by hand) → grade.

The command runs as a subprocess; the students' form runs in-process, driven through its
controls as a student would. Known answers give known scores.
"""
import base64
import binascii
import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from studypack.content import load_pack
from studypack.classroom.assignments import open_assignment, quiz_question_ids, read_key
from studypack.widgets.assignment import AssignmentForm

from helpers import studypack

# one question of each kind; the multiple-choice one has 3 correct options out of 5
CHOSEN = ["what-does-mse-measure", "activation-statements", "mse-value", "mse-mean-gradient"]


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    """`studypack assign` of the CHOSEN questions, seed 5: the output folder."""
    folder = tmp_path_factory.mktemp("class")
    result = studypack("assign", "questions", "--ids", ",".join(CHOSEN[:2]), "--ids", CHOSEN[2],
                       "--ids", CHOSEN[3], "--seed", "5", "--title", "Week 3", "--out", "week3",
                       cwd=folder, expect=0)
    assert "4 questions" in result.stdout
    return folder / "week3"


@pytest.fixture(scope="module")
def key(assigned):
    return read_key(assigned / "instructor/key.json")


def questions_of_quiz(stem: str) -> list[str]:
    """The ids of the questions in one quiz file, quizzes/<stem>.yaml (the pack has several)."""
    return quiz_question_ids(Path(load_pack().root) / "quizzes" / f"{stem}.yaml")


def right_answers(key) -> dict:
    """The correct answer to each question, read from the key (option indexes as shown)."""
    answers = {}
    for question in key.questions:
        scorable = question.scorable
        if question.student.kind == "single_choice":
            answers[question.id] = next(i for i, o in enumerate(scorable.options) if o.correct)
        elif question.student.kind == "multiple_choice":
            answers[question.id] = [i for i, o in enumerate(scorable.options) if o.correct]
        else:
            answers[question.id] = scorable.answer
    return answers


# ---- what assign writes ----

def test_assign_writes_a_student_folder_and_a_key(assigned, key):
    assert sorted(p.relative_to(assigned).as_posix() for p in assigned.rglob("*")
                  if p.is_file()) == ["instructor/key.json", "student/assignment.json",
                                      "student/quiz.ipynb"]
    data = json.loads((assigned / "student/assignment.json").read_text())
    assert sorted(q["id"] for q in data["questions"]) == sorted(CHOSEN)
    assert data["title"] == "Week 3" and data["assignment_id"] == key.assignment_id
    generated = next(q for q in data["questions"] if q["id"] == "mse-mean-gradient")
    assert "{" not in generated["prompt"]  # numbers filled in
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(assigned / "student/quiz.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code"]
    assert 'open_assignment("assignment.json", "responses.json")' in notebook.cells[1].source
    assert all(not cell.get("outputs") for cell in notebook.cells)


def test_the_same_seed_gives_the_same_assignment(assigned, tmp_path):
    args = ["--ids", ",".join(CHOSEN), "--seed", "5", "--title", "Week 3"]
    studypack("assign", "questions", *args, "--out", "again", cwd=tmp_path, expect=0)
    for name in ("student/assignment.json", "student/quiz.ipynb", "instructor/key.json"):
        assert (tmp_path / "again" / name).read_bytes() == (assigned / name).read_bytes(), name
    studypack("assign", "questions", *args[:2], "--seed", "6", "--out", "other", cwd=tmp_path,
              expect=0)
    other = json.loads((tmp_path / "other/student/assignment.json").read_text())
    first = json.loads((assigned / "student/assignment.json").read_text())
    assert other["assignment_id"] != first["assignment_id"]
    assert other["questions"] != first["questions"]


def test_filters_count_and_quiz_given_as_a_path(tmp_path):
    pack = load_pack()
    studypack("assign", Path(pack.root) / "quizzes/questions.yaml", "--topic", "loss",
              "--topic", "learning-rate", "--count", "5", "--out", "out", cwd=tmp_path,
              expect=0)
    data = json.loads((tmp_path / "out/student/assignment.json").read_text())
    assert len(data["questions"]) == 5
    for question in data["questions"]:
        assert {"loss", "learning-rate"} & set(pack.question(question["id"]).topics)


def test_assign_mistakes_are_explained(assigned, tmp_path):
    before = (assigned / "instructor/key.json").read_bytes()
    result = studypack("assign", "questions", "--out", assigned, cwd=tmp_path, expect=2)
    assert "exists and is not empty" in result.stderr and "--force" in result.stderr
    assert (assigned / "instructor/key.json").read_bytes() == before
    assert "no quiz 'week9'" in studypack("assign", "week9", "--out", "x", cwd=tmp_path,
                                          expect=2).stderr
    assert "unknown topic 'optics'" in studypack("assign", "questions", "--topic", "optics",
                                                 "--out", "x", cwd=tmp_path, expect=2).stderr
    assert "no question with id 'nope'" in studypack("assign", "questions", "--ids", "nope",
                                                     "--out", "x", cwd=tmp_path, expect=2).stderr
    total = len(questions_of_quiz("questions"))  # the quiz assigned, not every quiz file
    assert total < len(load_pack().questions)
    assert f"only {total} question(s) match" in studypack(
        "assign", "questions", "--count", "999", "--out", "x", cwd=tmp_path, expect=2).stderr
    assert not (tmp_path / "x").exists()
    studypack("assign", "questions", "--count", "2", "--out", "forced", cwd=tmp_path, expect=0)
    studypack("assign", "questions", "--count", "3", "--out", "forced", "--force", cwd=tmp_path,
              expect=0)
    assert len(json.loads((tmp_path / "forced/student/assignment.json").read_text())
               ["questions"]) == 3


def test_assign_from_an_invalid_pack_lists_its_problems(tmp_path):
    studypack("new", "pack", cwd=tmp_path, expect=0)
    questions = tmp_path / "pack/quizzes/questions.yaml"
    questions.write_text(questions.read_text().replace("correct: false", "correct: true"))
    result = studypack("assign", "questions", "--out", "out", cwd=tmp_path / "pack", expect=1)
    assert "quizzes/questions.yaml:10: how-many-correct-options: options: exactly one option" \
           in result.stderr
    assert "has 1 problem(s)" in result.stderr and not (tmp_path / "pack/out").exists()


# ---- no answer key in the student's files ----

BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
KEY_FIELDS = {"correct", "feedback", "explanation", "tolerance", "answer", "instance",
              "mistakes"}


def _strings(data) -> list[str]:
    """Every key and text in parsed JSON (escapes such as \\partial or \\u2212 undone)."""
    if isinstance(data, dict):
        return [text for key, value in data.items() for text in [key, *_strings(value)]]
    if isinstance(data, list):
        return [text for value in data for text in _strings(value)]
    return [data] if isinstance(data, str) else []


def _readings(path: Path) -> list[str]:
    """The file's text, its JSON strings, and every long base64-looking run decoded."""
    raw = path.read_bytes()
    readings = [raw.decode("utf-8", "replace")]
    try:
        readings += _strings(json.loads(raw))
    except ValueError:
        pass
    for reading in list(readings):
        for run in BASE64_RUN.findall(reading):
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    readings.append(decode(run + "=" * (-len(run) % 4)).decode("utf-8", "replace"))
                except (binascii.Error, ValueError):
                    pass
    return readings


def answer_key_leaks(folder: Path, key) -> list[str]:
    """Every trace of the key in the files under `folder`: a key field name, or the text of
    an explanation, an option's or a mistake's feedback, or the exact number a generated
    question's mistake gives, plain, JSON-escaped or base64-encoded."""
    texts = set()
    for question in key.questions:
        texts.add(question.scorable.explanation)
        texts.update(option.feedback for option in getattr(question.scorable, "options", ()) or ())
        texts.update(mistake_texts(question.scorable))
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for reading in _readings(path):
            leaks += [f"{path.name}: field {reading!r}" for field in [reading]
                      if field in KEY_FIELDS]
            leaks += [f"{path.name}: {text[:40]!r}" for text in texts if text in reading]
    return leaks


def mistake_texts(scorable) -> set[str]:
    """A question's mistakes as they could leak: their feedback, and the full-precision
    numbers of a drawn instance's mistakes (short ones such as 0.5 are in prompts anyway)."""
    source = getattr(scorable, "question", scorable)  # a drawn instance, or the question
    mistakes = getattr(source, "mistakes", None) or ()
    texts = set(mistakes.values() if isinstance(mistakes, dict)
                else (mistake.feedback for mistake in mistakes))
    if source is not scorable:
        texts.update(repr(value) for value in scorable.mistakes.values()
                     if len(repr(value)) >= 8)
    return texts


def test_the_student_folder_contains_no_answer_key(tmp_path):
    studypack("assign", "questions", "--seed", "11", "--out", "all", cwd=tmp_path, expect=0)
    key = read_key(tmp_path / "all/instructor/key.json")
    assert sorted(q.id for q in key.questions) == sorted(questions_of_quiz("questions"))
    assert answer_key_leaks(tmp_path / "all/student", key) == []
    assert answer_key_leaks(tmp_path / "all/instructor", key) != []  # the check can find one
    hidden = tmp_path / "all/student/extra.json"  # and would see through base64
    hidden.write_bytes(base64.b64encode(key.questions[0].scorable.explanation.encode()))
    assert answer_key_leaks(tmp_path / "all/student", key) != []
    hidden.write_text(json.dumps({"x": key.questions[1].scorable.explanation}))  # escaped
    assert answer_key_leaks(tmp_path / "all/student", key) != []
    # the mistakes too: their feedback, and the numbers the key keeps for a drawn instance
    drawn = [q.scorable for q in key.questions if hasattr(q.scorable, "seed")
             and q.scorable.mistakes and q.scorable.question.mistakes]
    assert drawn, "the quiz has generated questions with mistakes"
    static = next(q.scorable for q in key.questions
                  if q.student.kind == "numeric" and q.scorable.mistakes)
    for planted in (static.mistakes[0].feedback, next(iter(drawn[0].question.mistakes.values())),
                    repr(next(v for d in drawn for v in d.mistakes.values()
                              if len(repr(v)) >= 8))):
        hidden.write_text(json.dumps({"x": planted}))
        assert answer_key_leaks(tmp_path / "all/student", key) != [], planted
    hidden.unlink()

    notebook = json.loads((tmp_path / "all/student/quiz.ipynb").read_text())
    assert set(notebook["metadata"]) == {"kernelspec", "language_info"}
    assert all(set(cell["metadata"]) == set() for cell in notebook["cells"])
    # the pack lists the right option first; the assignment shuffles, so position tells nothing
    positions = {i for q in key.questions for i, o in enumerate(getattr(q.scorable, "options",
                                                                        None) or ()) if o.correct}
    assert len(positions) >= 3


# ---- students answer through the form ----

def fill_in(form: AssignmentForm, name: str, answers: dict) -> None:
    """Type the name and answers into the form's controls, as a student would."""
    form.name_box.value = name
    for panel in form.panels:
        answer = answers.get(panel.question.id)
        if panel.choice is not None:
            panel.choice.value = answer
        elif panel.checkboxes is not None:
            for index, box in enumerate(panel.checkboxes):
                box.value = index in (answer or ())
        else:
            panel.number_box.value = "" if answer is None else str(answer)


def test_the_form_saves_answers_and_shows_what_was_saved(assigned, key, tmp_path):
    form = AssignmentForm(*open_assignment(assigned / "student/assignment.json",
                                           tmp_path / "responses.json"))
    assert len(form.panels) == 4
    form.save_button.click()
    assert "Type your name first" in form.status.value and not (tmp_path / "responses.json").exists()

    answers = right_answers(key)
    numeric = next(p for p in form.panels if p.question.id == "mse-value")
    fill_in(form, "Ada <Lovelace>", {**answers, "mse-value": None})
    numeric.number_box.value = "two"
    form.save_button.click()
    saved = json.loads((tmp_path / "responses.json").read_text())
    assert saved["student"] == "Ada <Lovelace>" and "mse-value" not in saved["answers"]
    assert "Saved 3 of 4 answers for Ada &lt;Lovelace&gt;" in form.status.value
    assert "is not a number" in form.status.value

    numeric.number_box.value = "1,5"  # a decimal comma is read as 1.5; re-saving overwrites
    form.save_button.click()
    saved = json.loads((tmp_path / "responses.json").read_text())
    assert saved["answers"]["mse-value"] == 1.5 and "Saved 4 of 4" in form.status.value
    assert set(saved) == {"kind", "format_version", "assignment_id", "questions_hash",
                          "student", "answers", "saved_at"}
    assert saved["kind"] == "studypack-responses"
    assert "correct" not in form.status.value.lower()  # no right/wrong: the form has no key

    reopened = AssignmentForm(*open_assignment(assigned / "student/assignment.json",
                                               tmp_path / "responses.json"))
    assert reopened.name_box.value == "Ada <Lovelace>"
    assert reopened.panels[0].answer() == saved["answers"].get(reopened.panels[0].question.id)


# ---- grade ----

def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_round_trip_assign_answer_grade(assigned, key, tmp_path):
    answers = right_answers(key)
    kinds = {q.id: q.student.kind for q in key.questions}
    multiple = next(q.scorable for q in key.questions if q.id == "activation-statements")
    wrong_options = [i for i, o in enumerate(multiple.options) if not o.correct]
    single = next(q.scorable for q in key.questions if q.id == "what-does-mse-measure")
    wrong_single = next(i for i, o in enumerate(single.options) if not o.correct)
    assert kinds["activation-statements"] == "multiple_choice" and len(multiple.options) == 5
    assert len(answers["activation-statements"]) == 3  # so: +1/3 per right, −1/2 per wrong

    hand_in = tmp_path / "handed-in"
    hand_in.mkdir()
    student = assigned / "student/assignment.json"
    # Ada: everything right, through the form
    ada = AssignmentForm(*open_assignment(student, hand_in / "ada.json"))
    fill_in(ada, "Ada", answers)
    ada.save_button.click()
    # Bob: through the form; wrong single choice, 2 right + 1 wrong ticked, numeric just
    # within its tolerance, generated answer off by 10 %
    bob = AssignmentForm(*open_assignment(student, hand_in / "bob.json"))
    mse_value = next(q.scorable for q in key.questions if q.id == "mse-value")
    generated = next(q.scorable for q in key.questions if q.id == "mse-mean-gradient")
    fill_in(bob, "Bob", {"what-does-mse-measure": wrong_single,
                         "activation-statements": answers["activation-statements"][:2]
                         + wrong_options[:1],
                         "mse-value": mse_value.answer + 0.9 * mse_value.tolerance,
                         "mse-mean-gradient": generated.answer * 1.1})
    bob.save_button.click()
    # Cy: hand-written JSON, one answer only (numbers may be typed as text)
    record = json.loads((hand_in / "ada.json").read_text())
    write_json(hand_in / "cy.json", {**record, "student": "Cy",
                                     "answers": {"mse-value": str(mse_value.answer)}})
    # files that must be reported and skipped
    write_json(hand_in / "tampered.json", {**record, "student": "Eve",
                                           "questions_hash": "0" * 64})
    write_json(hand_in / "other-quiz.json", {**record, "assignment_id": "questions-seed1-x"})
    write_json(hand_in / "broken.json", '{"student": "Dan", "answers": {')
    write_json(hand_in / "types.json", {**record, "student": "Fay", "answers": {
        "activation-statements": 2, "what-does-mse-measure": 9, "mse-value": "lots",
        "who-knows": 1}})
    write_json(hand_in / "ada-again.json", {**record, "student": "ADA"})

    result = studypack("grade", assigned / "instructor/key.json", hand_in, "--csv", "grades.csv",
                       cwd=tmp_path, expect=1)
    rows = list(csv.DictReader((tmp_path / "grades.csv").open()))
    by_student = {row["student"]: row for row in rows}
    assert sorted(by_student) == ["ADA", "Ada", "Bob", "Cy"]
    ada_row, bob_row, cy_row = by_student["Ada"], by_student["Bob"], by_student["Cy"]
    assert (ada_row["total"], ada_row["max"], ada_row["percent"]) == ("4", "4", "100.0")
    # Bob: 0 + (2/3 − 1/2) + 1 + 0
    assert bob_row["what-does-mse-measure"] == "0"
    assert float(bob_row["activation-statements"]) == pytest.approx(1 / 6, abs=1e-4)
    assert bob_row["mse-value"] == "1" and bob_row["mse-mean-gradient"] == "0"
    assert float(bob_row["total"]) == pytest.approx(7 / 6, abs=1e-4)
    assert (cy_row["total"], cy_row["mse-value"], cy_row["file"]) == ("1", "1", "cy.json")
    assert list(rows[0])[:5] == ["student", "file", "total", "max", "percent"]

    errors = result.stderr
    assert "tampered.json: its questions_hash does not match the key" in errors
    assert "other-quiz.json: it is for assignment \"questions-seed1-x\"" in errors
    assert "broken.json: not a readable JSON file" in errors
    assert "types.json: answers: activation-statements: expected a list of option indexes" in errors
    assert "types.json: answers: what-does-mse-measure: option index 9 is out of range" in errors
    assert "types.json: answers: mse-value: expected a number" in errors
    assert "types.json: answers: no question 'who-knows' in this assignment" in errors
    for name in ("tampered", "other-quiz", "broken", "types"):
        assert f"{name}.json: skipped" in errors
    assert "handed-in/ada.json: student 'Ada' also handed in handed-in/ada-again.json; both " \
           "are graded" in errors

    table = {line.split()[1]: line.split() for line in result.stdout.splitlines()[1:]}
    # columns: #, id, kind, answered, right, mean, most common wrong
    assert table["what-does-mse-measure"][3:5] == ["3/4", "2/4"]
    letter = "ABCDEFGH"[wrong_single]
    assert table["what-does-mse-measure"][6:] == [letter, "×1"]
    assert table["activation-statements"][6:] == ["ABCDEFGH"[wrong_options[0]], "×1"]
    assert table["mse-value"][3:5] == ["4/4", "4/4"]

    clean = studypack("grade", assigned / "instructor/key.json", hand_in / "ada.json",
                      hand_in / "bob.json", "--csv", "clean.csv", cwd=tmp_path, expect=0)
    assert clean.stderr.strip() == "graded 2 student(s) into clean.csv"


def test_grade_with_a_bad_or_missing_key(assigned, tmp_path):
    assert "no key file" in studypack("grade", "missing.json", "r.json", "--csv", "g.csv",
                                      cwd=tmp_path, expect=2).stderr
    key = json.loads((assigned / "instructor/key.json").read_text())
    key["questions"][0]["question"]["options"][0]["correct"] = "yes"
    write_json(tmp_path / "edited.json", key)
    result = studypack("grade", "edited.json", "r.json", "--csv", "g.csv", cwd=tmp_path,
                       expect=1)
    assert "edited.json is not a valid key" in result.stderr
    assert not (tmp_path / "g.csv").exists()


def test_the_student_notebook_runs_where_it_is_copied(assigned, tmp_path):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    copy = tmp_path / "somewhere-else"
    shutil.copytree(assigned / "student", copy)
    notebook = nbformat.read(copy / "quiz.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=60, resources={"metadata": {"path": str(copy)}}
                            ).execute()
    [output] = notebook.cells[1].outputs
    assert "application/vnd.jupyter.widget-view+json" in output["data"]
    assert not (copy / "responses.json").exists()  # written only when the student saves


def test_an_assignment_in_german_frames_its_questions_in_german(tmp_path):
    studypack("assign", "questions", "--ids", "what-does-mse-measure,mse-value", "--language",
              "de", "--out", "de", cwd=tmp_path, expect=0)
    student = tmp_path / "de/student"
    notebook = json.loads((student / "quiz.ipynb").read_text("utf-8"))
    intro = "".join(notebook["cells"][0]["source"])
    assert "responses.json" in intro and "Run the cell below" not in intro
    form = AssignmentForm(*open_assignment(student / "assignment.json", tmp_path / "r.json"))
    assert form.assignment.language == "de"
    assert form.save_button.description != "Save"
    german = load_pack(language="de").question("what-does-mse-measure").prompt
    assert any(german in panel.prompt_view.value for panel in form.panels)
