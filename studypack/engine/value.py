"""A scalar autograd engine: each op computes its result and, right beside it, its local derivatives.

Arithmetic follows IEEE float64 as numpy and PyTorch do: a result too large is ±inf, x/0 is
±inf for x ≠ 0, log(0) = -inf. Only what has no value at all (numpy's NaN: 0/0, the log of
a negative number, a negative number to a fractional power, and the gradient of b ** x for
a negative base b) raises an error, naming the op.
"""
from __future__ import annotations

import math
from numbers import Real
from typing import Iterable, Iterator

from .graph import BackwardStep, describe, topological_order


class Value:
    """A number that remembers how it was computed, so gradients can flow back through it.

    `data` is the number, `grad` is ∂L/∂(this value) after `L.backward()`. Every op stores its
    operands (`_parents`) and the local derivative with respect to each (`_local_grads`);
    the backward pass then only multiplies and adds: `parent.grad += local * node.grad`.
    """

    __slots__ = ("data", "grad", "label", "op", "_parents", "_local_grads")

    def __init__(self, data, label: str = "", _parents: tuple = (), _local_grads: tuple = (),
                 _op: str = ""):
        if type(data) is not float:  # ops pass floats; check anything else once, here
            if not isinstance(data, Real):
                raise TypeError(f"Value needs a real number, got {type(data).__name__}: {data!r}")
            data = float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self.op = _op
        self._parents = _parents
        self._local_grads = _local_grads

    @property
    def name(self) -> str:
        """The label, or for an unlabelled node a short expression such as `a*b`."""
        return describe(self)

    def __repr__(self) -> str:
        label = f"{self.label}: " if self.label else ""
        return f"Value({label}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- arithmetic: result, then ∂result/∂operand for each operand ----
    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data, "", (self, other), (1.0, 1.0), "+")

    def __sub__(self, other):
        other = _as_value(other)
        return Value(self.data - other.data, "", (self, other), (1.0, -1.0), "-")

    def __mul__(self, other):
        other = _as_value(other)
        return Value(self.data * other.data, "", (self, other), (other.data, self.data), "*")

    def __truediv__(self, other):
        other = _as_value(other)
        a, b = self.data, other.data
        if b == 0 and (a == 0 or a != a):
            raise ZeroDivisionError(f"{self.name} / {other.name}: 0/0 is undefined "
                                    f"(division by zero)")
        out = _divide(a, b)
        # ∂/∂a = 1/b; ∂/∂b = -a/b², computed as -(a/b)/b: b² underflows to 0 for |b| < 1e-162
        return Value(out, "", (self, other), (_divide(1.0, b), -_divide(out, b)), "/")

    def __neg__(self):
        return Value(-self.data, "", (self,), (-1.0,), "neg")

    def __pow__(self, exponent):
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError("Value ** x needs a plain number x; for a learned exponent "
                            "write (x * a.log()).exp()")
        x, n = self.data, float(exponent)
        if x < 0 and not n.is_integer() and math.isfinite(n):
            raise ValueError(f"({x:g}) ** {n:g}: a negative number has no real fractional power")
        # d/dx xⁿ = n·xⁿ⁻¹; for n = 0 it is 0 everywhere, x = 0 included (as in PyTorch)
        local = 0.0 if n == 0 else n * _power(x, n - 1)
        return Value(_power(x, n), "", (self,), (local,), f"**{n:g}")

    def __rpow__(self, base):
        """number ** Value, e.g. 2 ** x: d/dx bˣ = bˣ·ln b (0 for b = 0 and x ≥ 0, as PyTorch)."""
        if not isinstance(base, Real) or base < 0:
            raise ValueError(f"{base!r} ** Value needs a number ≥ 0 as the base: a negative "
                             f"base has no real logarithm, so the gradient would be undefined")
        base, x = float(base), self.data
        out = _power(base, x)
        if base == 0:
            local = 0.0 if x >= 0 else -math.inf  # 0ˣ = inf for x < 0, and inf·ln 0 = -inf
        else:
            local = out * math.log(base)
        return Value(out, "", (self,), (local,), f"{base:g}**")

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # ---- functions ----
    def exp(self):
        e = _exp(self.data)
        return Value(e, "", (self,), (e,), "exp")

    def log(self):
        x = self.data
        if x < 0 or x != x:
            raise ValueError(f"log({x:g}) is undefined: log needs an input ≥ 0")
        out = math.log(x) if x > 0 else -math.inf  # log(0) = -inf, as in numpy
        return Value(out, "", (self,), (_divide(1.0, x),), "log")

    def tanh(self):
        t = math.tanh(self.data)  # tanh(±1000) = ±1 exactly, so 1 - t² = 0: no overflow
        return Value(t, "", (self,), (1.0 - t * t,), "tanh")

    def relu(self):
        x = self.data
        return Value(x if x > 0 else 0.0, "", (self,), (1.0 if x > 0 else 0.0,), "relu")

    def sigmoid(self):
        s = _sigmoid(self.data)
        return Value(s, "", (self,), (s * (1.0 - s),), "sigmoid")

    def softplus(self):
        """log(1 + eˣ), a smooth ReLU; its derivative is sigmoid(x)."""
        x = self.data
        # max(x, 0) + log(1 + e^-|x|): never exponentiates a large positive number
        out = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        return Value(out, "", (self,), (_sigmoid(x),), "softplus")

    @staticmethod
    def weighted_sum(weights: Iterable["Value"], inputs: Iterable, bias: "Value") -> "Value":
        """`bias + Σ wᵢ·xᵢ` as a single node: what a neuron computes before its activation.

        ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂bias = 1. Inputs may be Values or plain numbers (a plain
        number gets no gradient). One node instead of 2n keeps networks of Values fast.
        """
        weights, inputs = list(weights), list(inputs)
        if len(weights) != len(inputs):
            raise ValueError(f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs")
        total = bias.data
        parents, local_grads = [], []
        for w, x in zip(weights, inputs):
            if isinstance(x, Value):
                total += w.data * x.data
                parents += (w, x)
                local_grads += (x.data, w.data)
            else:
                x = float(x)
                total += w.data * x
                parents.append(w)
                local_grads.append(x)
        parents.append(bias)
        local_grads.append(1.0)
        return Value(total, "", tuple(parents), tuple(local_grads), "Σw·x+b")

    # ---- backward pass ----
    def backward(self) -> None:
        """Fill `.grad` of every value this one depends on with ∂self/∂value.

        Leaves (values not computed from others) *accumulate*: calling backward() twice adds
        the gradient twice, as in PyTorch, so call `zero_grad()` (or the optimiser's) between
        steps. Intermediate results hold the gradient of the latest pass.
        """
        for node in reversed(self._start_backward()):
            upstream = node.grad
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad += local * upstream

    def backward_steps(self) -> Iterator[BackwardStep]:
        """The same pass as `backward()`, one chain-rule application at a time.

        Each step is applied (the parent's `.grad` updated) just before it is yielded, so
        running through all of them leaves exactly the gradients `backward()` gives.
        """
        for node in reversed(self._start_backward()):
            upstream = node.grad
            for index, (parent, local) in enumerate(zip(node._parents, node._local_grads)):
                contribution = local * upstream
                parent.grad += contribution
                yield BackwardStep(node, parent, index, local, upstream, contribution)

    def _start_backward(self) -> list:
        order = topological_order(self)
        for node in order:
            if node._parents:  # intermediate: holds this pass's gradient only
                node.grad = 0.0
        self.grad += 1.0
        return order

    def zero_grad(self) -> None:
        """Set `.grad` to 0 on this value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


def _as_value(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _divide(a: float, b: float) -> float:
    """a / b as IEEE float64 (numpy, PyTorch): x/0 = ±inf by the signs of x and of the zero."""
    try:
        return a / b
    except ZeroDivisionError:
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _power(x: float, n: float) -> float:
    """x ** n as IEEE float64 (numpy, PyTorch): too large is ±inf, 0 ** -1 = inf, never an error
    (a negative x with a fractional n is refused before this is called)."""
    try:
        return x ** n
    except (OverflowError, ZeroDivisionError):
        odd = n.is_integer() and n % 2 == 1  # only an odd power keeps a negative sign
        return math.copysign(math.inf, x) if odd else math.inf


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:  # as numpy does: exp of a huge number is +inf
        return math.inf


def _sigmoid(x: float) -> float:
    # exp of a non-positive number only, so sigmoid(±800) cannot overflow
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
