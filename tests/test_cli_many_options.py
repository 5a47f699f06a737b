"""Questions with more options than letters (A…Z, then AA, AB, …), and text no terminal can
show: the Quiz, the assignment form and `grade` name every option, and no output crashes."""
import csv
import json
import os
import subprocess
import sys

import pytest
import yaml
from hypothesis import given, strategies as st

from studypack.content import MultipleChoiceQuestion, SingleChoiceQuestion
from studypack.classroom.assignments import open_assignment, read_key
from studypack.content.grading import option_label
from studypack.widgets import Quiz
from studypack.widgets.assignment import AssignmentForm

from helpers import studypack


def test_option_labels_run_like_spreadsheet_columns():
    assert [option_label(i) for i in (0, 1, 25, 26, 27, 29, 51, 52, 99, 701, 702)] == \
        ["A", "B", "Z", "AA", "AB", "AD", "AZ", "BA", "CV", "ZZ", "AAA"]


@given(st.integers(0, 20_000), st.integers(0, 20_000))
def test_option_labels_are_distinct_and_ordered(first, second):
    a, b = option_label(first), option_label(second)
    assert a.isalpha() and a.isupper()
    assert (a == b) == (first == second)
    assert ((len(a), a) < (len(b), b)) == (first < second)  # shorter first, then A→Z


def many_options(count: int, correct: set[int]) -> list[dict]:
    return [{"text": f"option number {i}", "correct": i in correct,
             "feedback": f"feedback {i}"} for i in range(count)]


@pytest.mark.parametrize("count", [30, 100])
def test_the_quiz_names_and_grades_every_option(count, tmp_path):
    last = count - 1
    single = SingleChoiceQuestion(id="many-single", topics=["loss"], difficulty="easy",
                                  kind="single_choice", prompt="Pick the last one",
                                  options=many_options(count, {last}), explanation="It is last.")
    multiple = MultipleChoiceQuestion(id="many-multiple", topics=["loss"], difficulty="easy",
                                      kind="multiple_choice", prompt="Pick 0 and the last",
                                      options=many_options(count, {0, last}), explanation="Ends.")
    quiz = Quiz([single, multiple], seed=3)
    for panel in quiz.panels:
        labels = ([label for label, _ in panel.choice.options] if panel.choice is not None
                  else [box.description for box in panel.checkboxes])
        assert labels == [option_label(i) for i in range(count)]
        assert f"<b>{option_label(last)}.</b>" in panel.prompt_view.value
        shown = [option.text for option in panel.question.options]  # shuffled per attempt
        wanted = [shown.index(f"option number {last}")]
        if panel.checkboxes is not None:
            wanted.append(shown.index("option number 0"))
            for index in wanted:
                panel.checkboxes[index].value = True
        else:
            panel.choice.value = wanted[0]
        panel.check_button.click()
        assert panel.result.correct
        assert all(f"<b>{option_label(index)}.</b>" in panel.feedback.value for index in wanted)


def write_many_option_pack(tmp_path, count: int):
    studypack("new", "pack", "--topic", "t", cwd=tmp_path, expect=0)
    questions = [
        {"id": "many-single", "topics": ["t"], "difficulty": "easy", "kind": "single_choice",
         "prompt": "Pick the last one", "options": many_options(count, {count - 1}),
         "explanation": "It is the last."},
        {"id": "many-multiple", "topics": ["t"], "difficulty": "easy",
         "kind": "multiple_choice", "prompt": "Pick the first and the last",
         "options": many_options(count, {0, count - 1}), "explanation": "Both ends."}]
    (tmp_path / "pack/quizzes/questions.yaml").write_text(yaml.safe_dump(questions))
    note = tmp_path / "pack/notes/getting-started.md"
    note.write_text(note.read_text().replace("questions: [how-many-correct-options]\n", ""))
    studypack("validate", cwd=tmp_path / "pack", expect=0)
    return tmp_path / "pack"


@pytest.mark.parametrize("count", [30, 100])
def test_the_assignment_form_and_grade_name_every_option(count, tmp_path):
    pack = write_many_option_pack(tmp_path, count)
    studypack("assign", "questions", "--seed", "4", "--out", "many", cwd=pack, expect=0)
    key = read_key(pack / "many/instructor/key.json")
    wrong = {}  # each student picks one wrong option per question, at the end of the list
    for name, offset in (("Ann", 1), ("Ben", 2), ("Cat", 2)):
        form = AssignmentForm(*open_assignment(pack / "many/student/assignment.json",
                                               pack / f"hand-in/{name}.json"))
        form.name_box.value = name
        for panel in form.panels:
            labels = ([label for label, _ in panel.choice.options] if panel.choice is not None
                      else [box.description for box in panel.checkboxes])
            assert labels == [option_label(i) for i in range(count)]
            scorable = key.question(panel.question.id).scorable
            picks = [i for i, option in enumerate(scorable.options) if not option.correct]
            pick = picks[-offset]
            wrong.setdefault(panel.question.id, []).append(pick)
            if panel.choice is not None:
                panel.choice.value = pick
            else:
                panel.checkboxes[pick].value = True
        form.save_button.click()
        saved = json.loads((pack / f"hand-in/{name}.json").read_text())
        assert all(option_label(wrong[qid][-1]) in form.status.value for qid in saved["answers"])
    result = studypack("grade", "many/instructor/key.json", "hand-in", "--csv", "g.csv",
                       cwd=pack, expect=0)
    table = {line.split()[1]: line.split() for line in result.stdout.splitlines()[1:]}
    for question_id, picks in wrong.items():
        common = max(set(picks), key=picks.count)
        assert table[question_id][6:] == [option_label(common), "×2"]
        assert len(option_label(common)) == 2  # beyond Z
    assert len(list(csv.DictReader((pack / "g.csv").open()))) == 3


# ---- text no terminal can show ----

def test_a_lone_surrogate_in_an_id_is_printed_escaped(tmp_path):
    """A note named by bytes that are not UTF-8 (Python reads them as lone surrogates) gives
    an id that cannot be encoded: validate still prints every problem."""
    studypack("new", "pack", cwd=tmp_path, expect=0)
    notes = os.fsencode(tmp_path / "pack/notes")
    note = (tmp_path / "pack/notes/getting-started.md").read_bytes()
    with open(os.path.join(notes, b"bad-\xff-id.md"), "wb") as file:
        file.write(note.replace(b"id: getting-started", b"id: bad-\xff-id"))
    result = studypack("validate", cwd=tmp_path / "pack", expect=1)
    assert "\\udcff" in result.stdout + result.stderr or "\\xff" in result.stdout + result.stderr


def test_any_output_survives_an_ascii_terminal(tmp_path):
    """stdout/stderr that cannot encode the text (an ASCII console) get escapes, not a crash."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-c",
                             "import sys; from studypack.cli import main; "
                             "code = main(['validate', '--quiet']); "
                             "print('\\ud800 × →'); print('\\udcff ∂', file=sys.stderr); "
                             "sys.exit(code)"],
                            cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0
    assert b"\\ud800 \\xd7 \\u2192" in result.stdout
    assert b"\\udcff \\u2202" in result.stderr
