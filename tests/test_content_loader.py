"""The loader on small packs written into tmp_path: a valid pack, then one test per kind of
mistake, each checking the exact `file:line: id: field` the problem is reported at."""

import pytest

from studypack.content import (ContentError, ContentValidationError, GeneratedNumericQuestion,
                               MultipleChoiceQuestion, NumericQuestion, SingleChoiceQuestion,
                               load_pack, validate_pack)
from studypack.content.loader import default_root

CARDS = """\
- id: what-is-backpropagation
  topics: [backprop]
  difficulty: easy
  front: What is backpropagation?
  back: The chain rule applied backwards through the graph.
- id: what-is-a-loss
  topics: [loss, forward-pass]
  difficulty: easy
  front: What does a loss measure?
  back: How far the predictions are from the targets.
"""

QUESTIONS = r"""- id: who-popularised-backprop
  topics: [history]
  difficulty: easy
  kind: single_choice
  prompt: Which 1986 paper made backpropagation widely known?
  options:
    - text: Rumelhart, Hinton & Williams
      correct: true
      feedback: Right, in Nature.
    - text: Rosenblatt
      correct: false
      feedback: The perceptron had no hidden layers.
  explanation: The 1986 paper showed hidden layers learning representations.
- id: which-are-losses
  topics: [loss]
  difficulty: medium
  kind: multiple_choice
  prompt: Which of these are loss functions?
  options:
    - text: Mean squared error
      correct: true
      feedback: Yes, for regression.
    - text: Cross-entropy
      correct: true
      feedback: Yes, for classification.
    - text: ReLU
      correct: false
      feedback: ReLU is an activation.
  explanation: A loss turns predictions and targets into one number.
- id: mse-of-two-errors
  topics: [loss]
  difficulty: easy
  kind: numeric
  prompt: What is the MSE of the errors 1 and 3?
  answer: 5
  tolerance: 0.01
  explanation: (1 + 9) / 2 = 5.
- id: neuron-weight-gradient
  topics: [backward-pass, chain-rule]
  difficulty: medium
  kind: generated_numeric
  template: tanh-neuron-weight-gradient
  prompt: A neuron computes $o = \tanh(w x + b)$ with $x = {x}$, $w = {w}$, $b = {b}$. What is $\partial o / \partial w$?
  explanation: $\partial o/\partial w = (1 - o^2)\,x$ with $o = {o}$, so the answer is {answer}.
"""

NOTE = r"""---
id: forward-pass-and-loss
title: Forward pass and loss
topics: [forward-pass, loss]
difficulty: easy
lesson: 01_forward_pass_and_loss.ipynb
cards: [what-is-a-loss]
questions: [which-are-losses, mse-of-two-errors]
---
A network computes a prediction; the loss measures $L = (\hat y - y)^2$.
"""

IT_CARDS = """\
what-is-backpropagation:
  front: Che cos'è la retropropagazione?
  back: La regola della catena applicata all'indietro nel grafo.
"""

IT_QUESTIONS = r"""who-popularised-backprop:
  prompt: Quale articolo del 1986 ha reso nota la retropropagazione?
  options:
    - text: Rumelhart, Hinton e Williams
      feedback: Giusto, su Nature.
    - text: Rosenblatt
      feedback: Il percettrone non aveva strati nascosti.
neuron-weight-gradient:
  prompt: Un neurone calcola $o = \tanh(w x + b)$ con $x = {x}$, $w = {w}$, $b = {b}$. Quanto vale $\partial o / \partial w$?
"""

IT_NOTE = """\
---
title: Passo in avanti e perdita
---
Una rete calcola una previsione; la perdita misura quanto sbaglia.
"""

BASE = {
    "flashcards/cards.yaml": CARDS,
    "quizzes/questions.yaml": QUESTIONS,
    "notes/forward-pass-and-loss.md": NOTE,
    "notebooks/01_forward_pass_and_loss.ipynb": "{}",
    "translations/it/flashcards.yaml": IT_CARDS,
    "translations/it/quizzes.yaml": IT_QUESTIONS,
    "translations/it/notes/forward-pass-and-loss.md": IT_NOTE,
}


FILES = {
    "cards": "flashcards/cards.yaml",
    "questions": "quizzes/questions.yaml",
    "note": "notes/forward-pass-and-loss.md",
    "it_cards": "translations/it/flashcards.yaml",
    "it_questions": "translations/it/quizzes.yaml",
    "it_note": "translations/it/notes/forward-pass-and-loss.md",
}


def write_pack(root, extra=None, **replaced):
    """The base pack under `root`; `replaced` swaps a file's text by its FILES name (None leaves
    it out); `extra` adds files by path."""
    files = dict(BASE)
    for name, text in replaced.items():
        files[FILES[name]] = text
    files.update(extra or {})
    for name, text in files.items():
        if text is not None:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


def places(errors):
    """Each problem's `file:line: id: field` (the part before the message)."""
    return [f"{e.file}:{e.line}: {e.id}: {e.field}" for e in errors]


def only_problem(root) -> ContentError:
    errors = validate_pack(root)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


# ---- a valid pack ----

def test_a_valid_pack_loads_in_file_order(tmp_path):
    pack = load_pack(write_pack(tmp_path))
    assert validate_pack(tmp_path) == []
    assert pack.language == "en"
    assert [c.id for c in pack.cards] == ["what-is-backpropagation", "what-is-a-loss"]
    assert [type(q) for q in pack.questions] == [SingleChoiceQuestion, MultipleChoiceQuestion,
                                                 NumericQuestion, GeneratedNumericQuestion]
    assert pack.question("mse-of-two-errors").answer == 5
    assert pack.card("what-is-a-loss").topics == ["loss", "forward-pass"]
    note = pack.note("forward-pass-and-loss")
    assert note.title == "Forward pass and loss"
    assert note.body.startswith("A network computes") and note.cards == ["what-is-a-loss"]
    assert pack.topics() == ["backprop", "forward-pass", "loss", "chain-rule", "backward-pass",
                            "history"]
    cards, questions, notes = pack.with_topic("loss")
    assert [c.id for c in cards] == ["what-is-a-loss"] and len(questions) == 2 and notes == [note]
    with pytest.raises(KeyError, match="no card with id 'nope'"):
        pack.card("nope")


def test_italian_text_is_used_where_translated_and_english_elsewhere(tmp_path):
    pack = load_pack(write_pack(tmp_path), language="it")
    assert pack.language == "it"
    assert pack.card("what-is-backpropagation").front == "Che cos'è la retropropagazione?"
    assert pack.card("what-is-a-loss").front == "What does a loss measure?"  # not translated
    question = pack.question("who-popularised-backprop")
    assert [o.text for o in question.options] == ["Rumelhart, Hinton e Williams", "Rosenblatt"]
    assert [o.correct for o in question.options] == [True, False]  # from the English source
    assert question.explanation.startswith("The 1986 paper")  # falls back field by field
    generated = pack.question("neuron-weight-gradient")
    assert generated.prompt.startswith("Un neurone") and generated.template == \
        "tanh-neuron-weight-gradient"
    note = pack.note("forward-pass-and-loss")
    assert note.title == "Passo in avanti e perdita" and note.body.startswith("Una rete")
    assert note.lesson == "01_forward_pass_and_loss.ipynb"


def test_notes_follow_their_lessons(tmp_path):
    second = NOTE.replace("forward-pass-and-loss", "chain-rule").replace(
        "01_forward_pass_and_loss", "02_chain_rule")
    write_pack(tmp_path)
    (tmp_path / "notes/a-chain-rule.md").write_text(second.replace("id: chain-rule",
                                                                   "id: a-chain-rule"))
    (tmp_path / "notebooks/02_chain_rule.ipynb").write_text("{}")
    assert [n.id for n in load_pack(tmp_path).notes] == ["forward-pass-and-loss", "a-chain-rule"]


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        load_pack(write_pack(tmp_path), language="xx")


def test_the_default_root_is_the_checkout():
    assert (default_root() / "studypack" / "content" / "loader.py").is_file()


# ---- mistakes in cards and questions ----

def test_duplicate_card_id(tmp_path):
    cards = CARDS.replace("id: what-is-a-loss", "id: what-is-backpropagation")
    note = NOTE.replace("cards: [what-is-a-loss]", "cards: []")
    error = only_problem(write_pack(tmp_path, cards=cards, note=note))
    assert places([error]) == ["flashcards/cards.yaml:6: what-is-backpropagation: id"]
    assert "duplicate card id: already used at line 1" in str(error)


def test_duplicate_question_id(tmp_path):
    questions = QUESTIONS.replace("id: mse-of-two-errors", "id: which-are-losses")
    note = NOTE.replace(", mse-of-two-errors", "")
    error = only_problem(write_pack(tmp_path, questions=questions, note=note))
    assert places([error]) == ["quizzes/questions.yaml:30: which-are-losses: id"]


def test_the_same_id_for_a_card_and_a_question_is_fine(tmp_path):
    questions = QUESTIONS.replace("id: mse-of-two-errors", "id: what-is-a-loss")
    notes = NOTE.replace("mse-of-two-errors", "what-is-a-loss")
    assert validate_pack(write_pack(tmp_path, questions=questions,
                                    note=notes)) == []


@pytest.mark.parametrize("bad_id",
                         ["What-Is-A-Loss", "what_is_a_loss", "what--is", "-what", "what-"])
def test_bad_id(tmp_path, bad_id):
    cards = CARDS.replace("id: what-is-a-loss", f"id: {bad_id}")
    notes = NOTE.replace("cards: [what-is-a-loss]", "cards: []")
    error = only_problem(write_pack(tmp_path, cards=cards,
                                    note=notes))
    assert str(error).startswith(f"flashcards/cards.yaml:6: {bad_id}: id: {bad_id!r} is not a "
                                 "valid id: use lowercase kebab-case")


def test_unknown_field_and_the_missing_one_it_replaced(tmp_path):
    cards = CARDS.replace("  front: What does", "  frnt: What does")
    errors = validate_pack(write_pack(tmp_path, cards=cards))
    assert places(errors) == ["flashcards/cards.yaml:6: what-is-a-loss: front",
                              "flashcards/cards.yaml:9: what-is-a-loss: frnt"]
    assert str(errors[0]).endswith("front: required field is missing")
    assert str(errors[1]).endswith("frnt: unknown field 'frnt'; allowed here: id, topics, "
                                   "difficulty, front, back")


def test_unknown_topic(tmp_path):
    cards = CARDS.replace("[loss, forward-pass]", "[loss, forward-propagation]")
    error = only_problem(write_pack(tmp_path, cards=cards))
    assert places([error]) == ["flashcards/cards.yaml:7: what-is-a-loss: topics[1]"]
    assert "unknown topic 'forward-propagation'; use one of: backprop," in str(error)


def test_no_topics_and_unknown_difficulty(tmp_path):
    cards = CARDS.replace("[loss, forward-pass]", "[]").replace(
        "  difficulty: easy\n  front: What does", "  difficulty: trivial\n  front: What does")
    errors = validate_pack(write_pack(tmp_path, cards=cards))
    assert places(errors) == ["flashcards/cards.yaml:7: what-is-a-loss: topics",
                              "flashcards/cards.yaml:8: what-is-a-loss: difficulty"]
    assert "needs at least 1 item(s), found 0" in str(errors[0])
    assert "unknown difficulty 'trivial'; use easy, medium or hard" in str(errors[1])


def test_empty_text(tmp_path):
    cards = CARDS.replace("  back: How far the predictions are from the targets.", '  back: " "')
    error = only_problem(write_pack(tmp_path, cards=cards))
    assert str(error) == "flashcards/cards.yaml:10: what-is-a-loss: back: must not be empty"


def test_text_that_yaml_reads_as_a_number_must_be_quoted(tmp_path):
    questions = QUESTIONS.replace("- text: Rosenblatt", "- text: 1958")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error) == ("quizzes/questions.yaml:10: who-popularised-backprop: options[1].text: "
                          "expected text, got the number 1958; put it in quotes")


def test_single_choice_without_a_correct_option(tmp_path):
    questions = QUESTIONS.replace("      correct: true\n      feedback: Right, in Nature.",
                                  "      correct: false\n      feedback: Right, in Nature.")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error).startswith("quizzes/questions.yaml:6: who-popularised-backprop: options: "
                                 "exactly one option must have correct: true for kind "
                                 "single_choice (found 0)")


def test_single_choice_with_two_correct_options(tmp_path):
    questions = QUESTIONS.replace("      correct: false\n      feedback: The perceptron",
                                  "      correct: true\n      feedback: The perceptron")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error).startswith("quizzes/questions.yaml:6: who-popularised-backprop: options: "
                                 "exactly one option must have correct: true for kind "
                                 "single_choice (found 2)")


def test_multiple_choice_without_a_correct_option(tmp_path):
    questions = QUESTIONS.replace("      correct: true\n      feedback: Yes, for",
                                  "      correct: false\n      feedback: Yes, for")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error) == ("quizzes/questions.yaml:19: which-are-losses: options: at least one "
                          "option must have correct: true for kind multiple_choice (found 0)")


def test_a_choice_question_needs_two_options(tmp_path):
    questions = QUESTIONS.replace("""    - text: Rosenblatt
      correct: false
      feedback: The perceptron had no hidden layers.
""", "")
    error = only_problem(write_pack(tmp_path, questions=questions,
                                    it_questions=None))
    assert str(error) == ("quizzes/questions.yaml:6: who-popularised-backprop: options: "
                          "needs at least 2 item(s), found 1")


def test_missing_feedback(tmp_path):
    questions = QUESTIONS.replace("      feedback: The perceptron had no hidden layers.\n", "")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error) == ("quizzes/questions.yaml:10: who-popularised-backprop: "
                          "options[1].feedback: required field is missing; every option says "
                          "why it is right or wrong")


def test_correct_must_be_a_boolean(tmp_path):
    questions = QUESTIONS.replace("      correct: false\n      feedback: The perceptron",
                                  '      correct: "no"\n      feedback: The perceptron')
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert places([error]) == ["quizzes/questions.yaml:11: who-popularised-backprop: "
                               "options[1].correct"]
    assert "expected true or false, got the text 'no'" in str(error)


def test_negative_tolerance(tmp_path):
    questions = QUESTIONS.replace("tolerance: 0.01", "tolerance: -0.01")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error).startswith("quizzes/questions.yaml:36: mse-of-two-errors: tolerance: "
                                 "must be ≥ 0 (got -0.01)")


def test_numeric_answer_must_be_a_number(tmp_path):
    questions = QUESTIONS.replace("answer: 5", "answer: five")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert str(error) == ("quizzes/questions.yaml:35: mse-of-two-errors: answer: expected a "
                          "number, got the text 'five'")


def test_numeric_question_with_options(tmp_path):
    questions = QUESTIONS.replace("  answer: 5\n", "  answer: 5\n  options: []\n")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert places([error]) == ["quizzes/questions.yaml:36: mse-of-two-errors: options"]
    assert "unknown field 'options'; allowed here: id, topics, difficulty, kind, prompt, " \
           "answer, tolerance, unit, explanation" in str(error)


def test_unknown_kind_and_missing_kind(tmp_path):
    questions = QUESTIONS.replace("kind: numeric", "kind: number").replace(
        "  kind: multiple_choice\n", "")
    errors = validate_pack(write_pack(tmp_path, questions=questions))
    assert places(errors) == ["quizzes/questions.yaml:14: which-are-losses: kind",
                              "quizzes/questions.yaml:32: mse-of-two-errors: kind"]
    assert "required field is missing; use one of: single_choice, multiple_choice" in str(errors[0])
    assert "unknown kind 'number'; use one of:" in str(errors[1])


def test_unknown_template(tmp_path):
    questions = QUESTIONS.replace("template: tanh-neuron-weight-gradient",
                                  "template: tanh-neuron-gradient")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert places([error]) == ["quizzes/questions.yaml:42: neuron-weight-gradient: template"]
    assert "unknown template 'tanh-neuron-gradient'; registered templates" in str(error)


def test_unknown_placeholder(tmp_path):
    questions = QUESTIONS.replace("$b = {b}$. What", "$b = {bias}$. What")
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert places([error]) == ["quizzes/questions.yaml:43: neuron-weight-gradient: prompt"]
    assert "unknown placeholder {bias} for template 'tanh-neuron-weight-gradient'" in str(error)


def test_answer_placeholder_belongs_in_the_explanation_only(tmp_path):
    questions = QUESTIONS.replace("What is $\\partial o / \\partial w$?",
                                  "Is it {answer}?", 1)
    error = only_problem(write_pack(tmp_path, questions=questions))
    assert places([error]) == ["quizzes/questions.yaml:43: neuron-weight-gradient: prompt"]
    assert "unknown placeholder {answer}" in str(error)


def test_duplicate_key_in_an_item(tmp_path):
    cards = CARDS.replace("  back: How far", "  front: Again?\n  back: How far")
    error = only_problem(write_pack(tmp_path, cards=cards))
    assert str(error).startswith("flashcards/cards.yaml:10: what-is-a-loss: front: written "
                                 "twice (first at line 9)")


def test_item_that_is_not_a_mapping(tmp_path):
    error = only_problem(write_pack(tmp_path, cards=CARDS + "- just text\n"))
    assert str(error).startswith("flashcards/cards.yaml:11: item 3: each card is a mapping")


def test_file_that_is_not_a_list(tmp_path):
    error = only_problem(write_pack(tmp_path, cards="id: x\nfront: y\n"))
    assert str(error) == ("flashcards/cards.yaml:1: expected a list of cards (each starting "
                          "with '- id: ...'), got a mapping")


def test_missing_source_file(tmp_path):
    error = only_problem(write_pack(tmp_path, cards=None,
                                    note=NOTE.replace(
                                        "[what-is-a-loss]", "[]"),
                                    it_cards=None))
    assert str(error).startswith("flashcards/: no cards: expected a YAML list in "
                                 "flashcards/cards.yaml")


# ---- YAML that does not parse ----

def test_yaml_syntax_error_is_reported_with_its_line(tmp_path):
    cards = CARDS.replace("  front: What does a loss measure?",
                          "  front: What does a loss: measure?")
    error = only_problem(write_pack(tmp_path, cards=cards))
    assert (error.file, error.line, error.id, error.field) == ("flashcards/cards.yaml", 9, "", "")
    text = str(error)
    assert text.startswith("flashcards/cards.yaml:9: YAML syntax error: mapping values are not "
                           "allowed here")
    assert "\n" not in text and "Traceback" not in text


def test_a_file_that_does_not_parse_hides_no_other_problem(tmp_path):
    """Every other file is still checked; links into the broken file (whose ids are unknown)
    are not reported as missing ids."""
    errors = validate_pack(write_pack(tmp_path, cards="- id: [unclosed\n",
                                      questions=QUESTIONS.replace("answer: 5",
                                                                                "answer: x")))
    assert places(errors) == [
        "flashcards/cards.yaml:2: : ",
        "quizzes/questions.yaml:35: mse-of-two-errors: answer",
    ]


def test_yaml_tags_that_would_run_code_are_refused(tmp_path):
    marker = tmp_path / "ran"
    cards = f"- !!python/object/apply:os.system ['touch {marker}']\n"
    errors = validate_pack(write_pack(tmp_path, cards=cards))
    assert not marker.exists()
    assert errors[0].file == "flashcards/cards.yaml" and errors[0].line == 1
    assert str(errors[0]).startswith("flashcards/cards.yaml:1: YAML error: could not determine "
                                     "a constructor for the tag")


# ---- notes ----

def test_bad_note_front_matter(tmp_path):
    note = NOTE.replace("difficulty: easy", "difficulty: hard\nlevel: 2").replace(
        "title: Forward pass and loss\n", "")
    errors = validate_pack(write_pack(tmp_path, note=note))
    assert places(errors) == ["notes/forward-pass-and-loss.md:2: forward-pass-and-loss: title",
                              "notes/forward-pass-and-loss.md:5: forward-pass-and-loss: level"]


def test_note_linking_a_missing_card_and_question(tmp_path):
    note = NOTE.replace("cards: [what-is-a-loss]", "cards: [what-is-a-loss, what-is-a-gradient]"
                        ).replace("questions: [which-are-losses, mse-of-two-errors]",
                                  "questions:\n  - which-are-losses\n  - mse-of-2-errors")
    errors = validate_pack(write_pack(tmp_path, note=note))
    assert places(errors) == ["notes/forward-pass-and-loss.md:7: forward-pass-and-loss: cards[1]",
                              "notes/forward-pass-and-loss.md:10: forward-pass-and-loss: "
                              "questions[1]"]
    assert str(errors[0]).endswith("cards[1]: no card with id 'what-is-a-gradient' in "
                                   "flashcards/: fix the id or remove it")


def test_note_without_front_matter(tmp_path):
    error = only_problem(write_pack(tmp_path, note="# Forward pass\n"))
    assert str(error).startswith("notes/forward-pass-and-loss.md:1: forward-pass-and-loss: a "
                                 "note starts with YAML front matter")


def test_note_front_matter_yaml_error_has_the_file_line(tmp_path):
    note = NOTE.replace("topics: [forward-pass, loss]", "topics: [forward-pass, loss")
    error = only_problem(write_pack(tmp_path, note=note))
    assert places([error]) == ["notes/forward-pass-and-loss.md:5: forward-pass-and-loss: "]
    assert error.message.startswith("YAML syntax error: expected ',' or ']', but got ':' (while "
                                    "parsing a flow sequence that starts at line 4)")


def test_note_id_must_match_its_file_name(tmp_path):
    note = NOTE.replace("id: forward-pass-and-loss", "id: forward-pass")
    error = only_problem(write_pack(tmp_path, note=note))
    assert str(error).startswith("notes/forward-pass-and-loss.md:2: forward-pass: id: the id "
                                 "must equal the file name")


def test_note_lesson_must_exist_and_body_must_not_be_empty(tmp_path):
    note = NOTE.replace("01_forward_pass_and_loss", "01_forward").split("---\n")
    note = "---\n" + note[1] + "---\n\n"
    errors = validate_pack(write_pack(tmp_path, note=note))
    assert places(errors) == ["notes/forward-pass-and-loss.md:6: forward-pass-and-loss: lesson",
                              "notes/forward-pass-and-loss.md:10: forward-pass-and-loss: body"]
    assert "no lesson notebooks/01_forward.ipynb" in str(errors[0])


# ---- translations ----

def test_translation_with_correct(tmp_path):
    translated = IT_QUESTIONS.replace("      feedback: Giusto", "      correct: true\n"
                                      "      feedback: Giusto")
    error = only_problem(write_pack(tmp_path, it_questions=translated))
    assert str(error) == ("translations/it/quizzes.yaml:5: who-popularised-backprop: "
                          "options[0].correct: a translation carries text only: remove 'correct' "
                          "(what is correct is written once, in the English source)")


def test_translation_with_an_answer(tmp_path):
    translated = IT_QUESTIONS + "mse-of-two-errors:\n  answer: 6\n"
    error = only_problem(write_pack(tmp_path, it_questions=translated))
    assert places([error]) == ["translations/it/quizzes.yaml:11: mse-of-two-errors: answer"]


def test_translation_of_an_unknown_id(tmp_path):
    translated = IT_CARDS + "what-is-a-gradient:\n  front: Che cos'è un gradiente?\n"
    error = only_problem(write_pack(tmp_path, it_cards=translated))
    assert str(error).startswith("translations/it/flashcards.yaml:4: what-is-a-gradient: no "
                                 "card with this id in flashcards/")


def test_translation_with_the_wrong_option_count(tmp_path):
    translated = IT_QUESTIONS.replace("""    - text: Rosenblatt
      feedback: Il percettrone non aveva strati nascosti.
""", "")
    error = only_problem(write_pack(tmp_path, it_questions=translated))
    assert str(error).startswith("translations/it/quizzes.yaml:3: who-popularised-backprop: "
                                 "options: 1 options but the English question has 2")


def test_translation_with_changed_placeholders(tmp_path):
    translated = IT_QUESTIONS.replace("$b = {b}$", "$b = {bias}$")
    error = only_problem(write_pack(tmp_path, it_questions=translated))
    assert str(error).startswith("translations/it/quizzes.yaml:9: neuron-weight-gradient: "
                                 "prompt: placeholders {bias}, {w}, {x} differ from the English "
                                 "prompt's {b}, {w}, {x}")


def test_translation_with_a_typo_in_a_field(tmp_path):
    translated = IT_CARDS.replace("  back:", "  bakc:")
    error = only_problem(write_pack(tmp_path, it_cards=translated))
    assert str(error) == ("translations/it/flashcards.yaml:3: what-is-backpropagation: bakc: "
                          "unknown field 'bakc'; allowed here: front, back")


def test_translated_note_of_an_unknown_note_and_with_a_bad_front_matter(tmp_path):
    write_pack(tmp_path, it_note=IT_NOTE.replace(
        "title:", "titolo:"))
    (tmp_path / "translations/it/notes/backward-pass.md").write_text(IT_NOTE)
    errors = validate_pack(tmp_path)
    assert places(errors) == ["translations/it/notes/backward-pass.md:0: backward-pass: ",
                              "translations/it/notes/forward-pass-and-loss.md:2: "
                              "forward-pass-and-loss: title",
                              "translations/it/notes/forward-pass-and-loss.md:2: "
                              "forward-pass-and-loss: titolo"]


def test_unknown_language_folder_and_stray_file(tmp_path):
    write_pack(tmp_path, {"translations/xx/flashcards.yaml": IT_CARDS,
                          "translations/it/flashcard.yaml": IT_CARDS})
    assert [str(e) for e in validate_pack(tmp_path)] == [
        "translations/it/flashcard.yaml: unexpected file: translations/it/ holds "
        "flashcards.yaml, quizzes.yaml, notes/<id>.md, interface.yaml and exercises.yaml",
        "translations/xx: unexpected folder: translations/ holds one folder per language: "
        "it, fr, pt, es, de (and en/ for the interface's English words)",
    ]


# ---- load_pack raises with every problem; validate_pack checks every language ----

def test_load_pack_raises_with_every_problem(tmp_path):
    cards = CARDS.replace("[backprop]", "[backprops]")
    questions = QUESTIONS.replace("tolerance: 0.01", "tolerance: -1")
    write_pack(tmp_path, cards=cards, questions=questions)
    with pytest.raises(ContentValidationError) as raised:
        load_pack(tmp_path)
    assert places(raised.value.errors) == [
        "flashcards/cards.yaml:2: what-is-backpropagation: topics[0]",
        "quizzes/questions.yaml:36: mse-of-two-errors: tolerance",
    ]
    message = str(raised.value)
    assert message.startswith(f"2 problems in the study content under {tmp_path}:\n  "
                              "flashcards/cards.yaml:2: what-is-backpropagation: topics[0]: ")


def test_a_broken_translation_stops_only_its_own_language(tmp_path):
    write_pack(tmp_path)
    (tmp_path / "translations/de").mkdir()
    (tmp_path / "translations/de/flashcards.yaml").write_text("no-such-card:\n  front: x\n")
    assert load_pack(tmp_path, language="it").language == "it"
    assert load_pack(tmp_path).language == "en"
    with pytest.raises(ContentValidationError):
        load_pack(tmp_path, language="de")
    assert places(validate_pack(tmp_path)) == ["translations/de/flashcards.yaml:1: no-such-card: "]


def test_empty_translation_files_are_fine(tmp_path):
    write_pack(tmp_path, it_cards="", it_questions="")
    pack = load_pack(tmp_path, language="fr")  # no fr folder: everything in English
    assert pack.card("what-is-backpropagation").front == "What is backpropagation?"
    assert load_pack(tmp_path, language="it").card("what-is-backpropagation").front == \
        "What is backpropagation?"


# ---- the project's own content ----

def test_the_real_content_is_valid():
    root = default_root()
    if not (root / "flashcards").is_dir():
        pytest.skip("no flashcards/ in this checkout")
    assert [str(error) for error in validate_pack(root)] == []
