"""The pack's own content: enough of it, every topic covered, every language complete."""
import math
import re
from collections import Counter

import numpy as np
import pytest
import yaml

from studypack import Tensor, Value, losses, optim
from studypack.content import LANGUAGES, QUESTION_KINDS, TOPICS, default_root, load_pack
from studypack.content.lessons import list_lessons

ROOT = default_root()


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_counts(pack):
    assert len(pack.cards) >= 25 and len(pack.questions) >= 25 and len(pack.notes) == 8
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
    assert [note.lesson[:2] for note in pack.notes] == ["01", "02", "03", "04", "05", "07", "08", "09"]


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


# ---- precision: every numeric prompt says how to round, in the learner's language ----


# "Give your answer to 2 decimal places." / "Give a whole number." in each language
PRECISION_SENTENCES = {
    "en": (r"Give your answer to (\d+) decimal places?\.", r"Give a whole number\."),
    "it": (r"Dai la risposta con (\d+) cifr[ae] decimal[ei]\.", r"Dai un numero intero\."),
    "fr": (r"Donnez la réponse avec (\d+) décimales?\.", r"Donnez un nombre entier\."),
    "pt": (r"Dê a resposta com (\d+) casas? decima(?:l|is)\.", r"Dê um número inteiro\."),
    "es": (r"Da la respuesta con (\d+) decimal(?:es)?\.", r"Da un número entero\."),
    "de": (r"Gib die Antwort auf (\d+) Nachkommastellen? an\.", r"Gib eine ganze Zahl an\."),
}


def stated_decimals(prompt: str, language: str):
    places, whole = PRECISION_SENTENCES[language]
    found = [int(d) for d in re.findall(places, prompt)] + [0] * len(re.findall(whole, prompt))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_numeric_prompt_states_its_precision_in_every_language(language):
    translated = load_pack(language=language)
    numeric = [q for q in translated.questions if q.kind in ("numeric", "generated_numeric")]
    assert len(numeric) >= 20
    for question in numeric:
        assert question.decimals is not None, question.id
        assert stated_decimals(question.prompt, language) == [question.decimals], (
            language, question.id, question.prompt)


# ---- a quiz question does not re-ask a card's worked example with the same numbers ----

NUMBER = re.compile(r"(?<![\w^_{.])-?\d+(?:\.\d+)?(?![\d}])")
LIST_MARKER = re.compile(r"^\s*\d+\.\s", re.MULTILINE)


def numbers_in(text: str) -> set[float]:
    """The numbers of a text's example: its data and results (not "2 decimal places", not the
    numbers of a list)."""
    for sentence in PRECISION_SENTENCES["en"]:
        text = re.sub(sentence, "", text)
    return {float(n) for n in NUMBER.findall(LIST_MARKER.sub("", text))}


def test_no_numeric_question_reuses_the_numbers_of_a_cards_worked_example(pack):
    trivial = {0.0, 1.0}
    cards = {card.id: numbers_in(card.front + " " + card.back) for card in pack.cards}
    for question in pack.questions:
        if question.kind != "numeric":
            continue
        given = numbers_in(question.prompt) - trivial
        assert given, question.id
        for card_id, card_numbers in cards.items():
            same_example = given <= card_numbers and question.answer in card_numbers
            assert not same_example, (question.id, card_id, sorted(given))


def test_the_worked_example_check_catches_a_copied_example(pack):
    card = pack.card("weight-update-rule")  # w = 2, gradient 3, eta = 0.1 → 1.7
    copied = "A weight is $w = 2$, its gradient is 3 and $\\eta = 0.1$. What is the new $w$?"
    assert numbers_in(copied) - {0.0, 1.0} <= numbers_in(card.front + " " + card.back)
    assert 1.7 in numbers_in(card.back)


# ---- one notation: ŷ prediction, y target, L loss, λ curvature, D depth ----

def all_text(language):
    translated = load_pack(language=language)
    parts = [c.front + "\n" + c.back for c in translated.cards]
    for q in translated.questions:
        parts += [q.prompt, q.explanation]
        parts += [o.text + "\n" + o.feedback for o in getattr(q, "options", ())]
    parts += [n.body for n in translated.notes]
    return "\n".join(parts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_notation_across_the_pack(language):
    text = all_text(language)
    # L is the loss: a curvature is λ, so no "L/2 x²", "2/L", "η L"
    for curvature_as_l in (r"\\frac\{L\}\{2\}", r"\\tfrac\{L\}\{2\}", r"[12]/L\b", r"\\eta L\b",
                           r"= Lx\b", r"\\kappa = L/"):
        assert not re.search(curvature_as_l, text), (language, curvature_as_l)
    # y is the target, ŷ the prediction: no loss written on (y - t)
    assert "(y - t)" not in text and "\\partial y/\\partial w_1" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_facts_the_review_asked_for_are_stated(language):
    text = all_text(language)
    for fact in ("Cauchy", "1847", "LeCun", "1989", "Hochreiter", "1991", "LSTM",
                 "transformer"):
        assert fact.lower() in text.lower(), (language, fact)
    supervised = {"en": "supervised learning", "it": "apprendimento supervisionato",
                  "fr": "apprentissage supervisé", "pt": "aprendizagem supervisionada",
                  "es": "aprendizaje supervisado", "de": "überwachtes Lernen"}
    assert supervised[language].lower() in text.lower()
    negative_log_likelihood = {"en": "negative log-likelihood",
                               "it": "log-verosimiglianza negativa",
                               "fr": "log-vraisemblance négative",
                               "pt": "log-verosimilhança negativa",
                               "es": "log-verosimilitud negativa",
                               "de": "negative Log-Likelihood"}
    assert negative_log_likelihood[language].lower() in text.lower()


def test_history_questions_give_feedback_on_every_option_in_every_language():
    ids = ("who-described-gradient-descent", "zip-code-network-1989", "hochreiter-1991-thesis")
    english = load_pack()
    for language in LANGUAGES:
        translated = load_pack(language=language)
        for question_id in ids:
            question = translated.question(question_id)
            assert len(question.options) == 4
            for option, source in zip(question.options, english.question(question_id).options):
                assert len(option.feedback.split()) >= 8
                if language != "en":
                    assert option.feedback != source.feedback, (language, question_id)


def test_translation_wording_the_review_flagged():
    it, fr, de = (all_text(language) for language in ("it", "fr", "de"))
    assert "connessioni residue" not in it.lower()  # residual connections: "residuali"
    # German "Genauigkeit" reads as precision: accuracy is "Trefferquote"
    assert set(re.findall(r"\w+ Genauigkeit", de)) <= {"doppelter Genauigkeit"}
    assert "Trefferquote" in de
    # "un algorithme" is masculine: the card must not switch to "elle"
    back = load_pack(language="fr").card("what-is-backpropagation").back
    assert "Un algorithme" in back and "Elle " not in back


def test_no_question_asks_for_the_largest_rate_below_a_threshold(pack):
    """"The largest η below which it converges" does not exist (the set is open): ask for the
    threshold."""
    for question in pack.questions:
        assert "largest learning rate" not in question.prompt.lower(), question.id


# ---- the numbers in the content come from the engine ----

def _neuron_output():
    w, x = [0.5, -1, 2], [2, 1, 0.25]
    z = sum((Value(wi) * xi for wi, xi in zip(w, x)), Value(0.5))
    return z.relu().data


def _softmax_gradient():
    logits = Tensor(np.log([[0.15, 0.6, 0.25]]), requires_grad=True)
    losses.cross_entropy(logits, np.array([1])).backward()
    return float(logits.grad[0, 1])


def _derivative(function, at):
    x = Value(at)
    function(x).backward()
    return x.grad


def _tanh_slope_at_output(output):
    return _derivative(lambda z: z.tanh(), math.atanh(output))


def _layer_gradients(X, delta):
    """(∂L/∂W, ∂L/∂b) of Z = XW + b when ∂L/∂Z = delta (the loss is Σ Z ⊙ delta)."""
    W = Tensor(np.ones((2, 2)), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    ((Tensor(np.array(X, float)) @ W + b) * Tensor(np.array(delta, float))).sum().backward()
    return W.grad, b.grad


def _fan_out_unit():
    """A tanh unit with output 0.6 feeding two consumers (weights 1.5, -0.5; gradients 0.4, -1.2)."""
    z = Value(math.atanh(0.6))
    h = z.tanh()
    (0.4 * (1.5 * h) + -1.2 * (-0.5 * h)).backward()
    return z.grad


def _softmax_jacobian_entry():
    z = [Value(math.log(p)) for p in (0.5, 0.3, 0.2)]
    e = [zi.exp() for zi in z]
    (e[0] / (e[0] + e[1] + e[2])).backward()
    return z[1].grad


def _optimiser_steps(make_optimiser, start, gradients):
    w = Value(start)
    optimiser = make_optimiser([w])
    for gradient in gradients:
        w.grad = gradient
        optimiser.step()
    return w.data


def _hessian_threshold():
    def gradient_at(w, b):
        w, b = Value(w), Value(b)
        (3 * w ** 2 + 2 * w * b + 1.5 * b ** 2).backward()  # ½ θᵀHθ with H = [[6, 2], [2, 3]]
        return [w.grad, b.grad]
    hessian = np.array([gradient_at(1.0, 0.0), gradient_at(0.0, 1.0)])  # quadratic: its columns
    return 2 / np.linalg.eigvalsh(hessian).max()


def _weight_decay_step():
    w = Value(2.0)
    (0.5 * (w - 1.5) ** 2).backward()  # ∂L/∂w = 0.5
    optim.SGD([w], 0.1, weight_decay=0.01).step()
    return w.data


LESSONS_07_09_ANSWERS = {
    "hidden-unit-fan-out-gradient": _fan_out_unit,
    "bias-gradient-from-delta": lambda: _layer_gradients(
        [[1, 0], [0, 1], [1, 1]], [[0.1, -0.2], [0.3, 0.05], [-0.25, 0.4]])[1][1],
    "weight-gradient-entry": lambda: _layer_gradients(
        [[1, 2], [3, -1]], [[0.5, -0.2], [0.1, 0.4]])[0][1, 0],
    "softmax-jacobian-entry": _softmax_jacobian_entry,
    "swish-local-derivative": lambda: _derivative(lambda z: z * z.sigmoid(), 2.0),
    "momentum-two-steps": lambda: _optimiser_steps(
        lambda p: optim.SGD(p, 0.1, momentum=0.9), 0.85, [0.5, -0.3]),
    "adam-first-step": lambda: _optimiser_steps(lambda p: optim.Adam(p, 0.01), 0.5, [-4.0]),
    "hessian-learning-rate-threshold": _hessian_threshold,
    "cosine-schedule-value": lambda: optim.CosineDecay(0.1, 100)(25),
    "weight-decay-step-value": _weight_decay_step,
    "rnn-shared-weight-gradient": lambda: _derivative(lambda w: w * (w * (w * 2.0)), 0.5),
}

ENGINE_ANSWERS = {
    **LESSONS_07_09_ANSWERS,
    "neuron-output-value": _neuron_output,
    "mse-value": lambda: losses.mse(Tensor(np.array([1.0, 2, 3])), np.array([1.0, 1, 5])).item(),
    "cross-entropy-value": lambda: -Value(0.4).log().data,
    "softmax-cross-entropy-logit-gradient": _softmax_gradient,
    "chain-rule-numeric": lambda: _derivative(lambda x: (2 * x - 3) ** 2, 1.0),
    "gradient-through-two-paths": lambda: _derivative(lambda a: a * -2.0 + a ** 2, 3.0),
    "linear-neuron-weight-gradient": lambda: _derivative(lambda w: (w * 3 + 1 - 2) ** 2, 0.5),
    "one-gradient-descent-step": lambda: 0.8 - 0.05 * -2.5,
    # the curvature λ is the gradient of λ/2·x² at x = 1; the threshold is 2/λ
    "learning-rate-threshold-parabola": lambda: 2 / _derivative(lambda x: 3 * x ** 2, 1.0),
    "ill-conditioned-learning-rate-limit": lambda: 2 / _derivative(lambda y: 0.5 * 40 * y ** 2,
                                                                   1.0),
    "sgd-steps-per-epoch": lambda: math.ceil(1200 / 64),
    "sigmoid-chain-bound": lambda: _derivative(lambda z: z.sigmoid(), 0.0) ** 5,
    "tanh-derivative-value": lambda: _tanh_slope_at_output(-0.8),
    "gradient-check-value": lambda: (3.2 ** 3 - 2.8 ** 3) / 0.4,
}


def test_every_numeric_answer_is_what_the_engine_computes(pack):
    numeric = {q.id: q for q in pack.questions if q.kind == "numeric"}
    assert set(numeric) == set(ENGINE_ANSWERS)
    for question_id, compute in ENGINE_ANSWERS.items():
        assert numeric[question_id].answer == pytest.approx(compute(), abs=1e-12), question_id


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_two_layer_chain_of_the_backward_pass_note_matches_the_engine(language):
    w1 = Value(0.5)
    h = (w1 * 1.0).tanh()
    (2.0 * h).backward()
    body = load_pack(language=language).note("backward-pass").body
    for shown in (f"{h.data:.3f}", f"{1 - h.data ** 2:.3f}", f"{w1.grad:.2f}"):
        assert shown in body, (language, shown)
    assert "0.787" not in body  # 1 − tanh²(0.5) = 0.78645 rounds to 0.786
