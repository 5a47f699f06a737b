"""The content models on their own (no files): what each accepts and rejects, and the
published JSON Schemas."""
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from studypack.content import (TOPICS, Card, CardTranslation, GeneratedNumericQuestion,
                               MultipleChoiceQuestion, NoteFrontMatter, NoteTranslation,
                               NumericQuestion, QuestionTranslation, SingleChoiceQuestion,
                               json_schemas, parse_question, write_json_schemas)

SCHEMA_FOLDER = Path(__file__).resolve().parents[1] / "schema"


def card(**changes):
    data = {"id": "what-is-backpropagation", "topics": ["backprop"], "difficulty": "easy",
            "front": "What is backpropagation?", "back": "The chain rule, applied backwards."}
    data.update(changes)
    return data


def option(text, correct, feedback="Because."):
    return {"text": text, "correct": correct, "feedback": feedback}


def single(**changes):
    data = {"id": "who-popularised-backprop", "topics": ["history"], "difficulty": "easy",
            "kind": "single_choice", "prompt": "Which 1986 paper?",
            "options": [option("Rumelhart, Hinton & Williams", True), option("Rosenblatt", False)],
            "explanation": "Nature, 1986."}
    data.update(changes)
    return data


def generated(**changes):
    data = {"id": "neuron-weight-gradient", "topics": ["backward-pass"], "difficulty": "medium",
            "kind": "generated_numeric", "template": "tanh-neuron-weight-gradient",
            "prompt": r"$o = \tanh(w x + b)$, $x = {x}$, $w = {w}$, $b = {b}$: "
                      r"$\frac{\partial o}{\partial w}$?",
            "explanation": "(1 - o^2) x with o = {o}: {answer}."}
    data.update(changes)
    return data


def problems(model, data):
    """(location, message) of each validation error."""
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data) if hasattr(model, "model_validate") else model(data)
    return [(error["loc"], error["msg"]) for error in raised.value.errors()]


def test_a_valid_card():
    assert Card.model_validate(card()).front == "What is backpropagation?"


@pytest.mark.parametrize("bad_id", ["Backprop", "back_prop", "back--prop", "-backprop",
                                    "backprop-", "", "back prop"])
def test_ids_are_lowercase_kebab_case(bad_id):
    [(location, message)] = problems(Card, card(id=bad_id))
    assert location == ("id",) and "not a valid id: use lowercase kebab-case" in message


def test_unknown_fields_are_errors():
    assert problems(Card, card(hint="x")) == [(("hint",), "Extra inputs are not permitted")]


def test_topics_come_from_the_vocabulary_once_each():
    assert len(TOPICS) == 17 and "minima-saddle-points" in TOPICS
    [(location, message)] = problems(Card, card(topics=["backprop", "backpropagation"]))
    assert location == ("topics", 1) and "unknown topic 'backpropagation'" in message
    [(location, message)] = problems(Card, card(topics=["loss", "loss"]))
    assert location == ("topics",) and "topic 'loss' is listed twice" in message
    [(location, _)] = problems(Card, card(topics=[]))
    assert location == ("topics",)


def test_difficulty_and_text():
    [(location, message)] = problems(Card, card(difficulty="trivial"))
    assert location == ("difficulty",) and "use easy, medium or hard" in message
    [(location, message)] = problems(Card, card(back="  \n"))
    assert location == ("back",) and "must not be empty" in message


def test_values_are_taken_as_yaml_typed_them():
    """strict: a number is not text, text is not a number, and 'yes' is not a boolean."""
    [(location, _)] = problems(Card, card(front=1986))
    assert location == ("front",)
    [(location, _)] = problems(parse_question, single(options=[option("a", "true"),
                                                              option("b", False)]))
    assert location == ("single_choice", "options", 0, "correct")


def test_single_choice_has_exactly_one_correct_option():
    assert isinstance(parse_question(single()), SingleChoiceQuestion)
    for flags, found in (([False, False], 0), ([True, True], 2)):
        options = [option("a", flags[0]), option("b", flags[1])]
        [(location, message)] = problems(parse_question, single(options=options))
        assert location == ("single_choice", "options")
        assert f"exactly one option must have correct: true for kind single_choice " \
               f"(found {found})" in message


def test_choice_questions_need_two_options_each_with_feedback():
    [(location, _)] = problems(parse_question, single(options=[option("a", True)]))
    assert location == ("single_choice", "options")
    options = [option("a", True), {"text": "b", "correct": False}]
    assert problems(parse_question, single(options=options)) == [
        (("single_choice", "options", 1, "feedback"), "Field required")]
    options = [option("a", True), option("b", False, feedback="")]
    [(location, _)] = problems(parse_question, single(options=options))
    assert location == ("single_choice", "options", 1, "feedback")


def test_multiple_choice_needs_at_least_one_correct_option():
    question = parse_question(single(kind="multiple_choice",
                                     options=[option("a", True), option("b", True)]))
    assert isinstance(question, MultipleChoiceQuestion)
    [(location, message)] = problems(parse_question, single(
        kind="multiple_choice", options=[option("a", False), option("b", False)]))
    assert location == ("multiple_choice", "options") and "at least one option" in message


def numeric(**changes):
    data = {"id": "mse-of-two-errors", "topics": ["loss"], "difficulty": "easy",
            "kind": "numeric", "prompt": "MSE of 1 and 3?", "answer": 5, "tolerance": 0,
            "explanation": "(1 + 9) / 2."}
    data.update(changes)
    return data


def test_numeric_questions():
    question = parse_question(numeric(unit="steps"))
    assert isinstance(question, NumericQuestion) and question.answer == 5.0
    [(location, message)] = problems(parse_question, numeric(tolerance=-0.5))
    assert location == ("numeric", "tolerance") and "must be ≥ 0 (got -0.5)" in message
    [(location, _)] = problems(parse_question, numeric(answer=float("nan")))
    assert location == ("numeric", "answer")
    [(location, _)] = problems(parse_question, numeric(options=[]))
    assert location == ("numeric", "options")
    [(location, _)] = problems(parse_question, numeric(answer=True))
    assert location == ("numeric", "answer")


def test_generated_numeric_questions():
    question = parse_question(generated())
    assert isinstance(question, GeneratedNumericQuestion) and question.tolerance is None
    [(location, message)] = problems(parse_question, generated(template="tanh-gradient"))
    assert location == ("generated_numeric", "template")
    assert "unknown template 'tanh-gradient'" in message and "two-layer-gradient" in message
    [(location, _)] = problems(parse_question, generated(tolerance=-0.01))
    assert location == ("generated_numeric", "tolerance")


def test_placeholders_must_be_the_templates():
    """{answer} only in the explanation; LaTeX braces around non-names are not placeholders."""
    [(location, message)] = problems(parse_question, generated(prompt="{x}, {bias}?"))
    assert location == ("generated_numeric", "prompt")
    assert "unknown placeholder {bias}" in message
    assert "available: {b}, {o}, {w}, {x}, {z}" in message
    [(location, _)] = problems(parse_question, generated(prompt="Is it {answer}?"))
    assert location == ("generated_numeric", "prompt")
    assert parse_question(generated(prompt=r"$\frac{1}{ n }\sum_{i=1}^{ n } x_i$ at {x}?"))


def test_kind_decides_the_model():
    [(location, message)] = problems(parse_question, single(kind="essay"))
    assert location == () and "'essay'" in message


def test_note_front_matter():
    front = NoteFrontMatter.model_validate({
        "id": "forward-pass-and-loss", "title": "Forward pass and loss",
        "topics": ["forward-pass", "loss"], "difficulty": "easy",
        "lesson": "01_forward_pass_and_loss.ipynb", "cards": ["what-is-the-forward-pass"]})
    assert front.questions == []
    [(location, message)] = problems(NoteFrontMatter, {
        "id": "x", "title": "X", "topics": ["loss"], "difficulty": "easy",
        "lesson": "notebooks/01.py"})
    assert location == ("lesson",) and "not a notebook file name" in message
    [(location, _)] = problems(NoteFrontMatter, {
        "id": "x", "title": "X", "topics": ["loss"], "difficulty": "easy", "cards": ["Bad Id"]})
    assert location == ("cards", 0)


def test_translations_carry_text_only():
    assert CardTranslation.model_validate({"front": "Fronte"}).back is None
    translated = QuestionTranslation.model_validate(
        {"prompt": "Quale?", "options": [{"text": "a"}, {"text": "b", "feedback": "Perché."}]})
    assert translated.options[1].feedback == "Perché."
    for field in ("answer", "tolerance", "template", "kind"):
        [(location, _)] = problems(QuestionTranslation, {"prompt": "Quale?", field: 1})
        assert location == (field,)
    [(location, _)] = problems(QuestionTranslation, {"options": [{"text": "a", "correct": True}]})
    assert location == ("options", 0, "correct")
    assert NoteTranslation.model_validate({"title": "Titolo"}).id is None
    [(location, _)] = problems(NoteTranslation, {"title": "Titolo", "lesson": "x.ipynb"})
    assert location == ("lesson",)


# ---- JSON Schemas ----

def test_committed_schemas_are_what_the_models_generate(tmp_path):
    written = write_json_schemas(tmp_path)
    assert sorted(path.name for path in written) == sorted(json_schemas())
    for path in written:
        committed = SCHEMA_FOLDER / path.name
        assert committed.is_file(), f"schema/{path.name} missing: run write_json_schemas('schema')"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), \
            f"schema/{path.name} is out of date: run write_json_schemas('schema')"


def test_schemas_accept_valid_content_and_reject_mistakes():
    jsonschema = pytest.importorskip("jsonschema")
    schemas = json_schemas()
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)

    def valid(name, data):
        return jsonschema.Draft202012Validator(schemas[name]).is_valid(data)

    assert valid("card.schema.json", [card()])
    assert not valid("card.schema.json", [card(topics=["nope"])])
    assert not valid("card.schema.json", [card(id="Bad_Id")])
    assert not valid("card.schema.json", [card(extra=1)])
    questions = [single(), generated(), numeric(), single(kind="multiple_choice")]
    assert valid("question.schema.json", questions)
    assert not valid("question.schema.json", [numeric(tolerance=-1)])
    two_correct = [option("a", True), option("b", True)]
    assert not valid("question.schema.json", [single(options=two_correct)])
    assert valid("question.schema.json", [single(kind="multiple_choice", options=two_correct)])
    none_correct = [option("a", False), option("b", False)]
    assert not valid("question.schema.json", [single(kind="multiple_choice", options=none_correct)])
    assert not valid("question.schema.json", [generated(template="nope")])
    assert valid("translation-quizzes.schema.json",
                 {"who-popularised-backprop": {"options": [{"text": "a"}, {"feedback": "b"}]}})
    assert not valid("translation-quizzes.schema.json",
                     {"who-popularised-backprop": {"options": [{"correct": True}]}})
    assert not valid("translation-flashcards.schema.json", {"Bad Id": {"front": "x"}})
    # mistakes: a list with answers for a numeric question, feedback by name for a generated one
    mistaken = [numeric(mistakes=[{"answer": 10, "feedback": "the sum"}], transfer=True),
                generated(mistakes={"forgot-input": "times x"})]
    assert valid("question.schema.json", mistaken)
    assert not valid("question.schema.json", [numeric(transfer="yes")])
    assert not valid("question.schema.json", [numeric(mistakes=[{"feedback": "no answer"}])])
    assert not valid("question.schema.json", [single(mistakes=[{"answer": 1, "feedback": "x"}])])
    assert valid("translation-quizzes.schema.json",
                 {"a": {"mistakes": [{"feedback": "x"}]}, "b": {"mistakes": {"forgot-mean": "y"}}})
    assert not valid("translation-quizzes.schema.json",
                     {"a": {"mistakes": [{"feedback": "x", "answer": 2}]}})
    assert valid("note.schema.json", {"id": "a", "title": "A", "topics": ["loss"],
                                      "difficulty": "hard"})


def test_schema_files_are_json_with_a_title():
    for name, schema in json_schemas().items():
        assert schema["title"].startswith("studypack") and schema["$schema"].endswith("schema")
        assert json.loads(json.dumps(schema)) == schema
