"""PracticeExam: the quiz's practice exam mode — questions from every topic in proportion,
optionally timed, ending with a report by topic that says what to review.

The draw and the report's numbers come from `studypack.content.exam`; this module shows
them. A timed exam starts when the learner presses `start_button`; a countdown then runs
without freezing the kernel, as in the TrainingLab: an asyncio task on the kernel's event
loop wakes every second, shows the time left and, when it is up, finishes the exam (the
questions not answered count as wrong). Where no event loop runs (plain Python), the time is
checked whenever the learner presses Check. The clock is a parameter, so tests run out of
time without waiting.
"""
from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets
from IPython.display import Markdown

from studypack.content.exam import draw_exam, exam_topic, topic_scores, topic_title
from studypack.content.markdown import markdown_escape

from . import look
from .quiz import Quiz, _hidden

TICK_SECONDS = 1.0  # how often the countdown is redrawn (and the time checked)
# the report's cells: apart, aligned left, lines in the theme's colour (dark theme too)
CELL_STYLE = ('style="text-align:left; padding:2px 12px 2px 0;'
              ' border-bottom:1px solid var(--jp-border-color2)"')


class PracticeExam(Quiz):
    """An exam of `count` questions drawn from all of `pack`'s questions, each topic in
    proportion to its share (`content.exam.draw_exam`, seeded by `seed + attempt`), recorded
    under `quiz_id` like any quiz attempt.

    With `minutes`, the exam is timed: `start_button` starts the clock (`clock()` gives
    seconds, `time.monotonic` by default) and `timer` shows the time left; when it is up the
    attempt is `finished` and `timed_out`. The `score_view` ends with the result by topic
    (`topic_results`, weakest first); `review_links` then lists each weak topic's notes and
    cards (Markdown links, which JupyterLab opens in a tab), before the missed questions.
    """

    run_hint = "the practice exam"

    def __init__(self, pack, count: int = 20, minutes: float | None = None, store=None,
                 quiz_id: str = "practice-exam", seed: int = 0, one_at_a_time: bool = True,
                 language: str | None = None, clock=time.monotonic):
        if minutes is not None and not minutes > 0:
            raise ValueError(f"minutes must be more than 0 (or None for no time limit), "
                             f"got {minutes!r}")
        self.pack, self.minutes, self.clock = pack, minutes, clock
        self.started_at: float | None = None  # clock() when this attempt's time started
        self.timed_out = False
        self.tick_seconds = TICK_SECONDS
        language = language or pack.language
        super().__init__(pack.questions, store=store, quiz_id=quiz_id, seed=seed,
                         one_at_a_time=one_at_a_time, count=count, language=language)
        text = self.text
        self.run_sentence = text["exam repr"]  # before the cell runs, in the learner's language
        self.timer = widgets.HTML()
        self.start_button = widgets.Button(
            description=text["exam start"].format(minutes=f"{minutes:g}") if minutes else "",
            icon="hourglass-start", button_style="primary",
            layout=widgets.Layout(width="auto"))
        self.start_button.on_click(lambda _: self.start())
        self.review_links = widgets.Output()  # what to review, with links to the notes
        # the missed questions (up to `count`, each with its math) only when asked for: typeset
        # at Finish, they would double the time before the result shows
        self.missed_button = widgets.Button(icon="list", layout=widgets.Layout(width="auto"))
        self.missed_button.on_click(lambda _: self.show_missed())
        self._missed_shown = False
        before_review = list(self.children).index(self.summary)
        self.children = (widgets.HBox([self.start_button, self.timer],
                                      layout=widgets.Layout(flex_flow="row wrap",
                                                            align_items="center")),
                         *self.children[:before_review], self.review_links,
                         self.missed_button, *self.children[before_review:])
        self._layout()

    # -- the clock ----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.minutes is None or self.started_at is not None

    def remaining(self) -> float | None:
        """Seconds left (never below 0); None for an untimed exam, or one not started."""
        if self.minutes is None or self.started_at is None:
            return None
        return max(0.0, self.minutes * 60 - (self.clock() - self.started_at))

    def start(self) -> None:
        """Start the clock (the start button), and the countdown on the kernel's event loop."""
        if self.started:
            return
        self.started_at = self.clock()
        self._layout()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # plain Python: the time is checked at every Check instead
            return
        loop.create_task(self._count_down(self.attempt))

    def tick(self) -> bool:
        """Show the time left; finish the exam if it is up. True while the exam goes on."""
        if self.finished:
            return False
        if self.remaining() == 0:
            self.timed_out = True
            self.finish()
            return False
        self._show_time()
        return True

    async def _count_down(self, attempt: int) -> None:
        # ends with its attempt: finished, or replaced by a new attempt
        while self.attempt == attempt and self.tick():
            await asyncio.sleep(self.tick_seconds)

    def _show_time(self) -> None:
        left = self.remaining()
        if self.timed_out:
            self.timer.value = look.verdict_html(look.WRONG, self.text["exam time up"])
        elif left is not None:
            minutes, seconds = divmod(int(-(-left // 1)), 60)  # whole seconds, rounded up
            self.timer.value = "<b>" + self.text["exam time left"].format(
                time=f"{minutes}:{seconds:02d}") + "</b>"
        else:
            self.timer.value = ""

    # -- the quiz's steps, for an exam --------------------------------------------------------

    def _draw(self) -> list:
        return draw_exam(self.questions, self.count, self.attempt_seed)

    def _may_check(self) -> bool:
        return self.started and self.tick()

    def show_missed(self) -> None:
        """The review of the questions missed or not answered (the Quiz's), on request."""
        self._missed_shown = True
        self.summary.value = super()._review_html()
        self._layout()

    def _review_html(self) -> str:
        return super()._review_html() if getattr(self, "_missed_shown", True) else ""

    def _start(self) -> None:  # a new attempt: its time starts when the learner is ready
        self.started_at, self.timed_out = None, False
        self._missed_shown = False
        super()._start()
        if hasattr(self, "review_links"):  # (not while being built)
            self._show_review_links()

    def finish(self) -> None:
        finishing = not self.finished
        super().finish()
        if finishing:
            self._show_review_links()

    def _layout(self) -> None:
        super()._layout()
        if not hasattr(self, "timer"):  # still being built
            return
        waiting = not self.started  # a timed exam shows no question before its clock starts
        _hidden(self.start_button, not waiting)
        for part in (self.mode_selector, self.question_box, self.finish_button):
            _hidden(part, waiting)
        if waiting:
            _hidden(self.navigation, True)  # else as the quiz shows it (one at a time only)
        missed = self.missed_count if self.finished else 0
        _hidden(self.missed_button, not missed or self._missed_shown)
        _hidden(self.summary, not self.finished or not self._missed_shown)
        if missed:
            self.missed_button.description = self.text["exam show missed"].format(count=missed)
        self._show_time()

    @property
    def missed_count(self) -> int:
        """How many questions of this attempt are not answered right."""
        return sum(panel is None or panel.result is None or not panel.result.correct
                   for panel in self._panels)

    # -- the report by topic ------------------------------------------------------------------

    @property
    def topic_results(self):
        """One `TopicScore` per topic asked, weakest first; unanswered questions score 0."""
        return topic_scores(
            ((exam_topic(question),
              panel.result.points if panel is not None and panel.result is not None else 0.0)
             for question, panel in zip(self.order, self._panels)),
            topic_order=self.pack.settings.topics)

    def _report_html(self) -> str:
        text = self.text
        shown = (f'<p>{look.verdict_html(look.WRONG, text["exam time up"])}</p>'
                 if self.timed_out else "")
        rows = []
        for result in self.topic_results:
            verdict = (look.verdict_html(look.WRONG, text["exam weak"]) if result.weak
                       else look.verdict_html(look.RIGHT, text["exam fine"]))
            rows.append("<tr>" + "".join(f"<td {CELL_STYLE}>{cell}</td>" for cell in (
                html.escape(topic_title(result.topic, text)),
                f"{result.score:.4g} / {result.count}", f"{result.fraction:.0%}",
                verdict)) + "</tr>")
        cells = "".join(f"<th {CELL_STYLE}>{text[key]}</th>"
                        for key in ("exam topic", "exam score", "exam percent", "exam verdict"))
        shown += (f"<h3>{text['exam report']}</h3>"
                  f'<table style="border-collapse:collapse"><tr>{cells}</tr>{"".join(rows)}'
                  "</table>")
        if not any(result.weak for result in self.topic_results):
            shown += f"<p>{text['exam nothing weak']}</p>"
        return shown

    def _show_review_links(self) -> None:
        """What to review, in `review_links`: Markdown, so that JupyterLab opens the linked
        notes and lessons in a tab (a link in an HTML widget would reload the whole page)."""
        self.review_links.outputs = ()
        weak = [result.topic for result in self.topic_results if result.weak]
        if self.finished and weak:
            items = "".join(f"- **{markdown_escape(topic_title(topic, self.text))}**: "
                            f"{self._review_links(topic)}\n" for topic in weak)
            self.review_links.append_display_data(Markdown(
                f"#### {markdown_escape(self.text['exam review'])}\n\n{items}"))

    def _review_links(self, topic: str) -> str:
        """The notes covering `topic` (each linked to its lesson, or to the notes notebook)
        and its flashcards, as Markdown: relative links, as the notebooks sit side by side."""
        cards, _, notes = self.pack.with_topic(topic)
        parts = []
        if notes:
            links = ", ".join(f"[{markdown_escape(note.title)}]({note.lesson or 'notes.ipynb'})"
                              for note in notes)
            parts.append(_filled(self.text["exam read"], "notes", links))
        if cards:
            count = markdown_escape(self.text["exam cards"].format(count=len(cards)))
            parts.append(_filled(self.text["exam practise"], "cards",
                                 f"[{count}](flashcards.ipynb)"))
        return " · ".join(parts) if parts else markdown_escape(self.text["exam no material"])


def _filled(template: str, name: str, markdown: str) -> str:
    """The interface words `template` as Markdown, escaped, with `markdown` for {name}."""
    return markdown.join(markdown_escape(part) for part in template.split(f"{{{name}}}"))
