"""The pack's own content: enough of it, every topic covered, every language complete."""
from collections import Counter

import pytest
import yaml

from studypack.content import LANGUAGES, QUESTION_KINDS, TOPICS, default_root, load_pack
from studypack.content.lessons import list_lessons

ROOT = default_root()


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_counts(pack):
    assert len(pack.cards) >= 25 and len(pack.questions) >= 25 and len(pack.notes) == 5
    assert set(Counter(q.kind for q in pack.questions)) == set(QUESTION_KINDS)


def test_every_topic_has_cards_and_questions(pack):
    for topic in TOPICS:
        cards, questions, _ = pack.with_topic(topic)
        assert cards and questions, f"topic {topic!r}: {len(cards)} cards, {len(questions)} questions"


def test_ids_are_unique_in_the_files():
    for path in (ROOT / "flashcards").glob("*.yaml"), (ROOT / "quizzes").glob("*.yaml"):
        ids = [item["id"] for file in path for item in yaml.safe_load(file.read_text("utf-8"))]
        assert len(ids) == len(set(ids))


def test_every_option_explains_itself(pack):
    for question in pack.questions:
        for option in getattr(question, "options", ()):
            assert len(option.feedback.split()) >= 3, (question.id, option.text)
        assert question.explanation.strip(), question.id


@pytest.mark.parametrize("card_id", ["what-is-backpropagation", "function-of-gradient-descent",
                                     "purpose-of-machine-learning"])
def test_the_seeds_sample_cards_are_in(pack, card_id):
    assert pack.card(card_id).back


@pytest.mark.parametrize("question_id", ["primary-purpose-of-backpropagation",
                                         "when-was-backprop-popularised",
                                         "what-does-the-backward-pass-do"])
def test_the_seeds_sample_questions_are_in(pack, question_id):
    assert pack.question(question_id).prompt


@pytest.mark.parametrize("words", [
    ("mean squared error",), ("cross-entropy",), ("mini-batch",), ("stochastic",),
    ("epoch",), ("saddle",), ("vanishing",), ("exploding",), ("gradient check",),
    ("Rumelhart", "Hinton", "Williams", "1986"), ("Linnainmaa",), ("Werbos",),
    ("image",), ("speech",), ("recommend",), ("medical",), ("language",),
])
def test_the_subjects_the_pack_promises_are_taught(pack, words):
    text = " ".join([c.front + " " + c.back for c in pack.cards]
                    + [q.prompt + " " + q.explanation for q in pack.questions]).lower()
    for word in words:
        assert word.lower() in text, word


def test_each_note_links_its_lesson_cards_and_questions(pack):
    lessons = {lesson.name + ".ipynb" for lesson in list_lessons()}
    for note in pack.notes:
        assert note.lesson in lessons and note.cards and note.questions, note.id
    # one note per area, in course order
    assert [note.lesson[:2] for note in pack.notes] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_language_translates_everything(pack, language):
    folder = ROOT / "translations" / language
    cards = yaml.safe_load((folder / "flashcards.yaml").read_text("utf-8"))
    questions = yaml.safe_load((folder / "quizzes.yaml").read_text("utf-8"))
    assert set(cards) == {card.id for card in pack.cards}
    assert set(questions) == {question.id for question in pack.questions}
    for card in pack.cards:
        assert set(cards[card.id]) == {"front", "back"}, card.id
    for question in pack.questions:
        fields = {"prompt", "explanation"} | ({"options"} if hasattr(question, "options") else set())
        assert fields <= set(questions[question.id]), question.id
    assert {path.stem for path in (folder / "notes").glob("*.md")} == {n.id for n in pack.notes}
    translated = load_pack(language=language)
    assert translated.card("what-is-backpropagation").front != pack.card(
        "what-is-backpropagation").front
