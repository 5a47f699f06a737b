"""A numpy-backed autograd engine: the same idea as `Value`, one array per node."""
from __future__ import annotations

import contextlib
import operator
from numbers import Real
from typing import Iterator

import numpy as np

from .graph import BackwardStep, describe, topological_order

_grad_enabled = True


@contextlib.contextmanager
def no_grad():
    """Within this block (or function, as a decorator) ops record no graph: for evaluation."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


class Tensor:
    """An array that remembers how it was computed, so gradients can flow back through it.

    `data` is a float64 (or, on request, float32) numpy array; after `loss.backward()`,
    `grad` is an array of the same shape holding ∂loss/∂(this tensor). Ops broadcast like
    numpy and reduce each gradient back to its input's shape.
    """

    __slots__ = ("data", "grad", "requires_grad", "label", "op", "_parents", "_local_grads", "_vjp")
    __array_ufunc__ = None  # make numpy defer: `ndarray @ tensor` calls Tensor.__rmatmul__

    def __init__(self, data, requires_grad: bool = False, dtype=None, label: str = ""):
        if isinstance(data, Tensor):
            data = data.data
        dtype = _float_dtype(data, dtype)
        try:
            self.data = np.array(data, dtype=dtype)  # a copy: later edits to `data` don't leak in
        except (TypeError, ValueError):
            raise TypeError(f"Tensor needs numbers (a number, list or numpy array), "
                            f"got {type(data).__name__}") from None
        self.requires_grad = bool(requires_grad)
        self.grad = np.zeros_like(self.data) if requires_grad else None
        self.label = label
        self.op = ""
        self._parents, self._local_grads, self._vjp = (), (), None

    # ---- description ----
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    @property
    def name(self) -> str:
        """The label, or for an unlabelled tensor a short expression such as `x @ W`."""
        return describe(self)

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        return self.data

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        extras = (", requires_grad=True" if self.requires_grad else "") + \
                 (f", dtype={self.dtype}" if self.dtype != np.float64 else "")
        return f"Tensor({body}{extras})"

    def detach(self) -> "Tensor":
        """The same numbers, cut off from the graph (no gradient flows through)."""
        return Tensor(self.data, dtype=self.dtype)

    # ---- elementwise arithmetic: result, then ∂result/∂operand for each operand ----
    def __add__(self, other):
        other = self._coerce(other)
        return _result(_broadcast(np.add, self, other, "+"), (self, other), "+",
                       lambda: (1.0, 1.0))

    def __sub__(self, other):
        other = self._coerce(other)
        return _result(_broadcast(np.subtract, self, other, "-"), (self, other), "-",
                       lambda: (1.0, -1.0))

    def __mul__(self, other):
        other = self._coerce(other)
        return _result(_broadcast(np.multiply, self, other, "*"), (self, other), "*",
                       lambda: (other.data, self.data))

    def __truediv__(self, other):
        other = self._coerce(other)
        b = other.data
        with _ieee():  # x/0 = ±inf, 0/0 = nan, as in PyTorch
            out = _broadcast(np.divide, self, other, "/")

        def local_grads():  # ∂(a/b)/∂a = 1/b; ∂(a/b)/∂b = -a/b², as -(a/b)/b: b² underflows
            with _ieee():
                return (1.0 / b if self.requires_grad else None,
                        -out / b if other.requires_grad else None)
        return _result(out, (self, other), "/", local_grads)

    def __pow__(self, exponent):
        if isinstance(exponent, Real):  # a plain number: nothing to differentiate in it
            n, x = float(exponent), self.data
            with _ieee():  # 0**-1 = inf, (-8)**0.5 = nan, as in PyTorch
                out = x ** n

            def local_grads():  # d/dx xⁿ = n·xⁿ⁻¹, and 0 for n = 0 even at x = 0 (PyTorch's)
                if n == 0:
                    return (0.0,)
                with _ieee():
                    return (n * x ** (n - 1),)
            return _result(out, (self,), f"**{n:g}", local_grads)
        exponent = self._coerce(exponent)
        a, b = self.data, exponent.data
        with _ieee():
            out = _broadcast(np.power, self, exponent, "**")

        def local_grads():
            # ∂(aᵇ)/∂a = b·aᵇ⁻¹ (0 where b = 0); ∂(aᵇ)/∂b = aᵇ·ln a, which is 0 at a = 0 for
            # b ≥ 0 (PyTorch's values) and NaN for a < 0. Each only for an operand that needs it.
            with _ieee():
                return (np.where(b == 0, 0.0, b * a ** (b - 1)) if self.requires_grad else None,
                        np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
                        if exponent.requires_grad else None)
        return _result(out, (self, exponent), "pow", local_grads)

    def __neg__(self):
        return _result(-self.data, (self,), "neg", lambda: (-1.0,))

    def __radd__(self, other):
        return self._coerce(other) + self

    def __rsub__(self, other):
        return self._coerce(other) - self

    def __rmul__(self, other):
        return self._coerce(other) * self

    def __rtruediv__(self, other):
        return self._coerce(other) / self

    def __rpow__(self, other):
        return self._coerce(other) ** self

    # ---- elementwise functions ----
    def exp(self):
        with _ieee():  # exp(1000) = inf, as in PyTorch
            e = np.exp(self.data)
        return _result(e, (self,), "exp", lambda: (e,))

    def log(self):
        x = self.data
        with _ieee():  # log(0) = -inf and its derivative 1/0 = inf; log(-1) = nan
            return _result(np.log(x), (self,), "log", lambda: (1.0 / x,))

    def tanh(self):
        t = np.tanh(self.data)  # tanh(±1000) = ±1 exactly, so 1 - t² = 0: finite
        return _result(t, (self,), "tanh", lambda: (1.0 - t * t,))

    def relu(self):
        x = self.data
        # the derivative at exactly 0 is taken as 0, as PyTorch does
        return _result(np.maximum(x, 0.0), (self,), "relu", lambda: (x > 0,))

    def sigmoid(self):
        s = _sigmoid(self.data)
        return _result(s, (self,), "sigmoid", lambda: (s * (1.0 - s),))

    def softplus(self):
        """log(1 + eˣ), a smooth ReLU; its derivative is sigmoid(x)."""
        x = self.data
        out = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))  # stable for ±1000
        return _result(out, (self,), "softplus", lambda: (_sigmoid(x),))

    # ---- ops that mix elements: a vector-Jacobian product instead of a local derivative ----
    def softmax(self, axis=-1):
        """exp(x) / Σ exp(x) over `axis` (an int or a tuple of ints, as for `sum`)."""
        axis = _axes(axis, self.shape, "softmax")
        shifted = self.data - self.data.max(axis=axis, keepdims=True)  # stable for ±1000
        e = np.exp(shifted)
        s = e / e.sum(axis=axis, keepdims=True)
        return _result(s, (self,), "softmax", lambda: (s,),
                       lambda g: (s * (g - (g * s).sum(axis=axis, keepdims=True)),))

    def log_softmax(self, axis=-1):
        """log(softmax(x)) over `axis`, computed as x - max - log Σ exp(x - max)."""
        axis = _axes(axis, self.shape, "log_softmax")
        shifted = self.data - self.data.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        s = np.exp(out)
        return _result(out, (self,), "log_softmax", lambda: (s,),
                       lambda g: (g - s * g.sum(axis=axis, keepdims=True),))

    def __matmul__(self, other):
        other = self._coerce(other)
        a, b = self.data, other.data
        try:
            out = a @ b
        except ValueError:
            raise ValueError(f"@: shapes {a.shape} and {b.shape} do not fit: the last dimension "
                             f"of the left ({a.shape[-1:]}) must equal the "
                             f"{'first' if b.ndim == 1 else 'second-to-last'} of the right"
                             ) from None
        return _result(out, (self, other), "@", lambda: (b, a),
                       lambda g: _matmul_grads(self, other, g))

    def __rmatmul__(self, other):
        return self._coerce(other) @ self

    @staticmethod
    def linear(inputs, weight: "Tensor", bias: "Tensor", activation: str | None = None) -> "Tensor":
        """`activation(inputs @ weight + bias)` as one node: a dense layer, fast and compact.

        `inputs` may be a Tensor or a plain array of shape (..., n_in); `activation` is None,
        "relu", "tanh" or "sigmoid" (its derivative is read off the output in backward).
        """
        if activation not in _FUSED_ACTIVATIONS:
            raise ValueError(f"linear: activation={activation!r} is not one of "
                             f"{', '.join(map(repr, _FUSED_ACTIVATIONS))}")
        if not isinstance(inputs, Tensor):
            inputs = _constant(np.asarray(inputs, dtype=weight.data.dtype))
        x, w, b = inputs.data, weight.data, bias.data
        try:
            out = x @ w + b
        except ValueError:
            raise ValueError(f"linear: inputs {x.shape}, weight {w.shape} and bias {b.shape} "
                             f"do not fit: need (..., n_in), (n_in, n_out) and (n_out,)") from None
        function, derivative = _FUSED_ACTIVATIONS[activation]
        if function is not None:
            out = function(out)

        def vjp(g):
            if derivative is not None:  # through the activation first: g ⊙ f′
                g = g * derivative(out)
            grad_x, grad_w = _matmul_grads(inputs, weight, g)
            if not bias.requires_grad:
                return grad_x, grad_w, None
            return grad_x, grad_w, (g.sum(axis=0) if g.ndim == 2 and b.ndim == 1
                                    else _unbroadcast(g, b.shape))
        op = "x@W+b" if activation is None else f"{activation}(x@W+b)"
        return _result(out, (inputs, weight, bias), op, lambda: (w, x, 1.0), vjp)

    # ---- reductions ----
    def sum(self, axis=None, keepdims: bool = False):
        """Sum over `axis`: None (all), an int or a tuple of ints, negative from the end."""
        shape, axis = self.shape, _axes(axis, self.shape, "sum")
        return _result(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum",
                       lambda: (1.0,),
                       lambda g: (_spread(g, shape, axis, keepdims),))

    def mean(self, axis=None, keepdims: bool = False):
        shape, axis = self.shape, _axes(axis, self.shape, "mean")
        count = self.size if axis is None else int(np.prod([shape[a] for a in axis]))
        return _result(self.data.mean(axis=axis, keepdims=keepdims), (self,), "mean",
                       lambda: (1.0 / count,),
                       lambda g: (_spread(g, shape, axis, keepdims) / count,))

    def max(self, axis=None, keepdims: bool = False):
        x, axis = self.data, _axes(axis, self.shape, "max")
        if x.size == 0:
            raise ValueError(f"max: shape {x.shape} has no elements to take the maximum of")
        top = x.max(axis=axis, keepdims=True)
        out = top if keepdims else (top.reshape(()) if axis is None else np.squeeze(top, axis))
        share = None
        if _grad_enabled and self.requires_grad:
            is_max = (x == top)  # ties share the gradient equally
            share = is_max / is_max.sum(axis=axis, keepdims=True)
        return _result(out, (self,), "max", lambda: (share,),
                       lambda g: (_spread(g, x.shape, axis, keepdims) * share,))

    # ---- re-arrangements ----
    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        original = self.shape
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape shape {original} ({self.size} elements) "
                             f"into shape {tuple(shape)}") from None
        return _result(out, (self,), "reshape", lambda: (None,),
                       lambda g: (g.reshape(original),))

    def transpose(self, *axes):
        """Reorder the axes as numpy does: `transpose(2, 0, 1)`, `transpose((-1, 0))`; with no
        axes (or None), reverse them."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list, np.ndarray)):
            axes = tuple(axes[0])
        if not axes or (len(axes) == 1 and axes[0] is None):
            axes = tuple(reversed(range(self.ndim)))
        requested, axes = axes, _axes(axes, self.shape, "transpose")
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"transpose: axes {tuple(requested)} are not an ordering of the "
                             f"{self.ndim} axes of shape {self.shape}")
        inverse = tuple(int(a) for a in np.argsort(axes))
        return _result(self.data.transpose(axes), (self,), "transpose", lambda: (None,),
                       lambda g: (g.transpose(inverse),))

    T = property(lambda self: self.transpose())

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.data.astype(np.intp)
        elif isinstance(index, tuple):
            index = tuple(i.data.astype(np.intp) if isinstance(i, Tensor) else i for i in index)
        x = self.data

        def vjp(g):
            grad = np.zeros_like(x)
            np.add.at(grad, index, g)  # add.at: an element picked twice gets both gradients
            return (grad,)
        return _result(x[index], (self,), "index", lambda: (None,), vjp)

    # ---- backward pass ----
    def backward(self, gradient=None) -> None:
        """Fill `.grad` of every tensor this one depends on (that requires grad).

        Leaves accumulate: a second backward() adds its gradient to the first, as in
        PyTorch, so zero gradients between steps. A result with more than one element
        needs `gradient` (∂L/∂self), or reduce it first with `.sum()` or `.mean()`.
        """
        order = self._start_backward(gradient)
        with _ieee():  # an infinite local derivative times 0 is nan, silently, as in PyTorch
            for node in reversed(order):
                if node._parents:
                    for parent, contribution in zip(node._parents, _contributions(node)):
                        if contribution is not None:
                            _accumulate(parent, contribution)

    def backward_steps(self, gradient=None) -> Iterator[BackwardStep]:
        """The same pass as `backward()`, one chain-rule application at a time (applied,
        then yielded), so running through all steps leaves exactly backward()'s gradients."""
        for node in reversed(self._start_backward(gradient)):
            if node._parents:
                upstream = node.grad
                with _ieee():  # not around the yield: the caller's code keeps numpy's settings
                    contributions = _contributions(node)
                for index, contribution in enumerate(contributions):
                    if contribution is not None:
                        parent = node._parents[index]
                        with _ieee():
                            _accumulate(parent, contribution)
                        local = (node._local_grads[index]  # from_op may give none with a vjp
                                 if index < len(node._local_grads) else None)
                        yield BackwardStep(node, parent, index, local, upstream, contribution)

    def zero_grad(self) -> None:
        """Reset `.grad` on this tensor and everything it depends on."""
        for node in topological_order(self):
            node.grad = np.zeros_like(node.data) if node.requires_grad else None

    def _start_backward(self, gradient) -> list:
        if not self.requires_grad:
            raise RuntimeError("backward(): this tensor does not depend on any tensor with "
                               "requires_grad=True, so there is no gradient to compute")
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(f"backward() needs a single number, but this tensor has shape "
                                 f"{self.shape}: reduce it (e.g. .sum() or .mean()) or pass "
                                 f"gradient= an array of that shape")
            gradient = np.ones_like(self.data)
        else:
            gradient = np.broadcast_to(np.asarray(gradient, dtype=self.dtype), self.shape)
        order = topological_order(self)
        for node in order:
            if node._parents:  # intermediate: holds this pass's gradient only
                node.grad = None
        _accumulate(self, gradient)
        return order

    @staticmethod
    def from_op(data, parents, op: str, local_grads=(), vjp=None) -> "Tensor":
        """A node made by your own op, with a gradient you derived by hand.

        `data` is the result computed from the Tensors `parents`. Give either `local_grads`,
        one elementwise ∂data/∂parent per parent (broadcasting is undone for you), or
        `vjp(upstream)` returning each parent's gradient contribution (None where a parent
        needs none); with `vjp`, `local_grads` is only what `backward_steps()` shows.
        `local_grads` may be a function returning them, called only if a gradient is needed.
        """
        lazy = local_grads if callable(local_grads) else (lambda: tuple(local_grads))
        return _result(np.asarray(data), tuple(parents), op, lazy, vjp)

    def _coerce(self, other) -> "Tensor":
        if isinstance(other, Tensor):
            return other
        if isinstance(other, Real):
            return _constant(np.asarray(other, dtype=self.data.dtype))
        return Tensor(other, dtype=self.data.dtype)


def _result(data, parents: tuple, op: str, local_grads, vjp=None) -> Tensor:
    """A new node. `local_grads` is called only when a gradient will be needed."""
    out = _constant(data if type(data) is np.ndarray else np.asarray(data))
    out.op = op
    if _grad_enabled:
        for parent in parents:
            if parent.requires_grad:
                out.requires_grad = True
                out._parents, out._local_grads, out._vjp = parents, local_grads(), vjp
                break
    return out


def _contributions(node: Tensor) -> list:
    """What `node` passes back to each parent: upstream × local derivative (elementwise ops,
    summed back to the parent's shape) or the op's vector-Jacobian product. None for a
    parent that needs no gradient."""
    upstream = node.grad
    if node._vjp is not None:
        return node._vjp(upstream)
    return [_unbroadcast(upstream * local, parent.data.shape) if parent.requires_grad else None
            for parent, local in zip(node._parents, node._local_grads)]


def _constant(array: np.ndarray) -> Tensor:
    out = object.__new__(Tensor)
    out.data, out.grad, out.requires_grad, out.label, out.op = array, None, False, "", ""
    out._parents, out._local_grads, out._vjp = (), (), None
    return out


def _accumulate(tensor: Tensor, contribution) -> None:
    if contribution.dtype != tensor.data.dtype:
        contribution = contribution.astype(tensor.data.dtype)
    if tensor._parents:
        # an intermediate's gradient is never updated in place, so it may share its array
        tensor.grad = contribution if tensor.grad is None else tensor.grad + contribution
    elif tensor.grad is None:
        tensor.grad = np.array(contribution)  # a leaf owns its array: later passes add in place
    else:
        tensor.grad += contribution


def _broadcast(ufunc, a: Tensor, b: Tensor, op: str) -> np.ndarray:
    try:
        return ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} do not broadcast together "
                         f"(each trailing dimension must be equal or 1)") from None


def _unbroadcast(g, shape: tuple):
    """Sum a gradient over the dimensions broadcasting added or stretched, back to `shape`."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


def _spread(g, shape: tuple, axes, keepdims: bool) -> np.ndarray:
    """The gradient of a reduction over `axes` (from `_axes`), copied back over them."""
    if axes is not None and not keepdims:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


def _axes(axis, shape: tuple, op: str) -> tuple | None:
    """`axis` as numpy takes it (None, an int, a numpy integer, or a tuple or list of them;
    negative counts from the end) as a tuple of axes 0..ndim-1 of an array of `shape`, in
    the order given, or None for all axes; axis 0 or -1 of a 0-d array is no axis at all. Every op with an axis argument goes through
    here, so all treat it alike, with numpy's errors for a wrong or repeated axis."""
    if axis is None:
        return None
    ndim = len(shape)
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = []
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not hasattr(item, "__index__"):
            raise TypeError(f"{op}: axis must be an integer or a tuple of integers, "
                            f"got {item!r}")
        index = operator.index(item)
        if ndim == 0 and index in (-1, 0):  # as PyTorch: a scalar's one "axis" is itself
            continue
        if not -ndim <= index < ndim:
            raise np.exceptions.AxisError(index, ndim, op)  # "axis 2 is out of bounds ..."
        axes.append(index % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: axes {tuple(items)} name the same axis twice "
                         f"(for shape {shape})")
    return tuple(axes)


def _ieee():
    """Compute as IEEE arithmetic and PyTorch do, silently: 1/0 = inf, 0**-1 = inf, 0/0 = nan.
    (numpy would add a RuntimeWarning; the values are the same.)"""
    return np.errstate(divide="ignore", over="ignore", invalid="ignore")


def _matmul_grads(a: Tensor, b: Tensor, g):
    """∂L/∂a = g @ bᵀ and ∂L/∂b = aᵀ @ g, for 1-D, 2-D and batched operands."""
    if a.ndim == 2 and b.ndim == 2:  # the common case, without the general bookkeeping
        return (g @ b.data.T if a.requires_grad else None,
                a.data.T @ g if b.requires_grad else None)
    A = a.data if a.ndim > 1 else a.data[np.newaxis, :]
    B = b.data if b.ndim > 1 else b.data[:, np.newaxis]
    if b.ndim == 1:  # b first: for vector @ vector, g is 0-d
        g = np.expand_dims(g, -1)
    if a.ndim == 1:
        g = np.expand_dims(g, -2)
    grad_a = grad_b = None
    if a.requires_grad:
        grad_a = _unbroadcast(g @ np.swapaxes(B, -1, -2), A.shape).reshape(a.shape)
    if b.requires_grad:
        grad_b = _unbroadcast(np.swapaxes(A, -1, -2) @ g, B.shape).reshape(b.shape)
    return grad_a, grad_b


def _float_dtype(data, dtype) -> np.dtype:
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"Tensor dtype must be float32 or float64, got {dtype}")
        return dtype
    if getattr(data, "dtype", None) == np.float32:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))  # exp of a non-positive number only: sigmoid(±800) is safe
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


# activation: (function, its derivative written in terms of the function's output)
_FUSED_ACTIVATIONS = {
    None: (None, None),
    "relu": (lambda z: np.maximum(z, 0.0), lambda out: out > 0),
    "tanh": (np.tanh, lambda out: 1.0 - out * out),
    "sigmoid": (_sigmoid, lambda out: out * (1.0 - out)),
}
