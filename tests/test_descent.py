"""Gradient descent on the lesson's bowls, checked against the closed forms (1 - ηc)^k."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import png_pixels
from studypack.viz.descent import (BOWL, CONVERGED_LOSS, PARABOLA, DescentPlot, Quadratic,
                                   run_descent)


@pytest.mark.parametrize("learning_rate", [0.01, 0.125, 0.375, 0.49])
def test_plain_descent_on_the_parabola_multiplies_x_by_one_minus_eta_L(learning_rate):
    run = run_descent(PARABOLA, (3.0,), learning_rate, steps=30)
    k = np.arange(31)
    x = 3.0 * (1 - learning_rate * 4.0) ** k
    np.testing.assert_allclose(run.path[:, 0], x, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(run.losses, 2 * x ** 2, rtol=1e-12, atol=1e-300)
    assert not run.diverged


def test_each_axis_of_the_bowl_shrinks_by_its_own_factor():
    run = run_descent(BOWL, (3.0, 1.5), 0.09, steps=40)
    k = np.arange(41)
    np.testing.assert_allclose(run.path[:, 0], 3.0 * 0.91 ** k, rtol=1e-12)
    np.testing.assert_allclose(run.path[:, 1], 1.5 * (1 - 20 * 0.09) ** k, rtol=1e-10, atol=1e-300)


def test_momentum_follows_the_heavy_ball_recurrence():
    learning_rate, momentum = 0.05, 0.9
    run = run_descent(BOWL, (3.0, 1.5), learning_rate, steps=60, momentum=momentum)
    w, velocity = np.array([3.0, 1.5]), np.zeros(2)
    expected = [w.copy()]
    for _ in range(60):
        velocity = momentum * velocity + np.array([1.0, 20.0]) * w
        w = w - learning_rate * velocity
        expected.append(w.copy())
    np.testing.assert_allclose(run.path, expected, rtol=1e-9, atol=1e-12)


def test_a_diverging_run_stops_at_the_first_loss_past_the_limit_and_keeps_only_finite_numbers():
    run = run_descent(PARABOLA, (3.0,), 2.0, steps=50)   # x ← -7x, loss 18·49^k
    assert run.diverged and run.outcome == "diverged"
    assert run.steps_taken == 3                          # 18·49² = 43218 ≤ 1e6 < 18·49³
    np.testing.assert_allclose(run.losses, 18 * 49.0 ** np.arange(4))
    assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    assert run.summary() == "diverged after 3 steps: the loss grew past 1e+06"


def test_thresholds_are_two_over_the_largest_curvature():
    assert PARABOLA.largest_curvature == 4.0 and PARABOLA.learning_rate_limit() == 0.5
    assert BOWL.largest_curvature == 20.0 and BOWL.learning_rate_limit() == 0.1
    assert BOWL.learning_rate_limit(momentum=0.5) == pytest.approx(0.15)


@pytest.mark.parametrize("problem", [PARABOLA, BOWL])
@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_runs_just_below_the_limit_shrink_and_just_above_grow(problem, momentum):
    start = (3.0, 1.5)[:len(problem.curvatures)]
    limit = problem.learning_rate_limit(momentum)
    below = run_descent(problem, start, 0.97 * limit, steps=200, momentum=momentum)
    above = run_descent(problem, start, 1.03 * limit, steps=200, momentum=momentum)
    assert below.losses[-1] < below.losses[0]
    assert above.outcome in ("growing", "diverged")


def test_outcomes_in_words():
    converged = run_descent(PARABOLA, (3.0,), 0.125, steps=50)  # x halves: loss 18/4^k
    k = int(np.ceil(np.log(18 / CONVERGED_LOSS) / np.log(4)))
    assert converged.converged_at == k == 13
    assert converged.summary() == (f"converged: loss {18 / 4 ** k:.2g} after {k} steps "
                                   f"({18 / 4 ** 50:.2g} after 50)")

    one_step = run_descent(PARABOLA, (3.0,), 0.25, steps=1)     # η = 1/L: straight to 0
    assert one_step.summary() == "converged: loss 0 after 1 step"

    oscillating = run_descent(PARABOLA, (3.0,), 0.5, steps=20)  # η = 2/λ: x ← -x forever
    assert oscillating.summary() == ("oscillating: x jumped across the minimum in 10 of the "
                                     "last 10 steps; the loss stays at 18 after 20 steps: "
                                     "neither converging nor diverging")

    slow = run_descent(PARABOLA, (3.0,), 0.001, steps=20)
    assert slow.summary() == (f"too slow: loss {18 * 0.996 ** 40:.2g} after 20 steps, "
                              "still above 1e-06")

    growing = run_descent(PARABOLA, (3.0,), 0.525, steps=10)    # |1 - ηL| = 1.1
    assert growing.summary() == (f"growing: loss {18 * 1.21 ** 10:.2g} after 10 steps, "
                                 "up from 18 at the start")


def test_oscillation_is_judged_on_the_coordinate_that_holds_the_loss():
    # y (steep) bounces but has shrunk to nothing; x (shallow) creeps: too slow, not oscillating
    creeping = run_descent(BOWL, (3.0, 1.5), 0.09, steps=50)
    assert creeping.outcome == "too slow"
    # y's factor -0.98 keeps it the larger term: it bounces
    bouncing = run_descent(BOWL, (3.0, 1.5), 0.099, steps=50)
    assert bouncing.outcome == "oscillating"
    assert bouncing.crossings() == ("y", 10, 10)


def test_a_run_started_at_the_minimum_has_converged_at_once():
    run = run_descent(BOWL, (0.0, 0.0), 0.05, steps=5)
    assert run.converged_at == 0 and run.summary().startswith("converged: loss 0 after 0 steps")


def test_a_start_point_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="2 coordinates"):
        run_descent(BOWL, (1.0,), 0.1, steps=3)




@pytest.mark.parametrize("problem", [PARABOLA, BOWL])
def test_the_plot_draws_each_run_over_the_same_background(problem):
    plot = DescentPlot(problem, steps=100)
    start = (3.0, 1.5)[:len(problem.curvatures)]
    slow = png_pixels(plot.png(run_descent(problem, start, 0.001, steps=100)))
    diverging = png_pixels(plot.png(run_descent(problem, start, 5.0, steps=100)))
    assert (slow.sum(axis=2) < 200).any()            # dark pixels: axes and text are drawn
    assert not np.array_equal(slow, diverging)
    blue = np.array([31, 119, 180])                  # tab:blue, the path and the loss curve
    assert (np.abs(diverging - blue).sum(axis=2) < 30).sum() > 50


def test_the_plot_refuses_a_run_on_another_problem():
    with pytest.raises(ValueError, match="1-D parabola"):
        DescentPlot(PARABOLA).png(run_descent(BOWL, (1.0, 1.0), 0.01, steps=2))


def test_problems_of_other_dimensions_are_not_drawn():
    with pytest.raises(ValueError, match="only 1-D and 2-D"):
        DescentPlot(Quadratic("3-D", "f", (1.0, 2.0, 3.0), (1.0, 1.0, 1.0)))


# starts whose coordinates are not powers of two: every step then rounds
# (x = 0 on the bowl leaves only the bouncing y)
starts = st.tuples(st.just(0.0) | st.floats(min_value=0.01, max_value=3.5),
                   st.floats(min_value=0.01, max_value=1.8))


@settings(max_examples=60, deadline=None)
@given(start=starts, steps=st.integers(min_value=1, max_value=200),
       problem=st.sampled_from([PARABOLA, BOWL]))
def test_exactly_at_the_limit_the_loss_neither_grows_nor_diverges(start, steps, problem):
    # η = 2/λ_max: the steepest coordinate flips sign at the same size forever; rounding
    # (e.g. 0.1 · 20 on the bowl) must not turn that into "growing"
    if problem is PARABOLA:
        start = (start[0] or start[1],)
    run = run_descent(problem, start, problem.learning_rate_limit(), steps)
    # (x creeping to 0 while holding most of the loss is "too slow", also right)
    assert run.outcome in ("oscillating", "converged", "too slow")
    steepest = int(np.argmax(problem.curvatures))
    np.testing.assert_allclose(np.abs(run.path[:, steepest]), abs(start[steepest]), rtol=1e-12)
    if problem is PARABOLA or start[0] == 0.0:
        assert run.summary().endswith("neither converging nor diverging")


def test_rounding_alone_does_not_make_a_run_growing():
    # on the bowl at η = 0.1 from (0, 0.7), y·(1 - 0.1·20) rounds to 2.7e-15 above the start
    run = run_descent(BOWL, (0.0, 0.7), 0.1, steps=30)
    assert run.losses[-1] != run.losses[0]
    assert run.summary() == ("oscillating: y jumped across the minimum in 10 of the last 10 "
                             "steps; the loss stays at 4.9 after 30 steps: neither converging "
                             "nor diverging")


@settings(max_examples=40, deadline=None)
@given(excess=st.floats(min_value=1e-3, max_value=0.5), x=st.floats(min_value=0.1, max_value=3.5))
def test_just_above_the_limit_the_loss_grows(excess, x):
    run = run_descent(PARABOLA, (x,), 0.5 * (1 + excess), steps=200)
    assert run.outcome in ("growing", "diverged")
    assert "neither" not in run.summary()
