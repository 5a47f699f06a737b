
import io

import numpy as np
from PIL import Image

from helpers import png_pixels
from studypack.viz.fastplot import FastFigure, png_bytes




def test_frames_show_the_moving_artists_over_a_fixed_background():
    figure = FastFigure(4, 3)
    ax = figure.axes[0]
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.set_title("fixed")
    (line,) = ax.plot([], [], color="red", linewidth=4)
    figure.animate(line)

    empty = png_pixels(figure.png())
    line.set_data([0, 10], [5, 5])
    across = png_pixels(figure.png())
    line.set_data([5, 5], [0, 10])
    down = png_pixels(figure.png())

    def red(image):
        return (image[..., 0] > 200) & (image[..., 1] < 80) & (image[..., 2] < 80)
    assert not red(empty).any()
    rows, columns = np.nonzero(red(across))
    assert np.ptp(columns) > 5 * np.ptp(rows)          # a horizontal stroke
    rows, columns = np.nonzero(red(down))
    assert np.ptp(rows) > 5 * np.ptp(columns)          # a vertical stroke, the old one gone
    # the fixed parts (title, ticks) are identical in every frame: compare all pixels more
    # than 3 px away from either stroke (anti-aliased edges are not pure red)
    near = red(across) | red(down)
    for shift in range(1, 4):
        for axis in (0, 1):
            near = near | np.roll(near, shift, axis) | np.roll(near, -shift, axis)
    assert np.array_equal(across[~near], down[~near])


def test_redraw_background_picks_up_changed_fixed_parts():
    figure = FastFigure(3, 2)
    ax = figure.axes[0]
    first = figure.png()
    ax.set_facecolor("black")
    assert figure.png() == first                      # the kept background still shows
    figure.redraw_background()
    assert png_pixels(figure.png()).mean() < png_pixels(first).mean()


def test_several_panels_are_a_flat_list_of_axes():
    figure = FastFigure(6, 2, ncols=3)
    assert len(figure.axes) == 3
    assert figure.png().startswith(b"\x89PNG")


def test_the_constrained_layout_runs_before_it_is_frozen():
    figure = FastFigure(4, 3)
    ax = figure.axes[0]
    ax.set_ylabel("a label that needs room")
    default_left = ax.get_position().x0
    figure.png()
    laid_out = ax.get_position().x0
    assert laid_out != default_left            # the layout moved the axes to fit the label
    figure.redraw_background()
    figure.png()
    assert ax.get_position().x0 == laid_out    # and later frames keep that layout


def test_frames_are_exact_pngs_of_the_canvas():
    figure = FastFigure(3, 2, dpi=50)
    ax = figure.axes[0]
    (line,) = ax.plot([0, 1], [0, 1], color="tab:orange", linewidth=3)
    figure.animate(line)
    png = figure.png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = np.asarray(Image.open(io.BytesIO(png)))
    assert decoded.shape == (100, 150, 4) and figure.pixel_size == (150, 100)
    np.testing.assert_array_equal(decoded, figure.pixels())
    rgb = np.ascontiguousarray(figure.pixels()[..., :3])
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(rgb)))), rgb)


def test_redrawing_only_a_region_gives_the_frame_a_full_redraw_gives():
    figure = FastFigure(6, 2, ncols=2)
    left, right = figure.axes
    for ax in figure.axes:
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
    (moving,) = right.plot([0, 10], [2, 2], color="red", linewidth=3)
    (still,) = left.plot([0, 10], [5, 5], color="blue", linewidth=3)
    figure.animate(moving, still)
    figure.png()
    moving.set_data([0, 10], [8, 3])
    figure.draw([moving], [right.bbox])      # the left panel keeps the last frame
    partial = figure.pixels().copy()
    figure.draw()                            # everything from the background again
    np.testing.assert_array_equal(partial, figure.pixels())
    assert figure.draw() is False
    figure.redraw_background()
    assert figure.draw([moving], [right.bbox]) is True  # a new background: all drawn
    np.testing.assert_array_equal(partial, figure.pixels())
