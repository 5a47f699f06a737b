"""Spaced repetition: ratings, due times, the due queue and the retention estimate (via fsrs)."""
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating

from studypack.content.scheduling import (
    CardScheduler,
    as_utc,
    fsrs_card_id,
    is_due,
    new_card,
    parse_rating,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def scheduler():
    return CardScheduler(enable_fuzzing=False)


def graduated(scheduler, card_id="chain-rule", when=T0):
    """A card reviewed Good twice, so it has left the short learning steps."""
    card, _ = scheduler.review(card_id, None, "good", when)
    card, _ = scheduler.review(card_id, card, "good", card.due)
    return card


@pytest.mark.parametrize("given, expected", [
    ("again", Rating.Again), ("Hard", Rating.Hard), (" GOOD ", Rating.Good), ("easy", Rating.Easy),
    (1, Rating.Again), (4, Rating.Easy), (Rating.Good, Rating.Good),
])
def test_parse_rating_accepts_names_numbers_and_enum(given, expected):
    assert parse_rating(given) is expected


@pytest.mark.parametrize("bad", ["ok", "", 0, 5, True, 2.0, None])
def test_parse_rating_rejects_anything_else_naming_the_choices(bad):
    with pytest.raises(ValueError, match="again, hard, good, easy"):
        parse_rating(bad)


def test_fsrs_card_id_is_stable_and_distinguishes_cards():
    assert fsrs_card_id("what-is-backpropagation") == fsrs_card_id("what-is-backpropagation")
    assert fsrs_card_id("what-is-backpropagation") != fsrs_card_id("what-is-the-forward-pass")
    assert 0 <= fsrs_card_id("x") < 2 ** 48


def test_naive_times_are_refused_and_other_zones_converted_to_utc():
    with pytest.raises(ValueError, match="timezone-aware"):
        as_utc(datetime(2025, 1, 1))
    plus_two = timezone(timedelta(hours=2))
    converted = as_utc(datetime(2025, 1, 1, 14, tzinfo=plus_two))
    assert converted == datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    assert converted.tzinfo is timezone.utc


def test_review_accepts_a_non_utc_time(scheduler):
    local = T0.astimezone(timezone(timedelta(hours=-5)))
    card, log = scheduler.review("chain-rule", None, "good", local)
    assert card.last_review == T0
    assert log.review_datetime == T0


def test_a_new_card_is_due_at_once():
    assert is_due(None, T0)
    card = new_card("chain-rule", T0)
    assert is_due(card, T0)
    assert card.card_id == fsrs_card_id("chain-rule")


def test_good_card_is_not_due_until_its_due_time(scheduler):
    card = graduated(scheduler)
    assert card.due - card.last_review >= timedelta(days=1)
    assert not is_due(card, card.due - timedelta(seconds=1))
    assert is_due(card, card.due)


@pytest.mark.parametrize("make_card", [
    lambda s: None,  # first review
    graduated,       # a card in the review state
])
def test_again_comes_back_sooner_than_hard_good_easy(scheduler, make_card):
    card = make_card(scheduler)
    now = T0 if card is None else card.due
    due = scheduler.preview("chain-rule", card, now)
    assert due[Rating.Again] < due[Rating.Hard] <= due[Rating.Good] < due[Rating.Easy]
    # preview does not change the card it is given
    if card is not None:
        assert card == graduated(scheduler)


def test_without_fuzzing_the_same_reviews_give_the_same_schedule():
    first, second = CardScheduler(), CardScheduler()
    assert graduated(first).due == graduated(second).due


def test_stored_form_round_trips(scheduler):
    card = graduated(scheduler)
    reloaded = Card.from_dict(card.to_dict())
    next_time = card.due + timedelta(days=1)
    assert (scheduler.review("chain-rule", reloaded, "good", next_time)[0].to_dict()
            == scheduler.review("chain-rule", card, "good", next_time)[0].to_dict())


def test_due_queue_puts_most_overdue_first_then_new_cards_in_deck_order(scheduler):
    soon = graduated(scheduler, "a-card", T0)
    later = graduated(scheduler, "b-card", T0 + timedelta(days=3))
    not_yet = graduated(scheduler, "c-card", T0 + timedelta(days=60))
    now = later.due + timedelta(hours=1)
    assert soon.due < later.due < now < not_yet.due
    deck = {"new-one": None, "b-card": later, "c-card": not_yet, "a-card": soon, "new-two": None}
    assert scheduler.due_queue(deck, now) == ["a-card", "b-card", "new-one", "new-two"]
    assert scheduler.due_queue(deck, now, include_new=False) == ["a-card", "b-card"]
    assert scheduler.due_queue({}, now) == []


def test_retention_estimate_is_a_probability_that_falls_over_time(scheduler):
    cards = [graduated(scheduler, f"card-{i}", T0 + timedelta(hours=i)) for i in range(3)]
    assert scheduler.retention_estimate([], T0) is None
    assert scheduler.retention_estimate([None, None], T0) is None  # nothing reviewed yet
    estimates = [scheduler.retention_estimate(cards + [None], T0 + timedelta(days=d))
                 for d in (1, 10, 100, 10_000)]
    assert all(0.0 <= e <= 1.0 for e in estimates)
    assert estimates == sorted(estimates, reverse=True)
    assert estimates[0] > estimates[-1]


def test_retention_estimate_ignores_unreviewed_cards(scheduler):
    card = graduated(scheduler)
    later = card.due
    assert (scheduler.retention_estimate([card], later)
            == scheduler.retention_estimate([card, None, None], later))
    assert scheduler.retrievability(None, later) == 0.0
