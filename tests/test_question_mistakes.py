"""Answers that teach from the mistake: a wrong number that a known mistake gives gets that
mistake's feedback — when grading, in the Quiz widget, in nbgrader's hidden tests — and
`studypack validate` checks the mistakes (names, values, translations) at file:line. Also the
`transfer` flag and the transfer share of a pack."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers import studypack
from pydantic import ValidationError

from studypack.classroom.assignments import build_assignment, key_question
from studypack.classroom.nbgrader import grade_answer
from studypack.content import generate, load_pack, parse_question, score, validate_pack
from studypack.content.grading import allowed_distance
from studypack.content.model import LANGUAGES, transfer_share
from studypack.widgets import Quiz

FORGOT_MEAN = "You forgot to divide by the number of examples."


def numeric(**changes):
    data = {"id": "mse", "topics": ["loss"], "difficulty": "easy", "kind": "numeric",
            "prompt": "MSE of the errors 1 and 2?", "answer": 2.5, "tolerance": 0.3,
            "explanation": "(1 + 4) / 2.",
            "mistakes": [{"answer": 5, "feedback": FORGOT_MEAN},
                         {"answer": 1.5, "feedback": "That is the mean error, not squared."}]}
    return parse_question({**data, **changes})


def generated(**changes):
    data = {"id": "mean-gradient", "topics": ["loss"], "difficulty": "medium",
            "kind": "generated_numeric", "template": "mse-mean-gradient", "decimals": 3,
            "prompt": "ŷ = ({y_hat1}, {y_hat2}, {y_hat3}), y = ({y1}, {y2}, {y3}): ∂L/∂ŷ₁?",
            "explanation": "{answer}",
            "mistakes": {"forgot-mean": FORGOT_MEAN, "forgot-factor-two": "Twice: 2u."}}
    return parse_question({**data, **changes})


# ---- grading ----

def test_a_static_mistake_gets_its_feedback_and_other_answers_do_not():
    question = numeric()
    right, mistake, unknown = score(question, 2.5), score(question, "5,1"), score(question, 9)
    assert right.correct and right.mistake_feedback == ""
    assert not mistake.correct and mistake.mistake == "mistakes[0]"
    assert mistake.mistake_feedback == FORGOT_MEAN and mistake.expected == 2.5
    assert not unknown.correct and unknown.mistake == unknown.mistake_feedback == ""
    assert score(question, None).mistake_feedback == ""


def test_an_answer_within_the_tolerance_of_both_the_answer_and_a_mistake_is_right():
    question = numeric(answer=2.0, mistakes=[{"answer": 2.5, "feedback": "close"}])
    both = score(question, 2.25)  # 0.25 from each, tolerance 0.3
    assert both.correct and both.points == 1 and both.mistake_feedback == ""
    assert score(question, 2.7).mistake_feedback == "close"  # only near the mistake


def test_the_nearest_mistake_wins_when_two_are_close():
    question = numeric(mistakes=[{"answer": 5, "feedback": "five"},
                                 {"answer": 5.4, "feedback": "five point four"}])
    assert score(question, 5.3).mistake_feedback == "five point four"
    assert score(question, 5.1).mistake_feedback == "five"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_a_generated_mistake_rounded_as_asked_gets_its_feedback(seed):
    drawn = generate(generated(), seed)
    for name, wrong in drawn.mistakes.items():
        result = score(drawn, f"{wrong:.3f}")
        assert not result.correct and result.mistake == name
        assert result.mistake_feedback == generated().mistakes[name]
    assert score(drawn, f"{drawn.answer:.3f}").correct
    assert score(generated(), drawn.answer, seed=seed).correct
    far = drawn.answer + 50 * allowed_distance(drawn) + 7
    if all(abs(far - wrong) > 0.01 for wrong in drawn.mistakes.values()):
        assert score(drawn, far).mistake_feedback == ""


def test_a_mistake_without_feedback_in_the_question_says_nothing_special():
    question = generated(mistakes={"forgot-mean": FORGOT_MEAN})
    drawn = generate(question, 4)
    assert score(drawn, drawn.mistakes["forgot-factor-two"]).mistake_feedback == ""


# ---- the model: mistakes are checked where they are written ----

def test_a_static_mistake_within_the_tolerance_of_the_answer_is_refused():
    with pytest.raises(ValidationError, match=r"mistake 1: its answer 2.6 is within the "
                                              r"tolerance 0.3 of the right answer 2.5"):
        numeric(mistakes=[{"answer": 2.6, "feedback": "too close"}])
    with pytest.raises(ValidationError, match="listed twice"):
        numeric(mistakes=[{"answer": 5, "feedback": "a"}, {"answer": 5, "feedback": "b"}])


def test_a_generated_mistake_must_be_one_its_template_computes():
    with pytest.raises(ValidationError, match=r"unknown mistake forgot-bias for template "
                                              r"'mse-mean-gradient'; it computes: forgot-mean"):
        generated(mistakes={"forgot-bias": "no such mistake"})


def test_transfer_is_an_optional_boolean():
    assert numeric().transfer is False and numeric(transfer=True).transfer is True
    with pytest.raises(ValidationError):
        numeric(transfer="yes")


# ---- nbgrader's hidden tests and the assignment key ----

def test_the_key_carries_the_mistakes_to_grading_and_to_nbgrader():
    questions = [generated(), numeric()]
    assignment, key = build_assignment(questions, quiz_name="week", title="Week", seed=3,
                                       language="en")
    for entry, question in zip(key["questions"], questions):
        scorable = key_question(entry).scorable
        wrong = (generate(question, 3).mistakes["forgot-mean"]
                 if question.kind == "generated_numeric" else 5)
        assert score(scorable, wrong).mistake_feedback == FORGOT_MEAN
        with pytest.raises(AssertionError, match=FORGOT_MEAN):
            grade_answer(f"{wrong:.3f}", entry)
        with pytest.raises(AssertionError) as unknown:
            grade_answer("123", entry)
        assert FORGOT_MEAN not in str(unknown.value)


# ---- the widget ----

def test_the_quiz_shows_the_mistakes_sentence_after_a_wrong_number(tmp_path):
    quiz = Quiz([numeric(), generated()], seed=2)
    for panel in quiz.panels:
        wrong = panel.instance.mistakes["forgot-mean"] if panel.instance else 5
        panel.number_box.value = f"{wrong:.3f}"
        panel.check_button.click()
        assert "studypack-mistake" in panel.feedback.value
        assert FORGOT_MEAN in panel.feedback.value
    assert quiz.finished and FORGOT_MEAN in quiz.summary.value  # the review says it too
    again = Quiz([numeric()], seed=2)
    again.panels[0].number_box.value = "9"
    again.panels[0].check_button.click()
    assert "studypack-mistake" not in again.panels[0].feedback.value


# ---- the real pack: every mistake, in every language ----

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_mistake_in_the_pack_gets_its_translated_feedback(language):
    english, pack = load_pack(), load_pack(language=language)
    with_mistakes = [q for q in pack.questions if getattr(q, "mistakes", None)]
    assert len(with_mistakes) >= 8
    for question in with_mistakes:
        source = english.question(question.id)
        if question.kind == "numeric":
            assert len(question.mistakes) == len(source.mistakes)
            for mistake in question.mistakes:
                assert score(question, mistake.answer).mistake_feedback == mistake.feedback
            continue
        assert set(question.mistakes) == set(source.mistakes)
        if language != "en":
            assert question.mistakes != source.mistakes, question.id  # translated
        for seed in range(5):
            drawn = generate(question, seed)
            for name, text in question.mistakes.items():
                if name in drawn.mistakes:
                    assert score(drawn, drawn.mistakes[name]).mistake_feedback == text


def test_the_transfer_share_of_the_pack():
    pack = load_pack()
    transfer, total, share = transfer_share(pack)
    assert total == len(pack.questions) and transfer == sum(q.transfer for q in pack.questions)
    assert share == pytest.approx(transfer / total)
    # every generated question asks for fresh numbers: transfer by definition
    assert all(q.transfer for q in pack.questions if q.kind == "generated_numeric")
    assert transfer_share([]) == (0, 0, 0.0)
    assert transfer_share([numeric(), numeric(transfer=True)]) == (1, 2, 0.5)


# ---- validate: file:line for each kind of problem ----

CARDS = """\
- id: a-card
  topics: [loss]
  difficulty: easy
  front: What is a loss?
  back: A number to minimise.
"""
QUESTIONS = """\
- id: mse-static
  topics: [loss]
  difficulty: easy
  kind: numeric
  transfer: true
  prompt: MSE of the errors 1 and 2?
  answer: 2.5
  tolerance: 0.005
  explanation: (1 + 4) / 2.
  mistakes:
    - answer: 5
      feedback: You forgot the mean.
- id: mean-gradient
  topics: [loss]
  difficulty: medium
  kind: generated_numeric
  template: mse-mean-gradient
  decimals: 3
  prompt: "{y_hat1} {y_hat2} {y_hat3} {y1} {y2} {y3}"
  explanation: "{answer}"
  mistakes:
    forgot-mean: You forgot the mean.
"""
TRANSLATION = """\
mse-static:
  prompt: EQM degli errori 1 e 2?
  mistakes:
    - feedback: Hai dimenticato la media.
mean-gradient:
  mistakes:
    forgot-mean: Hai dimenticato la media.
"""


def write_pack(root, questions=QUESTIONS, translation=TRANSLATION, more=None):
    (root / "flashcards").mkdir(parents=True)
    (root / "flashcards" / "cards.yaml").write_text(CARDS)
    (root / "quizzes").mkdir()
    (root / "quizzes" / "questions.yaml").write_text(questions)
    for name, text in (more or {}).items():
        (root / "quizzes" / name).write_text(text)
    (root / "translations" / "it").mkdir(parents=True)
    (root / "translations" / "it" / "quizzes.yaml").write_text(translation)
    return root


def problems(root):
    return [str(error) for error in validate_pack(root)]


def test_a_valid_pack_with_mistakes_and_several_quiz_files_loads(tmp_path):
    extra = QUESTIONS.replace("id: mse-static", "id: mse-other").replace("id: mean-gradient",
                                                                         "id: mean-other")
    extra = extra.replace("  transfer: true\n", "")
    root = write_pack(tmp_path, more={"questions-more.yaml": extra})
    (root / "flashcards" / "cards-more.yaml").write_text(CARDS.replace("a-card", "b-card"))
    assert problems(root) == []
    pack = load_pack(root, language="it")
    assert [card.id for card in pack.cards] == ["b-card", "a-card"]
    # files in name order: questions-more.yaml, then questions.yaml
    assert [q.id for q in pack.questions] == ["mse-other", "mean-other", "mse-static",
                                              "mean-gradient"]
    assert pack.question("mse-static").mistakes[0].feedback == "Hai dimenticato la media."
    assert pack.question("mean-gradient").mistakes == {"forgot-mean": "Hai dimenticato la media."}
    assert pack.question("mse-static").mistakes[0].answer == 5  # text only: the value stays
    assert transfer_share(pack) == (1, 4, 0.25)


@pytest.mark.parametrize("change,expected", [
    (("    forgot-mean: You", "    forgot-bias: You"),
     "quizzes/questions.yaml:21: mean-gradient: mistakes: unknown mistake forgot-bias for "
     "template 'mse-mean-gradient'"),
    (("    - answer: 5\n", "    - answer: 2.501\n"),
     "quizzes/questions.yaml:10: mse-static: mistakes: mistake 1: its answer 2.501 is within "
     "the tolerance"),
    (("  transfer: true", "  transfer: yes please"),
     "quizzes/questions.yaml:5: mse-static: transfer:"),
])
def test_validate_reports_a_wrong_mistake_at_its_line(tmp_path, change, expected):
    root = write_pack(tmp_path, questions=QUESTIONS.replace(*change))
    found = problems(root)
    assert any(problem.startswith(expected) for problem in found), found


@pytest.mark.parametrize("translation,expected", [
    (TRANSLATION.replace("    forgot-mean: Hai", "    forgot-sum: Hai"),
     "translations/it/quizzes.yaml:6: mean-gradient: mistakes: mistakes ['forgot-sum'] differ "
     "from the English mistakes ['forgot-mean']"),
    (TRANSLATION.replace("  mistakes:\n    - feedback: Hai dimenticato la media.\n", ""),
     "translations/it/quizzes.yaml:2: mse-static: mistakes: the English question has "
     "feedback for 1 mistake(s)"),
    (TRANSLATION.replace("    - feedback: Hai dimenticato la media.\n",
                         "    - feedback: Hai dimenticato la media.\n    - feedback: Di più.\n"),
     "translations/it/quizzes.yaml:3: mse-static: mistakes: the English question has 1 "
     "mistake(s)"),
    (TRANSLATION.replace("    - feedback: Hai dimenticato la media.\n",
                         "    - feedback: Hai dimenticato la media.\n      answer: 7\n"),
     "translations/it/quizzes.yaml:5: mse-static: mistakes[0].answer:"),
])
def test_validate_reports_translated_mistakes_that_differ_from_english(tmp_path, translation,
                                                                       expected):
    root = write_pack(tmp_path, translation=translation)
    found = problems(root)
    assert any(problem.startswith(expected) for problem in found), found


def test_the_validate_command_fails_with_the_line_of_the_mistake(tmp_path):
    root = write_pack(tmp_path, questions=QUESTIONS.replace("forgot-mean: You", "forgot-x: You"))
    result = studypack("validate", "-q", root, cwd=tmp_path)
    assert result.returncode != 0
    assert "quizzes/questions.yaml:21: mean-gradient: mistakes: unknown mistake forgot-x" in \
        result.stdout + result.stderr
