"""FlashcardDeck driven through its buttons: flip, move, shuffle, filter, rate, due now."""
from datetime import timedelta

import pytest

from studypack.content import Card, load_pack
from studypack.progress import ProgressStore
from studypack.progress.scheduling import now_utc
from studypack.widgets import FlashcardDeck


def make_card(number, topics=("backprop",), front=None, back=None):
    return Card(id=f"card-{number}", topics=list(topics), difficulty="easy",
                front=front or f"Front {number}", back=back or f"Back {number}")


@pytest.fixture
def store(tmp_path):
    return ProgressStore("learner", directory=tmp_path)


@pytest.fixture
def cards():
    return [make_card(1), make_card(2, ["chain-rule"]), make_card(3, ["backprop", "chain-rule"]),
            make_card(4, ["loss"])]


def test_flip_shows_the_back_and_enables_rating(cards, store):
    deck = FlashcardDeck(cards, store=store)
    assert "Front 1" in deck.card_view.value and "Back 1" not in deck.card_view.value
    assert all(button.disabled for button in deck.rating_buttons.values())
    deck.flip_button.click()
    assert deck.showing_back and "Back 1" in deck.card_view.value
    assert not any(button.disabled for button in deck.rating_buttons.values())
    assert "Again" in deck.rating_hint.value and "min" in deck.rating_hint.value
    deck.flip_button.click()
    assert "Back 1" not in deck.card_view.value


def test_previous_and_next_wrap_around(cards, store):
    deck = FlashcardDeck(cards, store=store)
    deck.next_button.click()
    assert deck.current_card.id == "card-2" and "Card 2 of 4" in deck.card_view.value
    deck.previous_button.click()
    deck.previous_button.click()
    assert deck.current_card.id == "card-4"


def test_rating_before_flipping_does_nothing(cards, store):
    deck = FlashcardDeck(cards, store=store)
    deck.rate("good")
    assert store.card_schedule("card-1") is None and deck.current_card.id == "card-1"


def test_rating_schedules_the_card_persistently(cards, store, tmp_path):
    deck = FlashcardDeck(cards, store=store)
    deck.flip_button.click()
    deck.easy_button.click()
    assert deck.current_card.id == "card-2" and not deck.showing_back
    reloaded = ProgressStore("learner", directory=tmp_path)  # as a new session would
    schedule = reloaded.card_schedule("card-1")
    assert schedule is not None and schedule.due > now_utc() + timedelta(days=1)
    assert [review.card_id for review in reloaded.review_history()] == ["card-1"]
    assert "Reviewed today: <b>1</b>" in deck.stats.value


def test_due_now_queue_drops_learned_cards_and_keeps_forgotten_ones(cards, store):
    store.record_review("card-4", "easy")  # studied earlier: not due for days
    deck = FlashcardDeck(cards, store=store)
    deck.mode_selector.value = "due now"
    assert deck.queue == ["card-1", "card-2", "card-3"]
    deck.flip_button.click()
    deck.good_button.click()   # Good on a new card: due again in 10 min, later this session
    assert deck.queue == ["card-2", "card-3", "card-1"]
    deck.flip_button.click()
    deck.again_button.click()  # forgotten: due in a minute, back of the queue
    assert deck.queue == ["card-3", "card-1", "card-2"]
    deck.flip_button.click()
    deck.easy_button.click()   # known: due in days, gone from today's queue
    assert deck.queue == ["card-1", "card-2"] and deck.current_card.id == "card-1"


def test_nothing_due_says_so(cards, store):
    for card in cards:
        store.record_review(card.id, "easy")
    deck = FlashcardDeck(cards, store=store)
    deck.mode_selector.value = "due now"
    assert deck.current_card is None and "Nothing is due now" in deck.card_view.value
    assert deck.flip_button.disabled and deck.next_button.disabled


def test_topic_filter_and_shuffle(cards, store):
    deck = FlashcardDeck(cards, store=store, seed=3)
    # the deck's topics, in the vocabulary's order (the order of the course)
    assert [value for _, value in deck.topic_filter.options] == [
        "all topics", "backprop", "loss", "chain-rule"]
    deck.topic_filter.value = "chain-rule"
    assert deck.queue == ["card-2", "card-3"]
    deck.topic_filter.value = "all topics"
    orders = set()
    for _ in range(6):
        deck.shuffle_button.click()
        assert sorted(deck.queue) == ["card-1", "card-2", "card-3", "card-4"]
        orders.add(tuple(deck.queue))
    assert len(orders) > 1
    again = FlashcardDeck(cards, store=store, seed=3)
    again.shuffle_button.click()
    deck2 = FlashcardDeck(cards, store=store, seed=3)
    deck2.shuffle_button.click()
    assert again.queue == deck2.queue  # seeded: the same presses give the same order


def test_card_text_is_escaped_and_math_kept(store):
    card = make_card(1, front="<script>alert(1)</script> What is $x_1 w_1$?",
                     back="<b>bold</b> **really**")
    deck = FlashcardDeck([card], store=store)
    deck.flip_button.click()
    shown = deck.card_view.value
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "$x_1 w_1$" in shown and "<b>bold</b>" not in shown
    assert "<strong>really</strong>" in shown


def test_the_packs_own_deck(store):
    pack = load_pack()
    deck = FlashcardDeck(pack.cards, store=store)
    assert len(deck.queue) == len(pack.cards) >= 25
    deck.topic_filter.value = "vanishing-exploding"
    assert deck.queue and all("vanishing-exploding" in deck.current_card.topics
                              for _ in deck.queue)


def test_without_a_store_ratings_go_to_a_scratch_file(cards):
    deck = FlashcardDeck(cards)
    deck.flip_button.click()
    deck.good_button.click()
    assert deck.store.card_schedule("card-1") is not None


def test_the_interface_speaks_the_learners_language(cards, store):
    deck = FlashcardDeck(cards, store=store, language="de")
    assert deck.flip_button.description != "Flip"
    assert [label for label, _ in deck.mode_selector.options][1] != "due now"
    deck.flip_button.click()
    assert deck.good_button.description != "Good"
    assert deck.good_button.description in deck.rating_hint.value
    english = FlashcardDeck(cards, store=store)
    assert english.stats.value != deck.stats.value


# -- a rating whose save fails is shown, kept, and saved again ---------------------------------

from studypack.content.interface_text import interface_text  # noqa: E402
from test_progress_os_errors import (disk_full, lock_held_by_another_process,  # noqa: E402
                                     no_callback_errors)  # noqa: F401 (a fixture)


def test_a_rating_that_cannot_be_saved_is_shown_kept_and_saved_again(
        cards, store, monkeypatch, no_callback_errors):
    deck = FlashcardDeck(cards, store=store)
    deck.flip_button.click()
    disk_full(monkeypatch)
    rated_at = now_utc()
    deck.good_button.click()
    shown = deck.notice.problems
    assert "rating of this card is not saved yet" in shown and "The disk is full" in shown
    assert str(store.path) in shown
    # the click is not dead: the card stays, back shown, ready to be rated or saved again
    assert deck.current_card.id == "card-1" and deck.showing_back
    assert not deck.good_button.disabled and deck.notice.retry_button.layout.display is None
    assert [(card_id, rating) for card_id, rating, _ in deck.unsaved] == [("card-1", "good")]
    monkeypatch.undo()
    deck.notice.retry_button.click()
    assert deck.unsaved == [] and deck.current_card.id == "card-2" and not deck.showing_back
    assert "Saved" in deck.notice.problems
    (review,) = store.review_history()
    assert review.card_id == "card-1" and abs(review.when - rated_at) < timedelta(seconds=5)
    assert "Reviewed today: <b>1</b>" in deck.stats.value


def test_rating_again_replaces_an_unsaved_rating_of_the_same_card(
        cards, store, monkeypatch, no_callback_errors):
    deck = FlashcardDeck(cards, store=store)
    deck.flip_button.click()
    disk_full(monkeypatch)
    deck.good_button.click()
    deck.hard_button.click()  # changed their mind while it could not be saved
    assert [rating for _, rating, _ in deck.unsaved] == ["hard"]
    monkeypatch.undo()
    deck.easy_button.click()  # the disk is back: this rating is the one saved
    assert [(r.card_id, r.rating.name) for r in store.review_history()] == [("card-1", "Easy")]
    assert deck.current_card.id == "card-2"


def test_an_unsaved_rating_is_saved_by_the_next_rating_of_another_card(
        cards, store, monkeypatch, no_callback_errors):
    deck = FlashcardDeck(cards, store=store)
    deck.flip_button.click()
    disk_full(monkeypatch)
    deck.again_button.click()
    deck.next_button.click()  # moves on, leaving card-1's rating kept
    assert deck.current_card.id == "card-2" and len(deck.unsaved) == 1
    assert "not saved yet" in deck.notice.problems
    monkeypatch.undo()
    deck.flip_button.click()
    deck.good_button.click()
    assert [(r.card_id, r.rating.name) for r in store.review_history()] == [
        ("card-1", "Again"), ("card-2", "Good")]
    assert deck.unsaved == [] and deck.current_card.id == "card-3"


def test_a_lock_held_by_another_notebook_is_explained_in_german(cards, tmp_path,
                                                                  no_callback_errors):
    store = ProgressStore("learner", directory=tmp_path, lock_timeout=0.2)
    deck = FlashcardDeck(cards, store=store, language="de")
    deck.flip_button.click()
    german = interface_text("de")
    with lock_held_by_another_process(store):
        deck.good_button.click()
        assert german["rating not saved"] in deck.notice.problems
        assert german["problem locked"] in deck.notice.problems
    deck.notice.retry_button.click()
    assert len(store.review_history()) == 1 and deck.current_card.id == "card-2"


def test_unreadable_progress_is_explained_and_the_deck_still_works(
        cards, store, no_callback_errors):
    store.directory.mkdir(parents=True, exist_ok=True)
    store.path.mkdir()  # a folder where the progress file should be
    deck = FlashcardDeck(cards, store=store, language="es")
    deck.mode_selector.value = "due now"
    spanish = interface_text("es")
    assert spanish["progress not read"] in deck.notice.problems
    assert spanish["problem not a file"] in deck.notice.problems
    assert deck.current_card is not None  # every card is offered meanwhile
    deck.flip_button.click()
    deck.good_button.click()
    assert spanish["rating not saved"] in deck.notice.problems
    store.path.rmdir()
    deck.notice.retry_button.click()
    assert len(store.review_history()) == 1 and "not saved" not in deck.notice.problems
