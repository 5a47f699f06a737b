
import numpy as np
import pytest

from helpers import assert_is_a_drawing
from screen_checks import assert_fits_a_narrow_cell, assert_readable_in_a_narrow_cell, legend_texts
from studypack.widgets.neuron_explorer import WEIGHT_GRID, NeuronExplorer




def by_hand(explorer: NeuronExplorer, weight: float, bias: float):
    """Loss, ∂L/∂w and ∂L/∂b with numpy and the textbook formulas, not the engine."""
    x, y = explorer.task.x[:, 0], explorer.task.targets
    z = weight * x + bias
    if explorer.task.name == "regression":    # L = mean((z - y)²)
        loss, dz = np.mean((z - y) ** 2), 2 * (z - y) / len(y)
    else:                                      # L = mean(log(1 + eᶻ) - y·z)
        loss, dz = np.mean(np.logaddexp(0, z) - y * z), (1 / (1 + np.exp(-z)) - y) / len(y)
    return loss, np.sum(dz * x), np.sum(dz)


@pytest.fixture(scope="module")
def explorer():
    return NeuronExplorer()


def check_numbers(explorer):
    loss, weight_grad, bias_grad = by_hand(explorer, explorer.weight, explorer.bias)
    assert explorer.loss == pytest.approx(loss, rel=1e-10)
    assert explorer.weight_grad == pytest.approx(weight_grad, rel=1e-10)
    assert explorer.bias_grad == pytest.approx(bias_grad, rel=1e-10)
    assert f"L = {loss:.4f}" in explorer.readout.value
    assert f"= {weight_grad:.4f}$" in explorer.readout.value
    assert f"= {bias_grad:.4f}$" in explorer.readout.value


def test_starts_with_the_engines_numbers_for_regression(explorer):
    assert explorer.loss_selector.value == "regression"
    check_numbers(explorer)
    assert "mean squared error" in explorer.readout.value
    assert_is_a_drawing(explorer.image.value)


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_sliders_change_the_numbers_and_the_picture(explorer, task):
    explorer.loss_selector.value = task
    for weight, bias in [(2.0, -1.0), (-3.5, 2.25), (4.0, 0.0)]:
        before = explorer.image.value
        explorer.weight_slider.value = weight
        explorer.bias_slider.value = bias
        check_numbers(explorer)
        assert explorer.image.value != before
        assert_is_a_drawing(explorer.image.value)


def test_classification_uses_cross_entropy(explorer):
    explorer.loss_selector.value = "classification"
    assert set(explorer.task.targets) == {0.0, 1.0}
    assert "binary cross-entropy" in explorer.readout.value
    check_numbers(explorer)


def test_the_loss_curve_follows_the_bias_and_passes_through_the_current_loss(explorer):
    explorer.loss_selector.value = "regression"
    explorer.bias_slider.value = 0.5
    curve = explorer.loss_curve.copy()
    explorer.weight_slider.value = WEIGHT_GRID[70]       # the curve is for this bias...
    assert np.array_equal(explorer.loss_curve, curve)
    assert explorer.loss == pytest.approx(curve[70])    # ...and the dot lies on it
    expected = [by_hand(explorer, w, 0.5)[0] for w in WEIGHT_GRID]
    assert np.allclose(curve, expected)
    explorer.bias_slider.value = -0.5
    assert not np.allclose(explorer.loss_curve, curve)


def test_the_readout_says_which_way_lowers_the_loss(explorer):
    explorer.loss_selector.value = "regression"
    explorer.weight_slider.value, explorer.bias_slider.value = 0.5, 0.0
    assert explorer.weight_grad < 0 < explorer.bias_grad
    assert "increase $w$" in explorer.readout.value
    assert "decrease $b$" in explorer.readout.value
    # the least-squares line is the bottom of the loss: both gradients vanish there
    x, y = explorer.task.x[:, 0], explorer.task.targets
    best_weight, best_bias = np.polyfit(x, y, 1)
    explorer.weight_slider.value, explorer.bias_slider.value = best_weight, best_bias
    assert abs(explorer.weight_grad) < 1e-9 and abs(explorer.bias_grad) < 1e-9
    assert explorer.readout.value.count("very near) the bottom") == 2


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_the_picture_is_crisp_and_readable_and_the_controls_fit(explorer, task):
    explorer.loss_selector.value = task
    figure = explorer._figures[task]["figure"]
    assert_readable_in_a_narrow_cell(explorer.image, figure.figure)
    data_axes, loss_axes = figure.axes
    assert legend_texts(loss_axes) == ["loss L(w)", r"tangent, slope $\partial L/\partial w$"]
    assert len(legend_texts(data_axes)) == 1
    assert_fits_a_narrow_cell(explorer)


def test_the_saved_notebook_shows_a_sentence(explorer):
    assert repr(explorer) == "Run this cell to start the neuron explorer."
