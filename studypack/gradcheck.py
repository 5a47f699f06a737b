"""Gradient checking: compare backprop's gradients with finite differences.

The numerical derivative of f at x is (f(x + ε) - f(x - ε)) / 2ε. If backprop is right, the
two agree to many digits; a wrong local derivative anywhere shows up as a large error.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .engine import Tensor, Value, no_grad

# Below this magnitude errors are measured absolutely: finite differences cannot resolve
# gradients much smaller than ~1e-8·|f| / ε, so a relative error there would be noise.
SCALE_FLOOR = 1e-3


@dataclass(frozen=True)
class GradcheckResult:
    """The worst disagreement found: where it is and the two numbers that disagree."""

    max_relative_error: float
    input_index: int          # which argument of the function
    element: tuple | None     # which element of that argument (None for a Value)
    analytic: float           # the gradient backprop gave
    numeric: float            # the gradient finite differences gave
    tolerance: float
    checked: int              # how many partial derivatives were compared

    @property
    def ok(self) -> bool:
        return self.max_relative_error <= self.tolerance

    def __str__(self) -> str:
        where = f"input {self.input_index}" + ("" if self.element is None else f"{list(self.element)}")
        verdict = "ok" if self.ok else "MISMATCH"
        return (f"gradcheck {verdict}: worst relative error {self.max_relative_error:.2e} "
                f"(tolerance {self.tolerance:.0e}) at {where}: backprop {self.analytic:.6g}, "
                f"finite differences {self.numeric:.6g}; {self.checked} derivatives checked")


def gradcheck(function: Callable, inputs: Sequence, eps: float = 1e-6,
              tolerance: float = 1e-5) -> GradcheckResult:
    """Check ∂function/∂input for every element of every input (Values or Tensors).

    `function(*inputs)` must return a single number (a Value, or a Tensor of size 1) and
    build its graph anew on each call. The relative error of one derivative is
    |analytic - numeric| / max(|analytic|, |numeric|, 1e-3). Use float64 Tensors.
    """
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, (Value, Tensor)):
            raise TypeError(f"input {i} is a {type(x).__name__}; gradcheck needs Values or Tensors")
        if isinstance(x, Tensor) and not x.requires_grad:
            raise ValueError(f"input {i} has requires_grad=False: there is no gradient to check")
    output = function(*inputs)
    for x in inputs:
        x.grad = 0.0 if isinstance(x, Value) else np.zeros_like(x.data)
    output.backward()

    worst = None
    checked = 0
    for i, x in enumerate(inputs):
        for element, analytic in _gradient_entries(x):
            numeric = _central_difference(function, inputs, x, element, eps)
            error = _relative_error(analytic, numeric)
            checked += 1
            if worst is None or error > worst[0]:
                worst = (error, i, element, analytic, numeric)
    if worst is None:
        raise ValueError("gradcheck needs at least one input with at least one element")
    error, i, element, analytic, numeric = worst
    return GradcheckResult(error, i, element, analytic, numeric, tolerance, checked)


def _relative_error(analytic: float, numeric: float) -> float:
    if math.isfinite(analytic) and math.isfinite(numeric):
        return abs(analytic - numeric) / max(abs(analytic), abs(numeric), SCALE_FLOOR)
    # a NaN or an infinity agrees only with the very same infinity (NaN never compares
    # greater, so it would otherwise hide behind any finite error)
    return 0.0 if analytic == numeric else math.inf


def _gradient_entries(x):
    if isinstance(x, Value):
        yield None, x.grad
    else:
        for element in np.ndindex(x.shape):
            yield element, float(x.grad[element])


def _central_difference(function, inputs, x, element, eps: float) -> float:
    def evaluate(shift: float) -> float:
        if element is None:
            original = x.data
            x.data = original + shift
        else:
            original = x.data[element]
            x.data[element] = original + shift
        try:
            with no_grad():
                return float(np.asarray(function(*inputs).data).reshape(()))
        finally:
            if element is None:
                x.data = original
            else:
                x.data[element] = original

    return (evaluate(eps) - evaluate(-eps)) / (2 * eps)
