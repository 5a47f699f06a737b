"""NotesViewer and ProgressOverview driven through their controls."""
from datetime import datetime, timezone

import pytest

from studypack.content import load_pack
from studypack.content.lessons import list_lessons
from studypack.progress import ProgressStore
from studypack.widgets import FlashcardDeck, NotesViewer, ProgressOverview, Quiz


from helpers import pack, store  # noqa: F401  (fixtures)


def test_notes_viewer_steps_through_the_notes(pack, store):
    viewer = NotesViewer(pack, store)
    assert len(viewer.note_selector.options) == len(pack.notes) == 8
    first = viewer.note
    assert first.title in viewer.note_view.value
    viewer.next_button.click()
    assert viewer.note.id == pack.notes[1].id
    assert pack.notes[1].title in viewer.note_view.value
    viewer.previous_button.click()
    viewer.previous_button.click()
    assert viewer.note.id == pack.notes[-1].id


def lesson_markdown(viewer) -> str:
    """The Markdown of the note's lesson link, as JupyterLab's Markdown renderer receives it."""
    (output,) = viewer.lesson_link.outputs
    assert output["output_type"] == "display_data"
    return output["data"]["text/markdown"]


def test_notes_end_with_their_lesson_cards_and_questions(pack, store):
    viewer = NotesViewer(pack, store, note_id="backward-pass")
    note = pack.note("backward-pass")
    # Markdown in an Output widget: JupyterLab's renderer opens the lesson in a tab (a link
    # in an HTML widget would reload the whole page)
    lesson = next(lesson for lesson in list_lessons() if f"{lesson.name}.ipynb" == note.lesson)
    assert f"]({note.lesson})" in lesson_markdown(viewer)
    assert "Lesson 3" in lesson.title and "Lesson 3" in lesson_markdown(viewer)
    assert "href" not in viewer.links_view.value + viewer.note_view.value
    links = viewer.links_view.value
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
    store.record_quiz_attempt("practice-exam", {"q": 1}, 1, 1)
    store.record_quiz_attempt("note:backward-pass", {"q": 1}, 1, 2)
    store.record_quiz_attempt("minima-saddle-points", {"q": 1}, 1, 1)
    overview.refresh_button.click()
    shown = overview.view.value
    assert f"Lessons: 1 of {len(lessons)} visited" in shown
    assert "✔</b> Lesson 1" in shown and "Nov 2026" in shown
    assert f"never studied: <b>{len(pack.cards) - 1}</b>" in shown
    assert "reviewed today: <b>1</b>" in shown
    # quizzes by name, never by id ("practice-exam", "minima-saddle-points")
    assert "Practice quiz: best <b>3 / 4</b> (75%)" in shown
    assert "Practice exam: best" in shown and "Minima and saddle points: best" in shown
    assert "Questions on the note Backward pass: best" in shown
    assert "practice-exam" not in shown and "minima-saddle-points" not in shown


def test_lessons_are_the_numbered_notebooks():
    names = [lesson.name for lesson in list_lessons()]
    assert names[0] == "00_start_here" and names == sorted(names)
    assert "flashcards" not in names and "engine_tour" not in names
    assert all(lesson.title.startswith(("Start", "Lesson")) for lesson in list_lessons())


def test_notes_and_overview_speak_the_learners_language(store):
    german = load_pack(language="de")
    viewer = NotesViewer(german, store, note_id="backward-pass")
    assert viewer.next_button.description != "Next note"
    assert "Lektion" in lesson_markdown(viewer) and german.note("backward-pass").title in \
        viewer.note_view.value
    viewer.questions_button.click()
    (quiz,) = viewer.practice_area.children
    assert quiz.finish_button.description != "Finish"  # the quiz follows the pack's language
    overview = ProgressOverview(store, [("01_forward_pass_and_loss", "Lektion 1")], [],
                                language="de")
    assert overview.refresh_button.description != "Refresh"
    assert "Lessons:" not in overview.view.value and "0" in overview.view.value


# -- progress that cannot be read or saved is explained where the learner looks -----------------

import json  # noqa: E402

from studypack.content.interface_text import interface_text  # noqa: E402
from studypack.progress import ProgressFileWarning  # noqa: E402
from studypack.widgets.progress_overview import ProgressNotice, visit_lesson  # noqa: E402
from test_progress_os_errors import disk_full, no_callback_errors  # noqa: E402, F401


def test_the_overview_explains_unreadable_progress_and_recovers(store, no_callback_errors):
    store.record_lesson_visit("01_forward_pass_and_loss")
    saved = store.path.read_bytes()
    store.path.unlink()
    store.path.mkdir()  # a folder where the progress file should be
    overview = ProgressOverview(store, [("01_forward_pass_and_loss", "Lesson 1")], [],
                                language="pt")
    portuguese = interface_text("pt")
    assert portuguese["progress not read"] in overview.notice.problems
    assert portuguese["problem not a file"] in overview.notice.problems
    assert str(store.path) in overview.notice.problems
    assert overview.notice.retry_button.layout.display == "none"  # a read: Refresh retries
    store.path.rmdir()
    store.path.write_bytes(saved)
    overview.refresh_button.click()
    assert overview.notice.problems == "" and overview.notice.layout.display == "none"
    assert "✔</b> Lesson 1" in overview.view.value


def test_a_damaged_file_is_reported_in_the_widget_and_still_warned(store, no_callback_errors):
    store.directory.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps({"format_version": 1, "learner": "learner", "cards": {},
                                      "reviews": [], "quiz_attempts": [{"quiz": "q",
                                      "answers": {}, "score": 10**30, "max_score": 1,
                                      "when": "2026-01-01T00:00:00+00:00"}], "lessons": {}}))
    with pytest.warns(ProgressFileWarning, match="damaged"):
        overview = ProgressOverview(store, [], [], language="it")
    shown = overview.notice.problems
    assert interface_text("it")["progress damaged"] in shown
    assert str(store.path) in shown and "corrupt-" in shown  # where the copy went
    assert "No quiz" not in overview.view.value and "Nessun quiz" in overview.view.value


def test_a_lesson_visit_that_cannot_be_saved_says_so_and_saves_again(store, monkeypatch):
    assert visit_lesson("00_start_here", store) is None  # saved: nothing to show
    disk_full(monkeypatch)
    notice = visit_lesson("01_forward_pass_and_loss", store, language="fr")
    assert isinstance(notice, ProgressNotice)
    assert interface_text("fr")["visit not saved"] in notice.problems
    assert interface_text("fr")["problem disk full"] in notice.problems
    monkeypatch.undo()
    notice.retry_button.click()
    assert set(store.lessons_visited()) == {"00_start_here", "01_forward_pass_and_loss"}
    assert interface_text("fr")["saved now"] in notice.problems


def test_the_notes_keep_a_quiz_open_while_its_attempt_is_unsaved(pack, store, monkeypatch,
                                                                 no_callback_errors):
    viewer = NotesViewer(pack, store)
    viewer.questions_button.click()
    (quiz,) = viewer.practice_area.children
    disk_full(monkeypatch)
    quiz.finish_button.click()
    viewer.next_button.click()  # another note: the unsaved quiz stays, saying why
    assert viewer.practice_area.children == (quiz,) and len(quiz.unsaved) == 1
    viewer.cards_button.click()
    assert viewer.practice_area.children[0] is quiz
    assert isinstance(viewer.practice_area.children[1], FlashcardDeck)
    monkeypatch.undo()
    viewer.next_button.click()  # saved now, so it closes
    assert viewer.practice_area.children == ()
    assert len(store.quiz_attempts()) == 1


def test_a_file_from_a_newer_studypack_is_explained_and_left_alone(store, no_callback_errors):
    store.directory.mkdir(parents=True, exist_ok=True)
    newer = json.dumps({"format_version": 99, "learner": "learner"}).encode()
    store.path.write_bytes(newer)
    overview = ProgressOverview(store, [], [], language="de")
    assert interface_text("de")["problem newer version"] in overview.notice.problems
    deck = FlashcardDeck(load_pack().cards[:2], store=store, language="de")
    deck.flip_button.click()
    deck.good_button.click()
    assert interface_text("de")["rating not saved"] in deck.notice.problems
    assert len(deck.unsaved) == 1 and store.path.read_bytes() == newer
