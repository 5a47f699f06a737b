"""RMSProp and the learning-rate schedules: by hand, against PyTorch, and their properties.

Every optimiser (SGD, SGD with momentum, RMSProp, Adam), alone or driven by a schedule, must
take the same steps as PyTorch's in float64. The PyTorch tests skip when torch is missing, as
in test_against_torch.py.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from studypack import Tensor, Value
from studypack.optim import (SGD, Adam, CosineDecay, LinearWarmup, RMSProp, Scheduler,
                             StepDecay)


def minimise(optimizer_class, start, steps, scale=1.0, **options):
    """Values after `steps` steps on scale · Σ (pᵢ - 1)² · i-th weight: one scalar per axis."""
    weights = [1.0, 10.0, 0.1][:len(start)]
    params = [Value(float(p)) for p in start]
    optimizer = optimizer_class(params, **options)
    for _ in range(steps):
        optimizer.zero_grad()
        sum(scale * c * (p - 1.0) ** 2 for c, p in zip(weights, params)).backward()
        optimizer.step()
    return np.array([p.data for p in params])


# ---- by hand -------------------------------------------------------------------------------

def test_rmsprop_steps_by_hand():
    p = Value(1.0)
    optimizer = RMSProp([p], learning_rate=0.01)   # α = 0.99
    (p * p).backward()                             # g = 2
    optimizer.step()
    # s = 0.01 · 4 = 0.04, step = 0.01 · 2 / 0.2 = 0.1: ten times the learning rate
    assert optimizer.square_averages[0] == pytest.approx(0.04)
    assert p.data == pytest.approx(1.0 - 0.1)
    optimizer.zero_grad()
    (p * p).backward()                             # g = 1.8
    optimizer.step()
    s = 0.99 * 0.04 + 0.01 * 1.8 ** 2
    assert optimizer.square_averages[0] == pytest.approx(s)
    assert p.data == pytest.approx(0.9 - 0.01 * 1.8 / math.sqrt(s))


def test_rmsprop_works_on_tensors_per_entry():
    w = Tensor([2.0, -3.0], requires_grad=True)
    optimizer = RMSProp([w], learning_rate=0.1, alpha=0.5)
    (w * Tensor([4.0, 0.01])).sum().backward()    # g = (4, 0.01): very different sizes
    optimizer.step()
    # each entry moves by lr · g / √(0.5 g²) = lr · √2, whatever the gradient's size
    np.testing.assert_allclose(w.data, [2.0 - 0.1 * math.sqrt(2), -3.0 - 0.1 * math.sqrt(2)],
                               rtol=1e-7)


def test_schedules_at_chosen_steps():
    step = StepDecay(0.1, every=10, factor=0.5)
    assert [step(t) for t in (0, 9, 10, 19, 20, 25)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    cosine = CosineDecay(1.0, total_steps=100)
    assert [cosine(t) for t in (0, 50, 100, 150)] == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-15)
    assert cosine(25) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    assert CosineDecay(1.0, 100, minimum=0.1)(50) == pytest.approx(0.55)
    warmup = LinearWarmup(0.1, warmup_steps=5)
    assert [warmup(t) for t in range(7)] == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1])
    then_cosine = LinearWarmup(0.1, 5, after=CosineDecay(0.1, 10))
    assert [then_cosine(t) for t in (0, 4, 5, 10, 15, 30)] == pytest.approx(
        [0.02, 0.1, 0.1, 0.05, 0.0, 0.0], abs=1e-15)
    assert repr(then_cosine) == ("LinearWarmup(peak=0.1, warmup_steps=5, after=CosineDecay("
                                 "initial=0.1, total_steps=10, minimum=0))")


def test_a_scheduler_hands_the_schedule_to_the_optimizer():
    p = Value(0.0)
    optimizer = SGD([p], learning_rate=1.0)
    scheduler = Scheduler(optimizer, StepDecay(0.1, every=2, factor=0.5))
    seen = []
    for _ in range(5):
        seen.append(optimizer.learning_rate)
        optimizer.zero_grad()
        (p - 1.0).backward()                       # g = 1: each step moves p by -η_t
        optimizer.step()
        scheduler.step()
    assert seen == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert p.data == pytest.approx(-sum(seen))


@pytest.mark.parametrize("make, message", [
    (lambda: RMSProp([Value(1.0)], alpha=1.0), "alpha must be in"),
    (lambda: RMSProp([Value(1.0)], learning_rate=0), "learning_rate must be a positive"),
    (lambda: StepDecay(0.1, every=0), "every must be a whole number of steps"),
    (lambda: StepDecay(0.1, every=2.5), "every must be a whole number of steps"),
    (lambda: StepDecay(-0.1, every=2), "initial must be a positive number"),
    (lambda: StepDecay(0.1, every=2, factor=1.5), r"factor must be in \(0, 1\]"),
    (lambda: CosineDecay(0.1, 10, minimum=0.2), r"minimum must be in \[0, initial = 0.1\]"),
    (lambda: CosineDecay(0.1, True), "total_steps must be a whole number"),
    (lambda: LinearWarmup(0.1, 0), "warmup_steps must be a whole number"),
    (lambda: LinearWarmup(0.1, 3, after=0.5), "after must be a schedule"),
    (lambda: StepDecay(0.1, 2)(-1), "the step t must be a whole number ≥ 0"),
    (lambda: CosineDecay(0.1, 2)(1.5), "the step t must be a whole number ≥ 0"),
    (lambda: Scheduler(SGD([Value(1.0)], 0.1), 0.5), "schedule must be a function"),
])
def test_mistakes_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_schedules_accept_numpy_step_numbers():
    assert StepDecay(1.0, 2, 0.5)(np.int64(4)) == 0.25


# ---- properties ----------------------------------------------------------------------------

rates = st.floats(1e-4, 10.0)
counts = st.integers(1, 200)
steps = st.integers(0, 1000)


@given(rates, counts, st.floats(0.01, 1.0), steps)
def test_step_decay_is_the_initial_rate_times_a_power_of_the_factor(initial, every, factor, t):
    schedule = StepDecay(initial, every, factor)
    assert schedule(t) == pytest.approx(initial * factor ** (t // every), rel=1e-12)
    assert schedule(t + 1) <= schedule(t)


@given(rates, counts, st.floats(0.0, 1.0), steps)
def test_cosine_falls_from_initial_to_minimum_symmetrically(initial, total, fraction, t):
    minimum = fraction * initial
    schedule = CosineDecay(initial, total, minimum)
    assert minimum - 1e-12 <= schedule(t) <= initial + 1e-12
    assert schedule(t + 1) <= schedule(t) + 1e-12
    if t <= total:  # half a cosine: η(t) and η(T - t) add up to η₀ + η_min
        assert schedule(t) + schedule(total - t) == pytest.approx(initial + minimum, rel=1e-9)
    else:
        assert schedule(t) == minimum


@given(rates, counts, steps)
def test_warmup_climbs_in_equal_steps_to_the_peak(peak, warmup, t):
    schedule = LinearWarmup(peak, warmup)
    if t < warmup:
        assert schedule(t) == pytest.approx(peak * (t + 1) / warmup)
    if t + 1 < warmup:
        assert schedule(t + 1) - schedule(t) == pytest.approx(peak / warmup, abs=1e-12 * peak)
    if t >= warmup - 1:
        assert schedule(t) == pytest.approx(peak, rel=1e-15)


@given(st.floats(-1e3, 1e3).filter(lambda g: abs(g) > 0.1), st.floats(0.0, 0.999),
       st.floats(1e-3, 1.0))
def test_rmsprop_first_step_has_a_size_set_by_the_rate_alone(gradient, alpha, learning_rate):
    p = Value(0.0)
    optimizer = RMSProp([p], learning_rate=learning_rate, alpha=alpha)
    p.grad = gradient
    optimizer.step()
    # -lr · g / √((1-α) g²) = -lr · sign(g) / √(1-α)  (ε = 1e-8 is negligible for |g| > 0.1)
    assert p.data == pytest.approx(-math.copysign(learning_rate / math.sqrt(1 - alpha), gradient),
                                   rel=1e-6)


@pytest.mark.parametrize("optimizer_class", [RMSProp, Adam])
@given(scale=st.floats(1e-2, 1e3))
def test_per_parameter_steps_do_not_depend_on_the_gradients_scale(optimizer_class, scale):
    """Multiplying the loss by any c > 0 leaves RMSProp's and Adam's steps (almost) unchanged."""
    plain = minimise(optimizer_class, [3.0, -2.0, 5.0], 15, learning_rate=0.05)
    scaled = minimise(optimizer_class, [3.0, -2.0, 5.0], 15, scale=scale, learning_rate=0.05)
    np.testing.assert_allclose(scaled, plain, rtol=1e-5)


def test_sgd_steps_do_depend_on_the_gradients_scale():
    assert not np.allclose(minimise(SGD, [3.0, -2.0, 5.0], 5, learning_rate=0.01),
                           minimise(SGD, [3.0, -2.0, 5.0], 5, scale=2.0, learning_rate=0.01))


# ---- against PyTorch -----------------------------------------------------------------------

def _torch():
    return pytest.importorskip(
        "torch", reason="PyTorch is not installed: these tests compare the optimisers with it. "
                        "Enable them with `.venv/bin/python -m pip install torch==2.13.0`")


def _loss(p, q, library):
    """The same non-quadratic loss of two parameter arrays in the engine and in torch."""
    targets = [1.0, -2.0, 0.5]
    if library == "torch":
        import torch
        targets = torch.tensor(targets, dtype=torch.float64)
    else:
        targets = Tensor(targets)
    return (((p - targets) ** 2) * 3.0).sum() + ((p * q) ** 2).sum() + (q ** 4).sum() * 0.1


OPTIMISERS = {
    "sgd": (lambda ps: SGD(ps, 0.01), lambda t, ps: t.optim.SGD(ps, lr=0.01)),
    "momentum": (lambda ps: SGD(ps, 0.01, momentum=0.9),
                 lambda t, ps: t.optim.SGD(ps, lr=0.01, momentum=0.9)),
    "rmsprop": (lambda ps: RMSProp(ps, 0.01), lambda t, ps: t.optim.RMSprop(ps, lr=0.01)),
    "rmsprop-alpha": (lambda ps: RMSProp(ps, 0.05, alpha=0.9, eps=1e-6),
                      lambda t, ps: t.optim.RMSprop(ps, lr=0.05, alpha=0.9, eps=1e-6)),
    "adam": (lambda ps: Adam(ps, 0.05), lambda t, ps: t.optim.Adam(ps, lr=0.05)),
    "adam-betas": (lambda ps: Adam(ps, 0.02, betas=(0.8, 0.99), eps=1e-6),
                   lambda t, ps: t.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
}
SCHEDULES = {
    "constant": (None, None),
    "step": (lambda: StepDecay(1.0, every=4, factor=0.5),
             lambda t, o: t.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5)),
    "cosine": (lambda: CosineDecay(1.0, total_steps=25, minimum=0.1),
               lambda t, o: t.optim.lr_scheduler.CosineAnnealingLR(
                   o, T_max=25, eta_min=0.1 * o.defaults["lr"])),  # torch: an absolute rate
    "warmup": (lambda: LinearWarmup(1.0, warmup_steps=6),
               lambda t, o: t.optim.lr_scheduler.LinearLR(o, start_factor=1 / 6, end_factor=1.0,
                                                          total_iters=5)),
}


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("name", OPTIMISERS)
def test_every_optimiser_steps_like_pytorch(name, schedule):
    """25 steps from the same start: the same parameters at every step. PyTorch's schedulers
    multiply the optimiser's own rate, so ours is given η₀ · schedule(t) with schedule(0) = 1
    (a warm-up's is 1/6 at t = 0, like LinearLR's start_factor)."""
    torch = _torch()
    ours_make, theirs_make = OPTIMISERS[name]
    make_schedule, make_torch_schedule = SCHEDULES[schedule]
    rng = np.random.default_rng(len(name) * 7 + len(schedule))
    start_p, start_q = rng.normal(0.0, 1.0, 3), rng.normal(0.0, 1.0, 3)
    p, q = Tensor(start_p.copy(), requires_grad=True), Tensor(start_q.copy(), requires_grad=True)
    tp = torch.tensor(start_p, dtype=torch.float64, requires_grad=True)
    tq = torch.tensor(start_q, dtype=torch.float64, requires_grad=True)
    ours, theirs = ours_make([p, q]), theirs_make(torch, [tp, tq])
    base = ours.learning_rate
    ours_scheduler = theirs_scheduler = None
    if make_schedule:
        schedule_fn = make_schedule()
        ours_scheduler = Scheduler(ours, lambda t: base * schedule_fn(t))
        theirs_scheduler = make_torch_schedule(torch, theirs)
    for step in range(25):
        assert ours.learning_rate == pytest.approx(theirs.param_groups[0]["lr"], rel=1e-12), step
        ours.zero_grad()
        _loss(p, q, "ours").backward()
        ours.step()
        theirs.zero_grad()
        _loss(tp, tq, "torch").backward()
        theirs.step()
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name}, {schedule}: step {step}")
        np.testing.assert_allclose(q.data, tq.detach().numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name}, {schedule}: step {step}")
        if ours_scheduler:
            ours_scheduler.step()
            theirs_scheduler.step()


def test_rmsprop_state_matches_pytorchs():
    torch = _torch()
    w = Tensor([0.3, -1.2], requires_grad=True)
    tw = torch.tensor([0.3, -1.2], dtype=torch.float64, requires_grad=True)
    ours, theirs = RMSProp([w], 0.01), torch.optim.RMSprop([tw], lr=0.01)
    for _ in range(3):
        ours.zero_grad()
        (w ** 3).sum().backward()
        ours.step()
        theirs.zero_grad()
        (tw ** 3).sum().backward()
        theirs.step()
    np.testing.assert_allclose(ours.square_averages[0],
                               theirs.state[tw]["square_avg"].numpy(), rtol=1e-12)
