"""Generated numeric questions: each template's answer (computed by the engine) against the same
quantity worked out independently with numpy, determinism per seed, and hand-friendly numbers."""
import math

import numpy as np
import pytest

from studypack.content import TEMPLATES, generate, load_pack, parse_question
from studypack.content.generators import (PLACEHOLDER, fill_placeholders, format_number,
                                          placeholders_in)
from studypack.content.loader import default_root


def tanh_z(n):
    return np.tanh(n["w"] * n["x"] + n["b"])


def sigmoid_z(n):
    return 1 / (1 + np.exp(-(n["w"] * n["x"] + n["b"])))


def two_layer(n):
    h = np.tanh(n["w1"] * n["x"] + n["b1"])
    y_hat = n["w2"] * h + n["b2"]
    return 2 * (y_hat - n["y"]) * n["w2"] * (1 - h ** 2) * n["x"]


# The answer of each template, by hand, and the numbers it draws (the rest are derived).
BY_HAND = {
    "tanh-neuron-weight-gradient": (lambda n: (1 - tanh_z(n) ** 2) * n["x"], "x w b"),
    "tanh-neuron-bias-gradient": (lambda n: 1 - tanh_z(n) ** 2, "x w b"),
    "sigmoid-neuron-weight-gradient": (lambda n: sigmoid_z(n) * (1 - sigmoid_z(n)) * n["x"],
                                       "x w b"),
    "sigmoid-neuron-bias-gradient": (lambda n: sigmoid_z(n) * (1 - sigmoid_z(n)), "x w b"),
    "mse-gradient": (lambda n: 2 * (n["y_hat"] - n["y"]), "y_hat y"),
    "mse-mean-gradient": (lambda n: 2 * (n["y_hat1"] - n["y1"]) / 3,
                          "y_hat1 y_hat2 y_hat3 y1 y2 y3"),
    "chain-rule-product": (lambda n: n["k"] * 2 * (n["a"] * n["x"] + n["c"]) * n["a"], "a c k x"),
    "gradient-descent-step": (lambda n: n["w"] - n["lr"] * 2 * n["a"] * (n["w"] - n["c"]),
                              "a c w lr"),
    "two-layer-gradient": (two_layer, "x w1 b1 w2 b2 y"),
    "binary-cross-entropy-logit-gradient": (lambda n: 1 / (1 + np.exp(-n["z"])) - n["y"], "z y"),
}

# The derived numbers a prompt or explanation may show, by hand too.
DERIVED = {
    "z": lambda n: n["w"] * n["x"] + n["b"] if "w" in n else n["z"],
    "diff": lambda n: n["y_hat"] - n["y"],
    "diff1": lambda n: n["y_hat1"] - n["y1"],
    "u": lambda n: n["a"] * n["x"] + n["c"],
    "grad": lambda n: 2 * n["a"] * (n["w"] - n["c"]),
    "z1": lambda n: n["w1"] * n["x"] + n["b1"],
    "h": lambda n: np.tanh(n["w1"] * n["x"] + n["b1"]),
    "p": lambda n: 1 / (1 + np.exp(-n["z"])),
}
SEEDS = range(40)


def question(template, question_id="practice", tolerance=None):
    names = TEMPLATES[template].placeholders
    return parse_question({
        "id": question_id, "topics": ["backward-pass"], "difficulty": "medium",
        "kind": "generated_numeric", "template": template,
        "prompt": "Numbers: " + ", ".join("{%s}" % name for name in names)
                  + r". $\frac{\partial L}{\partial w}$?",
        "explanation": "The answer is {answer}.", "tolerance": tolerance})


def test_every_template_has_a_hand_computation():
    assert sorted(BY_HAND) == sorted(TEMPLATES)
    assert {"tanh-neuron-weight-gradient", "sigmoid-neuron-bias-gradient", "mse-gradient",
            "chain-rule-product", "gradient-descent-step", "two-layer-gradient"} <= set(TEMPLATES)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_answers_match_an_independent_computation(template):
    by_hand, drawn = BY_HAND[template]
    for seed in SEEDS:
        made = generate(question(template), seed)
        numbers = made.numbers
        assert set(numbers) == set(TEMPLATES[template].placeholders)
        assert made.answer == pytest.approx(by_hand(numbers), rel=1e-12, abs=1e-12)
        assert made.answer != 0
        for name, derive in DERIVED.items():
            if name in numbers and name not in drawn.split():
                assert numbers[name] == pytest.approx(derive(numbers), abs=1e-12), name
        if "o" in numbers:
            activation = tanh_z if template.startswith("tanh") else sigmoid_z
            assert numbers["o"] == pytest.approx(activation(numbers))
        if "loss" in numbers:
            assert numbers["loss"] > 0


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_drawn_numbers_are_easy_to_compute_with(template):
    """Inputs on a grid of 0.05 (halves, tenths, 0.05 for learning rates); activations out of
    their flat tails so gradients are not all ≈ 0."""
    _, drawn = BY_HAND[template]
    for seed in SEEDS:
        numbers = generate(question(template), seed).numbers
        for name in drawn.split():
            value = numbers[name]
            assert abs(value * 20 - round(value * 20)) < 1e-9, (name, value)
            assert abs(value) <= 3
        for pre_activation in ("z", "z1"):
            if pre_activation in numbers and template != "binary-cross-entropy-logit-gradient":
                assert abs(numbers[pre_activation]) <= 1.5


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_same_seed_same_question_different_seed_fresh_numbers(template):
    first, again = generate(question(template), 7), generate(question(template), 7)
    assert (first.numbers, first.answer, first.prompt) == \
        (again.numbers, again.answer, again.prompt)
    assert first.seed == 7 and first.id == "practice"
    instances = {tuple(sorted(generate(question(template), seed).numbers.items()))
                 for seed in SEEDS}
    assert len(instances) >= 5


def test_one_seed_gives_different_questions_different_numbers():
    """A quiz may use one seed for all its questions: the id is mixed in."""
    pairs = [(generate(question("mse-gradient", "first"), seed).numbers,
              generate(question("mse-gradient", "second"), seed).numbers) for seed in SEEDS]
    assert sum(a != b for a, b in pairs) >= len(pairs) // 2


def test_text_is_filled_in():
    made = generate(question("tanh-neuron-weight-gradient"), 3)
    n = made.numbers
    assert made.prompt.startswith(f"Numbers: {format_number(n['x'])}, {format_number(n['w'])}, ")
    # LaTeX braces around anything but a bare name are not placeholders
    assert made.prompt.endswith(r". $\frac{\partial L}{\partial w}$?")
    assert made.explanation == f"The answer is {format_number(made.answer)}."
    assert not PLACEHOLDER.search(made.prompt)
    assert made.tolerance == 0.01
    assert generate(question("mse-gradient", tolerance=0.05), 0).tolerance == 0.05


def test_format_number():
    assert [format_number(v) for v in (2.0, -0.5, 0.7615941559557649, -0.0, 12.5, 0.05,
                                       -1.8609235664435098, 3)] == \
        ["2", "-0.5", "0.7616", "0", "12.5", "0.05", "-1.861", "3"]


def test_placeholders():
    text = r"$\frac{\partial o}{\partial w}$ at $x = {x}$, $\frac{1}{ n }$, {answer}"
    assert placeholders_in(text) == {"x", "answer"}
    assert fill_placeholders(text, {"x": "1.5", "answer": "2"}) == \
        r"$\frac{\partial o}{\partial w}$ at $x = 1.5$, $\frac{1}{ n }$, 2"
    with pytest.raises(ValueError, match=r"unknown placeholder \{y\}"):
        fill_placeholders("{y}", {"x": "1"})


def test_unknown_template_is_refused_at_generation_too():
    class Fake:
        id, template, prompt, explanation, tolerance = "q", "nope", "", "", None

    with pytest.raises(ValueError, match="unknown template 'nope'"):
        generate(Fake(), 0)


def test_the_real_generated_questions_fill_in_for_many_seeds():
    if not (default_root() / "flashcards").is_dir():
        pytest.skip("no content in this checkout")
    generated = [q for q in load_pack().questions if q.kind == "generated_numeric"]
    for q in generated:
        for seed in range(20):
            made = generate(q, seed)
            assert not PLACEHOLDER.search(made.prompt + made.explanation), q.id
            assert math.isfinite(made.answer) and made.answer != 0


def test_the_stated_precision_keeps_at_least_two_significant_digits():
    """Rounded to the decimals its prompt asks for, an answer is never 0 and keeps two
    significant digits: 0.025 at 3 places, not 0.03 at 2 or 0 at 1."""
    if not (default_root() / "flashcards").is_dir():
        pytest.skip("no content in this checkout")
    generated = [q for q in load_pack().questions if q.kind == "generated_numeric"]
    for q in generated:
        for seed in range(500):
            answer = abs(generate(q, seed).answer)
            assert answer >= 10.0 ** (1 - q.decimals), (q.id, seed, answer, q.decimals)
