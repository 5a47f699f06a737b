"""AssignmentForm: a student answers an assigned quiz and saves the answers for grading.

The form shows the assignment's questions (no key: it cannot say what is right), a box for
the student's name, one answer control per question and a Save button. Saving hands the
answers to the `ResponsesFile` it was given (the content layer writes the file); the form
never opens a file itself. Usage, as in the notebook `studypack assign` writes::

    from studypack.widgets.assignment import AssignmentForm
    from studypack.content.assignments import open_assignment
    AssignmentForm(*open_assignment("assignment.json", "responses.json"))
"""
from __future__ import annotations

import html
from typing import Any, Optional

import ipywidgets as widgets

from studypack.content.assignments import LETTERS, Assignment, ResponsesFile, StudentQuestion
from studypack.content.grading import parse_number

from .markdown import markdown_inline, markdown_to_html


def _number_text(value: float) -> str:
    """A saved number exactly as saved (not rounded for display): 2 → "2", 0.1234567 stays."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _message_html(text: str, colour: str) -> str:
    return f'<p style="color:{colour}">{html.escape(text)}</p>'


class AnswerPanel(widgets.VBox):
    """One question: its prompt and options, and the control that takes the answer.

    Controls: `choice` (RadioButtons by letter, single choice), `checkboxes` (one per letter,
    multiple choice) or `number_box` (Text, numeric); the others are None.
    """

    def __init__(self, question: StudentQuestion, number: int):
        self.question = question
        self.choice = self.checkboxes = self.number_box = None
        prompt = widgets.HTMLMath(f"<b>Question {number}</b>{markdown_to_html(question.prompt)}"
                                  f"{self._options_html()}")
        if question.kind == "single_choice":
            self.choice = widgets.RadioButtons(
                options=[(LETTERS[i], i) for i in range(len(question.options))], value=None,
                orientation="horizontal", description="your answer")
            controls = [self.choice]
        elif question.kind == "multiple_choice":
            self.checkboxes = [widgets.Checkbox(value=False, description=LETTERS[i], indent=False,
                                                layout=widgets.Layout(width="4em"))
                               for i in range(len(question.options))]
            controls = [widgets.Label("tick every right one:"), *self.checkboxes]
        else:
            self.number_box = widgets.Text(placeholder="a number, e.g. 0.25",
                                           description="your answer")
            controls = [self.number_box]
            if question.unit:
                controls.append(widgets.HTMLMath(markdown_inline(question.unit)))
        super().__init__([prompt, widgets.HBox(controls,
                                               layout=widgets.Layout(flex_flow="row wrap"))],
                         layout=widgets.Layout(border="1px solid #ddd", padding="4px",
                                               margin="4px 0"))

    def _options_html(self) -> str:
        if not self.question.options:
            return ""
        rows = "".join(f"<li><b>{LETTERS[i]}.</b> {markdown_inline(text)}</li>"
                       for i, text in enumerate(self.question.options))
        return f'<ul style="list-style:none; padding-left:0.5em">{rows}</ul>'

    def answer(self) -> Any:
        """The answer in the controls (None when unanswered); ValueError for text that is not
        a number."""
        if self.choice is not None:
            return self.choice.value
        if self.checkboxes is not None:
            chosen = [i for i, box in enumerate(self.checkboxes) if box.value]
            return chosen or None
        typed = self.number_box.value.strip()
        if not typed:
            return None
        return parse_number(typed)  # ValueError for text that is not a number

    def show(self, answer: Any) -> None:
        """Put a previously saved answer back into the controls."""
        if self.choice is not None and isinstance(answer, int):
            self.choice.value = answer if 0 <= answer < len(self.question.options) else None
        elif self.checkboxes is not None and isinstance(answer, list):
            for index, box in enumerate(self.checkboxes):
                box.value = index in answer
        elif self.number_box is not None and isinstance(answer, (int, float)):
            self.number_box.value = _number_text(answer)

    def describe(self, answer: Any) -> str:
        """An answer as the confirmation lists it: letters, or the number (and its unit)."""
        if isinstance(answer, list):
            return ", ".join(LETTERS[i] for i in answer)
        if self.question.kind == "single_choice":
            return LETTERS[answer]
        return f"{_number_text(answer)} {self.question.unit or ''}".strip()


class AssignmentForm(widgets.VBox):
    """The student's form: `name_box`, `panels` (one AnswerPanel per question),
    `save_button` and `status` (what was saved, or what to fix).

    Each save writes every answer given so far and replaces the previous save. A number that
    cannot be read is not saved (the status says which); the others are.
    """

    def __init__(self, assignment: Assignment, responses: ResponsesFile):
        self.assignment = assignment
        self.responses = responses
        self.last_saved: Optional[dict] = None
        title = widgets.HTMLMath(f"<h3>{html.escape(assignment.title)}</h3>"
                                 "<p>Type your name, answer the questions, then press "
                                 "<b>Save</b>. You can change answers and save again.</p>")
        self.name_box = widgets.Text(description="your name", placeholder="first and last name")
        self.panels = [AnswerPanel(question, number)
                       for number, question in enumerate(assignment.questions, 1)]
        self.save_button = widgets.Button(description="Save", button_style="primary",
                                          icon="save")
        self.save_button.on_click(lambda _: self.save())
        self.status = widgets.HTML()
        self._restore(responses.load())
        super().__init__([title, self.name_box, *self.panels, self.save_button, self.status])

    def _restore(self, record: Optional[dict]) -> None:
        """Show what was saved last time (the notebook was reopened), if it is for this quiz."""
        if record is None:
            return
        self.name_box.value = str(record.get("student", ""))
        answers = record.get("answers") or {}
        for panel in self.panels:
            panel.show(answers.get(panel.question.id))
        self.status.value = _message_html(f"Your answers saved at {record.get('saved_at')} are "
                                          "shown.", "gray")

    def save(self) -> None:
        """Save the name and every readable answer; show what was saved, or what to fix."""
        answers, unreadable = {}, []
        for number, panel in enumerate(self.panels, 1):
            try:
                answers[panel.question.id] = panel.answer()
            except ValueError:
                unreadable.append(f"question {number} (“{panel.number_box.value.strip()}” "
                                  "is not a number, e.g. 0.25 or -1.5)")
        try:
            self.last_saved = self.responses.save(self.name_box.value, answers)
        except (ValueError, OSError) as problem:
            self.status.value = _message_html(f"Not saved: {problem}", "firebrick")
            return
        self.status.value = self._confirmation(self.last_saved, unreadable)

    def _confirmation(self, record: dict, unreadable: list[str]) -> str:
        saved = record["answers"]
        lines = [f"Question {number}: {panel.describe(saved[panel.question.id])}"
                 for number, panel in enumerate(self.panels, 1) if panel.question.id in saved]
        missing = [str(number) for number, panel in enumerate(self.panels, 1)
                   if panel.question.id not in saved]
        parts = [f"<b>Saved {len(saved)} of {len(self.panels)} answers for "
                 f"{html.escape(record['student'])}</b> at {html.escape(record['saved_at'])} "
                 f"in {html.escape(self.responses.path.name)}:",
                 "<br>".join(html.escape(line) for line in lines)]
        if missing:
            parts.append(html.escape(f"Not answered yet: question {', '.join(missing)}."))
        if unreadable:
            parts.append('<span style="color:darkorange">'
                         + html.escape(f"Not saved: {'; '.join(unreadable)}.") + "</span>")
        return '<p style="color:darkgreen">' + "<br>".join(parts) + "</p>"
