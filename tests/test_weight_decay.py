"""Weight decay in studypack.optim: L2 regularisation as a gradient term, g = ∂L/∂p + λp.

Checked three ways: step by step against PyTorch's SGD, RMSprop and Adam with the same
`weight_decay` (float64); against the same optimiser without decay on the loss
L + λ/2·‖p‖² (the same gradient, so the same steps); and on its own (with no loss at all,
plain SGD shrinks every weight by the factor 1 − ηλ per step). PyTorch is imported at module
level, so conftest marks every test here `torch` (CI installs it); without it they skip.
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: these tests compare the optimisers with it. "
                    "Enable them with `.venv/bin/python -m pip install torch==2.13.0`")

from studypack import Tensor, Value  # noqa: E402
from studypack.optim import SGD, Adam, RMSProp  # noqa: E402

# name → (ours, PyTorch's), both given the parameters and the weight decay λ
OPTIMISERS = {
    "sgd": (lambda ps, wd: SGD(ps, 0.05, weight_decay=wd),
            lambda ps, wd: torch.optim.SGD(ps, lr=0.05, weight_decay=wd)),
    "momentum": (lambda ps, wd: SGD(ps, 0.02, momentum=0.9, weight_decay=wd),
                 lambda ps, wd: torch.optim.SGD(ps, lr=0.02, momentum=0.9, weight_decay=wd)),
    "adam": (lambda ps, wd: Adam(ps, 0.05, weight_decay=wd),
             lambda ps, wd: torch.optim.Adam(ps, lr=0.05, weight_decay=wd)),
    "adam-betas": (lambda ps, wd: Adam(ps, 0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=wd),
                   lambda ps, wd: torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6,
                                                   weight_decay=wd)),
    "rmsprop": (lambda ps, wd: RMSProp(ps, 0.01, weight_decay=wd),
                lambda ps, wd: torch.optim.RMSprop(ps, lr=0.01, weight_decay=wd)),
}
TARGETS = [1.0, -2.0, 0.5]


def loss(p, q, targets):
    """A non-quadratic loss of two parameter arrays, written once for both libraries."""
    return (((p - targets) ** 2) * 3.0).sum() + ((p * q) ** 2).sum() + (q ** 4).sum() * 0.1


def start(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.5, 3), rng.normal(0.0, 1.5, 3)


@pytest.mark.parametrize("weight_decay", [0.0, 0.01, 0.5])
@pytest.mark.parametrize("name", OPTIMISERS)
def test_steps_like_pytorch_with_weight_decay(name, weight_decay):
    ours_make, theirs_make = OPTIMISERS[name]
    start_p, start_q = start(len(name) + int(weight_decay * 100))
    p, q = Tensor(start_p.copy(), requires_grad=True), Tensor(start_q.copy(), requires_grad=True)
    tp = torch.tensor(start_p, dtype=torch.float64, requires_grad=True)
    tq = torch.tensor(start_q, dtype=torch.float64, requires_grad=True)
    ours, theirs = ours_make([p, q], weight_decay), theirs_make([tp, tq], weight_decay)
    torch_targets = torch.tensor(TARGETS, dtype=torch.float64)
    for step in range(30):
        ours.zero_grad()
        loss(p, q, Tensor(TARGETS)).backward()
        ours.step()
        theirs.zero_grad()
        loss(tp, tq, torch_targets).backward()
        theirs.step()
        for mine, reference in ((p, tp), (q, tq)):
            np.testing.assert_allclose(mine.data, reference.detach().numpy(), rtol=1e-9,
                                       atol=1e-12, err_msg=f"{name}, λ = {weight_decay}: step {step}")
        # weight decay is a term of the gradient the step uses, not of the stored .grad
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", OPTIMISERS)
def test_weight_decay_equals_half_lambda_squared_norm_added_to_the_loss(name):
    """λ in the optimiser and λ/2·‖p‖² in the loss give the same gradient, so the same run."""
    ours_make, _ = OPTIMISERS[name]
    weight_decay = 0.3
    start_p, start_q = start(7)
    decayed = [Tensor(start_p.copy(), requires_grad=True), Tensor(start_q.copy(), requires_grad=True)]
    penalised = [Tensor(start_p.copy(), requires_grad=True), Tensor(start_q.copy(), requires_grad=True)]
    with_decay, without = ours_make(decayed, weight_decay), ours_make(penalised, 0.0)
    for step in range(30):
        with_decay.zero_grad()
        loss(*decayed, Tensor(TARGETS)).backward()
        with_decay.step()
        without.zero_grad()
        penalty = sum((w * w).sum() for w in penalised) * (weight_decay / 2)
        (loss(*penalised, Tensor(TARGETS)) + penalty).backward()
        without.step()
        for a, b in zip(decayed, penalised):
            np.testing.assert_allclose(a.data, b.data, rtol=1e-9, atol=1e-12,
                                       err_msg=f"{name}: step {step}")


def test_weight_decay_on_values_equals_the_penalty_too():
    """Scalar Values (the engine's other kind of parameter) get the same treatment."""
    decayed = [Value(1.5), Value(-0.5)]
    penalised = [Value(1.5), Value(-0.5)]
    with_decay = SGD(decayed, 0.1, momentum=0.5, weight_decay=0.2)
    without = SGD(penalised, 0.1, momentum=0.5)
    for _ in range(20):
        with_decay.zero_grad()
        ((decayed[0] * decayed[1] - 1) ** 2).backward()
        with_decay.step()
        without.zero_grad()
        a, b = penalised
        ((a * b - 1) ** 2 + (a * a + b * b) * 0.1).backward()
        without.step()
        for x, y in zip(decayed, penalised):
            assert math.isclose(x.data, y.data, rel_tol=1e-12, abs_tol=1e-15)


@given(weight=st.floats(-10, 10), learning_rate=st.floats(0.001, 1.0),
       weight_decay=st.floats(0.0, 0.9), steps=st.integers(1, 20))
def test_with_no_loss_sgd_shrinks_each_weight_by_one_minus_eta_lambda_per_step(
        weight, learning_rate, weight_decay, steps):
    w = Tensor([weight], requires_grad=True)
    optimiser = SGD([w], learning_rate, weight_decay=weight_decay)
    for _ in range(steps):
        optimiser.zero_grad()  # ∂L/∂w = 0: only the decay acts
        optimiser.step()
    expected = weight * (1 - learning_rate * weight_decay) ** steps
    assert math.isclose(w.data[0], expected, rel_tol=1e-9, abs_tol=1e-300)


@pytest.mark.parametrize("make", [lambda ps, **wd: SGD(ps, 0.05, **wd),
                                  lambda ps, **wd: SGD(ps, 0.02, momentum=0.9, **wd),
                                  lambda ps, **wd: Adam(ps, 0.05, **wd),
                                  lambda ps, **wd: RMSProp(ps, 0.01, **wd)])
def test_no_weight_decay_is_the_optimiser_as_before(make):
    """weight_decay=0 steps exactly, bit for bit, like leaving it out (the default)."""
    start_p, start_q = start(3)
    runs = []
    for options in ({}, {"weight_decay": 0.0}):
        params = [Tensor(start_p.copy(), requires_grad=True), Tensor(start_q.copy(), requires_grad=True)]
        optimiser = make(params, **options)
        assert optimiser.weight_decay == 0.0
        for _ in range(10):
            optimiser.zero_grad()
            loss(*params, Tensor(TARGETS)).backward()
            optimiser.step()
        runs.append([param.data.copy() for param in params])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("optimiser", [SGD, Adam, RMSProp])
@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf, "0.1", True, None])
def test_a_bad_weight_decay_is_refused_with_a_clear_message(optimiser, bad):
    with pytest.raises(ValueError, match=r"^weight_decay must be a number ≥ 0, got "):
        optimiser([Value(1.0)], 0.1, weight_decay=bad)
