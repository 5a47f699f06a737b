"""ProgressOverview: where the learner stands — lessons visited, exercises solved, cards due,
best quiz scores.

Also `ProgressNotice`, where every study widget tells the learner that their progress could
not be read or saved (what failed and what to do, in their language) and offers to try
again, and `visit_lesson`, which records a lesson visit the same way.
"""
from __future__ import annotations

import html
import re
import warnings
from datetime import datetime

import ipywidgets as widgets

from studypack.content.exam import topic_title
from studypack.content.interface_text import interface_text
from studypack.progress import ProgressError, ProgressFileWarning

from . import look


# A button that warns: white on a dark orange, 5:1 (ipywidgets' "warning" orange is 2.7:1)
ORANGE_BUTTON, BUTTON_TEXT = "#b45309", "#ffffff"


class ProgressNotice(widgets.VBox):
    """A message (`message`, hidden while all is well) and `retry_button` ("Save again").

    A widget runs each call to the learner's store through `attempt`: a `ProgressError`
    becomes a message in the learner's language saying what failed and what to do (with the
    store's own message, which names the file, as details), and a damaged file the store set
    aside is reported too. The message stays until the same kind of call succeeds.
    `retry_button` calls `on_retry` and is shown while a save has failed.
    """

    def __init__(self, text, on_retry=None):
        self.text = text
        self.message = widgets.HTML()
        self.retry_button = widgets.Button(description=text["save again"], icon="save",
                                           style=dict(button_color=ORANGE_BUTTON,
                                                      text_color=BUTTON_TEXT),
                                           layout=fits())
        self.retry_button.on_click(lambda _: on_retry())
        self._can_retry = on_retry is not None
        self._failures: dict[str, tuple[str, ProgressError]] = {}  # "save"/"read" -> why
        self._damaged: str | None = None  # the store's warning about a file set aside
        self._saved_after_failing = False
        super().__init__([self.message, self.retry_button])
        self._render()

    def attempt(self, action, failed: str, kind: str = "save"):
        """``(True, action())``, or ``(False, None)`` if the store raised `ProgressError`;
        `failed` is the interface text saying what was not done, `kind` "save" or "read"."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                outcome = True, action()
            except ProgressError as error:
                self._failures[kind] = (failed, error)
                outcome = False, None
            else:
                failed_before = self._failures.pop(kind, None) is not None
                if kind == "save":  # "Saved" stays until the next save
                    self._saved_after_failing = failed_before
        for warning in caught:  # still reaches the log, as it would without the notice
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
            if issubclass(warning.category, ProgressFileWarning):
                self._damaged = str(warning.message)
        self._render()
        return outcome

    def report(self, error: ProgressError, failed: str, kind: str = "save") -> None:
        """Show a failure that happened before this notice existed, as `attempt` would."""
        self._failures[kind] = (failed, error)
        self._render()

    @property
    def problems(self) -> str:
        """The text shown, without markup (empty when all is well)."""
        return html.unescape(_TAGS.sub(" ", self.message.value)).strip()

    def _render(self) -> None:
        text, parts = self.text, []
        for failed, error in self._failures.values():
            advice = text.get(f"problem {error.reason}", text["problem other"])
            parts.append(f"<p>{look.verdict_html(look.WRONG, text[failed])} {advice}<br>"
                         f"<small>{look.muted_html(text['details'] + ' ' + str(error))}"
                         "</small></p>")
        if self._damaged:
            parts.append(f"<p>{look.verdict_html(look.PARTLY, text['progress damaged'])}<br>"
                         f"<small>{look.muted_html(text['details'] + ' ' + self._damaged)}"
                         "</small></p>")
        if self._saved_after_failing and not self._failures:
            parts.append(f"<p>{look.verdict_html(look.RIGHT, unmarked(text['saved now']))}</p>")
        self.message.value = "".join(parts)
        self.layout.display = None if parts else "none"
        self.retry_button.layout.display = (None if self._can_retry and "save" in self._failures
                                            else "none")


def visit_lesson(name: str, store, language: str = "en"):
    """Record in `store` that the learner opened lesson `name`. Returns None, or — if it
    could not be saved — a `ProgressNotice` saying why, whose button tries again (a lesson's
    first cell shows it)."""
    try:
        store.record_lesson_visit(name)
        return None
    except ProgressError as error:
        failure = error
    # Built only now: a notice made on every visit would leave hidden widgets in each lesson.
    notice = ProgressNotice(interface_text(language), on_retry=lambda: notice.attempt(
        lambda: store.record_lesson_visit(name), "visit not saved"))
    notice.report(failure, "visit not saved")
    return notice


class ProgressOverview(look.RunHint, widgets.VBox):
    """A summary of one learner's `ProgressStore`, refreshed by `refresh_button`.

    `lessons` are (name, title) pairs in course order (e.g. from
    `studypack.content.lessons.list_lessons()`), `exercise_ids` the exercises to count (e.g.
    ``[e.id for e in studypack.exercises.list_exercises()]``), `card_ids` the deck. Quizzes
    are named (`quiz_title`), never shown by id. The figures shown are in `summary` (a
    `ProgressSummary`, read in one go from the learner's file, None until read);
    `notice` says why the file could not be read, if so. `language` is that of the
    interface's words.
    """

    run_hint = "the overview of your progress"

    def __init__(self, store, lessons=(), card_ids=(), language: str = "en", exercise_ids=()):
        self.text = text = interface_text(language)
        self.store = store
        self.lessons = [(name, title) for name, title in lessons]
        self.card_ids = list(card_ids)
        self.exercise_ids = list(dict.fromkeys(exercise_ids))  # each counted once
        self.summary = None
        self.refresh_button = widgets.Button(description=text["refresh"], icon="refresh",
                                             tooltip=text["refresh tooltip"],
                                             layout=fits())
        self.view = widgets.HTML()
        self.notice = ProgressNotice(text)
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__([self.notice, self.view, self.refresh_button])
        self.refresh()

    def refresh(self) -> None:
        """Read the progress again (another notebook may have added to it) and show it."""
        read, summary = self.notice.attempt(lambda: self.store.summary(self.card_ids),
                                            "progress not read", kind="read")
        if not read:
            return  # the notice says why; the figures last read (if any) stay
        self.summary = summary
        self.view.value = (f"<b>{self.text['learner']}:</b> {html.escape(self.summary.learner)}"
                           + self._lessons_html() + self._exercises_html() + self._cards_html()
                           + self._quizzes_html())

    def _lessons_html(self) -> str:
        visited = self.summary.lessons_visited
        rows = "".join(
            f"<li>{_VISITED if name in visited else _NOT_VISITED} {html.escape(title)}"
            f"{_when(visited[name]) if name in visited else ''}</li>"
            for name, title in self.lessons)
        seen = sum(name in visited for name, _ in self.lessons)
        visited_line = self.text["lessons visited"].format(seen=seen, total=len(self.lessons))
        return (f"<h4>{visited_line}</h4>"
                f'<ul style="list-style:none; padding-left:0.5em">{rows}</ul>')

    def _exercises_html(self) -> str:
        """'Exercises: k of N solved' for the exercises given (none given: nothing shown)."""
        if not self.exercise_ids:
            return ""
        solved = sum(exercise_id in self.summary.exercises_solved
                     for exercise_id in self.exercise_ids)
        line = self.text["exercises solved"].format(solved=solved, total=len(self.exercise_ids))
        return f"<h4>{line}</h4>"

    def _cards_html(self) -> str:
        summary, text = self.summary, self.text
        retention = (text["no reviews yet"] if summary.retention is None
                     else f"{summary.retention:.0%}")
        figures = text["card figures"].format(due=summary.cards_due, new=summary.cards_new,
                                              today=summary.reviewed_today, retention=retention)
        return f"<h4>{text['flashcards']}</h4><p>{figures}</p>"

    def _quizzes_html(self) -> str:
        best, text = self.summary.best_scores, self.text
        if not best:
            return f"<h4>{text['quizzes']}</h4><p>{text['no quiz yet']}</p>"
        rows = "".join(
            "<li>" + text["best score"].format(quiz=html.escape(quiz_title(quiz_id, text)),
                                               score=f"{attempt.score:.4g}",
                                               max_score=f"{attempt.max_score:g}",
                                               percent=f"{attempt.fraction:.0%}")
            + f"{_when(attempt.when)}</li>"
            for quiz_id, attempt in sorted(best.items()))
        return f"<h4>{text['best scores']}</h4><ul>{rows}</ul>"


_TAGS = re.compile(r"<[^>]*>")
_VISITED = f'<b style="color:{look.COLOUR[look.RIGHT]}">{look.MARK[look.RIGHT]}</b>'
_NOT_VISITED = look.muted_html("○")


def quiz_title(quiz_id: str, text: dict) -> str:
    """A quiz's name for the learner: "Practice exam", not "practice-exam"; a note's quiz
    ("note:<note id>") and a topic's quiz by the note's or topic's name."""
    if text.get(f"quiz {quiz_id}"):
        return text[f"quiz {quiz_id}"]
    kind, _, name = quiz_id.partition(":")
    if kind == "note" and name:
        return text["quiz of note"].format(note=topic_title(name, {}))
    return topic_title(quiz_id, text)


def fits() -> widgets.Layout:
    """A button as wide as its words: a fixed width cuts them off ("Review its 9 ca…"),
    the more so in longer translations."""
    return widgets.Layout(width="auto")


def unmarked(words: str) -> str:
    """The words without the mark they start with (verdict_html adds it, in colour)."""
    return words.lstrip("✔✘✓✗◐ ")


def _when(moment: datetime) -> str:
    """' — 23 Nov 2026, 14:05' in the computer's local time."""
    return " " + look.muted_html(f"— {moment.astimezone():%d %b %Y, %H:%M}")
