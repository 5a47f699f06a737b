"""ProgressOverview: where the learner stands — lessons visited, cards due, best quiz scores."""
from __future__ import annotations

import html
from datetime import datetime

import ipywidgets as widgets

from studypack.content.interface_text import interface_text


class ProgressOverview(widgets.VBox):
    """A summary of one learner's `ProgressStore`, refreshed by `refresh_button`.

    `lessons` are (name, title) pairs in course order (e.g. from
    `studypack.content.lessons.list_lessons()`), `card_ids` the deck. The figures shown are in
    `summary` (a `ProgressSummary`, read in one go from the learner's file); `language` is
    that of the interface's words.
    """

    def __init__(self, store, lessons=(), card_ids=(), language: str = "en"):
        self.text = text = interface_text(language)
        self.store = store
        self.lessons = [(name, title) for name, title in lessons]
        self.card_ids = list(card_ids)
        self.summary = None
        self.refresh_button = widgets.Button(description=text["refresh"], icon="refresh",
                                             tooltip=text["refresh tooltip"])
        self.view = widgets.HTML()
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__([self.view, self.refresh_button])
        self.refresh()

    def refresh(self) -> None:
        """Read the progress again (another notebook may have added to it) and show it."""
        self.summary = self.store.summary(self.card_ids)
        self.view.value = (f"<b>{self.text['learner']}:</b> {html.escape(self.summary.learner)}"
                           + self._lessons_html() + self._cards_html() + self._quizzes_html())

    def _lessons_html(self) -> str:
        visited = self.summary.lessons_visited
        rows = "".join(
            f"<li>{'✔' if name in visited else '○'} {html.escape(title)}"
            f"{_when(visited[name]) if name in visited else ''}</li>"
            for name, title in self.lessons)
        seen = sum(name in visited for name, _ in self.lessons)
        visited_line = self.text["lessons visited"].format(seen=seen, total=len(self.lessons))
        return (f"<h4>{visited_line}</h4>"
                f'<ul style="list-style:none; padding-left:0.5em">{rows}</ul>')

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
            "<li>" + text["best score"].format(quiz=html.escape(quiz_id),
                                               score=f"{attempt.score:.4g}",
                                               max_score=f"{attempt.max_score:g}",
                                               percent=f"{attempt.fraction:.0%}")
            + f"{_when(attempt.when)}</li>"
            for quiz_id, attempt in sorted(best.items()))
        return f"<h4>{text['best scores']}</h4><ul>{rows}</ul>"


def _when(moment: datetime) -> str:
    """' — 23 Nov 2026, 14:05' in the computer's local time."""
    return f' <span style="color:gray">— {moment.astimezone():%d %b %Y, %H:%M}</span>'
