"""TrainingLab and the decision-region helpers, driven through the widget's controls."""
import asyncio
import math

import numpy as np
import pytest

from helpers import png_pixels
from studypack import Tensor, datasets
from studypack.viz.decision import (CLASS_COLOURS, REGION_LIGHTNESS, class_probabilities,
                                    grid_points, region_colours, square_extent)
from studypack.widgets.training_lab import TrainingLab, parse_hidden_layers, stopped_improving




def numpy_loss_and_accuracy(model, X, y):
    """Forward pass and mean cross-entropy written with numpy only, from the model's weights."""
    a = X
    for i, layer in enumerate(model.layers):
        a = a @ layer.weight.data + layer.bias.data
        if i < len(model.layers) - 1:
            a = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
                 "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[model.activation](a)
    log_probs = a - a.max(axis=1, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(y)), y].mean(), (a.argmax(axis=1) == y).mean()


# ---- decision-region helpers ---------------------------------------------------------------
def test_grid_points_cover_the_extent_row_by_row_from_the_bottom():
    grid = grid_points((0.0, 4.0, -2.0, 2.0), resolution=4)
    assert grid.shape == (16, 2)
    np.testing.assert_allclose(grid[:4], [[0.5, -1.5], [1.5, -1.5], [2.5, -1.5], [3.5, -1.5]])
    np.testing.assert_allclose(grid[-1], [3.5, 1.5])


def test_square_extent_contains_every_point_with_a_margin():
    X, _ = datasets.moons(100, seed=1)
    left, right, bottom, top = square_extent(X)
    assert math.isclose(right - left, top - bottom)
    assert left < X[:, 0].min() and X[:, 0].max() < right
    assert bottom < X[:, 1].min() and X[:, 1].max() < top


def test_class_probabilities_softmax_and_single_logit():
    points = np.array([[0.0, 0.0], [1.0, 2.0]])
    three = class_probabilities(lambda p: Tensor(np.column_stack([p[:, 0], p[:, 1], 0 * p[:, 0]])),
                                points)
    expected = np.exp([[0, 0, 0], [1, 2, 0]]) / np.exp([[0, 0, 0], [1, 2, 0]]).sum(1, keepdims=True)
    np.testing.assert_allclose(three, expected)
    binary = class_probabilities(lambda p: Tensor(p[:, :1] * 3.0), points)
    sigma = 1 / (1 + np.exp(-3.0))
    np.testing.assert_allclose(binary, [[0.5, 0.5], [1 - sigma, sigma]])


def test_region_colours_show_the_likely_class_lightened_and_grey_for_nan():
    probabilities = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [np.nan, np.nan]])
    image = region_colours(probabilities, resolution=2)
    light = CLASS_COLOURS[:2] + REGION_LIGHTNESS * (1 - CLASS_COLOURS[:2])
    np.testing.assert_allclose(image[0, 0], light[0])
    np.testing.assert_allclose(image[0, 1], light[1])
    np.testing.assert_allclose(image[1, 0], light.mean(axis=0))
    np.testing.assert_allclose(image[1, 1], [0.5, 0.5, 0.5])


# ---- the lab: state and display ------------------------------------------------------------
def test_starts_at_epoch_zero_with_a_drawn_figure():
    lab = TrainingLab()
    assert (lab.epoch, lab.step, len(lab.losses)) == (0, 0, 1)
    image = png_pixels(lab.image.value)
    assert (image.sum(axis=2) < 150).any()               # dark pixels: axes, text, point edges
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20  # regions, points, not blank
    assert "epoch 0 · step 0" in lab.status.value
    assert lab.network_label.value == "network: 2 → 16 → 16 → 2 (relu), 354 parameters"


def test_step_button_trains_one_epoch_of_mini_batches_and_redraws():
    lab = TrainingLab()
    before = lab.image.value
    lab.step_button.click()
    assert lab.epoch == 1
    assert lab.step == 200 // 8  # one pass over 200 points in batches of 8
    assert len(lab.losses) == 2
    assert lab.image.value != before
    png_pixels(lab.image.value)


@pytest.mark.parametrize("batch_size, steps", [(1, 200), (8, 25), (32, 7), ("full", 1)])
def test_batch_size_sets_the_steps_per_epoch(batch_size, steps):
    lab = TrainingLab()
    lab.batch_size_dropdown.value = batch_size
    lab.step_button.click()
    assert lab.step == steps


def test_shown_loss_and_accuracy_match_an_independent_computation():
    lab = TrainingLab(activation="tanh")
    lab.train(15)
    loss, accuracy = numpy_loss_and_accuracy(lab.model, lab.X, lab.y)
    assert math.isclose(lab.losses[-1], loss, rel_tol=1e-9)
    assert math.isclose(lab.accuracy, accuracy)
    assert f"loss {loss:.4f}" in lab.status.value
    assert f"training accuracy {accuracy:.1%}" in lab.status.value
    assert "epoch 15 · step 375" in lab.status.value


def test_moons_are_learned_and_convergence_is_reported():
    lab = TrainingLab()
    lab.train(200)
    assert lab.accuracy >= 0.97
    assert lab.converged and "converged" in lab.status.value
    assert lab.loss_axes.get_xlim() == (0, 200)  # the epoch axis grew 50 → 100 → 200


def test_same_settings_give_the_same_training_and_reset_starts_again():
    first, second = TrainingLab(), TrainingLab()
    first.train(10)
    second.train(10)
    assert first.losses == second.losses
    trained = list(first.losses)
    first.reset_button.click()
    assert (first.epoch, first.step, first.losses) == (0, 0, trained[:1])
    first.train(10)
    assert first.losses == trained


def test_learning_rate_slider_takes_effect_at_the_next_step():
    changed, built = TrainingLab(), TrainingLab(learning_rate=0.05)
    changed.learning_rate_slider.value = 0.05
    assert changed.optimizer.learning_rate == 0.05
    changed.train(3)
    built.train(3)
    assert changed.losses == built.losses


def test_too_large_a_learning_rate_is_pointed_out():
    lab = TrainingLab(learning_rate=10)
    lab.train(30)
    assert lab.losses[-1] > lab.losses[0]
    assert "try a smaller learning rate" in lab.status.value


def test_a_non_finite_loss_stops_training_with_a_message():
    lab = TrainingLab()
    lab.model.parameters()[0].data[:] = np.nan
    lab.step_button.click()
    assert lab.diverged and "not a finite number" in lab.status.value
    lab.train(5)
    assert lab.epoch == 1
    png_pixels(lab.image.value)


def test_dataset_dropdown_loads_new_data_and_a_new_network():
    lab = TrainingLab()
    lab.train(3)
    before = lab.image.value
    lab.dataset_dropdown.value = "spirals"
    assert lab.X.shape == (300, 2) and set(lab.y) == {0, 1, 2}
    assert lab.epoch == 0 and lab.model.layers[-1].n_outputs == 3
    assert "→ 3 (relu)" in lab.network_label.value
    assert lab.image.value != before


def test_network_controls_rebuild_the_model():
    lab = TrainingLab()
    lab.hidden_layers_text.value = "32, 8"
    assert [layer.n_outputs for layer in lab.model.layers] == [32, 8, 2]
    lab.hidden_layers_text.value = ""
    assert [layer.n_outputs for layer in lab.model.layers] == [2]  # a linear classifier
    assert lab.network_label.value == "network: 2 → 2 (linear), 6 parameters"
    lab.hidden_layers_text.value = "8"
    lab.activation_dropdown.value = "tanh"
    assert lab.model.activation == "tanh"
    assert lab.network_label.value == "network: 2 → 8 → 2 (tanh), 42 parameters"


def test_bad_hidden_layers_give_an_escaped_message_and_keep_the_network():
    lab = TrainingLab()
    model = lab.model
    lab.hidden_layers_text.value = "<b>16</b>, x"
    assert lab.model is model
    assert "&lt;b&gt;16&lt;/b&gt;" in lab.status.value
    assert "<b>16</b>" not in lab.status.value
    assert "whole numbers" in lab.status.value
    with pytest.raises(ValueError, match="at most 5 hidden layers"):
        parse_hidden_layers("1, 2, 3, 4, 5, 6")
    assert parse_hidden_layers(" 16 ,16, ") == [16, 16]


def test_stopped_improving_compares_the_best_losses():
    assert not stopped_improving([1.0] * 20)                  # not enough epochs yet
    assert stopped_improving([1.0] * 21)
    assert stopped_improving([1.0] * 10 + [0.9] + [2.0] * 20)  # worse counts as no better
    assert stopped_improving([0.5, 3.0, 0.5005, 3.0], window=2, tolerance=1e-3)
    assert not stopped_improving([0.5, 3.0, 0.498, 3.0], window=2, tolerance=1e-3)


# ---- run and pause -------------------------------------------------------------------------
def test_run_then_pause_in_an_event_loop():
    lab = TrainingLab()
    lab.epochs_slider.value = 1000

    async def scenario():
        lab.run_button.click()
        assert lab.running and lab.run_button.disabled and not lab.pause_button.disabled
        while lab.epoch == 0:
            await asyncio.sleep(0)  # the task trains a chunk, then lets us in
        lab.pause_button.click()
        while lab.running:
            await asyncio.sleep(0)
        stopped_at = lab.epoch
        await asyncio.sleep(0.05)
        return stopped_at

    stopped_at = asyncio.run(scenario())
    assert 0 < stopped_at < 1000
    assert lab.epoch == stopped_at == lab.progress.value
    assert not lab.run_button.disabled and lab.pause_button.disabled
    assert f"epoch {stopped_at} " in lab.status.value


def test_run_finishes_the_chosen_epochs_in_an_event_loop():
    lab = TrainingLab()
    lab.epochs_slider.value = 30

    async def scenario():
        lab.run_button.click()
        lab.step_button.click()  # ignored while running
        while lab.running:
            await asyncio.sleep(0)

    asyncio.run(scenario())
    reference = TrainingLab()
    reference.train(30)
    assert lab.losses == reference.losses
    assert (lab.progress.value, lab.progress.max) == (30, 30)


def test_run_without_an_event_loop_trains_synchronously():
    lab = TrainingLab()
    lab.epochs_slider.value = 20
    lab.run_button.click()
    assert lab.epoch == 20 and not lab.running


def test_a_learning_rate_the_browser_slider_cannot_show_is_refused():
    # 10 ** -0.5 = 0.316…: a page would snap it to a neighbour and train with another number
    with pytest.raises(ValueError, match=r"learning_rate=0\.316.* is not on the slider "
                                         r"\(0\.001 to 10 .*\): use 0\.3 or 0\.35$"):
        TrainingLab(learning_rate=10 ** -0.5)
    lab = TrainingLab(learning_rate=0.375)
    assert lab.learning_rate_slider.value == lab.optimizer.learning_rate == 0.375
