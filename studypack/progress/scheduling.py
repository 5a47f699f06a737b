"""Spaced repetition for flashcards, using the FSRS algorithm from the ``fsrs`` package.

This module only wraps ``fsrs`` (it does no scheduling maths of its own): it turns the
study pack's string card ids and the learner's Again/Hard/Good/Easy ratings into fsrs calls,
and answers the questions a flashcard view asks — when is this card next due, which cards
are due now and in what order, how much is the learner likely to remember.

Card schedules are ``fsrs.Card`` objects; :mod:`studypack.progress.store` stores them in
fsrs's own dictionary form (``Card.to_dict()``), so a later fsrs release can read them back.

All times are timezone-aware; they are converted to UTC, which fsrs requires.

A stored schedule is read back with :func:`card_from_stored` and :func:`review_log_from_stored`,
which accept only what fsrs itself can produce, so that a damaged file is caught on reading
rather than by a crash in fsrs's arithmetic later.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Optional

from fsrs import Card, Rating, ReviewLog, Scheduler, State
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "RATING_NAMES",
    "CardScheduler",
    "Rating",
    "as_utc",
    "card_from_stored",
    "fsrs_card_id",
    "is_due",
    "new_card",
    "parse_rating",
    "parse_time",
    "review_log_from_stored",
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


#: When a review (or anything else stored) may have happened: no learner reviewed a card
#: before 1970, and adding fsrs's longest interval to any of these cannot overflow a datetime.
TIME_RANGE = (datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(9000, 1, 1, tzinfo=timezone.utc))
#: A card can be due up to fsrs's longest interval (100 years) after its last review.
LATEST_DUE = TIME_RANGE[1] + timedelta(days=36600)
#: A card's stability in days: fsrs never stores less than 0.001; it can grow without bound,
#: so `CardScheduler.review` caps it at a million days (2,700 years), which changes no
#: interval (fsrs caps those at 100 years).
STABILITY_RANGE = (0.001, 1e6)
#: fsrs's difficulty scale.
DIFFICULTY_RANGE = (1.0, 10.0)


def parse_time(text: Any, where: str = "time", latest: datetime = TIME_RANGE[1]) -> datetime:
    """A stored ISO 8601 time with a timezone, in UTC; ValueError (naming `where`) if it is not
    one, or lies outside `TIME_RANGE` (up to `latest`)."""
    where = f"{where}: " if where else ""
    if not isinstance(text, str):
        raise ValueError(f"{where}expected an ISO 8601 time, got {type(text).__name__}")
    try:
        moment = datetime.fromisoformat(text)
        if moment.utcoffset() is None:
            raise ValueError("no timezone")
        moment = moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted out of range
        raise ValueError(f"{where}{text[:40]!r} is not an ISO 8601 time with a timezone") from None
    if not TIME_RANGE[0] <= moment < latest:
        raise ValueError(f"{where}{text[:40]!r} is not between 1970 and {latest:%Y}")
    return moment


def _bounded(low: float, high: float):
    return Field(ge=low, le=high, allow_inf_nan=False)


# Strict: no bool for a number, no text for a number, no float for an integer, and no key
# fsrs does not write (the store keeps these dictionaries as they are).
_STRICT = ConfigDict(strict=True, frozen=True, extra="forbid")
_Id = Annotated[int, Field(ge=0, lt=2**63)]
_Time = Annotated[datetime, BeforeValidator(lambda text: parse_time(text, ""))]
_Due = Annotated[datetime, BeforeValidator(lambda text: parse_time(text, "", LATEST_DUE))]


class _StoredCard(BaseModel):
    """``fsrs.Card.to_dict()`` of a card reviewed at least once (the only kind ever stored)."""

    model_config = _STRICT
    card_id: _Id
    state: Annotated[int, Field(ge=State.Learning.value, le=State.Relearning.value)]
    step: Optional[Annotated[int, Field(ge=0, le=1000)]]
    stability: Annotated[float, _bounded(*STABILITY_RANGE)]
    difficulty: Annotated[float, _bounded(*DIFFICULTY_RANGE)]
    due: _Due
    last_review: _Time

    @model_validator(mode="after")
    def _step_only_while_learning(self):
        # fsrs counts learning steps in the (re)learning states and uses none in review.
        if (self.step is None) != (self.state == State.Review.value):
            raise ValueError("step must be a number while (re)learning and null in review")
        return self


class _StoredReviewLog(BaseModel):
    """``fsrs.ReviewLog.to_dict()``."""

    model_config = _STRICT
    card_id: _Id
    rating: Annotated[int, Field(ge=Rating.Again.value, le=Rating.Easy.value)]
    review_datetime: _Time
    review_duration: Optional[_Id]


def _validated(model: type[BaseModel], stored: Any) -> BaseModel:
    if not isinstance(stored, dict):
        raise ValueError(f"expected an object, got {type(stored).__name__}")
    try:
        return model.model_validate(stored)
    except ValidationError as error:
        raise ValueError(_first_problem(error)) from None


def _first_problem(error: ValidationError) -> str:
    """'stability: Input should be greater than or equal to 0.001', from pydantic's report."""
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def card_from_stored(stored: Any) -> Card:
    """The fsrs `Card` stored as ``Card.to_dict()``; ValueError naming the field that is not
    what fsrs could have written (a type, a NaN, a negative stability, a date out of range)."""
    fields = _validated(_StoredCard, stored)
    return Card(card_id=fields.card_id, state=State(fields.state), step=fields.step,
                stability=fields.stability, difficulty=fields.difficulty, due=fields.due,
                last_review=fields.last_review)


def review_log_from_stored(stored: Any) -> ReviewLog:
    """The fsrs `ReviewLog` stored as ``ReviewLog.to_dict()``; ValueError naming a bad field."""
    fields = _validated(_StoredReviewLog, stored)
    return ReviewLog(card_id=fields.card_id, rating=Rating(fields.rating),
                     review_datetime=fields.review_datetime,
                     review_duration=fields.review_duration)


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
        card, log = self.fsrs.review_card(card, parse_rating(rating), review_datetime=when)
        card.stability = min(card.stability, STABILITY_RANGE[1])  # see STABILITY_RANGE
        return card, log

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
