"""AssignmentForm: a student answers an assigned quiz and saves the answers for grading.

The form shows the assignment's questions (no key: it cannot say what is right), a box for
the student's name, one answer control per question and a Save button. Saving hands the
answers to the `ResponsesFile` it was given (the content layer writes the file); the form
never opens a file itself. Usage, as in the notebook `studypack assign` writes::

    from studypack.widgets.assignment import AssignmentForm
    from studypack.classroom.assignments import open_assignment
    AssignmentForm(*open_assignment("assignment.json", "responses.json"))
"""
from __future__ import annotations

import html
from typing import Any, Optional

import ipywidgets as widgets

from studypack.classroom.assignments import Assignment, ResponsesFile, StudentQuestion
from studypack.content.interface_text import interface_text

from . import look
from .answer_input import AnswerInput, SharedLooks


def _message_html(text: str, kind: str) -> str:
    """A message in the pack's feedback language (look.RIGHT/WRONG/PARTLY), or muted."""
    shown = look.muted_html(text) if kind == "muted" else look.verdict_html(kind, text)
    return f"<p>{shown}</p>"


class AnswerPanel(AnswerInput):
    """One assigned question (`question`, text only) and the control that takes its answer."""

    def __init__(self, question: StudentQuestion, number: int, text=None,
                 looks: Optional[SharedLooks] = None):
        self.question = question
        looks = looks or SharedLooks()
        super().__init__(question.kind, question.prompt, number, options=question.options,
                         unit=question.unit, text=text, looks=looks,
                         layout=looks.layout(**look.CARD_LAYOUT))

    def answer(self) -> Any:
        """The answer in the controls (None when unanswered); ValueError for text that is not
        a number."""
        return self.value()


class AssignmentForm(look.RunHint, widgets.VBox):
    """The student's form: `name_box`, `panels` (one AnswerPanel per question),
    `save_button` and `status` (what was saved, or what to fix).

    Each save writes every answer given so far and replaces the previous save. A number that
    cannot be read is not saved (the status says which); the others are. The words around
    the questions are in the assignment's language.
    """

    run_hint = "the answer form"

    def __init__(self, assignment: Assignment, responses: ResponsesFile):
        self.assignment = assignment
        self.responses = responses
        self.last_saved: Optional[dict] = None
        self.text = text = interface_text(assignment.language)
        title = widgets.HTMLMath(f"<h3>{html.escape(assignment.title)}</h3>"
                                 f"<p>{text['assignment instructions']}</p>")
        self.name_box = widgets.Text(description=text["your name"],
                                     placeholder=text["name placeholder"],
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="24em", max_width="100%"))
        looks = SharedLooks()  # the panels' layouts and styles, shared
        self.panels = [AnswerPanel(question, number, text, looks)
                       for number, question in enumerate(assignment.questions, 1)]
        self.save_button = widgets.Button(description=text["save"], button_style="primary",
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
        self.status.value = _message_html(
            self.text["saved answers shown"].format(saved_at=record.get("saved_at")), "muted")

    def save(self) -> None:
        """Save the name and every readable answer; show what was saved, or what to fix."""
        if not self.name_box.value.strip():
            self.status.value = _message_html(self.text["name needed"], look.WRONG)
            return
        answers, unreadable = {}, []
        for number, panel in enumerate(self.panels, 1):
            try:
                answers[panel.question.id] = panel.value()
            except ValueError:
                unreadable.append(self.text["unreadable number"].format(number=number,
                                                                        typed=panel.typed))
        try:
            self.last_saved = self.responses.save(self.name_box.value, answers)
        except (ValueError, OSError) as problem:
            self.status.value = _message_html(
                self.text["not saved because"].format(problem=problem), look.WRONG)
            return
        self.status.value = self._confirmation(self.last_saved, unreadable)

    def _confirmation(self, record: dict, unreadable: list[str]) -> str:
        text, saved = self.text, record["answers"]
        lines = [f"{text['question number'].format(number=number)}: "
                 f"{panel.answer_html(saved[panel.question.id], with_text=False)}"
                 for number, panel in enumerate(self.panels, 1) if panel.question.id in saved]
        missing = [str(number) for number, panel in enumerate(self.panels, 1)
                   if panel.question.id not in saved]
        summary = text["saved summary"].format(
            saved=len(saved), total=len(self.panels), student=html.escape(record["student"]),
            saved_at=html.escape(record["saved_at"]), file=html.escape(self.responses.path.name))
        parts = [look.verdict_html(look.RIGHT, summary, escape=False), "<br>".join(lines)]
        if missing:
            parts.append(html.escape(text["not answered yet"].format(numbers=", ".join(missing))))
        if unreadable:
            parts.append(look.verdict_html(look.PARTLY, text["not saved list"].format(
                items="; ".join(unreadable))))
        return "<p>" + "<br>".join(parts) + "</p>"
