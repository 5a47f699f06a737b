"""OptimiserRace and MiniBatchNoise driven through their controls, as a learner would, and the
surfaces, runs and drawings under them (studypack/viz/race.py)."""
import asyncio

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import png_pixels
from screen_checks import assert_fits_a_narrow_cell, assert_readable_in_a_narrow_cell
from studypack import Tensor, Value, losses
from studypack.datasets import line
from studypack.optim import SGD, Adam, RMSProp
from studypack.viz.descent import DIVERGENCE_LOSS
from studypack.viz.race import (BOWL_SURFACE, RACERS, ROSENBROCK, SADDLE, SURFACES, RacePlot,
                                minibatch_gradients, per_example_gradients, run_optimiser,
                                spread)
from studypack.widgets import OptimiserRace
from studypack.widgets.look import COLOUR, MUTED, WRONG
from studypack.widgets.lr_explorer import LEARNING_RATES
from studypack.widgets.optimiser_race import FRAME_SECONDS, MiniBatchNoise

BY_HAND = {"SGD": lambda ps, rate: SGD(ps, rate), "momentum": lambda ps, rate: SGD(ps, rate, 0.9),
           "RMSProp": lambda ps, rate: RMSProp(ps, rate), "Adam": lambda ps, rate: Adam(ps, rate)}


def path_by_hand(surface, racer, learning_rate, steps):
    """The optimiser from studypack.optim stepping on `surface`, written out."""
    x, y = Value(surface.start[0]), Value(surface.start[1])
    optimizer = BY_HAND[racer]([x, y], learning_rate)
    path = [(x.data, y.data)]
    for _ in range(steps):
        optimizer.zero_grad()
        surface.function(x, y).backward()
        optimizer.step()
        path.append((x.data, y.data))
    return np.array(path)


@pytest.fixture(scope="module")
def race():
    return OptimiserRace()


@pytest.fixture
def fresh(race):
    """The module's race, back on the bowl with every racer on and suggested rates."""
    race.surface_selector.value = BOWL_SURFACE.name
    for name, box in race.enabled.items():
        box.value = True
        race.learning_rate_sliders[name].value = BOWL_SURFACE.learning_rates[name]
    race.reset_button.click()
    return race


def press(button, times):
    for _ in range(times):
        button.click()


@pytest.mark.parametrize("surface", list(SURFACES))
def test_each_racer_follows_its_optimiser_step_by_step(fresh, surface):
    fresh.surface_selector.value = surface
    press(fresh.step_button, 12)
    assert fresh.steps == 12
    for name, run in fresh.runs.items():
        rate = fresh.learning_rate_sliders[name].value
        assert rate == SURFACES[surface].learning_rates[name]
        np.testing.assert_array_equal(run.path, path_by_hand(SURFACES[surface], name, rate, 12))
        assert run.losses[-1] == SURFACES[surface].loss(run.path[-1])
    assert "step 12 of 200" in fresh.progress.value


def test_the_racers_really_differ_and_the_plot_shows_it(fresh):
    first = fresh.image.value
    press(fresh.step_button, 5)
    assert fresh.image.value != first
    ends = {name: tuple(run.path[-1]) for name, run in fresh.runs.items()}
    assert len(set(ends.values())) == 4
    pixels = png_pixels(fresh.image.value)
    assert (pixels.sum(axis=2) < 200).any()     # axes and text drawn


def test_run_without_an_event_loop_runs_to_the_last_step(fresh):
    fresh.run_button.click()            # plain Python: nothing could press Pause, so it all runs
    assert fresh.steps == fresh.max_steps and not fresh.running
    assert fresh.run_button.description == "Run"
    np.testing.assert_array_equal(fresh.runs["Adam"].path,
                                  path_by_hand(BOWL_SURFACE, "Adam", 0.3, fresh.max_steps))
    fresh.step_button.click()           # at the end: nothing more to take
    assert fresh.steps == fresh.max_steps


def test_run_then_pause_in_an_event_loop(fresh):
    """In Jupyter, Run is a task on the kernel's event loop that yields between frames."""
    async def scenario():
        fresh.run_button.click()
        assert fresh.running and fresh.run_button.description == "Pause"
        assert fresh.step_button.disabled
        while fresh.steps < 3:
            await asyncio.sleep(0.01)   # the task steps and draws, then lets us in
        fresh.run_button.click()        # Pause
        await asyncio.sleep(0.05)
        return fresh.steps

    stopped_at = asyncio.run(scenario())
    assert 3 <= stopped_at < fresh.max_steps and fresh.steps == stopped_at
    assert not fresh.running and fresh.run_button.description == "Run"
    assert not fresh.step_button.disabled
    for name, run in fresh.runs.items():
        assert run.steps_taken == stopped_at


def test_run_keeps_its_pace_and_reset_stops_it(fresh):
    async def scenario():
        fresh.run_button.click()
        await asyncio.sleep(0.3)
        steps = fresh.steps
        fresh.reset_button.click()
        await asyncio.sleep(0.05)
        return steps

    steps = asyncio.run(scenario())
    assert 1 <= steps <= 0.3 / FRAME_SECONDS + 1   # at most one frame every FRAME_SECONDS
    assert fresh.steps == 0 and not fresh.running and fresh.run_button.description == "Run"


def test_reset_brings_every_racer_back_to_the_start(fresh):
    start_image = fresh.image.value
    press(fresh.step_button, 7)
    fresh.reset_button.click()
    assert fresh.steps == 0
    for run in fresh.runs.values():
        np.testing.assert_array_equal(run.path, [BOWL_SURFACE.start])
    assert fresh.image.value == start_image


def test_switching_surfaces_restarts_with_that_surfaces_rates(fresh):
    press(fresh.step_button, 4)
    bowl_image = fresh.image.value
    fresh.surface_selector.value = ROSENBROCK.name
    assert fresh.steps == 0
    assert {n: s.value for n, s in fresh.learning_rate_sliders.items()} == ROSENBROCK.learning_rates
    for run in fresh.runs.values():
        assert run.surface is ROSENBROCK
        np.testing.assert_array_equal(run.path, [ROSENBROCK.start])
    assert fresh.image.value != bowl_image
    assert ROSENBROCK.name in fresh.plots and BOWL_SURFACE.name in fresh.plots


def test_a_new_learning_rate_replays_that_racer_to_the_current_step(fresh):
    press(fresh.step_button, 10)
    others = {n: run for n, run in fresh.runs.items() if n != "Adam"}
    fresh.learning_rate_sliders["Adam"].value = 0.05
    assert fresh.runs["Adam"].steps_taken == 10
    np.testing.assert_array_equal(fresh.runs["Adam"].path,
                                  path_by_hand(BOWL_SURFACE, "Adam", 0.05, 10))
    assert all(fresh.runs[n] is run for n, run in others.items())   # the rest untouched


def test_a_racer_can_be_switched_off_and_on(fresh):
    press(fresh.step_button, 6)
    with_all = fresh.image.value
    fresh.enabled["momentum"].value = False
    assert fresh.runs["momentum"] is None
    assert fresh.learning_rate_sliders["momentum"].disabled
    assert "switched off" in fresh.statuses["momentum"].value
    assert fresh.image.value != with_all
    press(fresh.step_button, 2)
    fresh.enabled["momentum"].value = True
    assert fresh.runs["momentum"].steps_taken == 8 == fresh.steps
    assert not fresh.learning_rate_sliders["momentum"].disabled


def test_divergence_is_reported_in_words_and_drawn_on_the_edge(fresh):
    fresh.learning_rate_sliders["SGD"].value = 0.15      # above 2/λ_max = 0.1 on the bowl
    press(fresh.step_button, 20)
    run = fresh.runs["SGD"]
    assert fresh.diverged == {"SGD": True, "momentum": False, "RMSProp": False, "Adam": False}
    # x ← (1 − 0.15)x, y ← (1 − 0.15·20)y = −2y from (−3.5, 1.5): f passes 1e6 at k = 8
    by_formula = [0.5 * ((3.5 * 0.85 ** k) ** 2 + 20 * (1.5 * 2 ** k) ** 2) for k in range(12)]
    assert by_formula[7] <= DIVERGENCE_LOSS < by_formula[8]
    assert run.diverged_at == 8 and run.steps_taken == 8
    assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    assert run.losses[-1] > DIVERGENCE_LOSS >= run.losses[-2]
    status = fresh.statuses["SGD"].value
    assert "✘ diverged at step 8: f grew past 1e+06" in status and "error-color" in status
    _, head, crash, _, loss_crash = fresh.plots[BOWL_SURFACE.name].artists["SGD"]
    assert crash.get_visible() and not head.get_visible() and loss_crash.get_visible()
    (x,), (y,) = crash.get_data()
    assert -4 <= x <= 4 and -2 <= y <= 2          # on the map, where the path left it
    assert loss_crash.get_data()[0][0] == 8


def test_run_stops_by_itself_when_every_racer_has_diverged(fresh):
    # (RMSProp and Adam move each coordinate by about η per step whatever the gradient, so at
    # η = 10 they wander but never blow up: they are switched off here)
    fresh.enabled["RMSProp"].value = fresh.enabled["Adam"].value = False
    fresh.learning_rate_sliders["SGD"].value = 10.0
    fresh.learning_rate_sliders["momentum"].value = 10.0
    fresh.run_button.click()
    assert fresh.diverged == {"SGD": True, "momentum": True}
    assert fresh.steps < 10 and not fresh.running


def test_the_step_axis_grows_with_the_race(fresh):
    plot = fresh.plots[BOWL_SURFACE.name]
    assert plot.loss_axes.get_xlim() == (0, 10)   # the first steps fill the panel
    press(fresh.step_button, 10)
    assert plot.loss_axes.get_xlim() == (0, 10)
    before = fresh.image.value
    fresh.step_button.click()
    assert plot.loss_axes.get_xlim() == (0, 20) and fresh.image.value != before
    press(fresh.step_button, 25)
    assert plot.loss_axes.get_xlim() == (0, 50)
    fresh.reset_button.click()
    assert plot.loss_axes.get_xlim() == (0, 10)
    fresh.run_button.click()
    assert plot.loss_axes.get_xlim() == (0, fresh.max_steps)


def test_a_diverged_racer_is_marked_inside_the_grown_axis(fresh):
    fresh.learning_rate_sliders["SGD"].value = 0.15
    press(fresh.step_button, 30)
    loss_crash = fresh.plots[BOWL_SURFACE.name].artists["SGD"][4]
    assert loss_crash.get_data()[0][0] == 8 <= fresh.plots[BOWL_SURFACE.name].loss_axes.get_xlim()[1]


def test_the_race_is_crisp_readable_and_fits_a_narrow_cell(fresh):
    assert_readable_in_a_narrow_cell(fresh.image, fresh.plots[BOWL_SURFACE.name].fast.figure)
    assert fresh.image.layout.width == "600px"
    assert_fits_a_narrow_cell(fresh)
    (legend,) = fresh.plots[BOWL_SURFACE.name].fast.figure.legends
    assert [t.get_text() for t in legend.get_texts()] == [r.name for r in RACERS] + ["diverged"]


def test_statuses_use_the_themes_colours(fresh):
    fresh.enabled["Adam"].value = False
    assert fresh.statuses["Adam"].value == f'<span style="color:{MUTED}">switched off</span>'
    fresh.learning_rate_sliders["SGD"].value = 0.15
    press(fresh.step_button, 9)
    assert fresh.statuses["SGD"].value.startswith(f'<b style="color:{COLOUR[WRONG]}">✘ diverged')
    assert "color" not in fresh.statuses["RMSProp"].value  # plain text: the theme's colour
    fresh.enabled["Adam"].value = True


def test_a_saved_notebook_shows_a_sentence_not_a_widget_tree():
    assert repr(OptimiserRace(SADDLE.name)) == "Run this cell to start the optimiser race."
    with pytest.raises(ValueError, match="surface='moon' is not one of"):
        OptimiserRace("moon")


# ---- the surfaces and runs underneath ------------------------------------------------------

def test_hessians_from_the_engines_gradients():
    np.testing.assert_allclose(BOWL_SURFACE.hessian((0.7, -1.2)), [[1, 0], [0, 20]], atol=1e-7)
    # (1 − x)² + 10(y − x²)²: f_xx = 2 − 40(y − x²) + 80x², f_xy = −40x, f_yy = 20
    np.testing.assert_allclose(ROSENBROCK.hessian((1.0, 1.0)), [[82, -40], [-40, 20]], atol=1e-5)
    np.testing.assert_allclose(SADDLE.hessian((0.0, 0.0)), [[1, 0], [0, -1]], atol=1e-7)


@settings(max_examples=40)
@given(st.sampled_from(list(SURFACES.values())), st.sampled_from([r.name for r in RACERS]),
       st.sampled_from(LEARNING_RATES), st.integers(1, 60))
def test_a_run_keeps_only_finite_numbers_and_stops_only_when_diverged(surface, racer, rate, steps):
    run = run_optimiser(surface, racer, rate, steps)
    assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    assert len(run.path) == len(run.losses) == run.steps_taken + 1
    if run.diverged:
        assert run.steps_taken <= steps and run.diverged_at <= run.steps_taken + 1
    else:
        assert run.steps_taken == steps
        assert (run.losses - surface.lowest <= DIVERGENCE_LOSS).all()
        np.testing.assert_array_equal(run.path, path_by_hand(surface, racer, rate, steps))


def test_unknown_racers_are_refused():
    with pytest.raises(ValueError, match="racer='Adagrad' is not one of 'SGD', 'momentum'"):
        run_optimiser(BOWL_SURFACE, "Adagrad", 0.1, 3)


def test_a_plot_draws_only_its_own_surface():
    plot = RacePlot(SADDLE, max_steps=20)
    with pytest.raises(ValueError, match="this plot draws saddle, not ill-conditioned bowl"):
        plot.png({"SGD": run_optimiser(BOWL_SURFACE, "SGD", 0.1, 2)})


# ---- mini-batch noise ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def per_example():
    x, y = line(n_samples=200, noise=0.5, seed=0)
    return x, y, per_example_gradients(x, y, 0.0, 0.0)


def test_per_example_gradients_average_to_the_full_batch_gradient(per_example):
    x, y, gradients = per_example
    w, b = Tensor([[0.0]], requires_grad=True), Tensor([0.0], requires_grad=True)
    losses.mse((Tensor(x) @ w + b).reshape(-1), y).backward()
    np.testing.assert_allclose(gradients.mean(axis=0), [w.grad[0, 0], b.grad[0]], rtol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 4, 16, 64])
def test_the_spread_shrinks_like_one_over_root_b(per_example, batch_size):
    _, _, gradients = per_example
    full, n = gradients.mean(axis=0), len(gradients)
    variance = np.mean(np.sum((gradients - full) ** 2, axis=1))
    # sampling without replacement: E|g_B − g|² = σ²/B · (n − B)/(n − 1)
    expected = np.sqrt(variance / batch_size * (n - batch_size) / (n - 1))
    measured = spread(minibatch_gradients(gradients, batch_size, draws=2000), full)
    assert measured == pytest.approx(expected, rel=0.06)


def test_the_batch_size_slider_redraws_and_reports_the_spread(per_example):
    widget = MiniBatchNoise(per_example[2])
    assert repr(widget) == "Run this cell to start the mini-batch noise plot."
    assert_readable_in_a_narrow_cell(widget.image, widget.plot.fast.figure)
    assert widget.image.layout.width == "420px"
    assert_fits_a_narrow_cell(widget)
    spreads, images = [], set()
    for size in (1, 8, 64, 200):
        widget.batch_size_slider.value = size
        spreads.append(widget.spread)
        images.add(widget.image.value)
        assert f"B = {size}: the mini-batch gradients lie on average <b>{widget.spread:.3g}</b>" \
            in widget.status.value
    assert spreads == sorted(spreads, reverse=True) and spreads[-1] < 1e-12
    assert len(images) == 4
    with pytest.raises(ValueError, match="batch_size must be between 1 and the 200 examples"):
        minibatch_gradients(per_example[2], 201)
