"""Quiz driven through its controls: answer right and wrong, feedback, score, review, retry."""
import pytest

from studypack.content import (GeneratedNumericQuestion, MultipleChoiceQuestion,
                               NumericQuestion, SingleChoiceQuestion, generate, load_pack)
from studypack.progress import ProgressStore
from studypack.widgets import Quiz


def option(text, correct, feedback):
    return {"text": text, "correct": correct, "feedback": feedback}


SINGLE = SingleChoiceQuestion(
    id="single", topics=["history"], difficulty="easy", kind="single_choice",
    prompt="Who popularised backpropagation in 1986?",
    options=[option("Rumelhart, Hinton & Williams", True, "Yes: the Nature paper."),
             option("Rosenblatt", False, "He built the perceptron, in 1958.")],
    explanation="Learning representations by back-propagating errors.")
MULTIPLE = MultipleChoiceQuestion(
    id="multiple", topics=["activations"], difficulty="medium", kind="multiple_choice",
    prompt="Which activations saturate?",
    options=[option("sigmoid", True, "Flat for large |z|."),
             option("tanh", True, "Flat for large |z| too."),
             option("ReLU", False, "Its slope is 1 for every z > 0.")],
    explanation="Saturation makes the derivative tiny.")
NUMERIC = NumericQuestion(
    id="numeric", topics=["weight-update"], difficulty="easy", kind="numeric",
    prompt="$w = 2$, $\\partial L/\\partial w = 3$, $\\eta = 0.1$. The new $w$?",
    answer=1.7, tolerance=0.01, explanation="$2 - 0.1 \\cdot 3 = 1.7$.")
GENERATED = GeneratedNumericQuestion(
    id="generated", topics=["backward-pass"], difficulty="medium", kind="generated_numeric",
    template="gradient-descent-step",
    prompt="$w = {w}$, gradient ${grad}$, learning rate ${lr}$: the new $w$?",
    explanation="$w - \\eta g = {answer}$.")
QUESTIONS = [SINGLE, MULTIPLE, NUMERIC, GENERATED]


@pytest.fixture
def store(tmp_path):
    return ProgressStore("learner", directory=tmp_path)


def panel_for(quiz, question_id):
    return next(panel for panel in quiz.panels if panel.question.id == question_id)


def answer(panel, response):
    """Work the panel's controls as a learner would, then press Check."""
    if panel.choice is not None:
        panel.choice.value = response
    elif panel.checkboxes is not None:
        for index, box in enumerate(panel.checkboxes):
            box.value = index in response
    else:
        panel.number_box.value = str(response)
    panel.check_button.click()


def index_of(panel, text):
    """Where the option with `text` is shown: options are shuffled per attempt."""
    return [option.text for option in panel.question.options].index(text)


def right_answer(panel):
    question = panel.question
    if isinstance(question, SingleChoiceQuestion):
        return next(i for i, o in enumerate(question.options) if o.correct)
    if isinstance(question, MultipleChoiceQuestion):
        return [i for i, o in enumerate(question.options) if o.correct]
    return panel.instance.answer if panel.instance else question.answer


def test_right_answers_score_full_marks_and_are_recorded(store):
    quiz = Quiz(QUESTIONS, store=store, quiz_id="unit", seed=5)
    for panel in quiz.panels:
        answer(panel, right_answer(panel))
        assert "Correct" in panel.feedback.value
    assert quiz.finished and quiz.score == 4 and quiz.max_score == 4
    assert "Score: 4 / 4 (100%)" in quiz.score_view.value
    (attempt,) = store.quiz_attempts("unit")
    assert attempt.score == 4 and set(attempt.answers) == {"single", "multiple", "numeric",
                                                           "generated"}
    assert store.best_score("unit").fraction == 1.0


def test_a_wrong_choice_gets_its_own_feedback_and_the_explanation(store):
    quiz = Quiz([SINGLE], store=store)
    panel = quiz.panels[0]
    answer(panel, index_of(panel, "Rosenblatt"))
    shown = panel.feedback.value
    assert "Not quite" in shown
    assert "He built the perceptron" in shown          # why the chosen option is wrong
    assert "Yes: the Nature paper." in shown           # and what the right one says
    assert "Learning representations" in shown         # the explanation
    assert panel.check_button.disabled and panel.choice.disabled


def test_multiple_choice_gives_partial_credit(store):
    quiz = Quiz([MULTIPLE], store=store)
    answer(quiz.panels[0], [index_of(quiz.panels[0], "sigmoid")])
    assert quiz.score == pytest.approx(0.5)
    assert "Partly right: 0.50" in quiz.panels[0].feedback.value


def test_a_wrong_number_shows_the_answer(store):
    quiz = Quiz([NUMERIC], store=store)
    answer(quiz.panels[0], "1,2")  # decimal comma accepted
    assert quiz.score == 0 and "The answer is 1.7; you answered 1.2" in quiz.panels[0].feedback.value


def test_unreadable_input_is_not_graded(store):
    quiz = Quiz([NUMERIC, SINGLE], store=store)
    panel = panel_for(quiz, "numeric")
    panel.number_box.value = "about two"
    panel.check_button.click()
    assert panel.result is None and "Please type a number" in panel.feedback.value
    panel.number_box.value = "  "
    panel.check_button.click()
    assert panel.result is None and "Type a number first" in panel.feedback.value
    assert not panel.check_button.disabled
    unanswered = panel_for(quiz, "single")
    unanswered.check_button.click()
    assert unanswered.result is None and "Choose an option first" in unanswered.feedback.value


def test_finish_reviews_missed_questions_with_the_right_answers(store):
    quiz = Quiz(QUESTIONS, store=store, quiz_id="unit", seed=1)
    answer(panel_for(quiz, "single"), index_of(panel_for(quiz, "single"), "Rosenblatt"))
    answer(panel_for(quiz, "numeric"), 1.7)
    quiz.finish_button.click()
    assert quiz.finished and "Score: 1 / 4 (25%)" in quiz.score_view.value
    review = quiz.summary.value
    assert "Review the questions you missed (3)" in review
    assert "Rumelhart, Hinton &amp; Williams" in review  # the right answer of the missed one
    assert "Not answered" in review and "Saturation makes" in review
    assert "1.7" not in review.split("Review")[1].split("Question")[0]  # right ones not reviewed
    assert all(panel.check_button.disabled for panel in quiz.panels)
    assert store.quiz_attempts("unit")[0].answers["multiple"] is None


def test_retry_gives_a_new_order_and_new_numbers(store):
    quiz = Quiz(load_pack().questions, store=store, seed=0)
    first_order = [panel.question.id for panel in quiz.panels]
    first_numbers = {p.question.id: p.instance.numbers for p in quiz.panels if p.instance}
    quiz.retry_button.click()
    assert quiz.attempt == 1 and not quiz.finished and quiz.score == 0
    assert [panel.question.id for panel in quiz.panels] != first_order
    assert sorted(p.question.id for p in quiz.panels) == sorted(first_order)
    changed = [p for p in quiz.panels if p.instance and p.instance.numbers != first_numbers[p.question.id]]
    assert len(changed) >= len(first_numbers) // 2
    for panel in changed:  # the prompt shows the new numbers and is graded against them
        assert panel.instance == generate(panel.question, quiz.attempt_seed)
        answer(panel, panel.instance.answer)
        assert panel.result.correct


def shown(quiz):
    """The panels the learner sees (built panels not shown are hidden, not removed)."""
    return [panel for panel in quiz.question_box.children if panel.layout.display != "none"]


def test_one_at_a_time_and_all_at_once(store):
    quiz = Quiz(QUESTIONS, store=store)
    assert quiz.question_box.children == (quiz.current_panel,)  # the others not built yet
    assert shown(quiz) == [quiz.panels[0]]
    assert quiz.previous_button.disabled and "Question 1 of 4" in quiz.progress.value
    quiz.next_button.click()
    assert shown(quiz) == [quiz.panels[1]]
    quiz.mode_selector.value = "all at once"
    assert shown(quiz) == list(quiz.question_box.children) == quiz.panels
    assert quiz.navigation.layout.display == "none"
    quiz.mode_selector.value = "one at a time"  # the panels stay built, the others hidden
    assert shown(quiz) == [quiz.panels[1]] and len(quiz.question_box.children) == 4


def test_generated_prompts_show_drawn_numbers(store):
    quiz = Quiz([GENERATED], store=store, seed=11)
    panel = quiz.panels[0]
    assert "{w}" not in panel.prompt_view.value
    assert panel.instance.prompt.split("$")[1] in panel.prompt_view.value


def test_content_is_escaped(store):
    hostile = SINGLE.model_copy(update={
        "prompt": "<script>alert('prompt')</script> Which?",
        "options": [SINGLE.options[0].model_copy(update={"text": "<img src=x onerror=alert(1)>"}),
                    SINGLE.options[1].model_copy(update={"feedback": "<script>bad()</script>"})],
        "explanation": "<iframe src=evil></iframe>"})
    quiz = Quiz([hostile], store=store)
    answer(quiz.panels[0], index_of(quiz.panels[0], SINGLE.options[1].text))
    shown = (quiz.panels[0].prompt_view.value + quiz.panels[0].feedback.value
             + quiz.score_view.value + quiz.summary.value)
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in shown
    assert "&lt;script&gt;" in shown


def test_a_quiz_needs_questions():
    with pytest.raises(ValueError, match="at least one question"):
        Quiz([])


def test_count_draws_a_new_selection_each_attempt(store):
    pool = load_pack().questions
    quiz = Quiz(pool, store=store, count=10, seed=4)
    first = {panel.question.id for panel in quiz.panels}
    assert len(first) == 10 and quiz.max_score == 10
    quiz.retry_button.click()
    second = {panel.question.id for panel in quiz.panels}
    assert len(second) == 10 and second != first
    with pytest.raises(ValueError, match="at least 1"):
        Quiz(pool, count=0)


def test_finishing_early_reviews_the_questions_not_yet_shown(store):
    quiz = Quiz(QUESTIONS, store=store, quiz_id="early", seed=2)
    answer(quiz.current_panel, right_answer(quiz.current_panel))
    quiz.finish_button.click()
    assert quiz.score == 1 and "Review the questions you missed (3)" in quiz.summary.value
    assert quiz.summary.value.count("Not answered") == 3
    assert all(panel.check_button.disabled for panel in quiz.panels)
    answers = store.quiz_attempts("early")[0].answers
    assert len(answers) == 4 and sum(value is None for value in answers.values()) == 3


def test_options_are_shuffled_so_the_position_gives_nothing_away(store):
    question = load_pack().question("primary-purpose-of-backpropagation")
    right = question.options[0].text  # the file lists the right option first
    positions = set()
    for seed in range(8):
        panel = Quiz([question], store=store, seed=seed).panels[0]
        assert sorted(o.text for o in panel.question.options) == sorted(
            o.text for o in question.options)
        positions.add(index_of(panel, right))
        answer(panel, index_of(panel, right))
        assert panel.result.correct
    assert len(positions) >= 3


def test_the_quiz_speaks_the_learners_language(store):
    quiz = Quiz([SINGLE, NUMERIC], store=store, language="fr", seed=3)
    english = Quiz([SINGLE, NUMERIC], store=store, seed=3)
    for control in ("check_button", "finish_button", "retry_button"):
        assert getattr(quiz, control).description != getattr(english, control).description
    assert [label for label, _ in quiz.mode_selector.options] != [
        label for label, _ in english.mode_selector.options]
    quiz.finish_button.click()
    assert "Score" in quiz.score_view.value and quiz.score_view.value != english.score_view.value


# -- a finished attempt whose save fails is kept, shown, and saved again ------------------------

from studypack.content.interface_text import interface_text  # noqa: E402
from test_progress_os_errors import (disk_full, lock_held_by_another_process,  # noqa: E402
                                     no_callback_errors)  # noqa: F401 (a fixture)


def finish_all_right(quiz):
    for panel in quiz.panels:
        answer(panel, right_answer(panel))
    assert quiz.finished


def test_an_attempt_that_cannot_be_saved_is_kept_shown_and_saved_again(
        store, monkeypatch, no_callback_errors):
    quiz = Quiz(QUESTIONS, store=store, quiz_id="unit", seed=5)
    disk_full(monkeypatch)
    finish_all_right(quiz)
    shown = quiz.notice.problems
    assert "attempt is not saved yet" in shown and "The disk is full" in shown
    assert str(store.path) in shown  # the details name the file
    assert quiz.notice.layout.display is None and quiz.notice.retry_button.layout.display is None
    assert "Score: 4 / 4" in quiz.score_view.value  # the learner still sees their result
    assert len(quiz.unsaved) == 1 and not quiz.finish_button.disabled
    assert store.quiz_attempts() == []
    quiz.notice.retry_button.click()  # still full: still kept, nothing saved twice later
    assert len(quiz.unsaved) == 1 and "The disk is full" in quiz.notice.problems
    monkeypatch.undo()
    quiz.notice.retry_button.click()
    assert quiz.unsaved == [] and quiz.finish_button.disabled
    assert "Saved" in quiz.notice.problems and "not saved" not in quiz.notice.problems
    assert quiz.notice.retry_button.layout.display == "none"
    (attempt,) = store.quiz_attempts("unit")
    assert attempt.score == 4 and attempt.answers == quiz.answers


def test_finish_saves_again_after_a_failed_save(store, monkeypatch, no_callback_errors):
    quiz = Quiz([SINGLE, NUMERIC], store=store, quiz_id="unit")
    disk_full(monkeypatch)
    quiz.finish_button.click()
    assert store.quiz_attempts() == [] and len(quiz.unsaved) == 1
    monkeypatch.undo()
    quiz.finish_button.click()
    assert len(store.quiz_attempts("unit")) == 1 and quiz.unsaved == []
    quiz.finish_button.click()  # disabled in the browser; a second call saves nothing twice
    assert len(store.quiz_attempts("unit")) == 1


def test_unsaved_attempts_survive_new_attempts_and_are_saved_in_order(
        store, monkeypatch, no_callback_errors):
    quiz = Quiz([SINGLE, NUMERIC], store=store, quiz_id="unit")
    disk_full(monkeypatch)
    quiz.finish_button.click()  # attempt 1: nothing answered
    quiz.retry_button.click()  # tries to save first; still full, so it stays kept
    assert quiz.attempt == 1 and len(quiz.unsaved) == 1
    assert "not saved yet" in quiz.notice.problems
    finish_all_right(quiz)  # attempt 2
    assert [entry["score"] for entry in quiz.unsaved] == [0, 2]
    monkeypatch.undo()
    quiz.retry_button.click()  # the next action saves them
    assert [a.score for a in store.quiz_attempts("unit")] == [0, 2]
    assert quiz.unsaved == [] and quiz.attempt == 2


def test_a_lock_held_by_another_notebook_is_explained_in_the_learners_language(
        tmp_path, no_callback_errors):
    store = ProgressStore("learner", directory=tmp_path, lock_timeout=0.2)
    quiz = Quiz([SINGLE], store=store, quiz_id="unit", language="fr")
    french = interface_text("fr")
    with lock_held_by_another_process(store):
        quiz.finish_button.click()
        shown = quiz.notice.problems
        assert french["attempt not saved"] in shown and french["problem locked"] in shown
        assert quiz.notice.retry_button.description == french["save again"]
    quiz.notice.retry_button.click()
    assert len(store.quiz_attempts("unit")) == 1 and quiz.unsaved == []


@pytest.mark.parametrize("language", ["en", "it", "fr", "pt", "es", "de"])
def test_the_save_failure_is_told_in_every_language(store, monkeypatch, language):
    quiz = Quiz([SINGLE], store=store, language=language)
    disk_full(monkeypatch)
    quiz.finish_button.click()
    words = interface_text(language)
    assert words["attempt not saved"] in quiz.notice.problems
    assert words["problem disk full"] in quiz.notice.problems
