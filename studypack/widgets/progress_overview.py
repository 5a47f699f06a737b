"""ProgressOverview: where the learner stands — lessons visited, cards due, best quiz scores."""
from __future__ import annotations

import html
from datetime import datetime

import ipywidgets as widgets


class ProgressOverview(widgets.VBox):
    """A summary of one learner's `ProgressStore`, refreshed by `refresh_button`.

    `lessons` are (name, title) pairs in course order (e.g. from
    `studypack.content.lessons.list_lessons()`), `card_ids` the deck. The figures shown are in
    `summary` (a `ProgressSummary`, read in one go from the learner's file).
    """

    def __init__(self, store, lessons=(), card_ids=()):
        self.store = store
        self.lessons = [(name, title) for name, title in lessons]
        self.card_ids = list(card_ids)
        self.summary = None
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                             tooltip="read the progress file again")
        self.view = widgets.HTML()
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__([self.view, self.refresh_button])
        self.refresh()

    def refresh(self) -> None:
        """Read the progress again (another notebook may have added to it) and show it."""
        self.summary = self.store.summary(self.card_ids)
        self.view.value = (f"<b>Learner:</b> {html.escape(self.summary.learner)}"
                           + self._lessons_html() + self._cards_html() + self._quizzes_html())

    def _lessons_html(self) -> str:
        visited = self.summary.lessons_visited
        rows = "".join(
            f"<li>{'✔' if name in visited else '○'} {html.escape(title)}"
            f"{_when(visited[name]) if name in visited else ''}</li>"
            for name, title in self.lessons)
        seen = sum(name in visited for name, _ in self.lessons)
        return (f"<h4>Lessons: {seen} of {len(self.lessons)} visited</h4>"
                f'<ul style="list-style:none; padding-left:0.5em">{rows}</ul>')

    def _cards_html(self) -> str:
        summary = self.summary
        retention = ("no reviews yet" if summary.retention is None
                     else f"{summary.retention:.0%}")
        return (f"<h4>Flashcards</h4><p>Due now: <b>{summary.cards_due}</b> · never studied: "
                f"<b>{summary.cards_new}</b> · reviewed today: <b>{summary.reviewed_today}</b> · "
                f"retention estimate: <b>{retention}</b></p>")

    def _quizzes_html(self) -> str:
        best = self.summary.best_scores
        if not best:
            return "<h4>Quizzes</h4><p>No quiz finished yet.</p>"
        rows = "".join(
            f"<li>{html.escape(quiz_id)}: best <b>{attempt.score:.4g} / {attempt.max_score:g}"
            f"</b> ({attempt.fraction:.0%}){_when(attempt.when)}</li>"
            for quiz_id, attempt in sorted(best.items()))
        return f"<h4>Quizzes: best scores</h4><ul>{rows}</ul>"


def _when(moment: datetime) -> str:
    """' — 23 Nov 2026, 14:05' in the computer's local time."""
    return f' <span style="color:gray">— {moment.astimezone():%d %b %Y, %H:%M}</span>'
