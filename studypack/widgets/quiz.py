"""Quiz: answer the pack's questions and get feedback at once, then a score and a review.

Every question kind has its own control: radio buttons for single choice, tick boxes for
multiple choice (partial credit), a text box for numbers. Generated questions draw fresh
numbers on every attempt, so a retry is new practice, not a memory test.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from studypack.content.generators import generate, shuffle_options
from studypack.content.grading import score
from studypack.content.interface_text import interface_text
from studypack.content.markdown import markdown_inline, markdown_to_html
from studypack.content.model import GeneratedNumericQuestion
from studypack.progress.scheduling import now_utc

from . import look
from .answer_input import AnswerInput, SharedLooks, answer_html, option_label
from .progress_overview import ProgressNotice, fits, unmarked

ONE_AT_A_TIME, ALL_AT_ONCE = "one at a time", "all at once"


def _hidden(widget, hidden: bool) -> None:
    widget.layout.display = "none" if hidden else None


def draw_question(question, seed: int):
    """(the question with its options in the order drawn from `seed`, the instance drawn from
    `seed` for a generated question or None): what a panel shows and grades."""
    question = shuffle_options(question, seed)  # files list the right option first
    return question, (generate(question, seed)
                      if isinstance(question, GeneratedNumericQuestion) else None)


def verdict(result, text) -> str:
    """A graded answer's verdict: green ✔, orange ◐ or red ✘, with the words."""
    if result.correct:
        return look.verdict_html(look.RIGHT, unmarked(text["correct"]))
    if result.points > 0:
        return look.verdict_html(look.PARTLY, text["partly right"].format(
            points=f"{result.points:.2f}", max_points=f"{result.max_points:g}"))
    return look.verdict_html(look.WRONG, unmarked(text["not quite"]))


def _mark(kind: str) -> str:
    return f'<b style="color:{look.COLOUR[kind]}">{look.MARK[kind]}</b>'


class QuestionPanel(widgets.VBox):
    """One question of a quiz: its `AnswerInput` (prompt and control), `check_button` and
    `feedback`. In a number box, Enter checks too (once: a checked question is locked).

    Options are shown in an order drawn from `seed`: `question` is that shuffled copy. State:
    `result` (a grading `Score`, None until checked) and `response` (the answer as recorded:
    an index into `question.options`, a list of them, or a number).
    """

    def __init__(self, question, number: int, seed: int, on_checked, text=None,
                 may_check=lambda: True, looks: SharedLooks | None = None):
        self.text = text = text or interface_text()
        looks = looks or SharedLooks()
        # A generated question is shown and graded with the numbers drawn from this seed.
        self.question, self.instance = draw_question(question, seed)
        self.result = None
        self.response = None
        self._on_checked = on_checked
        self._may_check = may_check  # False: the quiz is over (a timed exam ran out of time)
        self.check_button = widgets.Button(description=text["check"], button_style="primary",
                                           layout=looks.layout(),
                                           style=looks.style(widgets.ButtonStyle))
        self.check_button.on_click(lambda _: self.check())
        question = self.question
        self.input = AnswerInput(
            question.kind, self.instance.prompt if self.instance else question.prompt, number,
            options=[option.text for option in getattr(question, "options", ())],
            unit=getattr(question, "unit", None), text=text, extra_controls=[self.check_button],
            looks=looks)
        self.prompt_view = self.input.prompt_view
        self.choice, self.checkboxes, self.number_box = (self.input.choice, self.input.checkboxes,
                                                         self.input.number_box)
        if self.number_box is not None:
            self.number_box.on_submit(lambda _: self.check())
        self.feedback = widgets.HTMLMath(layout=looks.layout(),
                                         style=self.prompt_view.style)
        # its own layout: the quiz hides the panels not shown (one at a time)
        super().__init__([self.input, self.feedback], layout=widgets.Layout(**look.CARD_LAYOUT))

    def _read_response(self):
        """The answer in the controls, or raise ValueError with what to do instead."""
        response = self.input.value()
        if response is None:
            raise ValueError(self.text["choose an option" if self.choice is not None
                                       else "tick an option" if self.checkboxes is not None
                                       else "type a number first"])
        return response

    def check(self) -> None:
        """Grade the answer and show the feedback; an answer that cannot be read is not graded,
        nor one given when the quiz is over, nor a question already graded."""
        if self.result is not None or not self._may_check():
            return
        try:
            response = self._read_response()
        except ValueError as problem:
            self.feedback.value = (f'<p style="color:{look.COLOUR[look.PARTLY]}">'
                                   f"{html.escape(str(problem))}</p>")
            return
        self.response = response
        self.result = score(self.instance or self.question, response)
        self.lock()
        self.feedback.value = self._feedback_html()
        self._on_checked(self)

    def lock(self) -> None:
        self.input.lock()
        self.check_button.disabled = True

    def close(self) -> None:
        for control in [*self.input.inputs, self.prompt_view, self.check_button, self.feedback]:
            control.close()
        super().close()

    # -- what is shown after checking ---------------------------------------------------------

    def verdict_html(self) -> str:
        return verdict(self.result, self.text)

    def answer_html(self, response) -> str:
        """An answer as HTML: option letters with their text, or the number with its unit."""
        return self.input.answer_html(response)

    def expected_result(self):
        """The grading result: the learner's, or for an unanswered question, that of no answer."""
        return self.result if self.result is not None else score(self.instance or self.question,
                                                                 None)

    def _feedback_html(self) -> str:
        result = self.result
        parts = [self.verdict_html()]
        if result.feedback:
            rows = []
            for item in result.feedback:
                mark = (_mark(look.RIGHT if item.correct else look.WRONG) if item.chosen
                        else look.muted_html("○"))
                why = self.text["you chose it" if item.chosen else "right option not chosen"]
                rows.append(f"<li>{mark} <b>{option_label(item.index)}.</b> "
                            f"{markdown_inline(item.text)} — <i>{why}</i>: "
                            f"{markdown_inline(item.feedback)}</li>")
            parts.append(f'<ul style="list-style:none; padding-left:0.5em">{"".join(rows)}</ul>')
        elif not result.correct:
            parts.append("<p>" + self.text["answer was"].format(
                expected=self.answer_html(result.expected),
                given=self.answer_html(self.response)) + "</p>")
            if result.mistake_feedback:  # a known mistake: say which, and how to avoid it
                mistake = markdown_inline(result.mistake_feedback)
                parts.append(f'<p class="studypack-mistake">{mistake}</p>')
        parts.append(f"<div><b>{self.text['why']}</b> {markdown_to_html(result.explanation)}</div>")
        return "".join(parts)


def review_html(missed, text) -> str:
    """The review of the missed questions: `missed` holds (number, question as shown,
    instance or None, result or None if not answered, response) for each."""
    shown = ""
    for number, question, instance, result, response in missed:
        prompt = instance.prompt if instance else question.prompt
        expected = result if result is not None else score(instance or question, None)
        options = [option.text for option in getattr(question, "options", ())]
        unit = getattr(question, "unit", None)
        verdict_shown = (look.verdict_html(look.WRONG, text["not answered"]) if result is None
                         else verdict(result, text))
        answers = text["your answer was"].format(
            given=answer_html(question.kind, options, unit, response, text),
            expected=answer_html(question.kind, options, unit, expected.expected, text))
        if expected.mistake_feedback:  # the known mistake this answer comes from
            answers += f" {markdown_inline(expected.mistake_feedback)}"
        shown += ('<div style="border-left:3px solid var(--jp-border-color2, #e0e0e0);'
                  ' padding-left:8px; margin:6px 0">'
                  f"<b>{text['question number'].format(number=number)}.</b>"
                  f"{markdown_to_html(prompt)}<p>{verdict_shown} {answers}</p>"
                  f"<div><b>{text['why']}</b> {markdown_to_html(expected.explanation)}</div>"
                  "</div>")
    return shown


class Quiz(look.RunHint, widgets.VBox):
    """A quiz over `questions`, one at a time or all at once, with feedback on every answer.

    `retry_button` starts a new attempt: a new order (seeded by `seed + attempt`) and new
    numbers for generated questions. With `count`, each attempt asks that many questions,
    drawn afresh from `questions`. When every question is checked (or `finish_button` is
    pressed) the attempt is `finished`: the score (`score_view`) and a review of the missed
    questions (`summary`) are shown; with a `store`, the attempt is recorded under `quiz_id`.
    A finished attempt that cannot be saved (disk full, file locked...) is kept in `unsaved`
    and `notice` says why; `notice.retry_button`, Finish, or starting a new attempt saves it.
    A question's panel is built when first shown (all at once: at the start), so a new
    attempt of a long quiz starts at once; `panels` builds the rest. Built panels stay in
    `question_box` (one at a time: all but the current one hidden), so going back to a
    question shows it again without rebuilding or re-typesetting it.
    State: `attempt` (0 for the first), `order` (this attempt's questions, in the order
    shown), `panels` (their `QuestionPanel`s), `current_index`, `answers`, `score`,
    `max_score`, `finished`, `unsaved`.
    """

    run_hint = "the quiz"

    def __init__(self, questions, store=None, quiz_id: str = "practice", seed: int = 0,
                 one_at_a_time: bool = True, count: int | None = None, language: str = "en"):
        self.text = text = interface_text(language)
        self.questions = list(questions)
        if not self.questions:
            raise ValueError("a quiz needs at least one question")
        if count is not None and count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        self.count = len(self.questions) if count is None else min(count, len(self.questions))
        self.store, self.quiz_id, self.seed = store, quiz_id, seed
        self.attempt = 0
        self.order: list = []
        self._panels: list[QuestionPanel | None] = []
        self.current_index = 0
        self.finished = False
        self.looks = SharedLooks()  # the layouts and styles the panels share
        #: Finished attempts not saved yet (keyword arguments of `record_quiz_attempt`).
        self.unsaved: list[dict] = []

        self.mode_selector = widgets.ToggleButtons(
            options=[(text[ONE_AT_A_TIME], ONE_AT_A_TIME), (text[ALL_AT_ONCE], ALL_AT_ONCE)],
            value=ONE_AT_A_TIME if one_at_a_time else ALL_AT_ONCE,
            style={"button_width": "auto"})  # whole words in every language
        self.previous_button = widgets.Button(description=text["previous"], icon="arrow-left",
                                              layout=fits())
        self.next_button = widgets.Button(description=text["next"], icon="arrow-right",
                                          layout=fits())
        self.finish_button = widgets.Button(description=text["finish"], icon="flag-checkered",
                                            tooltip=text["finish tooltip"], layout=fits())
        self.retry_button = widgets.Button(description=text["new attempt"], icon="repeat",
                                           tooltip=text["new attempt tooltip"], layout=fits())
        self.progress = widgets.HTML()
        self.question_box = widgets.VBox()
        self.navigation = widgets.HBox([self.previous_button, self.next_button],
                                       layout=widgets.Layout(flex_flow="row wrap"))
        self.score_view = widgets.HTML()  # the score (and a mode's report): no math to typeset
        self.summary = widgets.HTMLMath()  # the review of the missed questions, with math
        self.notice = ProgressNotice(text, on_retry=self.save_pending)

        self.previous_button.on_click(lambda _: self.go_to(self.current_index - 1))
        self.next_button.on_click(lambda _: self.go_to(self.current_index + 1))
        self.finish_button.on_click(lambda _: self.finish())
        self.retry_button.on_click(lambda _: self.retry())
        self.mode_selector.observe(lambda _: self._layout(), names="value")
        super().__init__([self.mode_selector, self.progress, self.question_box,
                          widgets.HBox([self.navigation, self.finish_button, self.retry_button],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.notice, self.score_view, self.summary])
        self._start()

    @staticmethod
    def practice_exam(pack, count: int = 20, minutes: float | None = None, **options):
        """The practice exam mode: `count` questions across all of `pack`'s topics in
        proportion, optionally timed, ending with a report by topic (see `PracticeExam`)."""
        from .practice_exam import PracticeExam  # it builds on this module
        return PracticeExam(pack, count=count, minutes=minutes, **options)

    # -- state ----------------------------------------------------------------------------

    @property
    def current_panel(self) -> QuestionPanel:
        return self.panel(self.current_index)

    def panel(self, index: int) -> QuestionPanel:
        """The panel of the `index`-th question shown, built on first use."""
        if self._panels[index] is None:
            self._panels[index] = QuestionPanel(self.order[index], index + 1,
                                                self.attempt_seed, self._checked, self.text,
                                                may_check=self._may_check, looks=self.looks)
            if self.finished:
                self._panels[index].lock()
        return self._panels[index]

    @property
    def panels(self) -> list[QuestionPanel]:
        return [self.panel(index) for index in range(len(self.order))]

    @property
    def _built(self) -> list[QuestionPanel]:
        return [panel for panel in self._panels if panel is not None]

    @property
    def check_button(self) -> widgets.Button:
        """The check button of the question shown (one at a time) or the current one."""
        return self.current_panel.check_button

    @property
    def attempt_seed(self) -> int:
        return self.seed + self.attempt

    @property
    def answers(self) -> dict:
        """Question id → the answer given (None if not answered), in the order shown."""
        return {question.id: (panel.response if panel is not None else None)
                for question, panel in zip(self.order, self._panels)}

    @property
    def score(self) -> float:
        return sum(panel.result.points for panel in self._built if panel.result is not None)

    @property
    def max_score(self) -> float:
        return float(len(self.order))

    # -- actions --------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        self.current_index = min(max(index, 0), len(self.order) - 1)
        self._layout()

    def finish(self) -> None:
        """End the attempt: lock every question, show the score and review, record it.
        Pressed again while an attempt is unsaved, it tries to save it again."""
        if self.finished:
            self.save_pending()
            return
        self.finished = True
        for panel in self._built:
            panel.lock()
        if self.store is not None:
            self.unsaved.append(dict(quiz_id=self.quiz_id, answers=self.answers,
                                     score=self.score, max_score=self.max_score,
                                     when=now_utc()))
            self.save_pending()
        self.score_view.value = self._score_html()
        self.summary.value = self._review_html()
        self._layout()

    def save_pending(self) -> bool:
        """Save the finished attempts not saved yet, oldest first; True if none is left."""
        while self.unsaved:
            saved, _ = self.notice.attempt(
                lambda: self.store.record_quiz_attempt(**self.unsaved[0]), "attempt not saved")
            if not saved:
                break
            self.unsaved.pop(0)
        self._layout()
        return not self.unsaved

    def retry(self) -> None:
        """A new attempt: new order and new generated numbers, from `seed + attempt`.
        An attempt not saved yet is tried again first, and kept if it still cannot be."""
        self.save_pending()
        self.attempt += 1
        self._start()

    def _start(self) -> None:
        for panel in self._built:
            panel.close()
        self.order = self._draw()
        self._panels = [None] * len(self.order)
        self.current_index, self.finished = 0, False
        self.score_view.value = self.summary.value = ""
        self._layout()

    def _draw(self) -> list:
        """This attempt's questions, in the order shown."""
        order = np.random.default_rng(self.attempt_seed).permutation(len(self.questions))
        return [self.questions[i] for i in order[:self.count]]

    def _may_check(self) -> bool:
        return not self.finished

    def _checked(self, panel: QuestionPanel) -> None:
        if all(p is not None and p.result is not None for p in self._panels):
            self.finish()
        else:
            self._show_progress()

    # -- display --------------------------------------------------------------------------

    def _layout(self) -> None:
        """Show what the mode and state ask for, changing only what differs: panels already
        in the page are shown or hidden, never rebuilt."""
        one_at_a_time = self.mode_selector.value == ONE_AT_A_TIME
        for index in ([self.current_index] if one_at_a_time else range(len(self.order))):
            self.panel(index)
        built = tuple(self._built)
        if self.question_box.children != built:
            self.question_box.children = built
        for index, panel in enumerate(self._panels):
            if panel is not None:
                _hidden(panel, one_at_a_time and index != self.current_index)
        _hidden(self.navigation, not one_at_a_time)
        self.previous_button.disabled = self.current_index == 0
        self.next_button.disabled = self.current_index == len(self.order) - 1
        self.finish_button.disabled = self.finished and not self.unsaved
        _hidden(self.score_view, not self.finished)
        _hidden(self.summary, not self.finished)
        self._show_progress()

    def _show_progress(self) -> None:
        checked = sum(panel.result is not None for panel in self._built)
        where = (self.text["where in quiz"].format(position=self.current_index + 1,
                                                   total=len(self.order))
                 if self.mode_selector.value == ONE_AT_A_TIME else "")
        self.progress.value = self.text["attempt progress"].format(
            attempt=self.attempt + 1, where=where, checked=checked, score=f"{self.score:.4g}")

    def _report_html(self) -> str:
        """What a finished attempt shows between its score and the review (a mode adds it)."""
        return ""

    def _score_html(self) -> str:
        """The score, then what a mode adds (the exam's report by topic)."""
        score = self.text["score"].format(score=f"{self.score:.4g}",
                                          max_score=f"{self.max_score:g}",
                                          percent=f"{self.score / self.max_score:.0%}")
        return f"<h3>{score}</h3>{self._report_html()}"

    def _review_html(self) -> str:
        """The questions missed or not answered, with the right answers and explanations;
        a question never shown is drawn as it would have been, without building its panel."""
        missed = []
        for index, panel in enumerate(self._panels):
            if panel is None:
                question, instance = draw_question(self.order[index], self.attempt_seed)
                missed.append((index + 1, question, instance, None, None))
            elif panel.result is None or not panel.result.correct:
                missed.append((index + 1, panel.question, panel.instance, panel.result,
                               panel.response))
        if not missed:
            return f"<p>{self.text['all right']}</p>"
        return (f"<p>{self.text['review missed'].format(count=len(missed))}</p>"
                + review_html(missed, self.text))
