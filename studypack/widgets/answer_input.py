"""AnswerInput: a question's prompt with lettered options, and the control that takes the
answer. Shared by the practice `Quiz` (which grades at once) and the `AssignmentForm` of
`studypack assign` (which only saves).

`SharedLooks` lets the many controls of one quiz or form share their layouts and styles: each
layout or style is a widget model of its own, and every model is a message to the browser
and an object it builds, so a 10-question quiz shown all at once sends ~70 models, not ~170.
"""
from __future__ import annotations

import html
from typing import Any, Optional, Sequence

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLMathStyle, HTMLStyle, TextStyle

from studypack.content.generators import format_number
from studypack.content.grading import option_label
from studypack.content.interface_text import interface_text
from studypack.content.markdown import markdown_inline, markdown_to_html

from . import look

CHOICE_KINDS = ("single_choice", "multiple_choice")
# labels ("your answer") are shown whole, never cut to "your answ…"
WHOLE_LABEL = {"description_width": "initial"}
ROW = dict(flex_flow="row wrap", align_items="center")  # a row of controls wraps when narrow


class SharedLooks:
    """One `Layout` (or style) per distinct setting, shared by every control that uses it;
    only for controls whose layout never changes (hiding one would hide them all)."""

    def __init__(self):
        self._made: dict = {}

    def layout(self, **settings) -> widgets.Layout:
        return self._shared(widgets.Layout, settings)

    def style(self, kind, **settings):
        return self._shared(kind, settings)

    def _shared(self, kind, settings: dict):
        key = (kind, tuple(sorted(settings.items())))
        if key not in self._made:
            self._made[key] = kind(**settings)
        return self._made[key]


class AnswerInput(widgets.VBox):
    """Question `number`: `prompt_view`, then `choice` (RadioButtons, single choice),
    `checkboxes` (multiple choice) or `number_box` (a `look.NumberBox`: starts empty, read as
    typed) — the others are None — followed by `extra_controls` (e.g. a Check button) on the
    same row, which wraps on a narrow page.

    Options are listed with their math rendered and chosen by letter: a radio button or tick
    box label cannot typeset math.
    """

    def __init__(self, kind: str, prompt: str, number: int, options: Sequence[str] = (),
                 unit: Optional[str] = None, text=None, extra_controls=(), layout=None,
                 looks: Optional[SharedLooks] = None):
        self.text = text = text or interface_text()
        looks = looks or SharedLooks()
        self.kind, self.options, self.unit = kind, list(options), unit
        self.choice = self.checkboxes = self.number_box = None
        math = dict(layout=looks.layout(), style=looks.style(HTMLMathStyle))
        self.prompt_view = widgets.HTMLMath(
            f"<b>{text['question number'].format(number=number)}</b>"
            f"{markdown_to_html(prompt)}{self._options_html()}", **math)
        if kind == "single_choice":
            self.choice = widgets.RadioButtons(
                options=[(option_label(i), i) for i in range(len(self.options))], value=None,
                orientation="horizontal", description=text["your answer"],
                style=looks.style(DescriptionStyle, **WHOLE_LABEL),
                layout=looks.layout(width="auto"))
            controls = [self.choice]
        elif kind == "multiple_choice":
            self.checkboxes = [widgets.Checkbox(value=False, description=option_label(i),
                                                indent=False, layout=looks.layout(width="4em"),
                                                style=looks.style(CheckboxStyle))
                               for i in range(len(self.options))]
            controls = [widgets.HTML(html.escape(text["tick every right one"]),
                                     layout=looks.layout(), style=looks.style(HTMLStyle)),
                        *self.checkboxes]
        else:
            self.number_box = look.NumberBox(placeholder=text["number placeholder"],
                                             description=text["your answer"],
                                             style=looks.style(TextStyle, **WHOLE_LABEL),
                                             layout=looks.layout(width="20em", max_width="100%"))
            controls = [self.number_box]
            if unit:
                controls.append(widgets.HTMLMath(markdown_inline(unit), **math))
        self.inputs = [*(self.checkboxes or []),
                       *(c for c in (self.choice, self.number_box) if c is not None)]
        super().__init__([self.prompt_view,
                          widgets.HBox([*controls, *extra_controls], layout=looks.layout(**ROW))],
                         layout=layout if layout is not None else looks.layout())

    def _options_html(self) -> str:
        if not self.options:
            return ""
        rows = "".join(f"<li><b>{option_label(i)}.</b> {markdown_inline(option)}</li>"
                       for i, option in enumerate(self.options))
        return f'<ul style="list-style:none; padding-left:0.5em">{rows}</ul>'

    @property
    def typed(self) -> str:
        return self.number_box.value.strip() if self.number_box is not None else ""

    def value(self) -> Any:
        """The answer in the controls: an option index, a list of them, or a number; None
        when nothing is chosen or typed. ValueError (saying what to type) for text that is
        not a number."""
        if self.choice is not None:
            return self.choice.value
        if self.checkboxes is not None:
            return [i for i, box in enumerate(self.checkboxes) if box.value] or None
        try:
            return self.number_box.number()
        except ValueError:
            raise ValueError(self.text["type a number"].format(typed=self.typed)) from None

    def show(self, answer: Any) -> None:
        """Put an answer (e.g. one saved earlier) back into the controls."""
        if self.choice is not None and isinstance(answer, int):
            self.choice.value = answer if 0 <= answer < len(self.options) else None
        elif self.checkboxes is not None and isinstance(answer, list):
            for index, box in enumerate(self.checkboxes):
                box.value = index in answer
        elif self.number_box is not None and isinstance(answer, (int, float)):
            self.number_box.value = exact_number(answer)

    def answer_html(self, answer: Any, with_text: bool = True) -> str:
        """An answer as HTML: option letters (with their text), or the number and its unit."""
        return answer_html(self.kind, self.options, self.unit, answer, self.text, with_text)

    def lock(self) -> None:
        for control in self.inputs:
            control.disabled = True


def answer_html(kind: str, options: Sequence[str], unit: Optional[str], answer: Any, text,
                with_text: bool = True) -> str:
    """An answer to a question of `kind` as HTML: option letters (with their text, from
    `options`), or the number and its `unit`; `text["no answer"]` for None."""
    if answer is None:
        return text["no answer"]
    if kind in CHOICE_KINDS:
        indexes = [answer] if isinstance(answer, int) else list(answer)
        return "; ".join(f"<b>{option_label(i)}.</b> {markdown_inline(options[i])}"
                         if with_text else option_label(i) for i in indexes)
    shown_unit = f" {markdown_inline(unit)}" if unit else ""
    shown = format_number(answer) if with_text else exact_number(answer)
    return html.escape(shown) + shown_unit


def exact_number(value: float) -> str:
    """A number exactly as given (not rounded for display): 2 → "2", 0.1234567 stays."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
