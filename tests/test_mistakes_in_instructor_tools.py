"""Known mistakes carried through the instructor tools: the assignment key keeps the numbers a
drawn question's mistakes give (and still grades a key written without them), `studypack
grade` names the mistake behind a common wrong number, and the jupyterquiz export keeps the
mistakes as wrong answers with their feedback, back again through its import."""
import dataclasses
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from studypack.classroom.assignments import (AssignmentError, FORMAT_VERSION, RESPONSES_KIND,
                                             read_key)
from studypack.content import generate, load_pack, parse_question, score
from studypack.content.generators import TEMPLATES, format_number
from studypack.exchange import ExportProblem, import_jupyterquiz, jupyterquiz_questions
from studypack.content.markdown import markdown_to_html

from helpers import studypack

STATIC, GENERATED = "mse-value", "mse-mean-gradient"  # a numeric and a generated question
SEED = 5


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    studypack("assign", "questions", "--ids", f"{STATIC},{GENERATED}", "--seed", SEED,
              "--out", "week", cwd=folder, expect=0)
    return folder / "week"


def key_data(assigned) -> dict:
    return json.loads((assigned / "instructor/key.json").read_text())


def entry_of(data: dict, question_id: str) -> dict:
    return next(entry for entry in data["questions"] if entry["id"] == question_id)


def write_key(folder, data: dict):
    path = folder / "key.json"
    path.write_text(json.dumps(data))
    return path


# ---- the key keeps the drawn mistakes ----

def test_the_key_stores_the_numbers_the_drawn_mistakes_give(assigned):
    stored = entry_of(key_data(assigned), GENERATED)["instance"]["mistakes"]
    drawn = generate(load_pack().question(GENERATED), SEED)
    assert stored == drawn.mistakes and "forgot-mean" in stored
    scorable = read_key(assigned / "instructor/key.json").question(GENERATED).scorable
    assert scorable.mistakes == drawn.mistakes
    result = score(scorable, stored["forgot-mean"])
    assert not result.correct and result.mistake == "forgot-mean"
    assert "divide by the number of predictions" in result.mistake_feedback


def test_a_stored_key_grades_without_the_template_and_an_old_key_by_drawing_again(
        assigned, tmp_path, monkeypatch):
    data = key_data(assigned)
    wrong = entry_of(data, GENERATED)["instance"]["mistakes"]["forgot-mean"]
    old = json.loads(json.dumps(data))
    del entry_of(old, GENERATED)["instance"]["mistakes"]  # as written before mistakes were kept
    old_key = read_key(write_key(tmp_path, old)).question(GENERATED).scorable
    assert old_key.mistakes == {}
    assert score(old_key, wrong).mistake == "forgot-mean"  # drawn again from its seed

    def changed(rng):
        raise AssertionError("grading a stored key must not draw the template again")
    template = TEMPLATES["mse-mean-gradient"]
    monkeypatch.setitem(TEMPLATES, template.name, dataclasses.replace(template, draw=changed))
    stored = read_key(assigned / "instructor/key.json").question(GENERATED).scorable
    assert score(stored, wrong).mistake == "forgot-mean"
    assert score(stored, stored.answer).correct


@pytest.mark.parametrize("mistakes", [["forgot-mean"], {"forgot-mean": "4.4"},
                                      {"forgot-mean": True}, {"forgot-mean": None}])
def test_a_key_with_malformed_mistakes_is_refused_in_one_line(assigned, tmp_path, mistakes):
    data = key_data(assigned)
    entry_of(data, GENERATED)["instance"]["mistakes"] = mistakes
    with pytest.raises(AssignmentError) as error:
        read_key(write_key(tmp_path, data))
    message = str(error.value)
    assert "\n" not in message and f"{GENERATED}: the drawn instance's mistakes" in message
    result = studypack("grade", write_key(tmp_path, data), tmp_path, "--csv", "g.csv",
                       cwd=tmp_path, expect=1)
    assert "is not a valid key" in result.stderr and not (tmp_path / "g.csv").exists()


def test_the_student_part_carries_no_mistake(assigned):
    text = (assigned / "student/assignment.json").read_text() \
        + (assigned / "student/quiz.ipynb").read_text()
    pack = load_pack()
    feedback = [m.feedback for m in pack.question(STATIC).mistakes] \
        + list(pack.question(GENERATED).mistakes.values())
    numbers = entry_of(key_data(assigned), GENERATED)["instance"]["mistakes"].values()
    assert "mistake" not in text
    for leak in [*feedback, *(repr(number) for number in numbers)]:
        assert leak not in text and json.dumps(leak)[1:-1] not in text


# ---- studypack grade names the mistake behind a wrong number ----

def hand_in(folder, name: str, answers: dict, key: dict) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "responses.json").write_text(json.dumps(
        {"kind": RESPONSES_KIND, "format_version": FORMAT_VERSION,
         "assignment_id": key["assignment_id"], "questions_hash": key["questions_hash"],
         "student": name, "answers": answers}))


def stats_rows(stdout: str) -> dict[str, str]:
    """The grade table's 'most common wrong' column by question id."""
    rows = {}
    for line in stdout.splitlines()[1:]:
        cells = line.split()
        rows[cells[1]] = " ".join(cells[6:])
    return rows


def test_grade_names_the_common_mistake(assigned, tmp_path):
    data = key_data(assigned)
    forgot_mean = entry_of(data, GENERATED)["instance"]["mistakes"]["forgot-mean"]
    summed = entry_of(data, STATIC)["question"]["mistakes"][0]["answer"]
    tolerance = entry_of(data, STATIC)["question"]["tolerance"]
    handed = tmp_path / "handed"
    # three make the same mistake, typing slightly different numbers: counted together
    for number, offset in enumerate((0.0, 0.0004, -0.0004)):
        hand_in(handed, f"s{number}", {GENERATED: forgot_mean + offset,
                                        STATIC: summed + offset * tolerance}, data)
    hand_in(handed, "other", {GENERATED: 123.0, STATIC: 77}, data)
    hand_in(handed, "another", {GENERATED: 123.0, STATIC: 77}, data)
    result = studypack("grade", assigned / "instructor/key.json", handed, "--csv", "g.csv",
                       cwd=tmp_path, expect=0)
    rows = stats_rows(result.stdout)
    assert rows[GENERATED] == f"{_shown(forgot_mean)} (forgot-mean) ×3"
    assert rows[STATIC] == f"{_shown(summed)} (mistake 1) ×3"
    # a wrong number no mistake explains is shown as typed
    hand_in(handed, "third", {GENERATED: 123.0, STATIC: 77}, data)
    hand_in(handed, "fourth", {GENERATED: 123.0, STATIC: 77}, data)
    rows = stats_rows(studypack("grade", assigned / "instructor/key.json", handed, "--csv",
                                "g.csv", "--force", cwd=tmp_path, expect=0).stdout)
    assert rows[GENERATED] == "123 ×4" and rows[STATIC] == "77 ×4"


def test_grade_with_an_old_key_still_names_the_mistake(assigned, tmp_path):
    data = key_data(assigned)
    forgot_mean = entry_of(data, GENERATED)["instance"]["mistakes"]["forgot-mean"]
    del entry_of(data, GENERATED)["instance"]["mistakes"]
    key = write_key(tmp_path, data)
    hand_in(tmp_path / "handed", "ada", {GENERATED: forgot_mean}, data)
    rows = stats_rows(studypack("grade", key, tmp_path / "handed", "--csv", "g.csv",
                                cwd=tmp_path, expect=0).stdout)
    assert rows[GENERATED] == f"{_shown(forgot_mean)} (forgot-mean) ×1"


def _shown(number: float) -> str:
    return format_number(number)


# ---- jupyterquiz: mistakes as wrong answers with their feedback ----

def jupyterquiz_feedback(exported: dict, typed: float) -> tuple[bool, str]:
    """What jupyterquiz shows for `typed` (its numeric.js without precision): the first
    answer whose value equals it or whose [low, high) range holds it, else the default."""
    default = "Incorrect. Try again."
    for answer in exported["answers"]:
        if "value" in answer and typed == answer["value"]:
            return answer["correct"], answer["feedback"]
        if "range" in answer and answer["range"][0] <= typed < answer["range"][1]:
            return answer["correct"], answer["feedback"]
        if answer.get("type") == "default":
            default = answer["feedback"]
    return False, default


def numeric_question(answer, tolerance, mistakes):
    return parse_question({
        "id": "q", "topics": ["loss"], "difficulty": "easy", "kind": "numeric",
        "prompt": "How much?", "answer": answer, "tolerance": tolerance,
        "explanation": "Because.",
        "mistakes": [{"answer": value, "feedback": f"Mistake number {n}."}
                     for n, value in enumerate(mistakes, 1)]})


@settings(max_examples=300, deadline=None)
@given(st.floats(-10, 10), st.floats(0.05, 1),
       st.lists(st.floats(-10, 10), min_size=1, max_size=4, unique=True),
       st.floats(-12, 12))
def test_jupyterquiz_gives_the_feedback_studypack_gives(answer, tolerance, mistakes, typed):
    """For any typed number away from a boundary, the exported question's first matching
    answer is right exactly when studypack says so, and shows the same mistake's feedback."""
    assume(all(abs(m - answer) > tolerance * 1.001 for m in mistakes))
    edges = [answer + s * tolerance for s in (-1, 1)] + \
        [m + s * tolerance for m in mistakes for s in (-1, 1)] + \
        [(a + b) / 2 for a in mistakes for b in mistakes if a != b]
    assume(all(abs(typed - edge) > 1e-6 for edge in edges))
    question = numeric_question(answer, tolerance, mistakes)
    [exported] = json.loads(json.dumps(jupyterquiz_questions([question])))
    right, feedback = jupyterquiz_feedback(exported, typed)
    result = score(question, typed)
    assert right == result.correct
    if result.mistake_feedback:
        assert markdown_to_html(result.mistake_feedback) in feedback
    else:
        assert "Mistake number" not in feedback


def test_an_exact_question_exports_its_mistakes_as_values():
    question = numeric_question(3.0, 0.0, [6.0])
    [exported] = jupyterquiz_questions([question])
    assert exported["answers"][1] == {"type": "value", "value": 6.0, "correct": False,
                                      "feedback": "Not quite. <p>Mistake number 1.</p>"
                                                  "<p>Because.</p>"}
    assert jupyterquiz_feedback(exported, 6.0)[1].startswith("Not quite. <p>Mistake number 1")


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_round_trip_keeps_every_mistake(language):
    pack = load_pack(language=language)
    exported = json.loads(json.dumps(jupyterquiz_questions(pack.questions, seed=SEED)))
    result = import_jupyterquiz(exported, ["loss"], "easy")
    assert len(result.items) == len(pack.questions) and not result.left_out
    kept = 0
    for question, item in zip(pack.questions, result.items):
        if question.kind == "numeric":
            expected = [{"answer": m.answer, "feedback": m.feedback} for m in question.mistakes]
        elif question.kind == "generated_numeric":  # the drawn instance's numbers
            drawn = generate(question, SEED)
            expected = [{"answer": drawn.mistakes[name], "feedback": text}
                        for name, text in question.mistakes.items() if name in drawn.mistakes]
        else:
            continue
        assert item.get("mistakes", []) == expected, question.id
        kept += len(expected)
        # and the imported question grades the mistake as the original does
        if expected:
            imported = parse_question(item)
            assert score(imported, expected[0]["answer"]).mistake_feedback \
                == expected[0]["feedback"]
    assert kept >= 20


def test_the_round_trip_through_the_commands_keeps_mistakes(tmp_path):
    topics = [arg for topic in load_pack().settings.topics for arg in ("--topic", topic)]
    studypack("new", "pack", "--title", "Back", *topics, cwd=tmp_path, expect=0)
    studypack("export", "jupyterquiz", "--topic", "loss", "--out", tmp_path / "loss.json",
              "--seed", SEED, cwd=tmp_path, expect=0)
    studypack("import", "jupyterquiz", tmp_path / "loss.json", "--topic", "loss", "--out",
              "quizzes/back.yaml", cwd=tmp_path / "pack", expect=0)
    studypack("validate", cwd=tmp_path / "pack", expect=0)
    back = {q.id: q for q in load_pack(tmp_path / "pack").questions}
    static = load_pack().question(STATIC)
    assert [(m.answer, m.feedback) for m in back[STATIC].mistakes] == \
        [(m.answer, m.feedback) for m in static.mistakes]
    drawn = generate(load_pack().question(GENERATED), SEED)
    assert [m.answer for m in back[GENERATED].mistakes] == [drawn.mistakes["forgot-mean"]]


def test_an_edited_mistake_is_kept_as_feedback_not_dropped():
    question = load_pack().question(STATIC)
    [exported] = json.loads(json.dumps(jupyterquiz_questions([question])))
    exported["answers"][1]["range"] = [40, 41]  # the JSON was edited: our object no longer fits
    [item] = import_jupyterquiz([exported], ["loss"], "easy").items
    assert "For answers in [40, 41): Not quite." in item["explanation"]
    assert "sum of the squared errors" in item["explanation"]


# ---- text no file can hold, in a mistake's feedback ----

def test_an_export_refuses_a_lone_surrogate_in_a_mistake_naming_it():
    pack = load_pack()
    static = pack.question(STATIC)
    broken = static.model_copy(update={"mistakes": [
        static.mistakes[0].model_copy(update={"feedback": "bad \ud800"})]})
    with pytest.raises(ExportProblem, match=rf"question '{STATIC}': mistakes\[1\]\.feedback: "
                                            r"character 5 \(U\+D800\)"):
        jupyterquiz_questions([broken])
    generated = pack.question(GENERATED)
    broken = generated.model_copy(update={"mistakes": {"forgot-mean": "\ud800"}})
    with pytest.raises(ExportProblem, match=rf"question '{GENERATED}': mistakes\.forgot-mean: "):
        jupyterquiz_questions([broken])


def test_a_jupyterquiz_wrong_value_with_feedback_is_imported_as_a_mistake(tmp_path):
    written = {"question": "MSE of the errors 1 and 2?", "type": "numeric", "answers": [
        {"type": "range", "range": [2.4, 2.6], "correct": True, "feedback": "Yes."},
        {"type": "value", "value": 5, "correct": False, "feedback": "That is the *sum*."},
        {"type": "value", "value": 2.55, "correct": False, "feedback": "Never reached."},
        {"type": "value", "value": 5, "correct": False, "feedback": "The sum again."},
        {"type": "value", "value": 1.5, "correct": False},
        {"type": "range", "range": [-9, 0], "correct": False, "feedback": "Never negative."},
        {"type": "default", "feedback": "Square, then average."}]}
    [item] = import_jupyterquiz([written], ["loss"], "easy").items
    assert item["mistakes"] == [{"answer": 5.0, "feedback": "That is the *sum*."}]
    # what cannot be a mistake keeps its feedback in the explanation, saying which answers
    for kept in ("For the answer 2.55: Never reached.", "For the answer 5: The sum again.",
                 "For answers in [-9, 0): Never negative.", "For any other answer: Square"):
        assert kept in item["explanation"]
    assert "That is the *sum*" not in item["explanation"]
    question = parse_question(item)
    assert score(question, 5.04).mistake_feedback == "That is the *sum*."
    assert score(question, 2.5).correct and score(question, 7).mistake_feedback == ""
    # and through the command, into a pack that validates
    topics = [arg for topic in load_pack().settings.topics for arg in ("--topic", topic)]
    studypack("new", "pack", "--title", "In", *topics, cwd=tmp_path, expect=0)
    (tmp_path / "quiz.json").write_text(json.dumps([written]))
    studypack("import", "jupyterquiz", tmp_path / "quiz.json", "--topic", "loss", "--out",
              "quizzes/in.yaml", cwd=tmp_path / "pack", expect=0)
    studypack("validate", cwd=tmp_path / "pack", expect=0)
    [imported] = [q for q in load_pack(tmp_path / "pack").questions
                  if getattr(q, "mistakes", None)]
    assert [(m.answer, m.feedback) for m in imported.mistakes] == [(5.0, "That is the *sum*.")]
