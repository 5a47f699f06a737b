"""numerical-gradient: central differences, the check every backward pass is held to.

The learner's answer is compared with the engine's *exact* gradient: a right central
difference agrees to ~1e-10, while a forward difference is off by ~ε·f″/2, which the curved
test functions below make larger than the tolerance.
"""
from __future__ import annotations

import numpy as np

from ...engine import Tensor, no_grad
from ..model import Exercise, Mistake


class CurvedFunction:
    """f(x) -> float for a numpy array x, written once with Tensor ops so the engine can also
    give its exact gradient. Curved (x³, exp) and coupled (every coordinate affects every
    partial derivative, through a tanh of the sum)."""

    def __init__(self, scale: float):
        self.scale = scale

    def _expression(self, x: Tensor) -> Tensor:
        return ((x * x * x).sum() / 3 + (x * self.scale).exp().mean()
                + (x.sum() * 0.5).tanh() * 2)

    def __call__(self, x) -> float:
        with no_grad():
            return float(self._expression(Tensor(np.asarray(x, dtype=float))).data)

    def exact_gradient(self, x) -> np.ndarray:
        x = Tensor(np.asarray(x, dtype=float), requires_grad=True)
        self._expression(x).backward()
        return x.grad

    def __repr__(self) -> str:
        return f"f (x³/3 + exp({self.scale:g}·x) + 2·tanh(Σx/2))"


def numerical_gradient(f, x, eps=1e-5):
    """The reference: the exact gradient, from the engine."""
    return f.exact_gradient(x)


def _cases(rng: np.random.Generator) -> list[tuple]:
    """Several shapes (a single number too), values of both signs, the default ε and others."""
    return [(CurvedFunction(1.0), rng.normal(0.0, 1.0, (4,))),
            (CurvedFunction(-1.5), rng.normal(0.0, 1.0, (2, 3))),
            (CurvedFunction(2.0), rng.normal(0.0, 1.0, (1,)), 1e-4),
            (CurvedFunction(0.5), rng.normal(0.0, 1.0, (3, 1)), 3e-4)]


def _central(f, x, eps, restore=True, denominator=2.0):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        above = f(x)
        x[index] = original - eps
        below = f(x)
        if restore:
            x[index] = original
        grad[index] = (above - below) / (denominator * eps)
    return grad


def _forward_difference(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    at_x, grad = f(x), np.zeros_like(x)
    for index in np.ndindex(x.shape):
        shifted = x.copy()
        shifted[index] += eps
        grad[index] = (f(shifted) - at_x) / eps
    return grad


def _first_axis_only(f, x, eps=1e-5):
    """`for i in range(len(x))`: on a 2-D x, x[i] is a whole row, moved all at once."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        original = x[i].copy()
        x[i] = original + eps
        above = f(x)
        x[i] = original - eps
        below = f(x)
        x[i] = original
        grad[i] = (above - below) / (2 * eps)
    return grad


def _all_at_once(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))


NUMERICAL_GRADIENT = Exercise(
    id="numerical-gradient", function_name="numerical_gradient",
    signature="numerical_gradient(f, x, eps=1e-5) -> grad", outputs=("grad",),
    reference=numerical_gradient, cases=_cases,
    mistakes=(
        Mistake("forward-difference", _forward_difference),
        Mistake("divided-by-eps", lambda f, x, eps=1e-5: _central(f, x, eps, denominator=1.0)),
        Mistake("x-not-restored", lambda f, x, eps=1e-5: _central(f, x, eps, restore=False)),
        Mistake("all-at-once", _all_at_once),
        Mistake("first-axis-only", _first_axis_only),
    ),
    stub=("def numerical_gradient(f, x, eps=1e-5):\n"
          "    # f(x) returns a number; x is a numpy array of any shape\n"
          "    # return an array shaped like x: the slope of f along each coordinate\n"
          "    raise NotImplementedError\n"),
    solution=("def numerical_gradient(f, x, eps=1e-5):\n"
              "    x = np.array(x, dtype=float)         # a copy: the caller's x stays as it was\n"
              "    grad = np.zeros_like(x)\n"
              "    for index in np.ndindex(x.shape):    # one coordinate at a time\n"
              "        original = x[index]\n"
              "        x[index] = original + eps\n"
              "        above = f(x)\n"
              "        x[index] = original - eps\n"
              "        below = f(x)\n"
              "        x[index] = original              # put it back before the next coordinate\n"
              "        grad[index] = (above - below) / (2 * eps)\n"
              "    return grad\n"),
)

EXERCISES = [NUMERICAL_GRADIENT]
