"""Generated numeric questions: templates draw fresh numbers and the engine finds the answer.

A question of kind `generated_numeric` names a template (content never contains code). The
template draws a few numbers from a seed, builds the expression with `studypack.Value` (or
`Tensor`) and calls `backward()`: the gradient the engine computes is the answer. Inputs are
drawn from short grids (halves, tenths) so a learner can work the answer out by hand.

Mistakes: a template may also name common wrong answers ("forgot-mean", "wrong-sign"), each
computed by the engine with that mistake applied. A question gives feedback for some of them,
keyed by name; grading shows it when a wrong answer matches one. `generate()` redraws numbers
whose mistakes would be within the question's tolerance of the right answer.

Placeholders: in a generated question's prompt and explanation, `{name}` (a Python-style
identifier in braces) is replaced by the number of that name, and the explanation may also use
`{answer}`. Other braces are left alone, so LaTeX such as `\\frac{\\partial o}{\\partial w}`
works; a LaTeX group that is a bare identifier (`\\frac{1}{n}`) would be read as a placeholder,
so write it with spaces inside (`\\frac{1}{ n }`), which LaTeX ignores.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from studypack import Tensor, Value, losses

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
ANSWER_PLACEHOLDER = "answer"
DEFAULT_RELATIVE_TOLERANCE = 0.01


def placeholders_in(text: str) -> set[str]:
    """The `{name}` placeholders a prompt or explanation uses, e.g. {'x', 'w'}."""
    return set(PLACEHOLDER.findall(text))


def format_number(value: float) -> str:
    """A number as a learner should see it: `2`, `-0.5`, `0.7616` (at most 4 significant digits)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = f"{value:.4g}"
    return "0" if text == "-0" else text


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace each `{name}` in `text` with `values[name]`; any other braces stay as they are."""
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"unknown placeholder {{{name}}}; "
                             f"available: {', '.join(sorted(values))}")
        return values[name]
    return PLACEHOLDER.sub(replace, text)


# ---- the registry ----

Draw = Callable[[np.random.Generator], tuple]


@dataclass(frozen=True)
class Template:
    """A registered generator: `draw(rng)` returns (the numbers by placeholder name, the
    answer) or, for a template with `mistakes`, also {mistake name: the wrong answer}."""

    name: str
    summary: str
    placeholders: tuple[str, ...]
    draw: Draw = field(repr=False)
    mistakes: tuple[str, ...] = ()


TEMPLATES: dict[str, Template] = {}


def template(name: str, summary: str, placeholders: tuple[str, ...],
             mistakes: tuple[str, ...] = ()):
    """Register the decorated draw function under `name` (the name content files use);
    `mistakes` names the wrong answers its draw also returns."""
    def register(draw: Draw) -> Draw:
        if name in TEMPLATES:
            raise ValueError(f"template {name!r} is registered twice")
        if ANSWER_PLACEHOLDER in placeholders:
            raise ValueError(f"template {name!r}: {{answer}} is added by generate(), not drawn")
        TEMPLATES[name] = Template(name, summary, tuple(placeholders), draw, tuple(mistakes))
        return draw
    return register


def template_names() -> list[str]:
    return sorted(TEMPLATES)


@dataclass(frozen=True)
class GeneratedQuestion:
    """One instance of a generated question: numbers, filled-in text, the engine's answer."""

    question: object  # the GeneratedNumericQuestion it was made from
    seed: int
    numbers: dict[str, float]
    answer: float
    prompt: str
    explanation: str
    tolerance: float  # relative: |response − answer| ≤ tolerance·|answer| counts as correct
    # {mistake name: the wrong answer it gives}, each beyond the tolerance from `answer`
    mistakes: dict[str, float] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.question.id


def generate(question, seed: int) -> GeneratedQuestion:
    """Draw the numbers of a `generated_numeric` question from `seed` and fill in its text.

    The same question and seed always give the same numbers and answer; a different seed gives
    a fresh instance. The question's id is mixed into the seed, so one seed for a whole quiz
    still gives each question its own numbers. Answers are never exactly 0 (a relative
    tolerance needs a scale).
    """
    if question.template not in TEMPLATES:
        raise ValueError(f"{question.id}: unknown template {question.template!r}; "
                         f"registered: {', '.join(template_names())}")
    chosen = TEMPLATES[question.template]
    # crc32, not hash(): str hashes change from one Python process to the next
    rng = np.random.default_rng([seed, zlib.crc32(question.id.encode("utf-8"))])
    tolerance = getattr(question, "tolerance", None)
    tolerance = DEFAULT_RELATIVE_TOLERANCE if tolerance is None else float(tolerance)
    decimals = getattr(question, "decimals", None)
    for _ in range(MAX_TRIES):
        numbers, answer, mistakes = _drawn(chosen, rng)
        allowed = 0.5 * 10.0 ** -decimals if decimals is not None else tolerance * abs(answer)
        # rounded to the places the prompt asks for, the answer keeps two significant digits
        if decimals is not None and abs(answer) < 10.0 ** (1 - decimals):
            continue
        # a mistake that gives (nearly) the right answer teaches nothing, and two mistakes
        # that give (nearly) the same number cannot tell which one was made: draw again
        values = [answer, *mistakes.values()]
        if all(abs(first - second) > allowed * MISTAKE_MARGIN
               for index, first in enumerate(values) for second in values[index + 1:]):
            break
    else:
        raise RuntimeError(f"template {chosen.name!r}: every draw has an answer too small "
                           "for the precision asked or a mistake within its tolerance")
    shown = {name: format_number(value) for name, value in numbers.items()}
    shown[ANSWER_PLACEHOLDER] = format_number(answer)
    return GeneratedQuestion(
        question=question,
        seed=seed,
        numbers={name: float(value) for name, value in numbers.items()},
        answer=float(answer),
        prompt=fill_placeholders(question.prompt, shown),
        explanation=fill_placeholders(question.explanation, shown),
        tolerance=tolerance,
        mistakes=mistakes,
    )


def _drawn(chosen: Template, rng) -> tuple[dict, float, dict[str, float]]:
    """One draw of `chosen`, checked: (numbers, answer, mistakes)."""
    result = chosen.draw(rng)
    numbers, answer = result[0], result[1]
    computed = result[2] if len(result) > 2 else {}
    # None: the mistake cannot happen with these numbers (it would give the right answer)
    mistakes = {name: float(value) for name, value in computed.items() if value is not None}
    if set(numbers) != set(chosen.placeholders):
        raise RuntimeError(f"template {chosen.name!r} drew {sorted(numbers)}, "
                           f"declared {sorted(chosen.placeholders)}")
    if set(computed) != set(chosen.mistakes):
        raise RuntimeError(f"template {chosen.name!r} computed the mistakes {sorted(computed)}, "
                           f"declared {sorted(chosen.mistakes)}")
    return numbers, float(answer), mistakes


def shuffle_options(question, seed: int):
    """A choice question with its options in an order drawn from `seed` and its id.

    Content files tend to list the right option first; shown in that order, the position
    would give the answer away. Answers given to the copy refer to its (shuffled) order.
    """
    options = getattr(question, "options", None)
    if not options:
        return question
    # crc32, not hash(): the same seed must give the same order in every Python process
    rng = np.random.default_rng([seed, zlib.crc32(question.id.encode("utf-8"))])
    return question.model_copy(update={"options": [options[i]
                                                   for i in rng.permutation(len(options))]})


# ---- drawing helpers: short grids of hand-friendly numbers ----

def _pick(rng: np.random.Generator, choices) -> float:
    return float(choices[rng.integers(len(choices))])


def _grid(start: float, stop: float, step: float, skip_zero: bool = False) -> list[float]:
    """start, start+step, …, stop, rounded: 0.1 steps give 0.3, not 0.30000000000000004."""
    count = int(round((stop - start) / step)) + 1
    values = [round(start + i * step, 10) for i in range(count)]
    return [v for v in values if not (skip_zero and v == 0)]


INPUTS = _grid(-2, 2, 0.1, skip_zero=True)          # x: ±0.1 … ±2
WEIGHTS = _grid(-1.5, 1.5, 0.05, skip_zero=True)    # w: ±0.05 … ±1.5
BIASES = _grid(-1, 1, 0.1)                          # b: −1 … 1
HUNDREDTHS = _grid(-2, 2, 0.01)                     # a prediction: −2 … 2
TENTHS = _grid(-2, 2, 0.1)
LEARNING_RATES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25]
MAX_TRIES = 1000  # redraws are rare; the cap only turns a broken template into an error
# a mistake must be more than twice the tolerance from the answer, so that no typed number
# is within the tolerance of both
MISTAKE_MARGIN = 2.0


def _redraw_until(rng: np.random.Generator, draw, acceptable):
    """Call `draw(rng)` until `acceptable(result)`; keeps answers away from 0 and saturation."""
    for _ in range(MAX_TRIES):
        result = draw(rng)
        if acceptable(result):
            return result
    raise RuntimeError("no acceptable numbers drawn")


def _neuron(rng: np.random.Generator, activation: str, wanted: str):
    """o = activation(w·x + b) built from Values: its numbers, ∂o/∂w or ∂o/∂b, and mistakes."""
    def draw(rng):
        x, w, b = _pick(rng, INPUTS), _pick(rng, WEIGHTS), _pick(rng, BIASES)
        return x, w, b

    # |z| ≤ 1.5 keeps the activation out of its flat tails, where every answer is ≈ 0
    x, w, b = _redraw_until(rng, draw, lambda xwb: abs(xwb[1] * xwb[0] + xwb[2]) <= 1.5)
    vx, vw, vb = Value(x, label="x"), Value(w, label="w"), Value(b, label="b")
    z = vw * vx + vb
    o = z.tanh() if activation == "tanh" else z.sigmoid()
    o.backward()
    numbers = {"x": x, "w": w, "b": b, "z": z.data, "o": o.data}
    local = vb.grad  # ∂z/∂b = 1, so this is the activation's derivative at z
    if wanted == "w":
        # forgot the activation's derivative: ∂z/∂w alone; forgot the input: f′(z) alone
        return numbers, vw.grad, {"forgot-activation-derivative": x, "forgot-input": local}
    mistake = 1 - z.data ** 2 if activation == "tanh" else z.data * (1 - z.data)
    return numbers, vb.grad, {"used-z-for-o": mistake, "forgot-activation-derivative": 1.0}


NEURON_PLACEHOLDERS = ("x", "w", "b", "z", "o")
WEIGHT_MISTAKES = ("forgot-activation-derivative", "forgot-input")
BIAS_MISTAKES = ("used-z-for-o", "forgot-activation-derivative")


@template("tanh-neuron-weight-gradient",
          "o = tanh(w·x + b); the answer is ∂o/∂w = (1 − o²)·x", NEURON_PLACEHOLDERS,
          WEIGHT_MISTAKES)
def tanh_neuron_weight_gradient(rng):
    return _neuron(rng, "tanh", "w")


@template("tanh-neuron-bias-gradient", "o = tanh(w·x + b); the answer is ∂o/∂b = 1 − o²",
          NEURON_PLACEHOLDERS, BIAS_MISTAKES)
def tanh_neuron_bias_gradient(rng):
    return _neuron(rng, "tanh", "b")


@template("sigmoid-neuron-weight-gradient",
          "o = σ(w·x + b); the answer is ∂o/∂w = o·(1 − o)·x", NEURON_PLACEHOLDERS,
          WEIGHT_MISTAKES)
def sigmoid_neuron_weight_gradient(rng):
    return _neuron(rng, "sigmoid", "w")


@template("sigmoid-neuron-bias-gradient",
          "o = σ(w·x + b); the answer is ∂o/∂b = o·(1 − o)", NEURON_PLACEHOLDERS, BIAS_MISTAKES)
def sigmoid_neuron_bias_gradient(rng):
    return _neuron(rng, "sigmoid", "b")


@template("mse-gradient",
          "L = (ŷ − y)² for one prediction; the answer is ∂L/∂ŷ = 2(ŷ − y)",
          ("y_hat", "y", "diff", "loss"), ("forgot-factor-two", "wrong-sign"))
def mse_gradient(rng):
    y_hat, y = _redraw_until(rng, lambda r: (_pick(r, HUNDREDTHS), _pick(r, BIASES)),
                             lambda pair: abs(pair[0] - pair[1]) > 1e-9)
    prediction = Value(y_hat, label="ŷ")
    loss = (prediction - y) ** 2
    loss.backward()
    diff = round(y_hat - y, 10)  # 0.3 - 1, not -0.7000000000000001
    return ({"y_hat": y_hat, "y": y, "diff": diff, "loss": loss.data}, prediction.grad,
            {"forgot-factor-two": prediction.grad / 2, "wrong-sign": -prediction.grad})


@template("mse-mean-gradient",
          "L = mean of (ŷᵢ − yᵢ)² over 3 predictions; "
          "the answer is ∂L/∂ŷ₁ = 2(ŷ₁ − y₁)/3",
          ("y_hat1", "y_hat2", "y_hat3", "y1", "y2", "y3", "n", "diff1", "loss"),
          ("forgot-mean", "forgot-factor-two"))
def mse_mean_gradient(rng):
    def draw(r):
        return [_pick(r, HUNDREDTHS) for _ in range(3)], [_pick(r, BIASES) for _ in range(3)]

    y_hat, y = _redraw_until(rng, draw, lambda pair: abs(pair[0][0] - pair[1][0]) > 1e-9)
    predictions = Tensor(np.array(y_hat), requires_grad=True)
    loss = losses.mse(predictions, np.array(y))
    loss.backward()
    # the same loss summed instead of averaged: the gradient without the 1/n
    summed = Tensor(np.array(y_hat), requires_grad=True)
    ((summed - np.array(y)) ** 2).sum().backward()
    numbers = {"y_hat1": y_hat[0], "y_hat2": y_hat[1], "y_hat3": y_hat[2],
               "y1": y[0], "y2": y[1], "y3": y[2], "n": 3,
               "diff1": round(y_hat[0] - y[0], 10), "loss": loss.item()}
    answer = float(predictions.grad[0])
    return numbers, answer, {"forgot-mean": float(summed.grad[0]),
                             "forgot-factor-two": answer / 2}


@template("chain-rule-product",
          "L = k·u² with u = a·x + c; the answer is dL/dx = k · 2u · a, "
          "a product of local derivatives",
          ("a", "c", "k", "x", "u", "y", "loss"), ("forgot-inner-derivative", "forgot-factor-two"))
def chain_rule_product(rng):
    def draw(r):
        return (_pick(r, [-3, -2, -1, 1, 2, 3]), _pick(r, _grid(-2, 2, 0.5)),
                _pick(r, [0.5, 1, 1.5, 2, 3]), _pick(r, _grid(-2, 2, 0.1, skip_zero=True)))

    a, c, k, x = _redraw_until(rng, draw, lambda d: abs(d[0] * d[3] + d[1]) > 1e-9)
    vx = Value(x, label="x")
    u = a * vx + c
    y = u ** 2
    loss = k * y
    loss.backward()
    numbers = {"a": a, "c": c, "k": k, "x": x, "u": u.data, "y": y.data, "loss": loss.data}
    return numbers, vx.grad, {"forgot-inner-derivative": vx.grad / a,
                              "forgot-factor-two": vx.grad / 2}


@template("gradient-descent-step",
          "f(w) = a·(w − c)²; the answer is the weight after one step w − lr·f′(w)",
          ("a", "c", "w", "lr", "grad", "loss"), ("wrong-sign", "forgot-learning-rate"))
def gradient_descent_step(rng):
    def draw(r):
        return (_pick(r, [0.5, 1, 1.5, 2]), _pick(r, _grid(-2, 2, 0.5)),
                _pick(r, _grid(-3, 3, 0.1)), _pick(r, LEARNING_RATES))

    def new_weight(d):
        a, c, w, lr = d
        return w - lr * 2 * a * (w - c)

    a, c, w, lr = _redraw_until(rng, draw, lambda d: abs(d[2] - d[1]) > 1e-9
                                and abs(new_weight(d)) > 1e-9)
    weight = Value(w, label="w")
    loss = a * (weight - c) ** 2
    loss.backward()
    numbers = {"a": a, "c": c, "w": w, "lr": lr, "grad": weight.grad, "loss": loss.data}
    return numbers, w - lr * weight.grad, {"wrong-sign": w + lr * weight.grad,
                                           "forgot-learning-rate": w - weight.grad}


@template("two-layer-gradient",
          "h = tanh(w1·x + b1), ŷ = w2·h + b2, L = (ŷ − y)²; the answer is ∂L/∂w1",
          ("x", "w1", "b1", "w2", "b2", "y", "z1", "h", "y_hat", "loss"),
          ("forgot-activation-derivative",))
def two_layer_gradient(rng):
    def draw(r):
        return (_pick(r, [-2, -1, -0.5, 0.5, 1, 2]), _pick(r, WEIGHTS), _pick(r, [-0.5, 0, 0.5]),
                _pick(r, [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2]), _pick(r, [-0.5, 0, 0.5]),
                _pick(r, [-1, -0.5, 0, 0.5, 1]))

    def acceptable(d):
        x, w1, b1, w2, b2, y = d
        z1 = w1 * x + b1
        return abs(z1) <= 1.5 and abs(w2 * np.tanh(z1) + b2 - y) >= 0.1

    x, w1, b1, w2, b2, y = _redraw_until(rng, draw, acceptable)
    v_w1, v_b1 = Value(w1, label="w1"), Value(b1, label="b1")
    v_w2, v_b2 = Value(w2, label="w2"), Value(b2, label="b2")
    z1 = v_w1 * x + v_b1
    h = z1.tanh()
    y_hat = v_w2 * h + v_b2
    loss = (y_hat - y) ** 2
    loss.backward()
    numbers = {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "y": y,
               "z1": z1.data, "h": h.data, "y_hat": y_hat.data, "loss": loss.data}
    # the same chain with tanh′ left out: ∂L/∂h = w2·∂L/∂ŷ times x
    return numbers, v_w1.grad, {"forgot-activation-derivative": h.grad * x}


@template("binary-cross-entropy-logit-gradient",
          "L = −[y·log σ(z) + (1 − y)·log(1 − σ(z))]; "
          "the answer is ∂L/∂z = σ(z) − y",
          ("z", "y", "p", "loss"), ("wrong-sign",))
def binary_cross_entropy_logit_gradient(rng):
    z, y = _pick(rng, _grid(-2, 2, 0.02)), _pick(rng, [0, 1])
    logit = Tensor(np.array([z]), requires_grad=True)
    loss = losses.binary_cross_entropy(logit, np.array([y]))
    loss.backward()
    p = 1 / (1 + np.exp(-z))
    answer = float(logit.grad[0])
    return {"z": z, "y": y, "p": p, "loss": loss.item()}, answer, {"wrong-sign": -answer}


# the templates of layers and optimisers register themselves on import
from . import templates_layers  # noqa: E402,F401
