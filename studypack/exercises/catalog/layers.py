"""neuron-gradients (one tanh neuron and a squared error, with the scalar Value engine) and
linear-backward (a dense layer on a batch, with the Tensor engine)."""
from __future__ import annotations

import numpy as np

from ...engine import Tensor, Value
from ..model import Exercise, Mistake


def neuron_gradients(x, w, b, target):
    weights = [Value(float(wi)) for wi in w]
    bias = Value(float(b))
    pre_activation = sum((wi * float(xi) for wi, xi in zip(weights, x)), bias)
    loss = (pre_activation.tanh() - float(target)) ** 2
    loss.backward()
    return np.array([wi.grad for wi in weights]), bias.grad


def _neuron_parts(x, w, b, target):
    z = float(np.dot(w, x) + b)
    o = np.tanh(z)
    return z, o, 2 * (o - target)


def _neuron_wrong(local_factor):
    """A mistaken neuron whose dL/dz is `local_factor(z, o, dL_do)`; dz/dw = x, dz/db = 1."""
    def wrong(x, w, b, target):
        z, o, upstream = _neuron_parts(x, w, b, target)
        grad_z = local_factor(z, o, upstream)
        return grad_z * np.asarray(x, dtype=float), grad_z
    return wrong


def _forgot_x(x, w, b, target):
    z, o, upstream = _neuron_parts(x, w, b, target)
    grad_z = upstream * (1 - o ** 2)
    return np.full(len(w), grad_z), grad_z


def _neuron_cases(rng: np.random.Generator) -> list[tuple]:
    cases = []
    for size in (3, 1, 4, 2):
        x, w = rng.normal(0.0, 1.0, size), rng.normal(0.0, 0.8, size)
        cases.append((x, w, float(rng.uniform(-0.8, 0.8)), float(rng.uniform(-0.9, 0.9))))
    return cases


def linear_backward(x, W, b, grad_out):
    x, W, b = (Tensor(a, requires_grad=True) for a in (x, W, b))
    (x @ W + b).backward(np.asarray(grad_out, dtype=float))
    return x.grad, W.grad, b.grad


def _linear_cases(rng: np.random.Generator) -> list[tuple]:
    """Never square (n_in ≠ n_out), so a transposed ∂L/∂W has the wrong shape to see; one row
    and several rows, so a bias gradient not summed over the batch shows too."""
    cases = []
    for n, n_in, n_out in [(1, 3, 2), (4, 3, 2), (5, 2, 4), (3, 4, 1)]:
        cases.append((rng.normal(0.0, 1.0, (n, n_in)), rng.normal(0.0, 1.0, (n_in, n_out)),
                      rng.normal(0.0, 1.0, n_out), rng.normal(0.0, 1.0, (n, n_out))))
    return cases


def _linear(grad_x=None, grad_W=None, grad_b=None):
    """The right gradients, but for the ones given as mistaken formulas of (x, W, g)."""
    def wrong(x, W, b, g):
        return ((grad_x or (lambda x, W, g: g @ W.T))(x, W, g),
                (grad_W or (lambda x, W, g: x.T @ g))(x, W, g),
                (grad_b or (lambda x, W, g: g.sum(axis=0)))(x, W, g))
    return wrong


NEURON = Exercise(
    id="neuron-gradients", function_name="neuron_gradients",
    signature="neuron_gradients(x, w, b, target) -> (grad_w, grad_b)", outputs=("grad_w", "grad_b"),
    reference=neuron_gradients, cases=_neuron_cases,
    mistakes=(
        Mistake("missing-factor-2", _neuron_wrong(lambda z, o, up: (up / 2) * (1 - o ** 2))),
        Mistake("dropped-upstream", _neuron_wrong(lambda z, o, up: 1 - o ** 2)),
        Mistake("derivative-of-input", _neuron_wrong(lambda z, o, up: up * (1 - z ** 2))),
        Mistake("forgot-tanh-derivative", _neuron_wrong(lambda z, o, up: up)),
        Mistake("forgot-x", _forgot_x),
        Mistake("flipped-sign", _neuron_wrong(lambda z, o, up: -up * (1 - o ** 2))),
    ),
    stub=("def neuron_gradients(x, w, b, target):\n"
          "    # x, w: vectors of the same length; b, target: numbers\n"
          "    # o = tanh(w·x + b), L = (o - target)**2; return (dL/dw, dL/db)\n"
          "    raise NotImplementedError\n"),
    solution=("def neuron_gradients(x, w, b, target):\n"
              "    o = np.tanh(np.dot(w, x) + b)       # forward: keep the output\n"
              "    grad_o = 2 * (o - target)           # dL/do\n"
              "    grad_z = grad_o * (1 - o ** 2)      # through tanh: tanh' = 1 − o²\n"
              "    return grad_z * x, grad_z           # dz/dw = x, dz/db = 1\n"),
)

LINEAR = Exercise(
    id="linear-backward", function_name="linear_backward",
    signature="linear_backward(x, W, b, grad_out) -> (grad_x, grad_W, grad_b)",
    outputs=("grad_x", "grad_W", "grad_b"), reference=linear_backward, cases=_linear_cases,
    mistakes=(
        Mistake("transposed", _linear(grad_W=lambda x, W, g: g.T @ x)),
        Mistake("grad-x-transposed", _linear(grad_x=lambda x, W, g: W @ g.T)),
        Mistake("bias-not-summed", _linear(grad_b=lambda x, W, g: g)),
        Mistake("bias-averaged", _linear(grad_b=lambda x, W, g: g.mean(axis=0))),
        Mistake("divided-by-batch", _linear(grad_W=lambda x, W, g: x.T @ g / len(x))),
        Mistake("dropped-upstream", lambda x, W, b, g: _linear()(x, W, b, np.ones_like(g))),
        Mistake("flipped-sign", lambda x, W, b, g: (-(g @ W.T), -(x.T @ g), -g.sum(axis=0))),
    ),
    stub=("def linear_backward(x, W, b, grad_out):\n"
          "    # out = x @ W + b with x (n, i), W (i, o), b (o,); grad_out = dL/dout (n, o)\n"
          "    # return (dL/dx, dL/dW, dL/db), each the shape of its input\n"
          "    raise NotImplementedError\n"),
    solution=("def linear_backward(x, W, b, grad_out):\n"
              "    grad_x = grad_out @ W.T             # (n, o) @ (o, i) -> (n, i)\n"
              "    grad_W = x.T @ grad_out             # (i, n) @ (n, o) -> (i, o)\n"
              "    grad_b = grad_out.sum(axis=0)       # b was added to every row: sum them\n"
              "    return grad_x, grad_W, grad_b\n"),
)

EXERCISES = [NEURON, LINEAR]
