import numpy as np
import pytest
from hypothesis import given, strategies as st

from studypack import Tensor, Value
from studypack import datasets, losses
from studypack.gradcheck import gradcheck
from studypack.nn import MLP, Linear
from studypack.optim import SGD, Adam
from helpers import assert_close


def train_moons(steps=300):
    X, y = datasets.moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    optimizer = SGD(model.parameters(), learning_rate=0.5, momentum=0.9)
    for _ in range(steps):
        loss = losses.binary_cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    accuracy = ((model(X).data[:, 0] > 0) == y).mean()
    return loss.item(), accuracy


def test_an_mlp_learns_moons():
    loss, accuracy = train_moons()
    assert accuracy >= 0.97
    assert loss < 0.1


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_value_and_tensor_networks_give_the_same_gradients(activation):
    X, y = datasets.moons(8, noise=0.1, seed=1)
    as_tensor = MLP(2, [4, 3, 1], activation=activation, seed=7)
    as_values = MLP(2, [4, 3, 1], activation=activation, engine="value", seed=7)

    losses.mse(as_tensor(X), y).backward()
    losses.mse([as_values(list(x)) for x in X], y).backward()

    for tensor_layer, value_layer in zip(as_tensor.layers, as_values.layers):
        value_weight = np.array([[w.grad for w in column] for column in value_layer.weight]).T
        assert_close(value_weight, tensor_layer.weight.grad, rtol=1e-9, atol=1e-12)
        assert_close([b.grad for b in value_layer.bias], tensor_layer.bias.grad,
                     rtol=1e-9, atol=1e-12)


def test_value_engine_mlp_returns_one_value_for_one_output():
    model = MLP(2, [3, 1], engine="value", seed=0)
    assert isinstance(model([0.5, -1.0]), Value)
    assert len(model.parameters()) == 2 * 3 + 3 + 3 * 1 + 1
    assert len(MLP(2, [3, 2], engine="value", seed=0)([0.5, -1.0])) == 2


def test_modules_zero_their_gradients_and_describe_themselves():
    model = MLP(2, [3, 1], seed=0)
    losses.mse(model(np.ones((4, 2))), np.zeros(4)).backward()
    assert any(np.any(p.grad != 0) for p in model.parameters())
    model.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())
    assert repr(model) == "MLP(2 → 3 relu → 1, engine='tensor')"
    assert repr(Linear(2, 3)) == "Linear(2 → 3, engine='tensor')"
    assert repr(Linear(2, 3, "tanh", engine="value")) == "Linear(2 → 3 tanh, engine='value')"


@pytest.mark.parametrize("make, message", [
    (lambda: MLP(2, [3], activation="gelu"), "activation='gelu' is not one of"),
    (lambda: MLP(2, [3], engine="torch"), "engine='torch' is not one of"),
    (lambda: SGD([], learning_rate=0.1), "got no parameters"),
    (lambda: SGD([Value(1.0)], learning_rate=-1), "learning_rate must be a positive"),
    (lambda: SGD([Value(1.0)], learning_rate=0.1, momentum=1.0), "momentum must be in"),
    (lambda: losses.mse(Tensor(np.ones((3, 1))), np.ones(4)), r"shape \(3, 1\) but targets"),
    (lambda: losses.cross_entropy(Tensor(np.ones((2, 3))), [0, 3]), "must be in 0..2"),
])
def test_mistakes_raise_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_sgd_with_momentum_follows_its_update_rule():
    p = Value(1.0)
    optimizer = SGD([p], learning_rate=0.1, momentum=0.9)
    for expected_velocity, expected_data in [(2.0, 0.8), (0.9 * 2.0 + 1.6, 0.8 - 0.1 * 3.4)]:
        optimizer.zero_grad()
        (p * p).backward()        # gradient 2p
        optimizer.step()
        assert optimizer.velocities[0] == pytest.approx(expected_velocity)
        assert p.data == pytest.approx(expected_data)


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    w = Tensor([3.0, -2.0, 0.5], requires_grad=True)
    optimizer = Adam([w], learning_rate=0.01)
    (w * Tensor([5.0, -0.001, 2.0])).sum().backward()
    optimizer.step()
    assert_close(w.data, [3.0 - 0.01, -2.0 + 0.01, 0.5 - 0.01], rtol=1e-6)


@pytest.mark.parametrize("optimizer", [lambda p: SGD(p, 0.1), lambda p: SGD(p, 0.05, 0.9),
                                       lambda p: Adam(p, 0.1)])
def test_optimisers_minimise_a_bowl_on_both_engines(optimizer):
    for params, loss in [
        ([Value(3.0), Value(-2.0)], lambda a, b: (a - 1) ** 2 + 2 * (b + 1) ** 2),
        ([Tensor([3.0, -2.0], requires_grad=True)],
         lambda t: ((t - Tensor([1.0, -1.0])) ** 2 * Tensor([1.0, 2.0])).sum()),
    ]:
        opt = optimizer(params)
        for _ in range(300):
            opt.zero_grad()
            loss(*params).backward()
            opt.step()
        assert loss(*params).data == pytest.approx(0.0, abs=1e-6)


def test_losses_match_their_formulas_on_both_engines():
    rng = np.random.default_rng(0)
    logits, classes = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])
    z, y01 = rng.normal(size=5), np.array([0, 1, 1, 0, 1])
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    sigma = 1 / (1 + np.exp(-z))
    expected = {
        "cross_entropy": -log_probs[np.arange(5), classes].mean(),
        "binary_cross_entropy": -(y01 * np.log(sigma) + (1 - y01) * np.log(1 - sigma)).mean(),
        "hinge": np.maximum(0, 1 - (2 * y01 - 1) * z).mean(),
        "mse": ((z - y01) ** 2).mean(),
    }
    for name, value in expected.items():
        loss = getattr(losses, name)
        if name == "cross_entropy":
            as_tensor = loss(Tensor(logits), classes)
            as_values = loss([[Value(v) for v in row] for row in logits], classes)
        else:
            targets = 2 * y01 - 1 if name == "hinge" else y01
            as_tensor = loss(Tensor(z), targets)
            as_values = loss([Value(v) for v in z], targets)
        assert as_tensor.item() == pytest.approx(value)
        assert as_values.data == pytest.approx(value)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = Tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], requires_grad=True)
    loss = losses.cross_entropy(logits, [1, 2])
    loss.backward()
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx((2000.0 + np.log1p(np.e)) / 2)
    assert np.all(np.isfinite(logits.grad))
    values = [Value(1000.0), Value(-1000.0)]
    assert losses.cross_entropy(values, 1).data == pytest.approx(2000.0)


def test_mse_matches_a_column_of_predictions_with_a_row_of_targets():
    predictions = Tensor(np.array([[1.0], [2.0], [3.0]]))
    assert losses.mse(predictions, np.array([1.0, 2.0, 5.0])).item() == pytest.approx(4 / 3)


def test_gradcheck_passes_a_correct_gradient_and_points_at_a_wrong_one():
    result = gradcheck(lambda a, b: (a * b + a ** 2).tanh(), [Value(0.3), Value(-0.7)])
    assert result.ok and result.checked == 2 and result.max_relative_error < 1e-7
    assert "gradcheck ok" in str(result)

    def wrong_square(x):  # claims d(x²)/dx = x instead of 2x
        return Value(x.data ** 2, "", (x,), (x.data,), "**2")
    result = gradcheck(lambda a, b: a * wrong_square(b), [Value(2.0), Value(3.0)])
    assert not result.ok
    assert (result.input_index, result.element) == (1, None)
    assert (result.analytic, result.numeric) == (pytest.approx(6.0), pytest.approx(12.0))
    assert "MISMATCH" in str(result)


@given(seed=st.integers(0, 10_000))
def test_gradcheck_of_a_tensor_network(seed):
    rng = np.random.default_rng(seed)
    x = Tensor(rng.normal(size=(4, 3)))
    w = Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = Tensor(rng.normal(size=2), requires_grad=True)
    result = gradcheck(lambda w, b: losses.cross_entropy(Tensor.linear(x, w, b).tanh(), [0, 1, 1, 0]),
                       [w, b])
    assert result.ok, str(result)
    assert result.checked == 8


def test_gradcheck_reports_the_element_of_a_tensor():
    w = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)

    def broken(t):  # gradient of element [1, 0] is lost: .data escapes the graph
        return (t * t).sum() + Tensor(t.data[1, 0] ** 3)
    result = gradcheck(broken, [w])
    assert not result.ok and result.element == (1, 0)


@pytest.mark.parametrize("make", [datasets.moons, datasets.spirals, datasets.blobs])
def test_classification_datasets_are_seeded_and_balanced(make):
    X, y = make(n_samples=90, seed=4)
    X2, y2 = make(n_samples=90, seed=4)
    assert X.shape == (90, 2) and y.shape == (90,)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    assert not np.array_equal(make(n_samples=90, seed=5)[0], X)


def test_regression_line_follows_its_slope():
    x, y = datasets.line(200, slope=2.0, intercept=-1.0, noise=0.1, seed=0)
    slope, intercept = np.polyfit(x[:, 0], y, 1)
    assert slope == pytest.approx(2.0, abs=0.1) and intercept == pytest.approx(-1.0, abs=0.1)
