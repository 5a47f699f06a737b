"""LearningRateExplorer driven through its controls, as a learner would."""
import html

import numpy as np
import pytest

from helpers import png_pixels
from studypack.viz import descent
from studypack.widgets.lr_explorer import LearningRateExplorer

PARABOLA, BOWL = descent.PARABOLA.name, descent.BOWL.name


@pytest.fixture(scope="module")
def explorer():
    return LearningRateExplorer()




def set_controls(widget, problem=BOWL, learning_rate=0.09, steps=50, momentum=0.0, x=3.0, y=1.5):
    widget.problem_selector.value = problem
    widget.learning_rate_slider.value = learning_rate
    widget.steps_slider.value = steps
    widget.momentum_slider.value = momentum
    widget.start_x_slider.value = x
    widget.start_y_slider.value = y


def test_it_shows_a_plot_and_says_what_happened():
    widget = LearningRateExplorer()
    image = png_pixels(widget.image.value)
    assert (image.sum(axis=2) < 200).any()                   # axes and text are drawn
    assert widget.problem_selector.value == BOWL
    # plain descent on ½(x² + 20y²): x ← 0.91x, y ← -0.8y, independently
    loss = 0.5 * ((3.0 * 0.91 ** 50) ** 2 + 20 * (1.5 * 0.8 ** 50) ** 2)
    assert widget.losses[-1] == pytest.approx(loss, rel=1e-9)
    assert html.unescape(widget.status.value).endswith(
        f"too slow: loss {loss:.2g} after 50 steps, still above 1e-06</b>")


def test_the_learning_rate_slider_reruns_and_redraws(explorer):
    set_controls(explorer)
    before = explorer.image.value
    explorer.learning_rate_slider.value = 0.02
    assert explorer.image.value != before
    assert explorer.losses[-1] == pytest.approx(0.5 * ((3.0 * 0.98 ** 50) ** 2
                                                       + 20 * (1.5 * 0.6 ** 50) ** 2), rel=1e-9)


def test_a_far_too_large_learning_rate_diverges_without_infinities(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=2.0, x=3.0)   # x ← -7x
    assert explorer.diverged
    assert len(explorer.losses) == 4                           # stopped at 18·49³ > 1e6
    assert np.isfinite(explorer.losses).all() and np.isfinite(explorer.path).all()
    assert "diverged after 3 steps: the loss grew past 1e+06" in explorer.status.value
    assert "not below the limit" in explorer.threshold.value


def test_the_threshold_is_two_over_the_steepest_curvature(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=0.25)
    assert "$L = 4$" in explorer.threshold.value
    assert "$\\eta < 2/L = 0.5$" in explorer.threshold.value
    assert "0.5 \\times 2/L$, below the limit" in explorer.threshold.value
    explorer.problem_selector.value = BOWL
    assert "$L = 20$" in explorer.threshold.value and "2/L = 0.1$" in explorer.threshold.value
    assert "2.5 \\times 2/L$, not below the limit" in explorer.threshold.value
    explorer.momentum_slider.value = 0.5
    assert "$2(1+\\beta)/L = 0.15$" in explorer.threshold.value


def test_at_exactly_two_over_L_the_iterate_bounces_forever(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=0.5, steps=30, x=2.0)
    np.testing.assert_allclose(explorer.path[:, 0], 2.0 * (-1.0) ** np.arange(31))
    assert ("oscillating: x jumped across the minimum in 10 of the last 10 steps"
            in explorer.status.value)


def test_momentum_rescues_a_slow_run_on_the_bowl(explorer):
    set_controls(explorer, learning_rate=0.09, momentum=0.0)
    assert "too slow" in explorer.status.value
    explorer.momentum_slider.value = 0.5      # both axes now shrink by √0.5 per step
    assert "converged" in explorer.status.value
    assert explorer.losses[-1] < 1e-6


def test_steps_and_start_sliders_set_the_run(explorer):
    set_controls(explorer, steps=7, x=-2.0, y=0.5)
    assert len(explorer.losses) == 8 and explorer.path.shape == (8, 2)
    np.testing.assert_allclose(explorer.path[0], [-2.0, 0.5])
    explorer.start_y_slider.value = -1.0
    np.testing.assert_allclose(explorer.path[0], [-2.0, -1.0])


def test_switching_problem_changes_the_drawing_and_disables_y(explorer):
    set_controls(explorer, learning_rate=0.05, x=2.0)
    bowl_image = explorer.image.value
    explorer.problem_selector.value = PARABOLA
    assert explorer.start_y_slider.disabled
    assert explorer.path.shape == (51, 1)
    assert explorer.image.value != bowl_image
    explorer.problem_selector.value = BOWL
    assert not explorer.start_y_slider.disabled
    assert explorer.image.value == bowl_image                 # same run, same picture


def test_problem_names_are_html_escaped(monkeypatch):
    name = "<b>odd</b> & bowl"
    odd_bowl = descent.Quadratic(name, "f", (1.0, 2.0), (4.0, 2.0))
    monkeypatch.setitem(descent.PROBLEMS, name, odd_bowl)
    widget = LearningRateExplorer(problem=name)
    assert "&lt;b&gt;odd&lt;/b&gt; &amp; bowl" in widget.threshold.value
    assert "<b>odd" not in widget.threshold.value


def test_an_unknown_problem_is_named_in_the_error():
    with pytest.raises(ValueError, match="'3-D' is not one of"):
        LearningRateExplorer(problem="3-D")
