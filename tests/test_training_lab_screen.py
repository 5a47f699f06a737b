"""The TrainingLab on a learner's screen, driven through its controls: a crisp picture with
readable text, axes that fit the run, legends, verdicts in the pack's feedback language,
controls that fit a 590-px cell, and runs whose last frame shows the current network."""
import asyncio
import math
import re

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from screen_checks import (assert_fits_a_narrow_cell, assert_readable_in_a_narrow_cell,
                           legend_texts)
from studypack.viz.decision import CLASS_COLOURS, class_probabilities, region_colours
from studypack.viz.training_curves import epoch_axis_end, loss_axis_top
from studypack.widgets.look import COLOUR, PARTLY, RIGHT, WRONG
from studypack.widgets.training_lab import TrainingLab


def test_the_picture_is_drawn_at_twice_its_width_with_readable_text():
    lab = TrainingLab(held_out=0.3)
    assert_readable_in_a_narrow_cell(lab.image, lab.figure.figure)
    lab.step_button.click()
    assert_readable_in_a_narrow_cell(lab.image, lab.figure.figure)


def test_the_epoch_axis_follows_the_epochs_chosen():
    lab = TrainingLab()
    assert lab.loss_axes.get_xlim() == (0, 200)           # the slider's 200 epochs ahead
    lab.epochs_slider.value = 30
    assert lab.loss_axes.get_xlim() == (0, 30)            # a 30-epoch run on a 30-epoch axis
    lab.run_button.click()                                # no event loop: trains at once
    assert lab.epoch == 30 and lab.loss_axes.get_xlim() == (0, 30)
    lab.epochs_slider.value = 50                          # the next run ends at epoch 80
    assert lab.loss_axes.get_xlim() == (0, 80)
    lab.run_button.click()
    assert lab.epoch == 80 and lab.loss_axes.get_xlim() == (0, 80)
    lab.step_button.click()                               # past the end: a quarter more
    assert lab.epoch == 81 and lab.loss_axes.get_xlim() == (0, 110)
    np.testing.assert_array_equal(lab.curves.training_line.get_xdata(), np.arange(82))
    lab.reset_button.click()
    assert lab.loss_axes.get_xlim() == (0, 50)


def test_epoch_axis_end_grows_past_the_plan_to_a_multiple_of_ten():
    assert epoch_axis_end(30, 30) == 30 and epoch_axis_end(5, 30) == 30
    assert epoch_axis_end(31, 30) == 40 and epoch_axis_end(81, 80) == 110


@pytest.mark.parametrize("values, top", [([0.69, 0.3], 0.75), ([1.1, 0.2], 1.5),
                                         ([0.2], 0.3), ([12.0], 15.0), ([0.0014], 0.0015),
                                         ([np.nan, np.inf], 1.0), ([0.95], 1.0)])
def test_loss_axis_top_is_a_round_number_just_above_the_highest_loss(values, top):
    assert math.isclose(loss_axis_top(values), top)


def test_the_loss_axis_fits_the_run():
    lab = TrainingLab()                                   # two classes: ln 2 ≈ 0.69 at first
    assert lab.loss_axes.get_ylim() == (0, 0.75)
    lab.dataset_dropdown.value = "spirals"                # three classes: ln 3 ≈ 1.1
    assert lab.loss_axes.get_ylim() == (0, 1.5)
    diverging = TrainingLab(learning_rate=10)
    before = diverging.image.value
    diverging.train(30)
    highest = max(loss for loss in diverging.losses if np.isfinite(loss))
    assert highest > 1.5                                  # once clipped at 1.5
    bottom, top = diverging.loss_axes.get_ylim()
    assert bottom == 0 and highest <= top <= 2 * highest  # the whole curve, filling the axis
    assert diverging.image.value != before
    diverging.curves_toggle.value = "accuracy"
    assert diverging.loss_axes.get_ylim() == (0, 1.02)


def test_legends_name_the_classes_and_the_curves():
    lab = TrainingLab()
    assert legend_texts(lab.regions.legend) == ["class 0", "class 1"]
    markers = lab.regions.legend.legend_handles
    np.testing.assert_allclose([to_rgb(m.get_markerfacecolor()) for m in markers],
                               CLASS_COLOURS[:2])
    assert legend_texts(lab.curves.legend) == ["training"]
    lab.dataset_dropdown.value = "blobs"
    assert legend_texts(lab.regions.legend) == ["class 0", "class 1", "class 2"]
    lab.held_out_dropdown.value = 0.2
    assert legend_texts(lab.regions.legend) == ["class 0", "class 1", "class 2", "held out"]
    assert legend_texts(lab.curves.legend) == ["training", "validation", "best validation"]


def verdict(status: str, kind: str, mark: str) -> bool:
    return f'<b style="color:{COLOUR[kind]}">{mark} ' in status


def test_notes_are_verdicts_in_the_packs_feedback_language():
    lab = TrainingLab()
    lab.train(200)
    assert verdict(lab.status.value, RIGHT, "✔") and "converged" in lab.status.value
    too_fast = TrainingLab(learning_rate=10)
    too_fast.train(30)
    assert verdict(too_fast.status.value, WRONG, "✘")
    assert "try a smaller learning rate" in too_fast.status.value
    overfitting = TrainingLab(dataset="few noisy moons", hidden_layers="64, 64", held_out=0.5)
    overfitting.train(300)
    assert verdict(overfitting.status.value, PARTLY, "◐")
    assert "overfitting" in overfitting.status.value
    lab.hidden_layers_text.value = "16, x"
    assert verdict(lab.status.value, WRONG, "✘") and "whole numbers" in lab.status.value
    for status in (lab.status.value, too_fast.status.value, overfitting.status.value):
        assert not re.search(r"color:\s*(gray|grey|green|red|firebrick|darkorange)", status)


def test_controls_fit_a_590_px_cell_with_their_words_whole():
    lab = TrainingLab()
    assert_fits_a_narrow_cell(lab)
    # the sliders take the room left in their rows but never collapse
    for slider in (lab.epochs_slider, lab.learning_rate_slider):
        assert slider.layout.min_width.endswith("px") and slider.layout.flex.startswith("1 1")
    assert lab.epochs_slider.continuous_update is False  # the axis changes once, on release


def regions_are_current(lab) -> bool:
    expected = region_colours(class_probabilities(lab.model, lab.regions.grid),
                              lab.regions.resolution)
    return np.allclose(lab.regions.image.colours, expected)


def test_a_run_ends_on_a_frame_of_the_current_network():
    lab = TrainingLab()
    lab.epochs_slider.value = 150
    updates = []
    update = lab.regions.update
    lab.regions.update = lambda model: (updates.append(lab.epoch), update(model))

    async def scenario():
        lab.run_button.click()
        while lab.running:
            await asyncio.sleep(0)

    asyncio.run(scenario())
    assert lab.epoch == 150 and updates[-1] == 150 and regions_are_current(lab)
    assert len(updates) < 150   # regions every other frame, not after every epoch


def test_pausing_between_two_region_updates_shows_the_current_regions():
    lab = TrainingLab(hidden_layers="64, 64")
    lab.epochs_slider.value = 1000

    async def scenario():
        lab.run_button.click()
        while lab.epoch < 3:
            await asyncio.sleep(0)
        lab.pause_button.click()
        while lab.running:
            await asyncio.sleep(0)

    asyncio.run(scenario())
    assert 3 <= lab.epoch < 1000 and regions_are_current(lab)


def test_region_pixels_fill_the_axes_box_with_row_zero_at_the_bottom():
    from studypack.viz.decision import AxesPixels
    from studypack.viz.fastplot import FastFigure
    from helpers import png_pixels
    figure = FastFigure(2.0, 2.0, dpi=100)
    axes = figure.axes[0]
    axes.set_axis_off()
    pixels = AxesPixels(axes)
    figure.figure.add_artist(pixels)
    figure.animate(pixels)
    pixels.set_colours(np.array([[[1.0, 0.0, 0.0]], [[0.0, 0.0, 1.0]]]))  # red below blue
    image = png_pixels(figure.png())
    box = axes.get_window_extent()
    top, bottom = image.shape[0] - int(box.y1) + 2, image.shape[0] - int(box.y0) - 3
    left, right = int(box.x0) + 2, int(box.x1) - 3
    assert tuple(image[bottom, left]) == (255, 0, 0) and tuple(image[top, right]) == (0, 0, 255)
    assert tuple(image[bottom + 6, left]) == (255, 255, 255)       # nothing below the box
