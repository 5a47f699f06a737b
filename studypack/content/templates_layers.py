"""Generated questions on layers and optimisers: a dense layer's weight gradient, softmax with
cross-entropy, fan-out at a hidden layer, and momentum and Adam steps.

Registered with `generators.template` like the others (imported by `generators`): each draw
builds the computation with the engine (`Tensor`, `Value`, `studypack.optim`) and returns its
numbers, the engine's answer and the named mistakes, each computed with that mistake applied.
"""
from __future__ import annotations

import numpy as np

from studypack import Tensor, Value, losses
from studypack.optim import SGD, Adam

from .generators import BIASES, _grid, _pick, _redraw_until, template

HALVES = _grid(-2, 2, 0.5, skip_zero=True)
INPUT_HALVES = _grid(-3, 3, 0.5, skip_zero=True)
DELTAS = _grid(-1, 1, 0.05, skip_zero=True)


@template("dense-layer-weight-gradient",
          "Y = X·W for a batch of 2 rows and 3 inputs, ∂L/∂Y = δ given; the answer is "
          "∂L/∂W[i, j] = Σₙ X[n, i]·δ[n, j], an entry of Xᵀδ (shape 3×2, like W)",
          ("x11", "x12", "x13", "x21", "x22", "x23", "d11", "d12", "d21", "d22", "i", "j",
           "x1i", "x2i", "d1j", "d2j"),
          ("first-example-only",))
def dense_layer_weight_gradient(rng):
    def draw(r):
        x = np.array([[_pick(r, INPUT_HALVES) for _ in range(3)] for _ in range(2)])
        delta = np.array([[_pick(r, DELTAS) for _ in range(2)] for _ in range(2)])
        return x, delta, int(r.integers(3)), int(r.integers(2))

    def entry(d):
        x, delta, i, j = d
        return x[0, i] * delta[0, j] + x[1, i] * delta[1, j]

    x, delta, i, j = _redraw_until(rng, draw, lambda d: abs(entry(d)) > 1e-9)
    weights = Tensor(np.zeros((3, 2)), requires_grad=True)
    # L = Σ Y ⊙ δ has ∂L/∂Y = δ: the upstream gradient the prompt gives
    ((Tensor(x) @ weights) * delta).sum().backward()
    numbers = {f"x{n + 1}{k + 1}": x[n, k] for n in range(2) for k in range(3)}
    numbers.update({f"d{n + 1}{k + 1}": delta[n, k] for n in range(2) for k in range(2)})
    numbers.update({"i": i + 1, "j": j + 1, "x1i": x[0, i], "x2i": x[1, i],
                    "d1j": delta[0, j], "d2j": delta[1, j]})
    first_only = Tensor(np.zeros((3, 2)), requires_grad=True)
    ((Tensor(x[:1]) @ first_only) * delta[:1]).sum().backward()
    return numbers, float(weights.grad[i, j]), {"first-example-only": float(first_only.grad[i, j])}


@template("softmax-cross-entropy-gradient",
          "L = −log softmax(z)[c] for 3 logits; the answer is ∂L/∂z_k = p_k − y_k",
          ("z1", "z2", "z3", "c", "k", "p1", "p2", "p3", "pk", "yk"),
          ("wrong-sign", "forgot-one-hot"))
def softmax_cross_entropy_gradient(rng):
    logits = [_pick(rng, _grid(-2, 2, 0.5)) for _ in range(3)]
    correct, asked = int(rng.integers(3)), int(rng.integers(3))
    z = Tensor(np.array([logits]), requires_grad=True)
    losses.cross_entropy(z, [correct]).backward()
    shifted = np.exp(np.array(logits) - max(logits))
    p = shifted / shifted.sum()
    y_k = 1.0 if asked == correct else 0.0
    numbers = {"z1": logits[0], "z2": logits[1], "z3": logits[2], "c": correct + 1,
               "k": asked + 1, "p1": p[0], "p2": p[1], "p3": p[2], "pk": p[asked], "yk": y_k}
    answer = float(z.grad[0, asked])
    # the one-hot target only changes the correct class's entry: elsewhere no such mistake
    return numbers, answer, {"wrong-sign": -answer,
                             "forgot-one-hot": p[asked] if asked == correct else None}


@template("fan-out-gradient",
          "x feeds two hidden units h_m = tanh(w_m·x), ŷ = v1·h1 + v2·h2, L = (ŷ − y)²; "
          "the answer is ∂L/∂x, the sum of the contributions of both paths",
          ("x", "w1", "w2", "v1", "v2", "y", "h1", "h2", "y_hat", "g"),
          ("kept-first-path", "kept-last-path", "forgot-activation-derivative"))
def fan_out_gradient(rng):
    def draw(r):
        return (_pick(r, [-1.5, -1, -0.5, 0.5, 1, 1.5]), _pick(r, _grid(-1, 1, 0.5, True)),
                _pick(r, _grid(-1, 1, 0.5, True)), _pick(r, HALVES), _pick(r, HALVES),
                _pick(r, BIASES))

    def forward(d):
        x, w1, w2, v1, v2, y = d
        return v1 * np.tanh(w1 * x) + v2 * np.tanh(w2 * x) - y

    x, w1, w2, v1, v2, y = _redraw_until(rng, draw, lambda d: abs(forward(d)) >= 0.1)
    vx = Value(x, label="x")
    h1, h2 = (w1 * vx).tanh(), (w2 * vx).tanh()
    y_hat = v1 * h1 + v2 * h2
    ((y_hat - y) ** 2).backward()
    g = 2 * (y_hat.data - y)
    path1 = g * v1 * (1 - h1.data ** 2) * w1  # L → ŷ → h1 → x
    path2 = g * v2 * (1 - h2.data ** 2) * w2  # L → ŷ → h2 → x
    numbers = {"x": x, "w1": w1, "w2": w2, "v1": v1, "v2": v2, "y": y, "h1": h1.data,
               "h2": h2.data, "y_hat": y_hat.data, "g": g}
    return numbers, vx.grad, {"kept-first-path": path1, "kept-last-path": path2,
                              "forgot-activation-derivative": g * (v1 * w1 + v2 * w2)}


def _quadratic_gradient(w: float, a: float, c: float) -> float:
    """∂L/∂w of L = a·(w − c)², by the engine."""
    weight = Value(w)
    (a * (weight - c) ** 2).backward()
    return weight.grad


def _train(optimiser_for, w: float, a: float, c: float, steps: int) -> list[float]:
    """The weights after each of `steps` steps of `optimiser_for([w])` on a·(w − c)²."""
    weight = Value(w)
    optimiser = optimiser_for([weight])
    weights = []
    for _ in range(steps):
        optimiser.zero_grad()
        (a * (weight - c) ** 2).backward()
        optimiser.step()
        weights.append(weight.data)
    return weights


@template("momentum-two-steps",
          "SGD with momentum (PyTorch: v ← μv + g, w ← w − ηv) on L = a·(w − c)²; "
          "the answer is w after 2 steps from w0",
          ("a", "c", "w0", "lr", "mu", "g1", "w1", "g2", "v2"),
          ("no-momentum", "one-step-only", "dampened-velocity"))
def momentum_two_steps(rng):
    def draw(r):
        return (_pick(r, [0.5, 1]), _pick(r, _grid(-2, 2, 0.5)), _pick(r, _grid(-3, 3, 0.5)),
                _pick(r, [0.1, 0.2, 0.25]), _pick(r, [0.5, 0.8, 0.9]))

    def final(d):
        a, c, w0, lr, mu = d
        return _train(lambda p: SGD(p, lr, momentum=mu), w0, a, c, 2)[-1]

    a, c, w0, lr, mu = _redraw_until(rng, draw, lambda d: abs(d[2] - d[1]) > 1e-9
                                     and abs(final(d)) > 1e-9)
    w1, w2 = _train(lambda p: SGD(p, lr, momentum=mu), w0, a, c, 2)
    g1, g2 = _quadratic_gradient(w0, a, c), _quadratic_gradient(w1, a, c)
    plain = _train(lambda p: SGD(p, lr), w0, a, c, 2)[-1]
    # v ← μv + (1 − μ)g, the "dampened" convention some texts use
    dampened_first = w0 - lr * (1 - mu) * g1
    dampened = dampened_first - lr * (mu * (1 - mu) * g1
                                      + (1 - mu) * _quadratic_gradient(dampened_first, a, c))
    numbers = {"a": a, "c": c, "w0": w0, "lr": lr, "mu": mu, "g1": g1, "w1": w1, "g2": g2,
               "v2": mu * g1 + g2}
    return numbers, w2, {"no-momentum": plain, "one-step-only": w1,
                         "dampened-velocity": dampened}


ADAM_BETAS = (0.9, 0.999)


@template("adam-two-steps",
          "Adam (β1 = 0.9, β2 = 0.999, bias-corrected) from w0 with the gradients g1 then g2; "
          "the answer is w after the second step (t = 2)",
          ("w0", "lr", "g1", "g2", "w1", "m2", "v2", "m_hat", "v_hat"),
          ("no-bias-correction", "plain-gradient-steps"))
def adam_two_steps(rng):
    w0, lr = _pick(rng, _grid(-2, 2, 0.1)), _pick(rng, [0.01, 0.05, 0.1, 0.2])
    g1, g2 = _pick(rng, HALVES), _pick(rng, HALVES)
    weight = Value(w0)
    optimiser = Adam([weight], learning_rate=lr, betas=ADAM_BETAS)
    weights = []
    for gradient in (g1, g2):  # the gradients are given: set them as backward() would
        weight.grad = gradient
        optimiser.step()
        weights.append(weight.data)
    beta1, beta2 = ADAM_BETAS
    m1, v1 = (1 - beta1) * g1, (1 - beta2) * g1 ** 2
    m2, v2 = beta1 * m1 + (1 - beta1) * g2, beta2 * v1 + (1 - beta2) * g2 ** 2
    # without bias correction: the raw moments, which start far too small
    uncorrected = w0 - lr * m1 / (np.sqrt(v1) + optimiser.eps)
    uncorrected -= lr * m2 / (np.sqrt(v2) + optimiser.eps)
    numbers = {"w0": w0, "lr": lr, "g1": g1, "g2": g2, "w1": weights[0], "m2": m2, "v2": v2,
               "m_hat": m2 / (1 - beta1 ** 2), "v_hat": v2 / (1 - beta2 ** 2)}
    return numbers, weights[1], {"no-bias-correction": uncorrected,
                                 "plain-gradient-steps": w0 - lr * (g1 + g2)}
