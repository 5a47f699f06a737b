"""FlashcardDeck: review the pack's flashcards with spaced repetition (FSRS).

Read the front, flip, then say how well you remembered: Again, Hard, Good or Easy. The rating
goes to the learner's `ProgressStore`, which schedules the card's next review; "due now"
shows only the cards whose review is due (never-studied cards included).
"""
from __future__ import annotations

import html
import tempfile
from datetime import datetime, timedelta, timezone

import ipywidgets as widgets
import numpy as np

from studypack.content.exam import topic_title
from studypack.content.model import TOPICS
from studypack.progress import ProgressStore
from studypack.progress.scheduling import RATING_NAMES, now_utc

from studypack.content.interface_text import interface_text
from studypack.content.markdown import markdown_to_html
from . import look
from .progress_overview import BUTTON_TEXT, ORANGE_BUTTON, ProgressNotice, fits

ALL_TOPICS = "all topics"
ALL_CARDS, DUE_NOW = "all cards", "due now"
# A card due again this soon after a rating is still being learnt: keep it in the session.
RELEARN_WITHIN = timedelta(minutes=15)
# The rating buttons' colours: white text at 5:1 to 5.8:1 on each (ipywidgets' own "warning"
# orange is 2.7:1), and dark enough to stand out on the dark theme's page as well.
RATING_COLOURS = {"again": "#c62828", "hard": ORANGE_BUTTON, "good": "#2e7d32", "easy": "#1565c0"}
RATING_TEXT_COLOUR = BUTTON_TEXT
# The card: a frame in the theme's colours (light and dark), its sides marked
CARD_STYLE = ("border:1px solid var(--jp-border-color1, #bdbdbd); border-radius:8px;"
              " padding:10px 16px; min-height:9em; background:var(--jp-layout-color0, #fff);"
              " box-shadow:0 1px 3px rgba(0, 0, 0, 0.15); line-height:1.5")
SIDE_STYLE = ("font-size:0.8em; text-transform:uppercase; letter-spacing:0.06em;"
              f" color:{look.MUTED}; margin:0 0 4px 0")
BACK_STYLE = ("border-top:1px dashed var(--jp-border-color1, #bdbdbd); margin-top:10px;"
              " padding-top:6px")


def describe_interval(interval: timedelta, text=None) -> str:
    """'1 min', '10 min', '3 h', '4 d': how long until a card comes back."""
    text = text or interface_text()
    minutes = max(1, round(interval.total_seconds() / 60))
    if minutes < 60:
        return text["minutes"].format(n=minutes)
    if minutes < 24 * 60:
        return text["hours"].format(n=round(minutes / 60))
    return text["days"].format(n=round(minutes / (24 * 60)))


class FlashcardDeck(look.RunHint, widgets.VBox):
    """A deck of flashcards with flip, previous/next, a seeded shuffle, a topic filter, an
    "all cards" / "due now" switch, and Again/Hard/Good/Easy ratings.

    `cards` are content `Card`s; `store` is the learner's `ProgressStore` (None: schedules
    are kept in a temporary folder that disappears with the widget); `topics` limits the deck
    to cards having one of them; `language` is that of the interface's own words. State:
    `queue` (card ids in study order), `position`, `current_card` (None when nothing is
    left), `showing_back`, `unsaved`.

    A rating that cannot be saved (disk full, file locked...) is kept in `unsaved`, the card
    stays on screen and `notice` says why; `notice.retry_button` or the next rating saves it.
    """

    run_hint = "the flashcards"

    def __init__(self, cards, store: ProgressStore | None = None, topics=None, seed: int = 0,
                 language: str = "en"):
        self.text = text = interface_text(language)
        if store is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="studypack-flashcards-")
            store = ProgressStore("scratch", directory=self._scratch.name)
        self.store = store
        self.seed = seed
        self.cards = [card for card in cards
                      if topics is None or any(topic in card.topics for topic in topics)]
        self._by_id = {card.id: card for card in self.cards}
        self.shuffles = 0  # how many times shuffle was pressed: the order depends on it and seed
        self.queue: list[str] = []
        self.position = 0
        self.showing_back = False
        #: Ratings not saved yet, oldest first: (card id, rating name, when rated).
        self.unsaved: list[tuple[str, str, datetime]] = []

        present = {topic for card in self.cards for topic in card.topics}
        self.topic_filter = widgets.Dropdown(
            options=[(text["all topics"], ALL_TOPICS)]
            + [(topic_title(topic, text), topic) for topic in TOPICS if topic in present],
            value=ALL_TOPICS, description=text["topic"], style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", max_width="100%"))
        self.mode_selector = widgets.ToggleButtons(
            options=[(text["all cards"], ALL_CARDS), (text["due now"], DUE_NOW)], value=ALL_CARDS,
            style={"button_width": "auto"})
        # a card of one width whatever its text, narrower only where the page is (no margin
        # sideways: width 100% plus a margin would stick out of a narrow cell)
        self.card_view = widgets.HTMLMath(
            layout=widgets.Layout(width="46em", max_width="100%", margin="2px 0"))
        self.flip_button = widgets.Button(description=text["flip"], icon="refresh",
                                          tooltip=text["flip tooltip"], layout=fits())
        self.previous_button = widgets.Button(description=text["previous"], icon="arrow-left",
                                              layout=fits())
        self.next_button = widgets.Button(description=text["next"], icon="arrow-right",
                                          layout=fits())
        self.shuffle_button = widgets.Button(description=text["shuffle"], icon="random",
                                             layout=fits())
        self.rating_buttons = {name: widgets.Button(
            description=text[name], layout=widgets.Layout(width="auto", min_width="6em"),
            style=dict(button_color=RATING_COLOURS[name], text_color=RATING_TEXT_COLOUR,
                       font_weight="bold"))
            for name in RATING_NAMES}
        self.again_button, self.hard_button, self.good_button, self.easy_button = (
            self.rating_buttons[name] for name in RATING_NAMES)
        self.rating_hint = widgets.HTML()  # wraps on a narrow page (a Label would be cut off)
        self.stats = widgets.HTML()
        self.notice = ProgressNotice(text, on_retry=self.save_pending)

        self.flip_button.on_click(self._flip)
        self.previous_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        self.shuffle_button.on_click(self._shuffle)
        for name, button in self.rating_buttons.items():
            button.on_click(lambda _, name=name: self.rate(name))
        self.topic_filter.observe(self._restart, names="value")
        self.mode_selector.observe(self._restart, names="value")

        wrap = dict(flex_flow="row wrap", align_items="center")
        super().__init__([
            widgets.HBox([self.topic_filter, self.mode_selector], layout=widgets.Layout(**wrap)),
            self.card_view,
            widgets.HBox([self.previous_button, self.flip_button, self.next_button,
                          self.shuffle_button], layout=widgets.Layout(**wrap)),
            widgets.HBox([*self.rating_buttons.values(), self.rating_hint],
                         layout=widgets.Layout(**wrap)),
            self.notice, self.stats])
        self._restart()

    @property
    def current_card(self):
        return self._by_id[self.queue[self.position]] if self.queue else None

    # -- actions --------------------------------------------------------------------------

    def rate(self, rating: str) -> None:
        """Record how well the current card was remembered, then show the next one (once the
        rating is saved: until then the card stays, and rating it again replaces the rating)."""
        card = self.current_card
        if card is None or not self.showing_back:
            return
        if self.unsaved and self.unsaved[-1][0] == card.id:
            self.unsaved.pop()
        self.unsaved.append((card.id, rating, now_utc()))
        self.save_pending()

    def save_pending(self) -> bool:
        """Save the ratings not saved yet, oldest first, each with the time it was given;
        move on from the card shown once its rating is saved. True if none is left."""
        saved = {}
        while self.unsaved:
            card_id, rating, when = self.unsaved[0]
            stored, schedule = self.notice.attempt(
                lambda: self.store.record_review(card_id, rating, when), "rating not saved")
            if not stored:
                break
            self.unsaved.pop(0)
            saved[card_id] = schedule
        card = self.current_card
        if (card is not None and self.showing_back and card.id in saved
                and all(card_id != card.id for card_id, _, _ in self.unsaved)):
            self._next_after_rating(card, saved[card.id])
        else:
            self._show()
        self._show_stats()
        return not self.unsaved

    def _next_after_rating(self, card, schedule) -> None:
        if self.mode_selector.value == DUE_NOW:
            # The card leaves the queue; one still in its learning steps (due again within
            # minutes, e.g. after Again) goes to the back, so it comes back this session.
            self.queue.pop(self.position)
            if schedule.due - datetime.now(timezone.utc) <= RELEARN_WITHIN:
                self.queue.append(card.id)
            if self.position >= len(self.queue):
                self.position = 0
        else:
            self.position = (self.position + 1) % len(self.queue)
        self.showing_back = False
        self._show()

    def _flip(self, _=None) -> None:
        if self.current_card is not None:
            self.showing_back = not self.showing_back
            self._show()

    def _move(self, step: int) -> None:
        if self.queue:
            self.position = (self.position + step) % len(self.queue)
            self.showing_back = False
            self._show()

    def _shuffle(self, _=None) -> None:
        self.shuffles += 1
        self._restart()

    def _restart(self, _=None) -> None:
        """Rebuild the queue from the filter, the mode and the shuffle, from its first card."""
        topic = self.topic_filter.value
        ids = [card.id for card in self.cards if topic == ALL_TOPICS or topic in card.topics]
        if self.mode_selector.value == DUE_NOW:
            # Unreadable progress: every card is offered, and the notice says why.
            ids = self._read(lambda: self.store.due_cards(ids), default=ids)
        if self.shuffles:
            ids = [ids[i] for i in np.random.default_rng([self.seed, self.shuffles])
                   .permutation(len(ids))]
        self.queue, self.position, self.showing_back = ids, 0, False
        self._show()
        self._show_stats()

    # -- display --------------------------------------------------------------------------

    def _show(self) -> None:
        card = self.current_card
        self.flip_button.disabled = card is None
        self.previous_button.disabled = self.next_button.disabled = len(self.queue) < 2
        can_rate = card is not None and self.showing_back
        for button in self.rating_buttons.values():
            button.disabled = not can_rate
        self.card_view.value = self._card_html(card)
        self.rating_hint.value = look.muted_html(self._intervals(card)) if can_rate else ""

    def _card_html(self, card) -> str:
        """The card in its frame: where it is in the deck and its topics (as titles), the
        front marked as the question, and once flipped the back marked as the answer."""
        if card is None:
            if self.mode_selector.value == DUE_NOW:
                return f'<div style="{CARD_STYLE}"><p>{self.text["nothing due"]}</p></div>'
            return f'<div style="{CARD_STYLE}"><p>{self.text["no cards for topic"]}</p></div>'
        text = self.text
        position = text["card position"].format(position=self.position + 1,
                                                 total=len(self.queue))
        topics = ", ".join(topic_title(topic, text) for topic in card.topics)
        header = look.muted_html(f"{position} · {topics} · {card.difficulty}")
        shown = (f'<p style="margin:0 0 8px 0">{header}</p>'
                 f'<p style="{SIDE_STYLE}">{html.escape(text["card front"])}</p>'
                 f"<div>{markdown_to_html(card.front)}</div>")
        if self.showing_back:
            shown += (f'<div style="{BACK_STYLE}"><p style="{SIDE_STYLE}">'
                      f'{html.escape(text["card back"])}</p>{markdown_to_html(card.back)}</div>')
        else:
            shown += f'<p>{look.muted_html(text["recall then flip"])}</p>'
        return f'<div style="{CARD_STYLE}">{shown}</div>'

    def _intervals(self, card) -> str:
        """When the card would come back after each rating, e.g. 'Again 1 min · Good 10 min'."""
        now = datetime.now(timezone.utc)
        schedule = self._read(lambda: self.store.card_schedule(card.id), default=False)
        if schedule is False:
            return ""
        due = self.store.scheduler.preview(card.id, schedule, now)
        return " · ".join(f"{self.text[name]} {describe_interval(when - now, self.text)}"
                          for name, when in zip(RATING_NAMES, due.values()))

    def _show_stats(self) -> None:
        """Read the progress file for the stats line: only when a rating or a new queue may
        have changed it, not on every flip."""
        summary = self._read(lambda: self.store.summary([card.id for card in self.cards]))
        if summary is None:
            self.stats.value = ""
            return
        retention = (self.text["no reviews yet"] if summary.retention is None
                     else f"{summary.retention:.0%}")
        self.stats.value = self.text["stats line"].format(
            today=summary.reviewed_today, due=summary.cards_due, new=summary.cards_new,
            retention=retention)

    def _read(self, action, default=None):
        """``action()`` (a read of the store), or `default` if it failed (the notice says why)."""
        read, result = self.notice.attempt(action, "progress not read", kind="read")
        return result if read else default
