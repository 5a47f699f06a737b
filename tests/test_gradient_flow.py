
import numpy as np
import pytest

from helpers import assert_is_a_drawing
from screen_checks import assert_fits_a_narrow_cell, assert_readable_in_a_narrow_cell, legend_texts
from studypack.nn import MLP
from studypack.viz.gradient_norms import layer_gradient_norms
from studypack.widgets.gradient_flow import (HUGE, MIN_DECADES, GradientFlowExplorer,
                                             decade_ticks, norm_limits)

ACTIVATION_AND_DERIVATIVE = {  # derivative in terms of the activation's output
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda a: a * (1 - a)),
    "tanh": (np.tanh, lambda a: 1 - a ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(float)),
}




def norms_by_hand(depth, activation, weight_scale, width=32, batch_size=64, seed=0):
    """The same network and batch, forward and backward written out in numpy."""
    rng = np.random.default_rng(seed)
    inputs, targets = rng.normal(size=(batch_size, width)), rng.normal(size=(batch_size, 1))
    layers = MLP(width, [width] * (depth - 1) + [1], activation, seed=seed).layers
    weights = [layer.weight.data * weight_scale * np.sqrt(3) for layer in layers]
    biases = [layer.bias.data for layer in layers]
    function, derivative = ACTIVATION_AND_DERIVATIVE[activation]
    outputs = [inputs]
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = outputs[-1] @ W + b
        outputs.append(z if i == depth - 1 else function(z))
    grad = 2 * (outputs[-1] - targets) / batch_size        # ∂mean((out - y)²)/∂out
    norms = []
    for i in reversed(range(depth)):
        if i < depth - 1:
            grad = grad * derivative(outputs[i + 1])
        norms.append(np.linalg.norm(outputs[i].T @ grad))
        grad = grad @ weights[i].T
    return np.array(norms[::-1])


@pytest.fixture(scope="module")
def explorer():
    return GradientFlowExplorer()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_norms_match_a_numpy_backward_pass(activation):
    for depth, weight_scale in [(2, 1.0), (5, 0.5), (12, 2.0)]:
        assert np.allclose(layer_gradient_norms(depth, activation, weight_scale),
                           norms_by_hand(depth, activation, weight_scale), rtol=1e-9, atol=0)


def test_controls_set_the_network_and_the_picture(explorer):
    explorer.depth_slider.value = 7
    explorer.activation_selector.value = "tanh"
    before = explorer.image.value
    explorer.weight_scale_slider.value = 2.0
    assert len(explorer.gradient_norms) == 7
    assert np.allclose(explorer.gradient_norms, norms_by_hand(7, "tanh", 2.0), rtol=1e-9)
    assert explorer.ratio == explorer.gradient_norms[0] / explorer.gradient_norms[-1]
    assert explorer.image.value != before
    assert_is_a_drawing(explorer.image.value)
    explorer.depth_slider.value = 20
    assert len(explorer.gradient_norms) == 20
    assert_is_a_drawing(explorer.image.value)


@pytest.mark.parametrize("activation, weight_scale, verdict", [
    ("sigmoid", 1.0, "vanishing"),   # σ′ ≤ 1/4 at every layer
    ("relu", 1.0, "vanishing"),      # each ReLU layer halves the signal's power
    ("relu", 2 ** 0.5, "flows"),     # He's initialisation
    ("tanh", 1.0, "flows"),
    ("tanh", 4.0, "exploding"),      # the first layer's gradient dwarfs the last's
    ("relu", 4.0, "exploding"),      # every gradient is huge
])
def test_the_status_names_what_happens_at_depth_30(explorer, activation, weight_scale, verdict):
    explorer.depth_slider.value = 30
    explorer.activation_selector.value = activation
    explorer.weight_scale_slider.value = weight_scale
    status = explorer.status.value
    assert f"<b>{verdict}</b>" in status
    # the sentence quotes the widget's own numbers
    assert (f"{explorer.ratio:.2g} times the last layer's" in status
            or f"huge (up to {explorer.gradient_norms.max():.1e})" in status)


def test_the_same_settings_give_the_same_numbers():
    first = GradientFlowExplorer(depth=15, activation="relu", weight_scale=0.5)
    second = GradientFlowExplorer(depth=15, activation="relu", weight_scale=0.5)
    assert np.array_equal(first.gradient_norms, second.gradient_norms)
    assert first.image.value == second.image.value


def test_it_starts_deep_enough_to_tell_the_activations_apart():
    # at depth 10, ReLU at weight scale 1 and at √2 give the same first/last ratio (~0.2)
    assert GradientFlowExplorer().depth_slider.value == 20


@pytest.mark.parametrize("depth", [20, 25, 30])
@pytest.mark.parametrize("weight_scale", [2 ** 1.5, 4.0])
def test_relu_with_large_weights_blows_up_every_layer_alike(explorer, depth, weight_scale):
    # forward, each layer's input grows by the same factor; backward, so does the gradient
    # arriving at it: their product, the weight gradient, is huge at every layer alike
    explorer.depth_slider.value = depth
    explorer.activation_selector.value = "relu"
    explorer.weight_scale_slider.value = weight_scale
    norms = explorer.gradient_norms
    assert norms.min() > HUGE
    assert explorer.ratio < 1
    assert norms.max() / norms.min() < 1e2     # within two orders of magnitude of each other
    assert "<b>exploding</b> at every layer alike" in explorer.status.value
    assert f"{explorer.ratio:.2g} times the last's" in explorer.status.value


@pytest.mark.parametrize("activation, weight_scale, verdict", [
    ("tanh", 1.0, "flows"), ("relu", 1.0, "vanishing"), ("relu", 2 ** 0.5, "flows"),
    ("tanh", 4.0, "exploding"), ("relu", 2 ** 1.5, "exploding"), ("relu", 4.0, "exploding")])
def test_lesson_6_experiments_2_to_4_at_the_default_depth(activation, weight_scale, verdict):
    explorer = GradientFlowExplorer(activation=activation, weight_scale=weight_scale)
    assert f"<b>{verdict}</b>" in explorer.status.value


def test_relu_at_scale_1_and_at_he_look_alike_when_shallow():
    # why lesson 6 asks for depth 20 or more
    shallow = [layer_gradient_norms(10, "relu", s) for s in (1.0, 2 ** 0.5)]
    deep = [layer_gradient_norms(20, "relu", s) for s in (1.0, 2 ** 0.5)]
    shallow_ratios = [n[0] / n[-1] for n in shallow]
    deep_ratios = [n[0] / n[-1] for n in deep]
    assert all(0.1 < r < 1 for r in shallow_ratios)
    assert deep_ratios[0] < 0.01 < 0.1 < deep_ratios[1]


# ---- on screen: axes that fit the network shown, a crisp picture, whole words -------------
@pytest.mark.parametrize("depth, activation, weight_scale", [
    (20, "sigmoid", 1.0), (30, "sigmoid", 0.25), (30, "relu", 4.0), (7, "tanh", 1.0),
    (2, "relu", 2 ** 0.5), (30, "tanh", 4.0)])
def test_the_axes_fit_the_norms_of_the_network_shown(explorer, depth, activation, weight_scale):
    explorer.depth_slider.value = depth
    explorer.activation_selector.value = activation
    explorer.weight_scale_slider.value = weight_scale
    norms = explorer.gradient_norms
    low, high = explorer.axes.get_ylim()
    assert low < norms.min() and norms.max() < high               # every norm inside
    decades = np.log10(high / low)
    spread = np.log10(norms.max() / norms.min())
    assert MIN_DECADES - 1e-9 <= decades <= max(spread + 2.5, MIN_DECADES)  # and no more
    assert explorer.axes.get_xlim() == (0.5, 5 * np.ceil(depth / 5) + 0.5)
    ticks = [t for t in explorer.axes.get_yticks() if low <= t <= high]
    assert 2 <= len(ticks) <= 9


def test_a_vanishing_gradient_fills_the_picture_instead_of_a_fixed_range(explorer):
    explorer.depth_slider.value = 20
    explorer.activation_selector.value = "sigmoid"
    explorer.weight_scale_slider.value = 1.0
    before = explorer.image.value
    low, high = explorer.axes.get_ylim()
    assert np.log10(high / low) < 20      # not 10^-40 … 10^30: the 10^-12 slope is visible
    explorer.activation_selector.value = "tanh"                    # flows: a narrow range
    assert np.log10(np.divide(*explorer.axes.get_ylim()[::-1])) <= 4
    assert explorer.image.value != before


def test_norm_limits_and_ticks():
    assert norm_limits([0.5, 2.0]) == (0.1, 100.0)                 # widened to 3 decades
    assert norm_limits([3e-13, 4.0]) == (1e-13, 10.0)              # a quarter-decade margin
    assert norm_limits([np.nan, 0.0]) == (0.1, 100.0)              # nothing to show: around 1
    assert decade_ticks((1e-13, 10.0)) == [10.0 ** k for k in range(-12, 1, 2)]
    assert decade_ticks((0.01, 10.0)) == [0.01, 0.1, 1.0, 10.0]


def test_the_picture_is_crisp_and_readable_and_the_controls_fit(explorer):
    assert_readable_in_a_narrow_cell(explorer.image, explorer._figure.figure)
    assert legend_texts(explorer.axes) == ["gradient norm", "last layer's norm"]
    assert_fits_a_narrow_cell(explorer)
    assert explorer.weight_scale_slider.style.description_width == "initial"  # "weight sc…"


def test_the_saved_notebook_shows_a_sentence(explorer):
    assert repr(explorer) == "Run this cell to start the gradient-flow explorer."
