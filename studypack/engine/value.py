"""A scalar autograd engine: each op computes its result and, right beside it, its local derivatives."""
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
        if b == 0:
            raise ZeroDivisionError(f"{self.name} / {other.name}: division by zero")
        return Value(a / b, "", (self, other), (1.0 / b, -a / (b * b)), "/")

    def __neg__(self):
        return Value(-self.data, "", (self,), (-1.0,), "neg")

    def __pow__(self, exponent):
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError("Value ** x needs a plain number x; for a learned exponent "
                            "write (x * a.log()).exp()")
        x, n = self.data, float(exponent)
        if x < 0 and not n.is_integer():
            raise ValueError(f"({x:g}) ** {n:g}: a negative number has no real fractional power")
        if x == 0 and n < 0:
            raise ZeroDivisionError(f"0 ** {n:g}: a negative power of zero is undefined")
        if x == 0 and n < 1:  # d/dx x^n at 0: 0 for x^0 = 1, infinite for 0 < n < 1
            local = 0.0 if n == 0 else math.inf
        else:
            local = n * x ** (n - 1)
        return Value(x ** n, "", (self,), (local,), f"**{n:g}")

    def __rpow__(self, base):
        """number ** Value, e.g. 2 ** x: d/dx bˣ = bˣ·ln b."""
        if not isinstance(base, Real) or base <= 0:
            raise ValueError(f"{base!r} ** Value needs a positive number as the base")
        out = _exp(self.data * math.log(base))
        return Value(out, "", (self,), (out * math.log(base),), "rpow")

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
        if x <= 0:
            raise ValueError(f"log({x:g}) is undefined: log needs a positive input")
        return Value(math.log(x), "", (self,), (1.0 / x,), "log")

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
