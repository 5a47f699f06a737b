"""The engine against PyTorch, both in float64: every op of Tensor and Value, every axis form,
broadcasting pairs, edge values (0, -0, negative, tiny, huge, ±1000, ReLU's kink) and every
loss, on generated inputs. Forward values and gradients must agree (inf where PyTorch gives
inf, NaN only where PyTorch gives NaN), and any warning is an error.

PyTorch is not part of the README's test command; without it these tests skip. CI (`.ci/run`)
installs it; to run them yourself: `.venv/bin/python -m pip install torch==2.13.0`.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: these tests compare the engine with it. "
                    "Enable them with `.venv/bin/python -m pip install torch==2.13.0`")
F = torch.nn.functional

from helpers import BINARY_OPS  # noqa: E402
from studypack import Tensor, Value, losses  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")

MODERATE_EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1e-170, -1e-170, 1e-8,
                  -1e-8, 1000.0, -1000.0]
EDGES = MODERATE_EDGES + [1e150, -1e150]
numbers = st.one_of(st.sampled_from(EDGES), st.floats(-4, 4, allow_nan=False))
# for ops that add many numbers up (broadcast gradients, @, reductions): with ±1e150 among
# them the rounding of a cancelling sum depends on the order of the additions, which differs
# from PyTorch's without either being wrong
summable = st.one_of(st.sampled_from(MODERATE_EDGES), st.floats(-4, 4, allow_nan=False))
# (each test takes at most this many examples: the whole file runs in well under 2 minutes)
examples = settings(max_examples=30)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)


def arrays(shape, elements=numbers):
    return hnp.arrays(np.float64, shape, elements=elements)


def assert_same(ours, theirs, what: str, magnitude: float = 1.0) -> None:
    """Equal shapes; NaN only where PyTorch has NaN; the same infinities; finite numbers equal
    to ~1e-9 relative, plus a rounding allowance scaled to `magnitude` (the largest number
    that went in) or the largest number expected.

    Where PyTorch gives NaN the engine may give a number: e.g. PyTorch computes 0 / x as
    0 · (1/x), whose gradient at x = 1e-170 is 0 · -inf = NaN; the true derivative is 0.
    """
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, PyTorch {theirs.shape}"
    wrong_nan = np.isnan(ours) & ~np.isnan(theirs)
    assert not wrong_nan.any(), f"{what}: NaN where PyTorch gives {theirs[wrong_nan]}"
    infinite = np.isinf(theirs)
    np.testing.assert_array_equal(ours[infinite], theirs[infinite],
                                  err_msg=f"{what}: different infinities")
    finite = np.isfinite(theirs)
    assert np.isfinite(ours[finite]).all(), f"{what}: not finite where PyTorch is: {ours}"
    scale = max(magnitude, np.abs(theirs[finite]).max(initial=1.0))
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-9, atol=1e-13 * scale,
                               err_msg=what)


def upstream_for(shape: tuple) -> np.ndarray:
    """A fixed upstream gradient, different for every element, so each one matters."""
    return np.random.default_rng(0).uniform(0.5, 1.5, shape)


def compare(ours_op, torch_op, *inputs, what: str = "") -> None:
    """Apply the op to Tensors and to torch tensors holding `inputs`, pass the same upstream
    gradient back through both, and compare the results and every input's gradient."""
    magnitude = max((np.abs(np.asarray(x)).max(initial=1.0) for x in inputs), default=1.0)
    ours = [Tensor(x, requires_grad=True) for x in inputs]
    theirs = [torch.tensor(np.asarray(x), dtype=torch.float64, requires_grad=True)
              for x in inputs]
    out, expected = ours_op(*ours), torch_op(*theirs)
    assert_same(out.data, expected.detach().numpy(), f"{what}: value", magnitude)
    upstream = upstream_for(out.shape)
    out.backward(gradient=upstream)
    expected.backward(torch.tensor(upstream))
    for i, (mine, theirs_input) in enumerate(zip(ours, theirs)):
        reference = (np.zeros(mine.shape) if theirs_input.grad is None
                     else theirs_input.grad.numpy())
        assert_same(mine.grad, reference, f"{what}: gradient of input {i}", magnitude)


# ---- elementwise functions, number operands and number exponents -------------------------

UNARY = {
    "exp": (lambda t: t.exp(), torch.exp),
    "log": (lambda t: t.log(), torch.log),
    "tanh": (lambda t: t.tanh(), torch.tanh),
    "relu": (lambda t: t.relu(), torch.relu),
    "sigmoid": (lambda t: t.sigmoid(), torch.sigmoid),
    # F.softplus switches to x above 20; logaddexp(0, x) is the exact log(1 + eˣ)
    "softplus": (lambda t: t.softplus(), lambda t: torch.logaddexp(torch.zeros_like(t), t)),
    "neg": (lambda t: -t, lambda t: -t),
    "+ number": (lambda t: t + 2.5, lambda t: t + 2.5),
    "number -": (lambda t: 2.5 - t, lambda t: 2.5 - t),
    "* number": (lambda t: t * -3.0, lambda t: t * -3.0),
    "/ number": (lambda t: t / 4.0, lambda t: t / 4.0),
    "number /": (lambda t: 2.0 / t, lambda t: 2.0 / t),
    "/ 0": (lambda t: t / 0.0, lambda t: t / 0.0),
    "0 /": (lambda t: 0.0 / t, lambda t: 0.0 / t),
    "numpy number *": (lambda t: np.float64(1.5) * t, lambda t: 1.5 * t),
}
for _n in [0, 1, 2, 3, 0.5, -1, -0.5, 1.5, -2, np.int64(2), np.float64(0.25)]:
    UNARY[f"** {_n!r}"] = (lambda t, n=_n: t ** n, lambda t, n=float(_n): t ** n)
for _base in [0.0, 0.5, 2.0, -2.0]:
    UNARY[f"{_base} **"] = (lambda t, b=_base: b ** t, lambda t, b=_base: b ** t)


@pytest.mark.parametrize("name", UNARY)
@examples
@given(data=st.data())
def test_elementwise_ops_match_torch_at_edge_values(name, data):
    x = data.draw(arrays(data.draw(shapes)))
    if name in ("** 0.5", "** -0.5", "** 0.25"):
        # PyTorch computes x**±0.5 as sqrt/rsqrt, which give -0 and -inf at x = -0;
        # numpy's pow, like C's, gives +0 and +inf there: a sign of zero, not a wrong value
        x = np.where(x == 0, 0.0, x)
    compare(*UNARY[name], x, what=name)


@pytest.mark.parametrize("name", ["** 0", "** 0.5", "** -1", "** 1.5", "0.0 **", "-2.0 **"])
def test_powers_at_zero_and_negative_bases(name):
    # the cases PyTorch gives a number for and a naive rule gives NaN or -inf (issue 9)
    compare(*UNARY[name], np.array([0.0, -2.0, -0.5, 0.0, 3.0, 1.5]), what=name)


# ---- binary ops with broadcasting ---------------------------------------------------------

BINARY = BINARY_OPS


@pytest.mark.parametrize("name", BINARY)
@examples
@given(data=st.data(),
       pair=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_binary_ops_broadcast_like_torch(name, data, pair):
    a_shape, b_shape = pair.input_shapes
    elements = numbers if a_shape == b_shape else summable  # broadcast gradients are sums
    a, b = data.draw(arrays(a_shape, elements)), data.draw(arrays(b_shape, elements))
    compare(BINARY[name], BINARY[name], a, b, what=f"{a_shape} {name} {b_shape}")


@pytest.mark.parametrize("base, exponent", [
    (0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (0.0, -1.0), (-0.0, -1.0), (-2.0, 2.0), (-2.0, 3.0),
    (-2.0, 0.5), (-2.0, -1.0), (2.0, 0.0), (1e-170, -2.0), (10.0, 400.0)])
def test_tensor_powers_at_zero_negative_and_huge(base, exponent):
    compare(lambda a, b: a ** b, lambda a, b: a ** b, np.array(base), np.array(exponent),
            what=f"{base} ** {exponent}")
    # an exponent that needs no gradient: no log(base) is computed, so no NaN can appear
    out = Tensor(base, requires_grad=True) ** Tensor(exponent)
    out.backward()
    expected = (torch.tensor(base, dtype=torch.float64, requires_grad=True)
                ** torch.tensor(exponent, dtype=torch.float64))
    expected.backward()
    assert_same(out.data, expected.item(), "value")


def test_divisor_gradient_does_not_overflow_for_tiny_divisors():
    # -a/b² would overflow (b² underflows to 0): PyTorch's -(a/b)/b gives a finite number
    compare(BINARY["/"], BINARY["/"], np.array([1e-160, 1.0, 0.0]),
            np.array([1e-170, 1e-170, 1e-170]), what="a / tiny b")


# ---- matrix products and the fused dense layer ------------------------------------------

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((3, 4), (2, 4, 5)), ((2, 1, 2, 3), (3, 3, 2)),
                 ((1, 3), (3, 1))]


@pytest.mark.parametrize("a_shape, b_shape", MATMUL_SHAPES)
@examples
@given(data=st.data())
def test_matmul_matches_torch(a_shape, b_shape, data):
    a, b = data.draw(arrays(a_shape, summable)), data.draw(arrays(b_shape, summable))
    compare(lambda x, y: x @ y, torch.matmul, a, b, what=f"{a_shape} @ {b_shape}")


ACTIVATIONS = {None: lambda z: z, "relu": torch.relu, "tanh": torch.tanh,
               "sigmoid": torch.sigmoid}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x_shape", [(4, 3), (3,), (2, 2, 3)])
@examples
@given(data=st.data())
def test_fused_linear_layer_matches_torch(activation, x_shape, data):
    x, w, b = (data.draw(arrays(shape, summable)) for shape in (x_shape, (3, 2), (2,)))
    compare(lambda x, w, b: Tensor.linear(x, w, b, activation),
            lambda x, w, b: ACTIVATIONS[activation](x @ w + b), x, w, b,
            what=f"linear {activation}")


# ---- every axis form: None, ints, negative ints, numpy integers, tuples, lists ------------

@st.composite
def axis_forms(draw, ndim: int, allow_none: bool = True, allow_tuple: bool = True):
    """An axis argument as a user may write it, and the same axes for PyTorch (a tuple)."""
    choices = (["none"] if allow_none else []) + (["int"] if ndim else [])
    if allow_tuple:
        choices += ["tuple", "list"] if ndim else []
    kind = draw(st.sampled_from(choices))
    if kind == "none":
        return None, tuple(range(ndim))

    def spelled(axis: int):  # the same axis, maybe negative, maybe a numpy integer
        axis = axis - ndim if draw(st.booleans()) else axis
        return np.int64(axis) if draw(st.booleans()) else axis
    if kind == "int":
        axis = draw(st.integers(0, ndim - 1))
        return spelled(axis), (axis,)
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, unique=True))
    form = tuple(spelled(a) for a in axes)
    return (form if kind == "tuple" else list(form)), tuple(axes)


REDUCTIONS = {
    "sum": (lambda t, axis, keep: t.sum(axis=axis, keepdims=keep),
            lambda t, dims, keep: t.sum(dim=dims, keepdim=keep)),
    "mean": (lambda t, axis, keep: t.mean(axis=axis, keepdims=keep),
             lambda t, dims, keep: t.mean(dim=dims, keepdim=keep)),
    # amax shares the gradient between tied maxima, as the engine does
    "max": (lambda t, axis, keep: t.max(axis=axis, keepdims=keep),
            lambda t, dims, keep: t.amax(dim=dims, keepdim=keep)),
}


@pytest.mark.parametrize("name", REDUCTIONS)
@examples
@given(data=st.data(), keepdims=st.booleans())
def test_reductions_take_every_axis_form(name, data, keepdims):
    shape = data.draw(shapes)
    x = data.draw(arrays(shape, st.one_of(st.sampled_from([0.0, 1.0, -1000.0]), summable)))
    axis, dims = data.draw(axis_forms(len(shape)))
    ours, theirs = REDUCTIONS[name]
    if not dims:  # a 0-d tensor: PyTorch reads dim=() as "all", which is the same here
        dims = ()
    compare(lambda t: ours(t, axis, keepdims), lambda t: theirs(t, dims, keepdims), x,
            what=f"{name}(axis={axis!r}, keepdims={keepdims}) of shape {shape}")


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@examples
@given(data=st.data())
def test_softmax_takes_every_axis_form(name, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))
    x = data.draw(arrays(shape, summable))
    axis, dims = data.draw(axis_forms(len(shape), allow_none=False))
    if isinstance(axis, (tuple, list)):  # torch's softmax takes one dim: write it out
        log_p = lambda t: t - torch.logsumexp(t, dim=dims, keepdim=True)  # noqa: E731
        reference = log_p if name == "log_softmax" else (lambda t: torch.exp(log_p(t)))
    else:
        reference = lambda t: getattr(torch, name)(t, dim=dims[0])  # noqa: E731
    compare(lambda t: getattr(t, name)(axis=axis), reference, x,
            what=f"{name}(axis={axis!r}) of shape {shape}")


@pytest.mark.parametrize("axis", [0, -1, (0,), np.int64(-1)])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "softmax", "log_softmax"])
def test_a_0d_tensors_one_axis_is_itself_as_in_torch(name, axis):
    ops = {**{key: (ours, theirs) for key, (ours, theirs) in REDUCTIONS.items()},
           "softmax": (lambda t, a, keep: t.softmax(axis=a),
                       lambda t, d, keep: torch.softmax(t, dim=d[0])),
           "log_softmax": (lambda t, a, keep: t.log_softmax(axis=a),
                           lambda t, d, keep: torch.log_softmax(t, dim=d[0]))}
    ours, theirs = ops[name]
    dims = tuple(int(a) for a in axis) if isinstance(axis, tuple) else (int(axis),)
    for keepdims in (False, True):
        compare(lambda t: ours(t, axis, keepdims), lambda t: theirs(t, dims, keepdims),
                np.array(-1.5), what=f"{name}(axis={axis!r}, keepdims={keepdims}) of a 0-d tensor")


@examples
@given(data=st.data())
def test_transpose_takes_every_axis_form(data):
    shape = data.draw(shapes)
    ndim = len(shape)
    x = data.draw(arrays(shape))
    order = data.draw(st.permutations(range(ndim)))
    spelled = [a - ndim if data.draw(st.booleans()) else a for a in order]
    spelled = [np.int64(a) if data.draw(st.booleans()) else a for a in spelled]
    how = data.draw(st.sampled_from(["args", "tuple", "list", "none", "T"]))
    ours = {"args": lambda t: t.transpose(*spelled), "tuple": lambda t: t.transpose(tuple(spelled)),
            "list": lambda t: t.transpose(list(spelled)), "none": lambda t: t.transpose(),
            "T": lambda t: t.T}[how]
    dims = tuple(reversed(range(ndim))) if how in ("none", "T") else tuple(order)
    compare(ours, lambda t: t.permute(dims), x, what=f"transpose {how} {spelled} of {shape}")


@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (2, 3), (3, 2)])
@pytest.mark.parametrize("axes", [(-1, 0), (1, -2), (-1, -2), (-2, -1), (np.int64(-1), 0)])
def test_transpose_with_negative_axes_square_or_not(shape, axes):
    # issue 9: a wrong gradient on square shapes, a crash on others
    dims = tuple(int(a) % 2 for a in axes)
    compare(lambda t: t.transpose(*axes), lambda t: t.permute(dims),
            np.arange(float(np.prod(shape))).reshape(shape), what=f"transpose{axes} of {shape}")


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 3, 3)])
@pytest.mark.parametrize("axes", [(-1, 0, 1), (0, -1, -2), (-3, -1, 1), (2, -3, -2)])
def test_transpose_of_three_axes_with_negative_axes(shape, axes):
    dims = tuple(a % 3 for a in axes)
    compare(lambda t: t.transpose(axes), lambda t: t.permute(dims),
            np.arange(float(np.prod(shape))).reshape(shape), what=f"transpose{axes} of {shape}")


@pytest.mark.parametrize("op, message", [
    (lambda t: t.sum(axis=2), "sum: axis 2 is out of bounds for array of dimension 2"),
    (lambda t: t.mean(axis=-3), "mean: axis -3 is out of bounds"),
    (lambda t: t.max(axis=(0, -2)), r"max: axes \(0, -2\) name the same axis twice"),
    (lambda t: t.softmax(axis=np.int64(5)), "softmax: axis 5 is out of bounds"),
    (lambda t: t.log_softmax(axis=(1, 1)), "log_softmax: axes .* the same axis twice"),
    (lambda t: t.transpose(0, 0), r"transpose: axes \(0, 0\) name the same axis twice"),
    (lambda t: t.transpose(0, 2), "transpose: axis 2 is out of bounds"),
    (lambda t: t.transpose(0), r"transpose: axes \(0,\) are not an ordering of the 2 axes"),
    (lambda t: t.sum(axis=1.0), "sum: axis must be an integer or a tuple of integers"),
    (lambda t: t.mean(axis=True), "mean: axis must be an integer"),
])
def test_wrong_axes_raise_numpy_like_errors(op, message):
    with pytest.raises((ValueError, TypeError), match=message):
        op(Tensor(np.ones((2, 3)), requires_grad=True))


# ---- re-arrangements and indexing, 0-d tensors included ----------------------------------

RESHAPES = [((), (1,)), ((), (1, 1)), ((1,), ()), ((2, 3), (-1,)), ((2, 3), (3, 2)),
            ((2, 3), (1, -1)), ((2, 3, 1), (6, 1)), ((4,), (np.int64(2), -1))]


@pytest.mark.parametrize("shape, new_shape", RESHAPES)
def test_reshape_matches_torch(shape, new_shape):
    x = np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)
    compare(lambda t: t.reshape(new_shape), lambda t: t.reshape([int(n) for n in new_shape]),
            x, what=f"reshape {shape} -> {new_shape}")


INDEXES = [
    ((3, 4), 0), ((3, 4), -1), ((3, 4), np.int64(1)), ((3, 4), slice(1, 3)),
    ((3, 4), (slice(None), slice(0, 4, 2))), ((3, 4), (0, slice(1, 3))), ((3, 4), None),
    ((3, 4), (Ellipsis, 1)), ((3, 4), np.array([0, 2, 0])),
    ((3, 4), (np.array([0, 1, 0]), np.array([1, 1, 1]))),
    ((3, 4), np.array([True, False, True])), ((3,), np.array([2, 2, 2])),
    ((), None), ((), ()), ((), Ellipsis), ((2, 2), (None, 1)),
]


@pytest.mark.parametrize("shape, index", INDEXES)
def test_indexing_matches_torch_repeated_indices_included(shape, index):
    x = np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)

    def torch_index(i):
        if isinstance(i, tuple):
            return tuple(torch_index(j) for j in i)
        return torch.from_numpy(i) if isinstance(i, np.ndarray) else i
    compare(lambda t: t[index], lambda t: t[torch_index(index)], x,
            what=f"shape {shape} [{index!r}]")


def test_a_tensor_used_as_an_index_matches_torch():
    x = np.arange(6.0)
    compare(lambda t: t[Tensor([1.0, 4.0, 1.0])], lambda t: t[torch.tensor([1, 4, 1])], x,
            what="tensor index")


@examples
@given(data=st.data())
def test_a_composite_expression_with_shared_subexpressions(data):
    # gradients from several uses of one tensor add up, through many kinds of ops at once
    a, b = data.draw(arrays((2, 3), summable)), data.draw(arrays((3,), st.floats(0.5, 3)))

    def expression(t, u, lib):
        h = (t * u).tanh() + t / u
        softmax = (lambda z: z.softmax(axis=-1)) if lib == "ours" else (
            lambda z: torch.softmax(z, dim=-1))
        return (softmax(h) * h.relu()).sum(axis=0) if lib == "ours" else (
            (softmax(h) * torch.relu(h)).sum(dim=0))
    compare(lambda t, u: expression(t, u, "ours"), lambda t, u: expression(t, u, "torch"),
            a, b, what="composite")


# ---- losses -------------------------------------------------------------------------------

saturating = st.one_of(st.sampled_from([0.0, -1000.0, 1000.0, 1e-170, 30.0, -30.0]),
                       st.floats(-6, 6))


@examples
@given(data=st.data(), n=st.integers(1, 4), targets_need_grad=st.booleans())
def test_regression_and_binary_losses_match_torch_targets_included(data, n, targets_need_grad):
    logits = data.draw(arrays((n, 1), saturating))
    probabilities = data.draw(arrays((n,), st.floats(0, 1)))
    signs = data.draw(arrays((n,), st.sampled_from([-1.0, 1.0])))
    cases = [
        ("mse", losses.mse, lambda p, t: F.mse_loss(p, t.reshape(p.shape)), probabilities),
        ("binary_cross_entropy", losses.binary_cross_entropy,
         lambda p, t: F.binary_cross_entropy_with_logits(p, t.reshape(p.shape)), probabilities),
        ("hinge", losses.hinge, lambda p, t: torch.relu(1 - p * t.reshape(p.shape)).mean(),
         signs),
    ]
    for name, ours, theirs, targets in cases:
        if targets_need_grad:  # the targets get a gradient too, as in PyTorch
            compare(ours, theirs, logits, targets, what=name)
        else:
            compare(lambda p, t=targets: ours(p, t),
                    lambda p, t=targets: theirs(p, torch.tensor(t)), logits, what=name)


@examples
@given(data=st.data(), n=st.integers(1, 4), n_classes=st.integers(2, 4))
def test_cross_entropy_matches_torch(data, n, n_classes):
    logits = data.draw(arrays((n, n_classes), saturating))
    classes = np.array(data.draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)))
    compare(lambda z: losses.cross_entropy(z, classes),
            lambda z: F.cross_entropy(z, torch.from_numpy(classes)), logits, what="cross_entropy")


def test_cross_entropy_refuses_class_indices_that_would_need_a_gradient():
    with pytest.raises(TypeError, match="class_indices must be integers .* not a Tensor"):
        losses.cross_entropy(Tensor([[1.0, 2.0]], requires_grad=True),
                             Tensor([1.0], requires_grad=True))


# ---- Value: every op against 0-d torch tensors ---------------------------------------------

VALUE_OPS = {
    "+": (lambda a, b: a + b, 2), "-": (lambda a, b: a - b, 2), "*": (lambda a, b: a * b, 2),
    "/": (lambda a, b: a / b, 2),
    "number +": (lambda a: 1.5 + a, 1), "number -": (lambda a: 1.5 - a, 1),
    "number *": (lambda a: -2.0 * a, 1), "number /": (lambda a: 3.0 / a, 1),
    "/ number": (lambda a: a / 0.25, 1), "/ 0": (lambda a: a / 0.0, 1),
    "neg": (lambda a: -a, 1),
    "exp": (lambda a: a.exp(), 1), "log": (lambda a: a.log(), 1),
    "tanh": (lambda a: a.tanh(), 1), "relu": (lambda a: a.relu(), 1),
    "sigmoid": (lambda a: a.sigmoid(), 1),
}
for _n in [0, 1, 2, 3, 0.5, -1, -0.5, 1.5, -2, 400]:
    VALUE_OPS[f"** {_n}"] = (lambda a, n=_n: a ** n, 1)
for _base in [0.0, 0.5, 2.0, 10.0]:
    VALUE_OPS[f"{_base} **"] = (lambda a, b=_base: b ** a, 1)
TORCH_FOR_VALUE = {"softplus": lambda t: torch.logaddexp(torch.zeros_like(t), t),
                   "relu": torch.relu, "sigmoid": torch.sigmoid}
VALUE_OPS["softplus"] = (lambda a: a.softplus(), 1)


@pytest.mark.parametrize("name", VALUE_OPS)
@examples
@given(data=st.data())
def test_value_ops_match_torch_or_refuse_what_is_undefined(name, data):
    op, arity = VALUE_OPS[name]
    inputs = [data.draw(numbers) for _ in range(arity)]
    if name in ("** 0.5", "** -0.5"):  # PyTorch's sqrt keeps the sign of -0 (see above)
        inputs = [0.0 if x == 0 else x for x in inputs]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    torch_op = (lambda t: TORCH_FOR_VALUE[name](t)) if name in TORCH_FOR_VALUE else op
    expected = torch_op(*theirs)
    ours = [Value(x) for x in inputs]
    if torch.isnan(expected):  # no value at all: Value says so instead of returning NaN
        with pytest.raises((ValueError, ZeroDivisionError), match="undefined|no real"):
            op(*ours)
        return
    out = op(*ours)
    out.backward()
    expected.backward()
    assert_same(out.data, expected.item(), f"{name}{inputs}: value")
    for value, tensor in zip(ours, theirs):
        reference = 0.0 if tensor.grad is None else tensor.grad.item()
        assert_same(value.grad, reference, f"{name}{inputs}: gradient")


def test_value_with_a_negative_base_and_a_value_exponent_is_refused_where_torch_gives_nan():
    exponent = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    ((-2.0) ** exponent).backward()
    assert torch.isnan(exponent.grad)
    with pytest.raises(ValueError, match="number ≥ 0 as the base"):
        (-2.0) ** Value(2.0)


@examples
@given(data=st.data(), n=st.integers(1, 3))
def test_weighted_sum_matches_torch(data, n):
    w, x = data.draw(arrays((n,))), data.draw(arrays((n,)))
    b = data.draw(numbers)
    ws, xs, bias = [Value(v) for v in w], [Value(v) for v in x], Value(b)
    out = Value.weighted_sum(ws, xs, bias)
    out.backward()
    tw, tx, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (w, x, b))
    expected = (tw * tx).sum() + tb
    expected.backward()
    magnitude = max(np.abs(w).max(), np.abs(x).max(), abs(b), 1.0)
    assert_same(out.data, expected.item(), "value", magnitude ** 2)
    assert_same([v.grad for v in ws + xs + [bias]],
                np.concatenate([tw.grad.numpy(), tx.grad.numpy(), [tb.grad.item()]]), "grads")


@examples
@given(data=st.data(), n=st.integers(1, 3))
def test_value_losses_match_torch_targets_included(data, n):
    logits = data.draw(arrays((n,), saturating))
    probabilities = data.draw(arrays((n,), st.floats(0, 1)))
    signs = data.draw(arrays((n,), st.sampled_from([-1.0, 1.0])))
    for name, ours, theirs, targets in [
            ("mse", losses.mse, F.mse_loss, probabilities),
            ("binary_cross_entropy", losses.binary_cross_entropy,
             F.binary_cross_entropy_with_logits, probabilities),
            ("hinge", losses.hinge, lambda p, t: torch.relu(1 - p * t).mean(), signs)]:
        predictions, target_values = [Value(v) for v in logits], [Value(v) for v in targets]
        out = ours(predictions, target_values)
        out.backward()
        tp, tt = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
                  for v in (logits, targets))
        expected = theirs(tp, tt)
        expected.backward()
        assert_same(out.data, expected.item(), f"{name}: value")
        assert_same([v.grad for v in predictions], tp.grad.numpy(), f"{name}: predictions")
        assert_same([v.grad for v in target_values], tt.grad.numpy(), f"{name}: targets")


@examples
@given(data=st.data(), n=st.integers(1, 3), n_classes=st.integers(2, 4))
def test_value_cross_entropy_matches_torch(data, n, n_classes):
    logits = data.draw(arrays((n, n_classes), saturating))
    classes = data.draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n))
    rows = [[Value(v) for v in row] for row in logits]
    out = losses.cross_entropy(rows, classes)
    out.backward()
    tz = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = F.cross_entropy(tz, torch.tensor(classes))
    expected.backward()
    assert_same(out.data, expected.item(), "value")
    assert_same([[v.grad for v in row] for row in rows], tz.grad.numpy(), "gradient")
