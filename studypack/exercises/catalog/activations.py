"""sigmoid-backward, tanh-backward, relu-backward: one local derivative times the upstream
gradient, elementwise. The references run the engine's own Tensor ops backward."""
from __future__ import annotations

import numpy as np

from ...engine import Tensor
from ..model import Exercise, Mistake


def _engine_grad(op: str, z, grad_out):
    z = Tensor(z, requires_grad=True)
    getattr(z, op)().backward(np.asarray(grad_out, dtype=float))
    return z.grad


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _cases(rng: np.random.Generator) -> list[tuple]:
    """Vectors, batch 1 and a batch of several, negative and positive values, never exactly 0."""
    shapes = [(5,), (1, 4), (3, 5), (2, 3)]
    return [(rng.normal(0.0, 1.5, shape), rng.normal(0.0, 1.5, shape)) for shape in shapes]


def _relu_cases(rng: np.random.Generator) -> list[tuple]:
    at_zero = np.array([[-1.5, 0.0, 2.0, 0.0, -0.25, 0.75]])  # z = 0 exactly, on purpose
    return _cases(rng) + [(at_zero, rng.normal(0.0, 1.5, at_zero.shape))]


def _stub(name: str) -> str:
    return (f"def {name}(z, grad_out):\n"
            f"    # z: the pre-activation (any shape); grad_out: dL/d(output), same shape\n"
            f"    raise NotImplementedError\n")


def sigmoid_backward(z, grad_out):
    return _engine_grad("sigmoid", z, grad_out)


def tanh_backward(z, grad_out):
    return _engine_grad("tanh", z, grad_out)


def relu_backward(z, grad_out):
    return _engine_grad("relu", z, grad_out)


SIGMOID = Exercise(
    id="sigmoid-backward", function_name="sigmoid_backward",
    signature="sigmoid_backward(z, grad_out) -> grad_z", outputs=("grad_z",),
    reference=sigmoid_backward, cases=_cases,
    mistakes=(
        Mistake("derivative-of-input", lambda z, g: g * z * (1 - z)),
        Mistake("derivative-at-output", lambda z, g: g * _sigmoid(_sigmoid(z)) * (1 - _sigmoid(_sigmoid(z)))),
        Mistake("dropped-upstream", lambda z, g: _sigmoid(z) * (1 - _sigmoid(z))),
        Mistake("missing-one-minus", lambda z, g: g * _sigmoid(z)),
        Mistake("flipped-sign", lambda z, g: -g * _sigmoid(z) * (1 - _sigmoid(z))),
    ),
    stub=_stub("sigmoid_backward"),
    solution=("def sigmoid_backward(z, grad_out):\n"
              "    s = 1 / (1 + np.exp(-z))          # the forward output σ(z)\n"
              "    return grad_out * s * (1 - s)      # σ'(z) = σ(z)(1 − σ(z)), times upstream\n"),
)

TANH = Exercise(
    id="tanh-backward", function_name="tanh_backward",
    signature="tanh_backward(z, grad_out) -> grad_z", outputs=("grad_z",),
    reference=tanh_backward, cases=_cases,
    mistakes=(
        Mistake("derivative-of-input", lambda z, g: g * (1 - z ** 2)),
        Mistake("derivative-at-output", lambda z, g: g * (1 - np.tanh(np.tanh(z)) ** 2)),
        Mistake("missing-square", lambda z, g: g * (1 - np.tanh(z))),
        Mistake("dropped-upstream", lambda z, g: 1 - np.tanh(z) ** 2),
        Mistake("flipped-sign", lambda z, g: g * (np.tanh(z) ** 2 - 1)),
    ),
    stub=_stub("tanh_backward"),
    solution=("def tanh_backward(z, grad_out):\n"
              "    t = np.tanh(z)                     # the forward output\n"
              "    return grad_out * (1 - t ** 2)     # tanh'(z) = 1 − tanh(z)², times upstream\n"),
)

RELU = Exercise(
    id="relu-backward", function_name="relu_backward",
    signature="relu_backward(z, grad_out) -> grad_z", outputs=("grad_z",),
    reference=relu_backward, cases=_relu_cases,
    mistakes=(
        Mistake("gradient-one-at-zero", lambda z, g: g * (z >= 0)),
        Mistake("dropped-upstream", lambda z, g: (z > 0).astype(float)),
        Mistake("multiplied-by-output", lambda z, g: g * np.maximum(z, 0.0)),
        Mistake("flipped-sign", lambda z, g: -g * (z > 0)),
    ),
    stub=_stub("relu_backward"),
    solution=("def relu_backward(z, grad_out):\n"
              "    return grad_out * (z > 0)          # 1 where z > 0, else 0 (also at z = 0)\n"),
)

EXERCISES = [SIGMOID, TANH, RELU]
