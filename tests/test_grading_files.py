"""`grade` on what a class really hands in: folders as an LMS or nbgrader lays them out,
renamed files, hostile files (skipped and reported, the others graded), names that would be
spreadsheet formulas, and a --csv that is never lost."""
import csv
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from studypack.classroom.assignments import read_key
from studypack.classroom.handins import (HandIn, find_hand_ins, grade_files, grades_csv,
                                       spreadsheet_text)

from helpers import studypack

CHOSEN = "what-does-mse-measure,activation-statements,mse-value"


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grading")
    studypack("assign", "questions", "--ids", CHOSEN, "--seed", "3", "--out", "week3",
              cwd=folder, expect=0)
    return folder / "week3"


@pytest.fixture(scope="module")
def key(assigned):
    return read_key(assigned / "instructor/key.json")


def record(key, student="Ada", **answers) -> dict:
    return {"kind": "studypack-responses", "format_version": 1,
            "assignment_id": key.assignment_id, "questions_hash": key.questions_hash,
            "student": student, "answers": answers or {"mse-value": 1.5}}


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def grade(assigned, *args, cwd, expect):
    return studypack("grade", assigned / "instructor/key.json", *args, cwd=cwd, expect=expect)


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


# ---- the layouts a class hands in ----

def test_a_folder_per_student_as_nbgrader_or_an_lms_unpacks_it(assigned, key, tmp_path):
    """submitted/<student>/<assignment>/ with the whole student folder in each."""
    for name in ("ada", "bob"):
        folder = tmp_path / "submitted" / name / "week3"
        for copied in ("assignment.json", "quiz.ipynb"):
            write(folder / copied, (assigned / "student" / copied).read_bytes())
        answers = record(key, student=name.title())
        if name == "bob":
            del answers["student"]  # no name given: the student's folder names him
        write(folder / "responses.json", answers)
        write(folder / ".ipynb_checkpoints/responses-checkpoint.json", b"\x00junk")
    write(tmp_path / "submitted/__MACOSX/ada/week3/._responses.json", b"\x00\x05\x16\x07")
    write(tmp_path / "submitted/instructor/key.json",
          (assigned / "instructor/key.json").read_bytes())
    result = grade(assigned, "submitted", "--csv", "grades.csv", cwd=tmp_path, expect=0)
    assert result.stderr.strip() == "graded 2 student(s) into grades.csv"
    assert [(row["student"], row["file"]) for row in rows(tmp_path / "grades.csv")] == \
        [("Ada", "ada/week3/responses.json"), ("bob", "bob/week3/responses.json")]


def test_renamed_files_side_by_side_and_two_from_one_student(assigned, key, tmp_path):
    write(tmp_path / "in/ada_1234_responses.json", record(key, "Ada"))
    write(tmp_path / "in/bob-week3.JSON", record(key, "Bob"))
    write(tmp_path / "in/ada_1234_responses-1.json", record(key, "ada "))
    write(tmp_path / "in/lms-metadata.json", {"course": 7})
    write(tmp_path / "in/assignment.json", (assigned / "student/assignment.json").read_bytes())
    result = grade(assigned, "in", "--csv", "g.csv", cwd=tmp_path, expect=1)
    assert [row["file"] for row in rows(tmp_path / "g.csv")] == [
        "ada_1234_responses-1.json", "ada_1234_responses.json", "bob-week3.JSON"]
    assert "in/ada_1234_responses.json: student 'Ada' also handed in " \
           "in/ada_1234_responses-1.json" in result.stderr
    assert "in/lms-metadata.json: ignored: not a responses file" in result.stderr
    assert "assignment.json" not in result.stderr


def test_the_key_or_assignment_named_as_answers_is_refused(assigned, key, tmp_path):
    write(tmp_path / "ada.json", record(key))
    result = grade(assigned, "ada.json", assigned / "student/assignment.json",
                   assigned / "instructor/key.json", "--csv", "g.csv", cwd=tmp_path, expect=1)
    assert "assignment.json: the assignment file, not a student's answers" in result.stderr
    assert "key.json: the key file, not a student's answers" in result.stderr
    assert len(rows(tmp_path / "g.csv")) == 1


# ---- the CSV is never lost ----

def test_csv_needs_force_and_a_typo_writes_nothing(assigned, key, tmp_path):
    write(tmp_path / "in/ada.json", record(key))
    grades = write(tmp_path / "grades.csv", "the good one\n")
    result = grade(assigned, "in", "--csv", "grades.csv", cwd=tmp_path, expect=2)
    assert "grades.csv exists" in result.stderr and "--force" in result.stderr
    result = grade(assigned, "inn", "--csv", "grades.csv", "--force", cwd=tmp_path, expect=2)
    assert "no responses file or folder inn" in result.stderr
    write(tmp_path / "empty/notes.txt", "no json here")
    write(tmp_path / "bad/x.json", "{")
    for folder in ("empty", "bad"):
        result = grade(assigned, folder, "--csv", "grades.csv", "--force", cwd=tmp_path,
                       expect=1)
        assert "no responses file could be graded" in result.stderr
    assert grades.read_text() == "the good one\n"
    grade(assigned, "in", "--csv", "grades.csv", "--force", cwd=tmp_path, expect=0)
    assert rows(grades)[0]["student"] == "Ada"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "empty", "grades.csv", "in"]


def test_temp_files_of_killed_runs_are_removed_and_no_others(assigned, key, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    write(tmp_path / "in/ada.json", record(key))
    stale = write(tmp_path / f".grades.csv.{dead.pid}-0123abcd.tmp", "half")
    alive = write(tmp_path / f".grades.csv.{os.getpid()}-0123abcd.tmp", "a running one's")
    other = write(tmp_path / ".grades.csv.backup", "the user's")
    grade(assigned, "in", "--csv", "grades.csv", cwd=tmp_path, expect=0)
    assert not stale.exists() and alive.exists() and other.exists()


# ---- spreadsheet formulas ----

FORMULAS = ["=1+1", "+A1", "-2+3", "@SUM(A1:A2)", "\t=2", "\r=3", "=HYPERLINK(\"x\")",
            " =4", "＝5", "\t\tX"]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_name_that_is_a_formula_stays_text(name):
    assert spreadsheet_text(name) == "'" + name
    assert spreadsheet_text("Ada") == "Ada" and spreadsheet_text("O'Neil") == "O'Neil"


def test_formula_names_and_file_names_are_neutralised_in_the_csv(assigned, key, tmp_path):
    names = FORMULAS + ["Ada", "Zoë -"]
    for number, name in enumerate(names):
        write(tmp_path / f"in/{number}.json", record(key, name))
    write(tmp_path / "in/=cmd.json", record(key, "Eve"))
    grade(assigned, "in", "--csv", "g.csv", cwd=tmp_path, expect=0)
    table = rows(tmp_path / "g.csv")
    by_name = {row["student"]: row for row in table}
    for name in FORMULAS:  # names are saved stripped, as the form saves them
        assert spreadsheet_text(name.strip()) in by_name, name
    assert "'=1+1" in by_name and "'@SUM(A1:A2)" in by_name and "'-2+3" in by_name
    assert "Ada" in by_name and "Zoë -" in by_name
    assert by_name["Eve"]["file"] == "'=cmd.json"
    for row in table:  # no cell a spreadsheet would run
        assert not row["student"].lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


# ---- hostile files: skipped and reported, the others graded ----

def crafted(key, folder: Path) -> dict:
    """file name → a phrase its report must contain."""
    good = record(key)
    cases = {
        "long-number.json": (json.dumps(record(key, "Al", **{"mse-value": 0})).replace(
            '"mse-value": 0', '"mse-value": ' + "9" * 401), "expected a number"),
        "long-index.json": (json.dumps(record(key, "Al", **{"what-does-mse-measure": 0})).replace(
            '"what-does-mse-measure": 0', '"what-does-mse-measure": ' + "9" * 401),
            "out of range"),
        "digits.json": ('{"student": ' + "1" * 5000 + "}", "not a readable JSON file"),
        "deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        "deep-answers.json": (json.dumps(good)[:-1] + ', "x": ' + '{"a":' * 100_000 + "1"
                              + "}" * 100_000 + "}", "nested too deeply"),
        "surrogate.json": (json.dumps(good).replace('"Ada"', '"Ada \\ud800"'),
                           "lone surrogate"),
        "nan.json": (json.dumps(good).replace("1.5", "NaN"), "NaN"),
        "infinity.json": (json.dumps(good).replace("1.5", "-Infinity"), "-Infinity"),
        "overflow.json": (json.dumps(good).replace("1.5", "1e999"), "overflows"),
        "types.json": ({**good, "student": 5, "answers": [1]}, "student must be a name"),
        "version.json": ({**good, "format_version": True}, "format_version is true"),
        "list.json": ([good], "expected a JSON object"),
        "huge.json": (json.dumps({**good, "pad": "x" * 3_000_000}), "larger than"),
        "garbage.json": (b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(5000),
                         "not UTF-8"),
        "long-name.json": ({**good, "student": "A" * 10_000}, "student must be a name"),
        "long-answer.json": ({**good, "answers": {"mse-value": "9" * 100_000}},
                             "expected a number"),
    }
    for name, (data, _) in cases.items():
        write(folder / name, data)
    (folder / "link.json").symlink_to(folder / "ok-ada.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.json")
    (folder / "folder.json").mkdir()
    write(folder / "folder.json/ok-cy.json", record(key, "Cy"))
    return {**{name: phrase for name, (_, phrase) in cases.items()},
            "link.json": "symbolic link", "zero.json": "symbolic link",
            "fifo.json": "not a regular file"}


def test_hostile_files_are_skipped_and_the_rest_graded(assigned, key, tmp_path):
    folder = tmp_path / "in"
    write(folder / "ok-ada.json", record(key, "Ada"))
    write(folder / "ok-bob.json", record(key, "Bob", **{"mse-value": "1,5"}))
    expected = crafted(key, folder)
    result = grade(assigned, "in", "--csv", "g.csv", cwd=tmp_path, expect=1)
    assert sorted(row["student"] for row in rows(tmp_path / "g.csv")) == ["Ada", "Bob", "Cy"]
    lines = result.stderr.splitlines()
    for name, phrase in expected.items():
        reports = [line for line in lines if line.startswith(f"in/{name}: ")]
        assert f"in/{name}: skipped" in reports, (name, result.stderr[-2000:])
        assert any(phrase in line for line in reports), (name, reports)
        assert all(len(line) < 400 for line in reports), name
    assert f"skipped {len(expected)} file(s)" in result.stderr
    # named one by one instead of as a folder: the same
    named = [folder / name for name in ("ok-ada.json", *expected)]
    result = grade(assigned, *named, "--csv", "g2.csv", cwd=tmp_path, expect=1)
    assert [row["student"] for row in rows(tmp_path / "g2.csv")] == ["Ada"]
    assert f"skipped {len(expected)} file(s)" in result.stderr


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(10**300, 10**400)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
    | st.sampled_from(["\ud800", "=1+1", "", " ", "1,5", "1/0", "9" * 500]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12)


def mutate(data: dict, choice, value):
    """Replace, drop or add one field, or one answer."""
    data = json.loads(json.dumps(data))
    target = data["answers"] if choice % 2 else data
    field = [*target, "extra"][choice % (len(target) + 1)]
    if choice % 3 == 0:
        target.pop(field, None)
    else:
        target[field] = value
    return data


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10**6), JSON_VALUES, st.integers(0, 3), st.binary(max_size=6),
       st.integers(0, 10**6))
def test_any_mutation_of_a_responses_file_is_graded_or_reported(key, tmp_path, choice, value,
                                                                  mode, noise, where):
    good = record(key, "Ada", **{"mse-value": 1.5, "what-does-mse-measure": 0,
                                 "activation-statements": [0, 1]})
    data = mutate(good, choice, value)
    text = json.dumps(data, allow_nan=True).encode("utf-8", "surrogatepass")
    if mode == 1:  # bytes changed in place
        at = where % len(text)
        text = text[:at] + noise + text[at + len(noise):]
    elif mode == 2:  # cut short
        text = text[:where % len(text)]
    path = tmp_path / "mutated.json"
    path.write_bytes(text)
    report = grade_files(key, [HandIn(path, "mutated.json")])
    assert len(report.results) + len(report.skipped) == 1
    if report.skipped:
        [(_, problems)] = report.skipped
        assert problems and all(isinstance(p, str) and p and len(p) < 400 for p in problems)
        "\n".join(problems).encode("utf-8")  # printable as UTF-8
        return
    [result] = report.results
    table = grades_csv(report)
    table.encode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(table)))
    assert row["student"] in (result.student, "'" + result.student)
    assert 0 <= float(row["total"]) <= float(row["max"])


def test_find_hand_ins_lists_each_file_once(tmp_path):
    write(tmp_path / "in/a.json", "{}")
    found = find_hand_ins([tmp_path / "in", tmp_path / "in/a.json", tmp_path / "in"])
    assert [hand_in.label for hand_in in found] == ["a.json"]
