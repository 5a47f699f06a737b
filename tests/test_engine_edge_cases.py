"""The engine's edge cases without PyTorch (so the README's test command checks them too):
axis arguments in every form, powers at zero and negative bases, division by tiny numbers,
gradients of loss targets. tests/test_against_torch.py checks the same against PyTorch."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from helpers import assert_close, numeric_grad_array
from studypack import Tensor, Value, losses

pytestmark = pytest.mark.filterwarnings("error")

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def values(shape):
    # distinct and at least 0.1 apart, so finite differences never straddle a tie for max
    return hnp.arrays(np.float64, shape, elements=st.integers(-30, 30).map(lambda i: i / 10),
                      unique=True)


@st.composite
def axis_and_canonical(draw, ndim: int):
    """An axis argument in one of the forms numpy takes, and the same axes as non-negative ints."""
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    spelled = [draw(st.sampled_from([a, a - ndim, np.int64(a), np.int64(a - ndim), np.intp(a)]))
               for a in axes]
    form = draw(st.sampled_from(["int", "tuple", "list"])) if len(axes) == 1 else \
        draw(st.sampled_from(["tuple", "list"]))
    axis = spelled[0] if form == "int" else (tuple(spelled) if form == "tuple" else spelled)
    return axis, tuple(axes)


REDUCTIONS = ["sum", "mean", "max", "softmax", "log_softmax"]


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data(), keepdims=st.booleans())
def test_every_axis_form_gives_numpys_result_and_the_right_gradient(name, data, keepdims):
    shape = data.draw(shapes)
    x = data.draw(values(shape))
    axis, axes = data.draw(axis_and_canonical(len(shape)))
    kwargs = {} if name.endswith("softmax") else {"keepdims": keepdims}

    def forward(array, axis=axis):
        return getattr(Tensor(array), name)(axis=axis, **kwargs).data

    expected = {"sum": lambda a: a.sum(axis=axes, keepdims=keepdims),
                "mean": lambda a: a.mean(axis=axes, keepdims=keepdims),
                "max": lambda a: a.max(axis=axes, keepdims=keepdims),
                "softmax": lambda a: np.exp(a - a.max(axis=axes, keepdims=True))
                / np.exp(a - a.max(axis=axes, keepdims=True)).sum(axis=axes, keepdims=True),
                "log_softmax": lambda a: a - a.max(axis=axes, keepdims=True) - np.log(
                    np.exp(a - a.max(axis=axes, keepdims=True)).sum(axis=axes, keepdims=True)),
                }[name]
    np.testing.assert_allclose(forward(x), expected(x), rtol=1e-12, atol=1e-12)
    tensor = Tensor(x, requires_grad=True)
    out = getattr(tensor, name)(axis=axis, **kwargs)
    weights = np.random.default_rng(0).uniform(0.5, 1.5, out.shape)
    out.backward(gradient=weights)
    numeric = numeric_grad_array(lambda a: float((forward(a) * weights).sum()), x)
    assert_close(tensor.grad, numeric, rtol=1e-5, atol=1e-6)


@given(data=st.data())
def test_transpose_with_any_axis_spelling_sends_the_gradient_back_transposed(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3))
    ndim = len(shape)
    order = data.draw(st.permutations(range(ndim)))
    spelled = [data.draw(st.sampled_from([a, a - ndim, np.int64(a - ndim)])) for a in order]
    x = Tensor(np.arange(float(np.prod(shape, dtype=int))).reshape(shape), requires_grad=True)
    out = x.transpose(*spelled)
    assert out.data.tobytes() == x.data.transpose(order).tobytes()
    upstream = np.random.default_rng(1).uniform(size=out.shape)
    out.backward(gradient=upstream)
    np.testing.assert_array_equal(x.grad, upstream.transpose(np.argsort(order)))


@pytest.mark.parametrize("shape", [(2, 2), (3, 2), (2, 3)])
def test_transpose_minus_one_zero_on_square_and_other_shapes(shape):
    # issue 9: a wrong gradient on square shapes, a crash on others
    x = Tensor(np.arange(6.0)[:shape[0] * shape[1]].reshape(shape), requires_grad=True)
    weights = np.arange(1.0, 1.0 + x.size).reshape(shape[::-1])
    (x.transpose(-1, 0) * Tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad, weights.T)


@pytest.mark.parametrize("call, error, message", [
    (lambda t: t.sum(axis=2), np.exceptions.AxisError, "sum: axis 2 is out of bounds"),
    (lambda t: t.mean(axis=(0, -2)), ValueError, r"mean: axes \(0, -2\) name the same axis"),
    (lambda t: t.max(axis=-3), np.exceptions.AxisError, "max: axis -3 is out of bounds"),
    (lambda t: t.softmax(axis=2.0), TypeError, "softmax: axis must be an integer"),
    (lambda t: t.transpose(1, 1), ValueError, "transpose: axes .* the same axis twice"),
    (lambda t: t.transpose(1), ValueError, "not an ordering of the 2 axes of shape"),
    (lambda t: Tensor(1.0).sum(axis=1), np.exceptions.AxisError, "dimension 0"),
])
def test_wrong_axes_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(Tensor(np.ones((2, 3))))


# ---- powers and division: PyTorch's numbers, no NaN, no warnings --------------------------

@pytest.mark.parametrize("x, n, value, gradient", [
    (0.0, 0, 1.0, 0.0), (0.0, 1, 0.0, 1.0), (0.0, 2, 0.0, 0.0), (0.0, 1.5, 0.0, 0.0),
    (0.0, 0.5, 0.0, math.inf), (0.0, -1, math.inf, -math.inf), (-2.0, 0, 1.0, 0.0),
    (-2.0, 3, -8.0, 12.0), (-2.0, -1, -0.5, -0.25), (1e-170, -2, math.inf, -math.inf),
])
def test_number_powers_at_zero_and_below(x, n, value, gradient):
    for engine in (Value, Tensor):
        base = engine(x) if engine is Value else Tensor(x, requires_grad=True)
        out = base ** n
        out.backward()
        assert float(out.data) == value and float(base.grad) == gradient, engine.__name__


@pytest.mark.parametrize("a, b, value, d_a, d_b", [
    (0.0, 0.0, 1.0, 0.0, 0.0), (0.0, 2.0, 0.0, 0.0, 0.0), (0.0, 0.5, 0.0, math.inf, 0.0),
    (0.0, -1.0, math.inf, -math.inf, -math.inf), (2.0, 3.0, 8.0, 12.0, 8.0 * math.log(2.0)),
    (-2.0, 2.0, 4.0, -4.0, math.nan), (-2.0, 0.5, math.nan, math.nan, math.nan),
])
def test_tensor_exponents_give_pytorchs_values(a, b, value, d_a, d_b):
    base, exponent = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = base ** exponent
    out.backward()
    np.testing.assert_array_equal([out.data, base.grad, exponent.grad], [value, d_a, d_b])


def test_no_log_of_the_base_is_taken_when_the_exponent_needs_no_gradient():
    base = Tensor([0.0, -2.0, 3.0], requires_grad=True)
    out = base ** Tensor([2.0, 3.0, 0.0])  # the exponent is a constant
    out.sum().backward()
    np.testing.assert_array_equal(base.grad, [0.0, 12.0, 0.0])
    assert out._local_grads[1] is None
    base = Tensor([0.0, 2.0], requires_grad=True)
    (0.0 ** base).sum().backward()  # 0 ** x: the exponent's gradient is 0 for x ≥ 0
    np.testing.assert_array_equal(base.grad, [0.0, 0.0])


@given(a=st.floats(1e-200, 1e10), b=st.floats(1e-200, 1e-150))
def test_a_tiny_divisor_gets_the_gradient_minus_a_over_b_over_b(a, b):
    for engine in (Value, Tensor):
        numerator = engine(a) if engine is Value else Tensor(a, requires_grad=True)
        divisor = engine(b) if engine is Value else Tensor(b, requires_grad=True)
        (numerator / divisor).backward()
        with np.errstate(over="ignore"):
            expected = -(np.float64(a) / b) / b
        assert float(divisor.grad) == expected
        assert float(numerator.grad) == 1.0 / b


# ---- loss targets that need a gradient get one --------------------------------------------

@given(predictions=hnp.arrays(np.float64, 3, elements=st.floats(-3, 3)),
       targets=hnp.arrays(np.float64, 3, elements=st.floats(0, 1)))
def test_loss_targets_get_their_gradient_on_both_engines(predictions, targets):
    n = len(predictions)
    expected = {  # ∂loss/∂target, by hand
        "mse": -2 * (predictions - targets) / n,
        "binary_cross_entropy": -predictions / n,
        "hinge": np.where(1 - predictions * targets > 0, -predictions / n, 0.0),
    }
    for name, gradient in expected.items():
        loss = getattr(losses, name)
        p, t = Tensor(predictions.reshape(n, 1), requires_grad=True), Tensor(
            targets, requires_grad=True)
        loss(p, t).backward()
        assert_close(t.grad, gradient, rtol=1e-12, atol=1e-15)
        value_targets = [Value(v) for v in targets]
        loss([Value(v) for v in predictions], value_targets).backward()
        assert_close([v.grad for v in value_targets], gradient, rtol=1e-12, atol=1e-15)


def test_cross_entropy_class_indices_cannot_be_tensors():
    with pytest.raises(TypeError, match="class_indices must be integers"):
        losses.cross_entropy(Tensor([[0.0, 1.0]], requires_grad=True), Tensor([1.0]))


def test_gradcheck_reports_a_nan_gradient_even_next_to_a_right_one():
    from studypack.gradcheck import gradcheck

    def doubled_with_a_nan_gradient(x):
        local = np.array([2.0, np.nan])  # right for the first element, NaN for the second
        return Tensor.from_op(x.data * 2.0, (x,), "double", (local,)).sum()
    result = gradcheck(doubled_with_a_nan_gradient, [Tensor([1.0, 2.0], requires_grad=True)])
    assert not result.ok
    assert result.element == (1,) and result.max_relative_error == math.inf
    assert gradcheck(lambda v: v ** 2, [Value(3.0)]).ok
