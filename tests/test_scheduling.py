"""Spaced repetition: ratings, due times, the due queue and the retention estimate (via fsrs)."""
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating

from studypack.progress.scheduling import (
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


# -- stored schedules: only what fsrs could have written is accepted, and all of it works --------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from studypack.progress.scheduling import (  # noqa: E402
    DIFFICULTY_RANGE,
    LATEST_DUE,
    STABILITY_RANGE,
    TIME_RANGE,
    card_from_stored,
    parse_time,
    review_log_from_stored,
)

TIMES = st.datetimes(min_value=TIME_RANGE[0].replace(tzinfo=None),
                     max_value=TIME_RANGE[1].replace(tzinfo=None) - timedelta(days=1),
                     timezones=st.just(timezone.utc))


@st.composite
def stored_cards(draw):
    """Any card dictionary `card_from_stored` accepts, values at and near its limits."""
    state = draw(st.sampled_from([1, 2, 3]))
    return {
        "card_id": draw(st.integers(min_value=0, max_value=2**63 - 1)),
        "state": state,
        "step": None if state == 2 else draw(st.integers(min_value=0, max_value=1000)),
        "stability": draw(st.floats(*STABILITY_RANGE)),
        "difficulty": draw(st.floats(*DIFFICULTY_RANGE)),
        "due": draw(st.one_of(TIMES, st.datetimes(
            min_value=TIME_RANGE[1].replace(tzinfo=None),
            max_value=LATEST_DUE.replace(tzinfo=None) - timedelta(days=1),
            timezones=st.just(timezone.utc)))).isoformat(),
        "last_review": draw(TIMES).isoformat(),
    }


@settings(max_examples=300, deadline=None)
@given(stored_cards(), TIMES, st.sampled_from(list(Rating)))
def test_every_accepted_schedule_can_be_reviewed_previewed_and_stored_again(stored, now, rating):
    scheduler = CardScheduler()
    card = card_from_stored(stored)
    assert 0.0 <= scheduler.retrievability(card, now) <= 1.0
    scheduler.preview("c", card, now)
    new, log = scheduler.review("c", card, rating, now)
    # what fsrs makes of it is accepted back (the store writes exactly this)
    assert card_from_stored(new.to_dict()).due == new.due
    assert review_log_from_stored(log.to_dict()).rating == rating
    assert scheduler.retention_estimate([card, new], now) is not None


@pytest.mark.parametrize("field, value", [
    ("stability", -1.0), ("stability", 0.0), ("stability", 1e300), ("stability", float("nan")),
    ("stability", float("inf")), ("stability", "2.5"), ("stability", True), ("stability", 10**400),
    ("difficulty", 0.0), ("difficulty", 10.5), ("state", 0), ("state", 4), ("state", 1.0),
    ("step", -1), ("step", 1.5), ("step", None), ("card_id", -1), ("card_id", 2**64),
    ("due", "2025-02-30T00:00:00+00:00"), ("due", "2025-03-01T00:00:00"), ("due", 0),
    ("due", "9999-12-31T00:00:00+00:00"), ("last_review", None), ("last_review", "\ud800"),
])
def test_impossible_stored_values_are_refused_naming_the_field(scheduler, field, value):
    stored = graduated(scheduler).to_dict()
    stored["state"], stored["step"] = 1, 0  # a learning card, so step None is wrong there
    stored[field] = value
    with pytest.raises(ValueError, match=field if field != "step" or value is not None
                       else "step must be"):
        card_from_stored(stored)


def test_stored_times_must_be_aware_iso_times_in_range():
    assert parse_time("2025-03-01T13:00:00+01:00") == T0
    for bad in ("2025-03-01", "2025-03-01T12:00:00", "0001-01-01T00:00:00+01:00", "noon", 5):
        with pytest.raises(ValueError, match="time|ISO"):
            parse_time(bad, "when")
