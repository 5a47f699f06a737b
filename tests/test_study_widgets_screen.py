"""What the learner sees of the study widgets (issue 13): readable colours, whole words, topic
titles, a framed card, drawn questions in the notes, Enter in number boxes, the run hint, and
clicks that build and send little — all through the widgets' controls."""
import re
from pathlib import Path

import pytest
from ipywidgets.widgets import widget as widget_module

from studypack.content import generate
from studypack.content.exam import topic_title
from studypack.content.interface_text import interface_text
from studypack.content.model import GeneratedNumericQuestion
from studypack.widgets import (ExerciseWidget, FlashcardDeck, NotesViewer, PracticeExam,
                               ProgressNotice, ProgressOverview, Quiz, look)
from studypack.widgets.assignment import AssignmentForm
from test_quiz import GENERATED, NUMERIC, SINGLE, index_of

WIDGETS = Path(__file__).resolve().parents[1] / "studypack" / "widgets"
STUDY_WIDGET_FILES = ["flashcards.py", "notes.py", "quiz.py", "progress_overview.py", "answer_input.py",
            "practice_exam.py", "assignment.py", "exercise.py"]


from helpers import pack, store  # noqa: F401  (fixtures)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour):
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def created_models(action) -> int:
    """How many widget models (each a message to the browser and a view it builds) `action`
    creates."""
    before = len(widget_module._instances)
    action()
    return len(widget_module._instances) - before


# -- colours ------------------------------------------------------------------------------------

def test_the_rating_buttons_read_at_4_5_to_1_and_none_is_white_on_warning_orange(pack, store):
    deck = FlashcardDeck(pack.cards[:3], store=store)
    for name, button in deck.rating_buttons.items():
        assert button.button_style != "warning", name
        assert contrast(button.style.text_color, button.style.button_color) >= 4.5, name
    retry = ProgressNotice(interface_text(), on_retry=lambda: None).retry_button
    assert retry.button_style != "warning"
    assert contrast(retry.style.text_color, retry.style.button_color) >= 4.5


def test_no_colour_literals_only_the_packs_feedback_language():
    for name in STUDY_WIDGET_FILES:
        source = (WIDGETS / name).read_text(encoding="utf-8")
        found = re.findall(r"color:\s*(?:gray|grey|green|darkgreen|firebrick|darkorange|red)\b"
                           r"|#ddd\b|#ccc\b|button_style=\"warning\"", source)
        assert found == [], (name, found)


def test_verdicts_are_coloured_with_one_mark_and_words(store):
    quiz = Quiz([SINGLE, NUMERIC], store=store, seed=3, one_at_a_time=False)
    right, wrong = quiz.panels if quiz.panels[0].choice is not None else quiz.panels[::-1]
    right.choice.value = index_of(right, "Rumelhart, Hinton & Williams")
    right.check_button.click()
    assert look.COLOUR[look.RIGHT] in right.feedback.value
    assert "✔ Correct" in right.feedback.value and "✔ ✔" not in right.feedback.value
    wrong.number_box.value = "5"  # Enter
    assert look.COLOUR[look.WRONG] in wrong.feedback.value
    assert "✘ Not quite" in re.sub("<[^>]+>", "", wrong.feedback.value)


# -- whole words ---------------------------------------------------------------------------------

def test_long_labels_are_never_cut_to_a_fixed_width(pack, store):
    viewer = NotesViewer(pack, store)
    assert viewer.cards_button.layout.width == viewer.questions_button.layout.width == "auto"
    quiz = Quiz([SINGLE, NUMERIC], store=store, seed=3, one_at_a_time=False)
    for panel in quiz.panels:
        control = panel.choice if panel.choice is not None else panel.number_box
        assert control.style.description_width == "initial"  # "your answer", not "your answ…"
    assert quiz.mode_selector.style.button_width == "auto"
    deck = FlashcardDeck(pack.cards, store=store)
    assert deck.mode_selector.style.button_width == "auto"
    assert deck.topic_filter.layout.width == "auto"


# -- names, frames and drawn numbers ------------------------------------------------------------

def test_the_flashcards_show_topic_titles_and_a_framed_card_with_its_sides_marked(pack, store):
    deck = FlashcardDeck(pack.cards, store=store)
    words = interface_text()
    labels = dict((value, label) for label, value in deck.topic_filter.options)
    assert labels["minima-saddle-points"] == "Minima and saddle points"
    assert all(not re.fullmatch(r"[a-z]+(-[a-z]+)+", label) for label in labels.values())
    card = deck.current_card
    shown = deck.card_view.value
    assert "border-radius" in shown and "var(--jp-border-color1" in shown  # a frame, both themes
    header = re.search(r"Card 1 of \d+ · ([^<]*) · ", shown).group(1)
    assert header == ", ".join(topic_title(topic, words) for topic in card.topics)
    assert words["card front"] in shown and words["card back"] not in shown
    deck.flip_button.click()
    assert words["card back"] in deck.card_view.value


def test_the_notes_list_generated_questions_with_drawn_numbers(pack, store):
    note = next(note for note in pack.notes
                if any(isinstance(pack.question(q), GeneratedNumericQuestion)
                       for q in note.questions))
    viewer = NotesViewer(pack, store, note_id=note.id, seed=4)
    shown = viewer.links_view.value
    for question_id in note.questions:
        question = pack.question(question_id)
        if isinstance(question, GeneratedNumericQuestion):
            drawn = generate(question, 4).prompt
            assert drawn.split("$")[1] in shown  # the first formula, with its numbers
    assert not re.search(r"\{[a-z_0-9]+\}", shown)  # no template placeholder left
    assert "minima-saddle-points" not in viewer.note_view.value


def test_the_practice_exam_and_overview_name_topics_and_quizzes(pack, store):
    store.record_quiz_attempt("practice-exam", {"q": 1}, 1, 2)
    overview = ProgressOverview(store)
    assert "Practice exam" in overview.view.value and "practice-exam" not in overview.view.value


# -- Enter in a number box ---------------------------------------------------------------------

def test_enter_checks_a_number_once_and_an_empty_box_grades_nothing(store):
    quiz = Quiz([NUMERIC, SINGLE], store=store, quiz_id="enter", seed=1)
    panel = next(panel for panel in quiz.panels if panel.number_box is not None)
    assert isinstance(panel.number_box, look.NumberBox) and panel.number_box.value == ""
    panel.check_button.click()  # empty: says what to do, grades nothing
    assert panel.result is None and "Type a number first" in panel.feedback.value
    panel.number_box.value = "1.7"  # the learner presses Enter
    assert panel.result is not None and panel.result.correct and quiz.score == 1
    checked = panel.feedback.value
    panel.check_button.click()  # the button after Enter: no second grading
    panel.number_box.value = "1,7"
    assert quiz.score == 1 and panel.feedback.value == checked and panel.response == 1.7


# -- the run hint -------------------------------------------------------------------------------

def test_every_study_widget_says_run_this_cell_before_it_runs(pack, store, tmp_path):
    from studypack.classroom.assignments import Assignment, ResponsesFile, StudentQuestion
    shown = [FlashcardDeck(pack.cards[:2], store=store), Quiz([SINGLE], store=store),
             PracticeExam(pack, count=3, store=store), NotesViewer(pack, store),
             ProgressOverview(store), ExerciseWidget("mse-backward", namespace={})]
    assignment = Assignment(id="a", title="T", questions_hash="h", questions=(
        StudentQuestion(id="q", kind="numeric", prompt="2 + 2?"),))
    shown.append(AssignmentForm(assignment,
                                ResponsesFile(tmp_path / "responses.json", assignment)))
    for widget in shown:
        text = widget._repr_mimebundle_()["text/plain"]
        assert "run this cell" in text.lower() and "children" not in text, text


# -- what a click builds and sends --------------------------------------------------------------

def test_a_question_shown_again_is_not_rebuilt(store):
    quiz = Quiz([SINGLE, NUMERIC, GENERATED], store=store, seed=2)
    quiz.next_button.click()
    assert created_models(quiz.previous_button.click) == 0
    assert created_models(quiz.next_button.click) == 0


def test_all_at_once_shares_layouts_and_finish_builds_no_panel(pack, store):
    quiz = Quiz(pack.questions, store=store, count=10, seed=0)
    models = created_models(lambda: setattr(quiz.mode_selector, "value", "all at once"))
    assert models <= 9 * 10  # 9 new panels: ~18 models each before sharing
    other = Quiz(pack.questions, store=store, count=10, seed=0)
    assert created_models(other.finish_button.click) == 0  # the review draws, builds nothing
    assert other.summary.value.count("Not answered") == 10


def test_a_note_shown_again_is_neither_rebuilt_nor_retypeset(pack, store):
    viewer = NotesViewer(pack, store)

    def shown():
        return [page for page in viewer.pages.children if page.layout.visibility == "visible"]

    first = viewer.note_view
    # every note is built (and typeset) unseen at first, so Next only swaps pages
    assert len(viewer.pages.children) == len(pack.notes) and shown() == [viewer.pages.children[0]]
    hidden = viewer.pages.children[1].layout
    assert (hidden.visibility, hidden.height, hidden.overflow) == ("hidden", "0px", "hidden")
    assert created_models(viewer.next_button.click) == 0
    second = viewer.note_view
    assert second is not first and second is viewer.pages.children[1].children[0]
    assert shown() == [viewer.pages.children[1]]
    assert created_models(viewer.previous_button.click) == 0
    assert viewer.note_view is first and shown() == [viewer.pages.children[0]]
