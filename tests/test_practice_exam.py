"""The practice exam: the proportional draw (content.exam, on its own, with hypothesis) and the
PracticeExam widget driven through its controls, timed by an injected clock."""
import asyncio
import re
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studypack.content import load_pack
from studypack.content.exam import (WEAK_BELOW, draw_exam, exam_topic, topic_quotas,
                                    topic_scores, topic_title)
from studypack.content.interface_text import interface_text
from studypack.progress import ProgressStore
from studypack.content.markdown import markdown_escape
from studypack.widgets.practice_exam import PracticeExam
from studypack.widgets.quiz import Quiz
from test_quiz import GENERATED, MULTIPLE, NUMERIC, SINGLE, answer, right_answer

# ---- the draw (content layer) ---------------------------------------------------------------

topic_counts = st.dictionaries(st.sampled_from([f"t{i}" for i in range(12)]),
                               st.integers(0, 30), min_size=1).filter(lambda c: sum(c.values()))


@given(topic_counts, st.integers(1, 400))
def test_quotas_are_proportional_and_add_up(counts, total):
    quotas = topic_quotas(counts, total)
    available = sum(counts.values())
    asked = min(total, available)
    assert sum(quotas.values()) == asked
    with_questions = [t for t, c in counts.items() if c > 0]
    assert set(quotas) == set(with_questions)          # a topic with no questions gets none
    for topic in with_questions:
        share = Fraction(asked * counts[topic], available)
        assert 0 <= quotas[topic] <= counts[topic]
        assert abs(quotas[topic] - share) < 2           # the minimum of 1 may move one question
        if asked < len(with_questions):
            assert abs(quotas[topic] - share) < 1       # plain largest remainder
    if asked >= len(with_questions):
        assert all(quotas[t] >= 1 for t in with_questions)
    if total >= available:
        assert quotas == {t: counts[t] for t in with_questions}  # N larger than the pack: all


def test_largest_remainder_by_hand():
    # shares of 10 among 6/3/1 of 10: exactly 6, 3, 1; of 4: 2.4, 1.2, 0.4 -> 2, 1, 1 (min 1)
    assert topic_quotas({"a": 6, "b": 3, "c": 1}, 10) == {"a": 6, "b": 3, "c": 1}
    assert topic_quotas({"a": 6, "b": 3, "c": 1}, 4) == {"a": 2, "b": 1, "c": 1}
    # 2 of 5/3/2: 1, 0.6, 0.4 -> fewer questions than topics: the largest remainders win
    assert topic_quotas({"a": 5, "b": 3, "c": 2}, 2) == {"a": 1, "b": 1, "c": 0}
    # 3 of 18/1/1: 2.7, 0.15, 0.15 -> 3, 0, 0 by remainder; min 1 each takes two from "a"
    assert topic_quotas({"a": 18, "b": 1, "c": 1}, 3) == {"a": 1, "b": 1, "c": 1}


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, None, "20"])
def test_an_exam_of_no_questions_is_refused_clearly(bad):
    with pytest.raises(ValueError, match=r"an exam needs at least 1 question, got"):
        topic_quotas({"a": 3}, bad)


def test_no_questions_at_all_is_refused_clearly():
    with pytest.raises(ValueError, match="none to draw from"):
        topic_quotas({"a": 0, "b": 0}, 5)


@pytest.fixture(scope="module")
def pack():
    return load_pack()


@settings(max_examples=40, deadline=None)
@given(total=st.integers(1, 120), seed=st.integers(0, 2**32 - 1))
def test_the_draw_follows_the_quotas_and_is_deterministic(pack, total, seed):
    drawn = draw_exam(pack.questions, total, seed)
    assert [q.id for q in drawn] == [q.id for q in draw_exam(pack.questions, total, seed)]
    assert len({q.id for q in drawn}) == len(drawn) == min(total, len(pack.questions))
    counts = Counter(exam_topic(q) for q in pack.questions)
    assert Counter(exam_topic(q) for q in drawn) == +Counter(topic_quotas(counts, total))


def test_different_seeds_draw_different_exams(pack):
    exams = {tuple(q.id for q in draw_exam(pack.questions, 20, seed)) for seed in range(10)}
    assert len(exams) == 10


def test_topic_scores_weakest_first_by_hand():
    results = [("a", 1.0), ("b", 0.0), ("a", 0.5), ("c", 1.0), ("b", 1.0), ("d", 0.0)]
    scores = topic_scores(results, topic_order=["d", "c", "b", "a"])
    assert [(s.topic, s.score, s.count) for s in scores] == [
        ("d", 0.0, 1), ("b", 1.0, 2), ("a", 1.5, 2), ("c", 1.0, 1)]
    assert [s.weak for s in scores] == [True, True, 1.5 / 2 < WEAK_BELOW, False]


def test_topic_titles_in_the_learners_language():
    assert topic_title("minima-saddle-points", interface_text("en")) == "Minima and saddle points"
    assert topic_title("chain-rule", interface_text("de")) == "Kettenregel"
    assert topic_title("my-own-topic", interface_text("en")) == "My own topic"  # another pack


# ---- the widget -----------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    return ProgressStore("learner", directory=tmp_path)


def test_a_timed_exam_through_its_controls(pack, store):
    clock = FakeClock()
    exam = Quiz.practice_exam(pack, count=20, minutes=30, store=store, seed=3, clock=clock)
    assert isinstance(exam, PracticeExam) and repr(exam) == "Practice exam (run this cell to start it)"
    # nothing to answer before the clock starts
    assert exam.question_box.layout.display == "none" and exam.start_button.description == (
        "Start the exam (30 min)")
    assert len(exam.order) == 20
    assert Counter(exam_topic(q) for q in exam.order) == Counter(topic_quotas(
        Counter(exam_topic(q) for q in pack.questions), 20))
    exam.start_button.click()
    assert exam.question_box.layout.display is None and "30:00" in exam.timer.value
    clock.now += 61.5
    exam.tick()
    assert "28:59" in exam.timer.value
    # answer some: the first five right, the next three wrong; the rest are left unanswered
    expected = Counter()
    for index in range(8):
        panel = exam.panel(index)
        if index < 5:
            answer(panel, right_answer(panel))
        else:
            wrong(panel)
        expected[exam_topic(panel.question)] += panel.result.points
    assert exam.score == sum(expected.values()) >= 5
    clock.now += 30 * 60
    exam.panel(8).check_button.click()              # too late: not graded, the exam ends
    assert exam.finished and exam.timed_out and exam.panel(8).result is None
    assert "Time is up" in exam.timer.value and "Time is up" in exam.score_view.value
    # the score first, then the report by topic, what to review, the missed questions
    summary = exam.score_view.value
    assert summary.index(f"Score: {exam.score:.4g} / 20") < summary.index("Your result by topic")
    children = list(exam.children)
    assert (children.index(exam.score_view) < children.index(exam.review_links)
            < children.index(exam.summary))
    # the missed questions (each with its math to typeset) only when asked for
    assert exam.summary.value == "" and exam.summary.layout.display == "none"
    assert exam.missed_button.description == f"Show the questions you missed ({exam.missed_count})"
    assert exam.missed_count > 0 and exam.missed_button.layout.display != "none"
    exam.missed_button.click()
    assert "Review the questions you missed" in exam.summary.value
    assert exam.missed_button.layout.display == "none" and exam.summary.layout.display != "none"
    # the report's numbers equal a hand count
    asked = Counter(exam_topic(q) for q in exam.order)
    got = {s.topic: (s.score, s.count) for s in exam.topic_results}
    assert got == {topic: (expected[topic], asked[topic]) for topic in asked}
    fractions = [s.fraction for s in exam.topic_results]
    assert fractions == sorted(fractions)
    for s in exam.topic_results:
        title = topic_title(s.topic, exam.text)
        assert re.search(f"<td[^>]*>{re.escape(title)}</td><td[^>]*>{s.score:.4g} / {s.count}</td>",
                         exam.score_view.value)
    # weak topics link to their notes (lessons) and cards, by relative links in Markdown,
    # which JupyterLab opens in a tab (a link in an HTML widget reloads the whole page)
    weak = [s for s in exam.topic_results if s.weak]
    assert weak
    (output,) = exam.review_links.outputs
    review = output["data"]["text/markdown"]
    assert review.startswith("#### What to review\n")  # a heading, then the list
    for s in weak:
        cards, _, notes = pack.with_topic(s.topic)
        assert f"- **{markdown_escape(topic_title(s.topic, exam.text))}**: " in review
        for note in notes:
            assert f"[{markdown_escape(note.title)}]({note.lesson or 'notes.ipynb'})" in review
        assert f"practise [{len(cards)} flashcards](flashcards.ipynb)" in review
    assert "href" not in exam.score_view.value + exam.summary.value
    assert "<script" not in exam.score_view.value and "file:" not in exam.score_view.value
    # saved like a quiz attempt, unanswered questions counted as wrong
    (attempt,) = store.quiz_attempts("practice-exam")
    assert attempt.score == exam.score and attempt.max_score == 20
    assert sum(value is not None for value in attempt.answers.values()) == 8


def wrong(panel):
    """A wrong option (or set of options), chosen through the controls."""
    right = right_answer(panel)
    if panel.number_box is not None:
        answer(panel, right + 1000)
    elif panel.choice is not None:
        answer(panel, next(i for i in range(len(panel.question.options)) if i != right))
    else:
        answer(panel, [i for i in range(len(panel.question.options)) if i not in right])


def test_the_report_speaks_the_learners_language(store):
    pack = load_pack(language="it")
    exam = PracticeExam(pack, count=5, store=store, seed=1)
    assert exam.started and exam.start_button.layout.display == "none"  # untimed: no clock
    exam.finish_button.click()
    assert "Il tuo risultato per argomento" in exam.score_view.value
    assert topic_title(exam.topic_results[0].topic, interface_text("it")) in exam.score_view.value


def test_all_right_means_no_weak_topic_and_a_new_attempt_draws_again(pack, store):
    exam = PracticeExam(pack, count=6, store=store, seed=7, one_at_a_time=False)
    first = [q.id for q in exam.order]
    for panel in exam.panels:
        answer(panel, right_answer(panel))
    assert exam.finished and exam.score == 6
    assert "No weak topic" in exam.score_view.value and exam.review_links.outputs == ()
    exam.retry_button.click()
    assert not exam.finished and [q.id for q in exam.order] != first
    assert len(store.quiz_attempts("practice-exam")) == 1


def test_a_new_timed_attempt_waits_for_its_own_start(pack):
    clock = FakeClock()
    exam = PracticeExam(pack, count=3, minutes=1, clock=clock)
    exam.start()
    clock.now += 61
    assert not exam.tick() and exam.finished and exam.timed_out
    exam.retry_button.click()
    assert not exam.started and not exam.timed_out and not exam.finished
    assert exam.remaining() is None
    exam.start_button.click()
    assert exam.remaining() == 60


def test_the_countdown_runs_on_the_event_loop_without_blocking(pack):
    clock = FakeClock()
    exam = PracticeExam(pack, count=3, minutes=0.5, clock=clock)
    exam.tick_seconds = 0.001

    async def learner():
        exam.start_button.click()                   # starts a task, returns at once
        await asyncio.sleep(0.01)
        assert not exam.finished and "0:30" in exam.timer.value
        clock.now += 12
        await asyncio.sleep(0.01)
        assert "0:18" in exam.timer.value
        clock.now += 20
        await asyncio.sleep(0.01)                   # the task finishes the exam by itself

    asyncio.run(learner())
    assert exam.finished and exam.timed_out and "Time is up" in exam.score_view.value


@pytest.mark.parametrize("minutes", [0, -5])
def test_a_time_limit_must_be_positive(pack, minutes):
    with pytest.raises(ValueError, match="minutes must be more than 0"):
        PracticeExam(pack, minutes=minutes)


def test_an_exam_of_zero_questions_is_refused(pack):
    with pytest.raises(ValueError, match="at least 1"):
        PracticeExam(pack, count=0)


def test_more_questions_than_the_pack_asks_them_all(pack):
    exam = PracticeExam(pack, count=1000)
    assert sorted(q.id for q in exam.order) == sorted(q.id for q in pack.questions)


def test_the_plain_quiz_still_gives_mistake_feedback_and_checks_after_finish_nothing(store):
    quiz = Quiz([SINGLE, MULTIPLE, NUMERIC, GENERATED], store=store, seed=2)
    quiz.finish_button.click()
    panel = quiz.panels[0]
    answer(panel, right_answer(panel))
    assert panel.result is None                      # finished: the answer is not graded
