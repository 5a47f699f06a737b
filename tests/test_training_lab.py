"""TrainingLab and the decision-region helpers, driven through the widget's controls."""
import asyncio
import math

import numpy as np
import pytest

from helpers import png_pixels
from screen_checks import legend_texts
from studypack import Tensor, datasets
from studypack.viz.decision import (CLASS_COLOURS, REGION_LIGHTNESS, class_probabilities,
                                    grid_points, region_colours, square_extent)
from studypack.widgets.training_lab import (PATIENCE, TrainingLab, parse_hidden_layers,
                                           stopped_improving)




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
    assert lab.loss_axes.get_xlim() == (0, 200)  # the epoch axis ends where the epochs do


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


# ---- held-out split, validation curve, early stopping, weight decay -------------------------
def test_held_out_points_are_split_off_stratified_and_never_trained_on():
    lab = TrainingLab(held_out=0.3)
    X, y = datasets.moons(200, noise=0.15, seed=0)
    assert (len(lab.y), len(lab.y_validation)) == (140, 60)
    assert np.bincount(lab.y_validation).tolist() == [30, 30]
    together = np.vstack([lab.X, lab.X_validation])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))      # disjoint, all the data
    lab.step_button.click()
    assert lab.step == -(-140 // 8)                                     # batches of training points only
    again = TrainingLab(held_out=0.3)
    np.testing.assert_array_equal(again.X_validation, lab.X_validation)  # seeded split


def test_validation_curve_equals_an_independent_evaluation_at_every_epoch():
    lab = TrainingLab(dataset="few noisy moons", hidden_layers="32, 32", held_out=0.5,
                      activation="tanh")
    for _ in range(6):
        lab.train(5)
        loss, accuracy = numpy_loss_and_accuracy(lab.model, lab.X_validation, lab.y_validation)
        assert math.isclose(lab.validation_losses[lab.epoch], loss, rel_tol=1e-9)
        assert math.isclose(lab.validation_accuracy, accuracy)
        assert f"validation loss {loss:.4f}" in lab.status.value
        assert f"validation accuracy {accuracy:.1%}" in lab.status.value
    assert len(lab.validation_losses) == len(lab.losses) == 31
    # the curves drawn are these numbers, epoch by epoch
    np.testing.assert_array_equal(lab.curves.validation_line.get_ydata(), lab.validation_losses)
    np.testing.assert_array_equal(lab.curves.training_line.get_ydata(), lab.losses)


def test_best_epoch_is_the_lowest_validation_loss_and_is_marked():
    lab = TrainingLab(dataset="few noisy moons", hidden_layers="64, 64", held_out=0.5)
    lab.train(300)
    best = int(np.argmin(lab.validation_losses))
    assert lab.best_epoch == best
    assert 0 < best < 200 and lab.validation_losses[-1] > lab.validation_losses[best] + 0.1
    assert lab.losses[-1] < lab.losses[best]                       # the curves part: overfitting
    assert lab.curves.best_line.get_visible()
    assert list(lab.curves.best_line.get_xdata()) == [best, best]
    assert list(lab.curves.best_dot.get_ydata()) == [lab.validation_losses[best]]
    assert f"best epoch {best} " in lab.status.value and "overfitting" in lab.status.value
    # the best model is the network as it was at that epoch: its validation loss says so
    loss, _ = numpy_loss_and_accuracy(lab.run.best_model(), lab.X_validation, lab.y_validation)
    assert math.isclose(loss, lab.validation_losses[best], rel_tol=1e-12)


def test_early_stopping_stops_patience_epochs_after_the_best():
    lab = TrainingLab(dataset="few noisy moons", hidden_layers="64, 64", held_out=0.5,
                      early_stopping=True)
    lab.epochs_slider.value = 1000
    lab.run_button.click()                                          # no event loop: synchronous
    assert lab.epoch == lab.best_epoch + PATIENCE < 1000
    assert lab.stopped_early and "stopped early" in lab.status.value
    stopped_at = lab.epoch
    lab.step_button.click()
    assert lab.epoch == stopped_at                                  # stays stopped
    lab.early_stopping_checkbox.value = False
    lab.step_button.click()
    assert lab.epoch == stopped_at + 1                              # until it is switched off


def test_without_a_held_out_set_there_is_no_validation_curve_or_best_epoch():
    lab = TrainingLab()
    lab.train(5)
    assert lab.best_epoch is None and lab.validation_losses == []
    assert lab.validation_accuracy is None
    assert not lab.curves.best_line.get_visible()
    assert "validation" not in lab.status.value
    lab.early_stopping_checkbox.value = True
    lab.train(5)                                                    # nothing to stop it
    assert lab.epoch == 10 and not lab.stopped_early


def test_held_out_dropdown_resplits_and_the_toggles_redraw():
    lab = TrainingLab()
    lab.train(3)
    no_split = lab.image.value
    lab.held_out_dropdown.value = 0.5
    assert lab.epoch == 0 and (len(lab.y), len(lab.y_validation)) == (100, 100)
    with_rings = lab.image.value
    assert with_rings != no_split
    assert lab.held_out_points.visible
    assert legend_texts(lab.regions.legend) == ["class 0", "class 1", "held out"]
    lab.show_held_out_checkbox.value = False
    assert not lab.held_out_points.visible and lab.image.value != with_rings
    assert legend_texts(lab.regions.legend) == ["class 0", "class 1"]
    lab.show_held_out_checkbox.value = True
    assert lab.image.value == with_rings                            # the same frame again
    lab.curves_toggle.value = "accuracy"
    assert lab.loss_axes.get_ylabel() == "accuracy" and lab.loss_axes.get_ylim() == (0.0, 1.02)
    np.testing.assert_array_equal(lab.curves.validation_line.get_ydata(),
                                  lab.run.validation_accuracies)
    assert lab.image.value != with_rings
    png_pixels(lab.image.value)


def test_held_out_rings_are_drawn_in_their_class_colours():
    lab = TrainingLab(held_out=0.2)
    rings = lab.held_out_points.points
    np.testing.assert_array_equal(rings.get_offsets(), lab.X_validation)
    np.testing.assert_allclose(rings.get_edgecolor()[:, :3], CLASS_COLOURS[lab.y_validation])
    np.testing.assert_array_equal(lab.regions.points.get_offsets(), lab.X)  # filled: training


def test_weight_decay_dropdown_gives_smaller_weights_and_takes_effect_mid_run():
    plain = TrainingLab(dataset="few noisy moons", hidden_layers="64, 64", held_out=0.5)
    decayed = TrainingLab(dataset="few noisy moons", hidden_layers="64, 64", held_out=0.5,
                          weight_decay=0.01)
    assert decayed.optimizer.weight_decay == 0.01
    plain.train(300)
    decayed.train(300)
    assert decayed.run.parameter_norm() < 0.6 * plain.run.parameter_norm()
    assert decayed.validation_losses[-1] < plain.validation_losses[-1]
    changed = TrainingLab(dataset="few noisy moons", hidden_layers="64, 64", held_out=0.5)
    changed.weight_decay_dropdown.value = 0.01
    changed.train(300)
    assert changed.losses == decayed.losses


def test_the_saved_notebook_shows_a_sentence_before_the_cell_runs():
    assert repr(TrainingLab()) == "Run this cell to start the training lab."


def test_training_run_alone_matches_the_lab_and_its_curves_draw():
    from studypack.viz.training_curves import learning_curves_png
    from studypack.widgets.training_lab import TrainingRun
    lab = TrainingLab(dataset="few noisy moons", hidden_layers="8", held_out=0.5)
    lab.train(40)
    run = TrainingRun(lab.X, lab.y, [8], X_validation=lab.X_validation,
                      y_validation=lab.y_validation, seed=0)
    run.train(40)
    assert run.losses == lab.losses and run.validation_losses == lab.validation_losses
    image = png_pixels(learning_curves_png({"a": run, "b": lab.run}))
    assert image.shape[1] == 2 * 640 and (image.sum(axis=2) < 150).any()  # drawn at 2×
    assert run.best_model() is not run.model
