import re
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

from studypack import Tensor, no_grad
from helpers import BINARY_OPS, assert_close, numeric_grad_array


def arrays(shape, low=-2.0, high=2.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high))


small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)


def check_gradients(f, *inputs, rtol=1e-5, atol=1e-6):
    """f maps Tensors to a Tensor; compare the gradient of sum(f · weights) with numpy FD."""
    tensors = [Tensor(x, requires_grad=True) for x in inputs]
    out = f(*tensors)
    # a fixed random weighting makes every output element matter differently
    weights = np.random.default_rng(0).uniform(0.5, 1.5, out.shape)
    (out * weights).sum().backward()
    for i, t in enumerate(tensors):
        def scalar(x, i=i):
            args = [Tensor(a) for a in inputs]
            args[i] = Tensor(x)
            return float((f(*args).data * weights).sum())
        assert t.grad.shape == t.data.shape
        assert_close(t.grad, numeric_grad_array(scalar, inputs[i]), rtol=rtol, atol=atol)


BINARY = BINARY_OPS


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_binary_ops_broadcast_and_reduce_gradients_to_each_shape(name, data, shapes):
    a_shape, b_shape = shapes.input_shapes
    low = 0.5 if name in ("/", "**") else -2.0  # keep away from 0 and negative bases
    a = data.draw(arrays(a_shape, low=low if name == "**" else -2.0))
    b = data.draw(arrays(b_shape, low=low))
    check_gradients(BINARY[name], a, b, rtol=1e-4)


UNARY = {
    "exp": (lambda t: t.exp(), -2.0),
    "log": (lambda t: t.log(), 0.2),
    "tanh": (lambda t: t.tanh(), -2.0),
    "sigmoid": (lambda t: t.sigmoid(), -2.0),
    "softplus": (lambda t: t.softplus(), -2.0),
    "neg": (lambda t: -t, -2.0),
    "power 3": (lambda t: t ** 3, -2.0),
    "power -0.5": (lambda t: t ** -0.5, 0.2),
    "softmax": (lambda t: t.softmax(), -2.0),
    "softmax axis 0": (lambda t: t.softmax(axis=0), -2.0),
    "log_softmax": (lambda t: t.log_softmax(), -2.0),
    "sum": (lambda t: t.sum(), -2.0),
    "mean": (lambda t: t.mean(), -2.0),
    "reshape": (lambda t: t.reshape(-1), -2.0),
    "T": (lambda t: t.T, -2.0),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_ops_match_finite_differences(name, data):
    f, low = UNARY[name]
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    check_gradients(f, data.draw(arrays(shape, low=low)))


nonzero = st.floats(1e-3, 2.0) | st.floats(-2.0, -1e-3)


@given(x=hnp.arrays(np.float64, (3, 4), elements=nonzero))
def test_relu_matches_finite_differences_away_from_zero(x):
    check_gradients(lambda t: t.relu(), x)


@given(x=arrays((2, 3)))
def test_a_tensor_used_twice_gets_both_gradients(x):
    check_gradients(lambda t: t * t + t, x)


def test_a_chain_of_100000_tensor_ops_needs_no_recursion():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_relu_gradient_at_exactly_zero_is_zero():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]


@given(data=st.data())
def test_reductions_with_axis_and_keepdims(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    keepdims = data.draw(st.booleans())
    # values at least 0.01 apart: max has a unique winner that a finite-difference step
    # cannot overtake
    x = data.draw(hnp.arrays(np.float64, shape, unique=True,
                             elements=st.integers(-200, 200).map(lambda i: i / 100)))
    for reduce in ("sum", "mean", "max"):
        f = lambda t, r=reduce: getattr(t, r)(axis=axis, keepdims=keepdims)
        assert f(Tensor(x)).shape == getattr(x, reduce)(axis=axis, keepdims=keepdims).shape
        check_gradients(f, x)


def test_max_shares_the_gradient_between_ties():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]


MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2))]


@pytest.mark.parametrize("a_shape, b_shape", MATMUL_SHAPES)
def test_matmul_gradients_for_vectors_matrices_and_batches(a_shape, b_shape):
    rng = np.random.default_rng(1)
    check_gradients(lambda a, b: a @ b, rng.normal(size=a_shape), rng.normal(size=b_shape))


ACTIVATIONS = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh,
               "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@given(x=arrays((5, 3)), w=arrays((3, 4)), b=arrays((4,)))
def test_linear_is_an_activation_of_matmul_plus_bias(activation, x, w, b):
    if activation == "relu":  # finite differences are wrong at the kink
        assume(np.all(np.abs(x @ w + b) > 1e-3))
    check_gradients(lambda x, w, b: Tensor.linear(x, w, b, activation), x, w, b)
    out = Tensor.linear(x, Tensor(w), Tensor(b), activation)  # a plain array as the input
    assert np.allclose(out.data, ACTIVATIONS[activation](x @ w + b))


def test_linear_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation='gelu' is not one of"):
        Tensor.linear(np.ones((1, 2)), Tensor(np.ones((2, 2))), Tensor(np.ones(2)), "gelu")


INDEXES = [np.s_[1], np.s_[1:3], np.s_[:, 0], np.s_[::-1, 1:], np.s_[[0, 0, 2]],
           np.s_[[0, 1, 1], [2, 0, 0]], np.s_[np.array([True, False, True, False])]]


@pytest.mark.parametrize("index", INDEXES)
def test_indexing_sends_gradients_back_to_the_picked_elements(index):
    x = np.random.default_rng(2).normal(size=(4, 3))
    check_gradients(lambda t: t[index], x)


def test_an_element_picked_twice_gets_both_gradients():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0]


def test_transpose_with_axes_and_reshape_round_trip():
    x = np.arange(24.0).reshape(2, 3, 4)
    check_gradients(lambda t: t.transpose(1, 2, 0).reshape(4, 6) * 1.5, x)


def test_numbers_and_arrays_mix_with_tensors_on_either_side():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    m = np.array([[2.0, 0.0], [1.0, 1.0]])
    results = [2.0 * t, t * 2.0, m @ t, t @ m, t - m, m - t, 1.0 / t, m + t, 3 ** t]
    assert all(isinstance(r, Tensor) for r in results)
    sum(r.sum() for r in results).backward()
    expected = (2 + 2 + m.sum(axis=0)[:, None] + m.sum(axis=1)[None, :] + 1 - 1
                - 1 / t.data ** 2 + 1 + 3 ** t.data * np.log(3))
    assert_close(t.grad, np.broadcast_to(expected, (2, 2)))


@pytest.mark.parametrize("big", [1000.0, -1000.0, 800.0, -800.0])
def test_saturated_inputs_are_finite_without_warnings(big):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (lambda t: t.tanh(), lambda t: t.sigmoid(), lambda t: t.softplus(),
                  lambda t: t.softmax(), lambda t: t.log_softmax()):
            x = Tensor([big, -big, 0.0], requires_grad=True)
            out = f(x)
            (out * Tensor([1.0, 2.0, 3.0])).sum().backward()
            assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(x.grad))


def test_float32_on_request_stays_float32_and_agrees_with_float64():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(5, 3)), rng.normal(size=(3, 2))
    grads = {}
    for dtype in ("float32", "float64"):
        xt = Tensor(x, dtype=dtype)
        wt = Tensor(w, requires_grad=True, dtype=dtype)
        out = ((xt @ wt).tanh() * 2.0 + 1.0).log_softmax().mean()
        out.backward()
        assert out.dtype == wt.grad.dtype == np.dtype(dtype)
        grads[dtype] = wt.grad
    assert_close(grads["float32"], grads["float64"], rtol=1e-4, atol=1e-6)
    assert Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
    assert Tensor([1, 2]).dtype == np.float64


def test_no_grad_records_no_graph():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        out = (w * 3.0).sum()
    assert not out.requires_grad and out._parents == ()
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        out.backward()
    assert (w * 3.0).requires_grad  # recording is back on after the block


@pytest.mark.parametrize("make, message", [
    (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones(4)), r"\+: shapes \(2, 3\) and \(4,\)"),
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5))), r"@: shapes \(2, 3\) and \(4, 5\)"),
    (lambda: Tensor(np.ones((2, 3))).reshape(4), r"reshape: cannot reshape shape \(2, 3\)"),
    (lambda: Tensor.linear(Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5))), Tensor(np.ones(5))),
     r"linear: inputs \(2, 3\), weight \(4, 5\)"),
    (lambda: Tensor(np.ones(3), requires_grad=True).exp().backward(), r"shape \(3,\)"),
    (lambda: Tensor(np.ones((2, 3))).transpose(0, 0), r"transpose: axes \(0, 0\) .* shape \(2, 3\)"),
    (lambda: Tensor([1.0], dtype="int32"), "float32 or float64"),
])
def test_shape_mistakes_raise_value_errors_naming_the_shapes(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_backward_with_an_explicit_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(gradient=np.array([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 40.0]


def test_backward_twice_accumulates_into_leaves():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    y.zero_grad()
    assert x.grad.tolist() == [0.0, 0.0]


def mlp_graph(rng):
    x = Tensor(rng.normal(size=(6, 2)))
    w1 = Tensor(rng.normal(size=(2, 5)), requires_grad=True, label="W1")
    b1 = Tensor(rng.normal(size=5), requires_grad=True, label="b1")
    w2 = Tensor(rng.normal(size=(5, 3)), requires_grad=True, label="W2")
    hidden = (x @ w1 + b1).tanh()
    logits = Tensor.linear(hidden, w2, Tensor(np.zeros(3), requires_grad=True))
    loss = -logits.log_softmax()[np.arange(6), [0, 1, 2, 0, 1, 2]].mean() + (w1 * w1).sum() * 0.01
    return [w1, b1, w2], loss


@given(seed=st.integers(0, 1000))
def test_replaying_backward_steps_reproduces_backward_exactly(seed):
    params, loss = mlp_graph(np.random.default_rng(seed))
    loss.backward()
    expected = [p.grad.copy() for p in params]
    loss.zero_grad()

    replayed = {id(loss): np.ones(())}
    for step in loss.backward_steps():
        assert np.array_equal(step.upstream_grad, replayed[id(step.node)])
        previous = replayed.get(id(step.parent))
        replayed[id(step.parent)] = (np.array(step.contribution) if previous is None
                                     else previous + step.contribution)
    for p, grad in zip(params, expected):
        assert np.array_equal(replayed[id(p)], grad)
        assert np.array_equal(p.grad, grad)


def test_backward_steps_carry_a_readable_formula():
    params, loss = mlp_graph(np.random.default_rng(0))
    formulas = [step.formula for step in loss.backward_steps()]
    assert any(f.startswith("∂L/∂W1 += tensor(6, 2)ᵀ @ ∂L/∂out") for f in formulas)
    assert any(f.startswith("∂L/∂tanh(tensor(6, 2)@W1 + b1) += ∂L/∂out @ W2ᵀ") for f in formulas)
    assert any(re.search(r"∂L/∂out ⊙ \(1 - tanh\(.+W1.*\)²\)", f) for f in formulas)


def test_repr_and_conveniences():
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert repr(t) == "Tensor([1., 2.], requires_grad=True)"
    assert t.shape == (2,) and t.ndim == 1 and t.size == 2 and len(t) == 2
    assert t.sum().item() == 3.0
    assert not t.detach().requires_grad
