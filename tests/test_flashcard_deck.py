"""FlashcardDeck driven through its buttons: flip, move, shuffle, filter, rate, due now."""
from datetime import timedelta

import pytest

from studypack.content import Card, ProgressStore, load_pack
from studypack.content.scheduling import now_utc
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
