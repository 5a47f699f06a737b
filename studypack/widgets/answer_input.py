"""AnswerInput: a question's prompt with lettered options, and the control that takes the
answer. Shared by the practice `Quiz` (which grades at once) and the `AssignmentForm` of
`studypack assign` (which only saves).
"""
from __future__ import annotations

import html
from typing import Any, Optional, Sequence

import ipywidgets as widgets

from studypack.content.generators import format_number
from studypack.content.grading import option_label, parse_number
from studypack.content.interface_text import interface_text

from studypack.content.markdown import markdown_inline, markdown_to_html

CHOICE_KINDS = ("single_choice", "multiple_choice")


class AnswerInput(widgets.VBox):
    """Question `number`: `prompt_view`, then `choice` (RadioButtons, single choice),
    `checkboxes` (multiple choice) or `number_box` (numbers) — the others are None —
    followed by `extra_controls` (e.g. a Check button) on the same row.

    Options are listed with their math rendered and chosen by letter: a radio button or tick
    box label cannot typeset math.
    """

    def __init__(self, kind: str, prompt: str, number: int, options: Sequence[str] = (),
                 unit: Optional[str] = None, text=None, extra_controls=(), layout=None):
        self.text = text = text or interface_text()
        self.kind, self.options, self.unit = kind, list(options), unit
        self.choice = self.checkboxes = self.number_box = None
        self.prompt_view = widgets.HTMLMath(
            f"<b>{text['question number'].format(number=number)}</b>"
            f"{markdown_to_html(prompt)}{self._options_html()}")
        if kind == "single_choice":
            self.choice = widgets.RadioButtons(
                options=[(option_label(i), i) for i in range(len(self.options))], value=None,
                orientation="horizontal", description=text["your answer"])
            controls = [self.choice]
        elif kind == "multiple_choice":
            self.checkboxes = [widgets.Checkbox(value=False, description=option_label(i),
                                                indent=False, layout=widgets.Layout(width="4em"))
                               for i in range(len(self.options))]
            controls = [widgets.Label(text["tick every right one"]), *self.checkboxes]
        else:
            self.number_box = widgets.Text(placeholder=text["number placeholder"],
                                           description=text["your answer"])
            controls = [self.number_box]
            if unit:
                controls.append(widgets.HTMLMath(markdown_inline(unit)))
        self.inputs = [*(self.checkboxes or []),
                       *(c for c in (self.choice, self.number_box) if c is not None)]
        super().__init__([self.prompt_view,
                          widgets.HBox([*controls, *extra_controls],
                                       layout=widgets.Layout(flex_flow="row wrap"))],
                         **({"layout": layout} if layout is not None else {}))

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
        if not self.typed:
            return None
        try:
            return parse_number(self.typed)
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
        if answer is None:
            return self.text["no answer"]
        if self.kind in CHOICE_KINDS:
            indexes = [answer] if isinstance(answer, int) else list(answer)
            return "; ".join(f"<b>{option_label(i)}.</b> {markdown_inline(self.options[i])}"
                             if with_text else option_label(i) for i in indexes)
        unit = f" {markdown_inline(self.unit)}" if self.unit else ""
        shown = format_number(answer) if with_text else exact_number(answer)
        return html.escape(shown) + unit

    def lock(self) -> None:
        for control in self.inputs:
            control.disabled = True


def exact_number(value: float) -> str:
    """A number exactly as given (not rounded for display): 2 → "2", 0.1234567 stays."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
