"""Spaced repetition for flashcards, using the FSRS algorithm from the ``fsrs`` package.

This module only wraps ``fsrs`` (it does no scheduling maths of its own): it turns the
study pack's string card ids and the learner's Again/Hard/Good/Easy ratings into fsrs calls,
and answers the questions a flashcard view asks — when is this card next due, which cards
are due now and in what order, how much is the learner likely to remember.

Card schedules are ``fsrs.Card`` objects; :mod:`studypack.content.progress` stores them in
fsrs's own dictionary form (``Card.to_dict()``), so a later fsrs release can read them back.

All times are timezone-aware; they are converted to UTC, which fsrs requires.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from fsrs import Card, Rating, ReviewLog, Scheduler

__all__ = [
    "RATING_NAMES",
    "CardScheduler",
    "Rating",
    "as_utc",
    "fsrs_card_id",
    "is_due",
    "new_card",
    "parse_rating",
]

#: The four answers a learner can give, weakest recall first (fsrs ``Rating`` 1–4).
RATING_NAMES = ("again", "hard", "good", "easy")


def as_utc(moment: datetime, name: str = "time") -> datetime:
    """``moment`` converted to UTC; a naive datetime is refused rather than guessed at."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware (e.g. datetime.now(timezone.utc)), got naive {moment!r}"
        )
    return moment.astimezone(timezone.utc)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def parse_rating(rating: Rating | int | str) -> Rating:
    """An fsrs ``Rating`` from a ``Rating``, its number 1–4, or its name (``"good"``, any case)."""
    if isinstance(rating, Rating):
        return rating
    if isinstance(rating, str):
        key = rating.strip().lower()
        if key in RATING_NAMES:
            return Rating(RATING_NAMES.index(key) + 1)
    elif isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 4:
        return Rating(rating)
    raise ValueError(
        f"unknown rating {rating!r}: use one of {', '.join(RATING_NAMES)} (or 1-4, or fsrs.Rating)"
    )


def fsrs_card_id(card_id: str) -> int:
    """A stable integer for fsrs's ``card_id`` field, derived from the study pack's string id.

    fsrs identifies cards by integer (its optimizer groups review logs by it), so the same
    string id must always give the same number — across processes and Python versions, which
    rules out ``hash()``. 48 bits keep it a plain JSON integer everywhere.
    """
    digest = hashlib.sha256(card_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:6], "big")


def new_card(card_id: str, now: datetime) -> Card:
    """The schedule of a card the learner has never reviewed: due immediately."""
    # Passing card_id also avoids fsrs's default, which sleeps 1 ms to make a unique id.
    return Card(card_id=fsrs_card_id(card_id), due=as_utc(now, "now"))


def is_due(card: Card | None, now: datetime) -> bool:
    """Whether a card should be shown at ``now``; a never-reviewed card (None) is always due."""
    return card is None or card.due <= as_utc(now, "now")


class CardScheduler:
    """FSRS scheduling with the study pack's defaults.

    ``enable_fuzzing`` is off by default so a rating always gives the same due time, which
    keeps schedules reproducible (and testable); fsrs's fuzz only spreads out long intervals
    of many cards learned on the same day, which matters little for a deck this size.
    """

    def __init__(self, *, desired_retention: float = 0.9, enable_fuzzing: bool = False) -> None:
        self.fsrs = Scheduler(desired_retention=desired_retention, enable_fuzzing=enable_fuzzing)

    def review(
        self, card_id: str, card: Card | None, rating: Rating | int | str, when: datetime
    ) -> tuple[Card, ReviewLog]:
        """Apply a rating given at ``when``; returns the new schedule and fsrs's review log.

        ``card`` is the card's current schedule, or None for a card reviewed the first time.
        """
        when = as_utc(when, "when")
        if card is None:
            card = new_card(card_id, when)
        return self.fsrs.review_card(card, parse_rating(rating), review_datetime=when)

    def preview(self, card_id: str, card: Card | None, now: datetime) -> dict[Rating, datetime]:
        """When the card would next be due for each possible rating given at ``now``.

        Lets a flashcard view label its buttons ("Again: 1 min, Good: 10 min, ...").
        """
        return {
            rating: self.review(card_id, card, rating, now)[0].due
            for rating in Rating
        }

    def retrievability(self, card: Card | None, now: datetime) -> float:
        """fsrs's estimated probability, in [0, 1], that the learner recalls the card at ``now``."""
        if card is None:
            return 0.0
        return float(self.fsrs.get_card_retrievability(card, current_datetime=as_utc(now, "now")))

    def due_queue(
        self, cards: Mapping[str, Card | None], now: datetime, *, include_new: bool = True
    ) -> list[str]:
        """Ids of the cards due at ``now``, in the order to study them.

        ``cards`` maps each card id in the deck (in deck order) to its schedule, or None if
        never reviewed. Reviewed cards come first, most overdue first, so what is closest to
        being forgotten is seen first; then, if ``include_new``, never-reviewed cards in deck
        order. Ties keep deck order.
        """
        now = as_utc(now, "now")
        overdue = [
            (card.due, position, card_id)
            for position, (card_id, card) in enumerate(cards.items())
            if card is not None and card.due <= now
        ]
        queue = [card_id for _, _, card_id in sorted(overdue)]
        if include_new:
            queue += [card_id for card_id, card in cards.items() if card is None]
        return queue

    def retention_estimate(self, cards: Iterable[Card | None], now: datetime) -> float | None:
        """Mean retrievability at ``now`` of the reviewed cards, in [0, 1]; None if none reviewed.

        Never-reviewed cards are left out: there is nothing to remember yet, and counting
        them as 0 would make the estimate fall every time the deck grows.
        """
        values = [self.retrievability(card, now) for card in cards if card is not None]
        if not values:
            return None
        mean = math.fsum(values) / len(values)
        return min(1.0, max(0.0, mean))
