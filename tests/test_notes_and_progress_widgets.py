"""NotesViewer and ProgressOverview driven through their controls."""
from datetime import datetime, timezone

import pytest

from studypack.content import ProgressStore, load_pack
from studypack.content.lessons import list_lessons
from studypack.widgets import FlashcardDeck, NotesViewer, ProgressOverview, Quiz


@pytest.fixture(scope="module")
def pack():
    return load_pack()


@pytest.fixture
def store(tmp_path):
    return ProgressStore("learner", directory=tmp_path)


def test_notes_viewer_steps_through_the_notes(pack, store):
    viewer = NotesViewer(pack, store)
    assert len(viewer.note_selector.options) == len(pack.notes) == 5
    first = viewer.note
    assert first.title in viewer.note_view.value
    viewer.next_button.click()
    assert viewer.note.id == pack.notes[1].id
    assert pack.notes[1].title in viewer.note_view.value
    viewer.previous_button.click()
    viewer.previous_button.click()
    assert viewer.note.id == pack.notes[-1].id


def test_notes_end_with_their_lesson_cards_and_questions(pack, store):
    viewer = NotesViewer(pack, store, note_id="backward-pass")
    note = pack.note("backward-pass")
    links = viewer.links_view.value
    assert f'href="{note.lesson}"' in links
    assert f"Cards on this subject ({len(note.cards)})" in links
    assert f"Questions on this subject ({len(note.questions)})" in links
    assert viewer.cards_button.description == f"Review its {len(note.cards)} cards"


def test_notes_open_their_cards_and_questions(pack, store):
    viewer = NotesViewer(pack, store, note_id="chain-rule-and-graphs")
    viewer.cards_button.click()
    (deck,) = viewer.practice_area.children
    assert isinstance(deck, FlashcardDeck)
    assert [card.id for card in deck.cards] == pack.note("chain-rule-and-graphs").cards
    viewer.questions_button.click()
    (quiz,) = viewer.practice_area.children
    assert isinstance(quiz, Quiz) and quiz.quiz_id == "note:chain-rule-and-graphs"
    viewer.next_button.click()  # another note: the practice area is cleared
    assert viewer.practice_area.children == ()


def test_note_math_survives_and_html_is_escaped(pack, store):
    viewer = NotesViewer(pack, store, note_id="backward-pass")
    assert r"\frac{\partial L}{\partial P}" in viewer.note_view.value
    hostile = pack.note("backward-pass").model_copy(
        update={"title": "<script>x()</script>", "body": "<script>y()</script> text"})
    pack_copy = type(pack)(pack.root, pack.language, pack.cards, pack.questions, [hostile])
    shown = NotesViewer(pack_copy, store).note_view.value
    assert "<script>" not in shown and shown.count("&lt;script&gt;") == 2


def test_progress_overview_shows_lessons_cards_and_best_scores(pack, store):
    lessons = [(lesson.name, lesson.title) for lesson in list_lessons()]
    overview = ProgressOverview(store, lessons, [card.id for card in pack.cards])
    assert f"Lessons: 0 of {len(lessons)} visited" in overview.view.value
    assert f"never studied: <b>{len(pack.cards)}</b>" in overview.view.value
    assert "No quiz finished yet" in overview.view.value

    store.record_lesson_visit("01_forward_pass_and_loss",
                              when=datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc))
    store.record_review(pack.cards[0].id, "good")
    store.record_quiz_attempt("practice", {"q": 1}, 3, 4)
    store.record_quiz_attempt("practice", {"q": 0}, 1, 4)
    overview.refresh_button.click()
    shown = overview.view.value
    assert f"Lessons: 1 of {len(lessons)} visited" in shown
    assert "✔ Lesson 1" in shown and "Nov 2026" in shown
    assert f"never studied: <b>{len(pack.cards) - 1}</b>" in shown
    assert "reviewed today: <b>1</b>" in shown
    assert "practice: best <b>3 / 4</b> (75%)" in shown


def test_lessons_are_the_numbered_notebooks():
    names = [lesson.name for lesson in list_lessons()]
    assert names[0] == "00_start_here" and names == sorted(names)
    assert "flashcards" not in names and "engine_tour" not in names
    assert all(lesson.title.startswith(("Start", "Lesson")) for lesson in list_lessons())


def test_notes_and_overview_speak_the_learners_language(store):
    german = load_pack(language="de")
    viewer = NotesViewer(german, store, note_id="backward-pass")
    assert viewer.next_button.description != "Next note"
    assert "Lektion" in viewer.links_view.value and german.note("backward-pass").title in \
        viewer.note_view.value
    viewer.questions_button.click()
    (quiz,) = viewer.practice_area.children
    assert quiz.finish_button.description != "Finish"  # the quiz follows the pack's language
    overview = ProgressOverview(store, [("01_forward_pass_and_loss", "Lektion 1")], [],
                                language="de")
    assert overview.refresh_button.description != "Refresh"
    assert "Lessons:" not in overview.view.value and "0" in overview.view.value
