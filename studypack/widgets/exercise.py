"""ExerciseWidget: the learner writes a function in a notebook cell; **Check** says what is wrong.

The widget never holds the learner's code: each click looks the function up *by name* in the
notebook's namespace (IPython's ``user_ns``, or the ``namespace`` given), so re-running the
cell and pressing Check again checks the new definition. The verdict uses the pack's one
feedback language (✔ green right, ✘ red wrong, orange "not done yet", always with words)
in JupyterLab's theme colours, so the dark theme works too.
"""
from __future__ import annotations

import html

import ipywidgets as widgets

from studypack.content.interface_text import interface_text
from studypack.content.markdown import markdown_inline, markdown_to_html
from studypack.content.model import LANGUAGES, SOURCE_LANGUAGE
from studypack.exercises import check, get_exercise
from studypack.progress.scheduling import now_utc

from . import look
from .progress_overview import ProgressNotice, unmarked

# The pack's one feedback language (look): right, wrong, and "not done yet" as partly.
RIGHT, WRONG, NOT_DONE = look.RIGHT, look.WRONG, look.PARTLY
# A report's status -> (verdict kind, the headline's key in the interface words).
_VERDICTS = {"passed": (RIGHT, "exercise passed"), "not-done": (NOT_DONE, "exercise not done"),
             "wrong": (WRONG, "exercise wrong"), "shape": (WRONG, "exercise wrong"),
             "type": (WRONG, "exercise wrong"), "error": (WRONG, "exercise raised"),
             "timeout": (WRONG, "exercise timed out")}


def _user_namespace():
    """The running notebook's variables, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # ipywidgets needs IPython, but a namespace= user may not have it
        return None
    shell = get_ipython()
    return None if shell is None else shell.user_ns


def _code_block(code: str) -> str:
    """Code, escaped, on the theme's second background; long lines wrap (no sideways
    scrolling in a 590 px cell)."""
    return ('<pre style="white-space:pre-wrap; word-break:normal; overflow-wrap:break-word; '
            'background:var(--jp-layout-color2, #eee); padding:4px 8px; line-height:1.4">'
            f'<code>{html.escape(code)}</code></pre>')


def _shown(widget, shown: bool) -> None:
    widget.layout.display = None if shown else "none"


class ExerciseWidget(look.RunHint, widgets.VBox):
    """One exercise: title, statement and signature; `check_button`; `verdict`; `hint_button`
    (reveals `hints_view` one hint at a time); `solution_button` (None with
    ``show_solution=False``, e.g. for assignments), enabled after a real attempt — a check
    that ran the learner's code and found it done (right or wrong).

    `exercise` is a `studypack.exercises.Exercise` or its id. `namespace` is where the
    learner's function is looked up at each click (default: the notebook's). The first pass
    is recorded in `store` (a `ProgressStore`, optional); `notice` says if it could not be.
    State: `report` (the last `CheckReport`, None before a check ran the code), `attempted`,
    `solved`, `hints_shown`.
    """

    run_hint = "the exercise checker"  # each widget names its function (see __init__)

    def __init__(self, exercise, namespace=None, store=None, show_solution: bool = True,
                 language: str = "en"):
        self.exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
        self.run_hint = f"checking your `{self.exercise.function_name}`"
        self.text = text = interface_text(language)
        self.run_sentence = text["exercise repr"].format(name=self.exercise.function_name) + "."
        # the exercise's own words in that language (English for what is not translated)
        self.language = language if language in LANGUAGES else SOURCE_LANGUAGE
        self.exercise_texts = self.exercise.texts_in(self.language)
        self.namespace, self.store = namespace, store
        self.report = None
        self.attempted = self.solved = False
        self.checks = 0  # how many times the function was checked (shown from the second on)
        self.hints_shown = 0
        self._unsaved_when = None  # when the learner first passed, while that is not saved
        name = self._name_html()

        heading = text["exercise heading"].format(title=self.exercise_texts.title)
        self.title = widgets.HTMLMath(f"<h3>{markdown_inline(heading)}</h3>")
        # hidden: MathJax's invisible speech text of a formula at a line's end can reach past
        # the cell and give it a sideways scroll bar (the prose itself wraps)
        self.statement = widgets.HTMLMath(markdown_to_html(self.exercise_texts.statement),
                                          layout=widgets.Layout(overflow="hidden"))
        self.signature = widgets.HTML(
            f"<p>{text['exercise write'].format(name=name)}</p>"
            f"{_code_block(self.exercise.signature)}")
        self.check_button = widgets.Button(description=text["check"], button_style="primary",
                                           icon="check")
        self.verdict = widgets.HTML()
        self.verdict.add_class("studypack-exercise-verdict")  # for a browser test to find it
        self.hint_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.hints_view = widgets.HTMLMath()
        self.solution_button = None
        self.solution_view = widgets.HTML()
        self.notice = ProgressNotice(text, on_retry=self._save_solved)
        buttons = [self.check_button, self.hint_button]
        if show_solution:
            self.solution_button = widgets.Button(description=text["show solution"],
                                                  icon="eye", disabled=True,
                                                  tooltip=text["solution after attempt"],
                                                  layout=widgets.Layout(width="auto"))
            self.solution_button.on_click(lambda _: self.reveal_solution())
            buttons.append(self.solution_button)
        self.check_button.on_click(lambda _: self.check())
        self.hint_button.on_click(lambda _: self.reveal_hint())
        _shown(self.hints_view, False)
        _shown(self.solution_view, False)
        super().__init__([self.title, self.statement, self.signature,
                          widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap")),
                          self.verdict, self.notice, self.hints_view, self.solution_view])
        self._show_hint_button()

    # -- actions ------------------------------------------------------------------------------

    def check(self) -> None:
        """Look the learner's function up by name, check it and show the verdict."""
        function = self._learners_function()
        if function is None:
            return
        try:
            report = check(self.exercise, function, self.language)
        except Exception as error:  # noqa: BLE001 - a click must never look dead
            # check() reports the learner's own errors; reaching here is a checker bug.
            self._show(NOT_DONE, self.text["exercise checker failed"],
                       details=f"{type(error).__name__}: {error}")
            return
        self.report = report
        self.checks += 1
        if report.status != "not-done":
            self.attempted = True
        if self.solution_button is not None:
            self.solution_button.disabled = not self.attempted
        colour, headline = _VERDICTS.get(report.status, (WRONG, "exercise wrong"))
        # "Not done yet" says all there is to say, in the learner's language.
        diagnosis = None if report.status == "not-done" else report.diagnosis
        self._show(colour, self.text[headline].format(name=self._name_html()), diagnosis,
                   report.details)
        if report.passed and not self.solved:
            self.solved = True
            self._unsaved_when = now_utc()
        self._save_solved()

    def reveal_hint(self) -> None:
        """Reveal the next hint (the earlier ones stay)."""
        hints = self.exercise_texts.hints
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        items = "".join(
            f"<li><b>{self.text['hint label'].format(number=number)}</b> "
            f"{markdown_inline(hint)}</li>"
            for number, hint in enumerate(hints[:self.hints_shown], start=1))
        self.hints_view.value = f'<ul style="list-style:none; padding-left:0.5em">{items}</ul>'
        _shown(self.hints_view, True)
        self._show_hint_button()

    def reveal_solution(self) -> None:
        """Show the worked solution; only after a real attempt, and never if it was removed."""
        if self.solution_button is None or not self.attempted:
            return
        self.solution_view.value = (
            f"<p><b>{self.text['solution heading']}</b></p>{_code_block(self.exercise.solution)}")
        _shown(self.solution_view, True)

    # -- helpers ------------------------------------------------------------------------------

    def _learners_function(self):
        """The function the learner defined, or None after saying what to do instead."""
        namespace = self.namespace if self.namespace is not None else _user_namespace()
        name = self._name_html()
        if namespace is None:
            self._show(NOT_DONE, self.text["exercise no notebook"].format(name=name))
            return None
        function = namespace.get(self.exercise.function_name)
        if function is None:
            self._show(NOT_DONE, self.text["exercise missing"].format(name=name))
            return None
        if not callable(function):
            self._show(NOT_DONE, self.text["exercise not a function"].format(
                name=name, kind=html.escape(type(function).__name__)))
            return None
        return function

    def _save_solved(self) -> None:
        """Record the first pass in the store; on failure `notice` says why and keeps it."""
        if self.store is None or self._unsaved_when is None:
            return
        when = self._unsaved_when
        saved, _ = self.notice.attempt(
            lambda: self.store.record_exercise_solved(self.exercise.id, when),
            "exercise not saved")
        if saved:
            self._unsaved_when = None

    def _show(self, kind: str, headline: str, diagnosis=None, details=None) -> None:
        """The verdict: a headline (already HTML) in the colour and with the mark of its
        `kind` (RIGHT, WRONG or NOT_DONE), the diagnosis and its details.

        The diagnosis goes through the content's Markdown renderer, which escapes any HTML (it
        may quote the learner's own error message) and shows `code` as code."""
        colour = look.COLOUR[kind]
        parts = [look.verdict_html(kind, unmarked(headline), escape=False)]
        if diagnosis:
            parts.append(f'<p style="margin:0.4em 0">{markdown_inline(diagnosis)}</p>')
        if details:
            parts.append(f'<pre style="white-space:pre-wrap; margin:0.4em 0; '
                         f'color:{look.MUTED}">{html.escape(details)}</pre>')
        if self.checks > 1:  # the same verdict again still shows that the check ran
            checks = self.text["exercise checks"].format(count=self.checks)
            parts.append(f'<p style="margin:0">{look.muted_html(checks)}</p>')
        # line-height: an HTML widget's is one control's height (28 px), too loose for prose
        self.verdict.value = (f'<div style="border-left:4px solid {colour}; padding-left:8px; '
                              f'line-height:1.5">{"".join(parts)}</div>')

    def _show_hint_button(self) -> None:
        total = len(self.exercise_texts.hints)
        if self.hints_shown < total:
            self.hint_button.description = self.text["hint button"].format(
                number=self.hints_shown + 1, total=total)
        else:
            self.hint_button.description = self.text["all hints shown"].format(total=total)
        self.hint_button.disabled = self.hints_shown >= total
        self.hint_button.icon = "lightbulb-o"

    def _name_html(self) -> str:
        return f"<code>{html.escape(self.exercise.function_name)}</code>"
