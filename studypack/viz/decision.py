"""Decision regions: which class a classifier picks at each point of the plane.

The model is evaluated (under `no_grad`, no graph recorded) at the centres of a coarse grid
covering the data, e.g. 60 × 60 = 3,600 points; each cell is coloured by the class
probabilities there, so confident areas show a class's colour and uncertain ones a blend.

The coloured grid is smoothed to the axes' size in pixels once per model change (Pillow,
~1 ms) and pasted into each frame as it is: matplotlib's own image resampling would cost
~15 ms a frame at twice the shown size.
"""
from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from PIL import Image

from ..engine import no_grad

# matplotlib's "tab10" colours as RGB in [0, 1]: class k is drawn in CLASS_COLOURS[k]
CLASS_COLOURS = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
                          (148, 103, 189), (140, 86, 75)]) / 255.0
# regions are drawn in the class colour moved this far towards white, so points stand out
REGION_LIGHTNESS = 0.6


def square_extent(X, margin: float = 0.1) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) of a square around the points X (n, 2), with `margin` ×
    the larger span added on every side."""
    low, high = X.min(axis=0), X.max(axis=0)
    centre = (low + high) / 2
    half = (high - low).max() * (0.5 + margin)
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def grid_points(extent, resolution: int = 60) -> np.ndarray:
    """Centres of a resolution × resolution grid of cells covering `extent`, shape
    (resolution², 2), row by row from the bottom (the order `imshow(origin="lower")` wants)."""
    left, right, bottom, top = extent
    xs = left + (np.arange(resolution) + 0.5) * (right - left) / resolution
    ys = bottom + (np.arange(resolution) + 0.5) * (top - bottom) / resolution
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()])


def class_probabilities(model, points) -> np.ndarray:
    """The model's class probabilities at each point, shape (n, n_classes).

    The model maps (n, 2) inputs to logits: softmax turns (n, k) logits into probabilities;
    a single logit column is read as binary, [1 - σ(z), σ(z)].
    """
    with no_grad():  # evaluation only: no graph, no gradients
        logits = model(points).data
    if logits.shape[1] == 1:
        logits = np.hstack([np.zeros_like(logits), logits])  # softmax([0, z]) = [1-σ(z), σ(z)]
    shifted = logits - logits.max(axis=1, keepdims=True)  # stable: exp never overflows
    weights = np.exp(shifted)
    return weights / weights.sum(axis=1, keepdims=True)


def region_colours(probabilities, resolution: int) -> np.ndarray:
    """RGB image (resolution, resolution, 3): each cell mixes the classes' light colours
    weighted by their probabilities. Cells where the model gives no number (NaN, after a
    diverged training) are grey."""
    light = CLASS_COLOURS[: probabilities.shape[1]]
    light = light + REGION_LIGHTNESS * (1.0 - light)
    image = probabilities @ light
    return np.nan_to_num(image, nan=0.5).reshape(resolution, resolution, 3)


class AxesPixels(Artist):
    """An RGB picture filling an axes' box exactly, pasted into a frame without resampling
    (row 0 at the bottom, like `imshow(origin="lower")`). `set_colours(rgb)` takes an image
    of any size in [0, 1] and smooths it to the box's size in pixels."""

    def __init__(self, axes):
        super().__init__()
        self.box_axes = axes
        self.colours = np.ones((2, 2, 3))
        self._pixels = None

    def _box(self):
        box = self.box_axes.get_window_extent()
        left, bottom = round(box.x0), round(box.y0)
        return left, bottom, round(box.x1) - left, round(box.y1) - bottom

    def set_colours(self, rgb) -> None:
        self.colours = np.asarray(rgb)
        self._pixels = None

    def pixels(self) -> np.ndarray:
        """The picture as (height, width, 4) bytes, at the box's size now."""
        _, _, width, height = self._box()
        if self._pixels is None or self._pixels.shape[:2] != (height, width):
            small = Image.fromarray(np.round(255 * np.clip(self.colours, 0, 1)).astype(np.uint8))
            self._pixels = np.array(small.resize((width, height), Image.BILINEAR)
                                    .convert("RGBA"))  # a copy: Agg wants a writeable array
        return self._pixels

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        left, bottom, _, _ = self._box()
        context = renderer.new_gc()
        renderer.draw_image(context, left, bottom, self.pixels())
        context.restore()


class FrozenArtist(Artist):
    """Draws an artist (a legend: ~5 ms at twice the shown size) once, keeps its pixels and
    pastes them on later frames (~0.3 ms), with a 2-pixel margin of what lay around it when
    it was drawn, so it must keep its place and look. An opaque legend is drawn last, over the
    curves, as matplotlib draws it. Visibility follows the artist's own."""

    def __init__(self, artist, fast_figure):
        super().__init__()
        self.artist = artist
        artist.set_animated(True)  # left out of the background: this draws it
        fast_figure.figure.add_artist(self)
        fast_figure.animate(self)
        self._pixels = self._at = None

    def draw(self, renderer) -> None:
        if not self.artist.get_visible():
            return
        box = self.artist.get_window_extent(renderer)
        buffer = np.asarray(renderer.buffer_rgba())
        height, width = buffer.shape[:2]
        left, bottom = max(0, int(box.x0) - 2), max(0, int(box.y0) - 2)
        right, top = min(width, int(np.ceil(box.x1)) + 2), min(height, int(np.ceil(box.y1)) + 2)
        # new limits may move the grid lines around it: then it is drawn (and kept) anew
        limits = tuple(self.artist.axes.viewLim.bounds) if self.artist.axes else ()
        if self._at != (left, bottom, right, top, limits):
            self.artist.draw(renderer)
            # rows from the bottom up, as `draw_image` pastes them
            self._pixels = buffer[height - top:height - bottom, left:right][::-1].copy()
            self._at = (left, bottom, right, top, limits)
            return
        context = renderer.new_gc()
        renderer.draw_image(context, left, bottom, self._pixels)
        context.restore()


def class_legend_handles(n_classes: int, held_out: bool = False) -> list:
    """Legend entries for the classes' points (and the ringed held-out points)."""
    handles = [Line2D([], [], linestyle="", marker="o", markersize=7, markeredgewidth=0.5,
                      markerfacecolor=CLASS_COLOURS[k], markeredgecolor="black",
                      label=f"class {k}") for k in range(n_classes)]
    if held_out:
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=6,
                              markerfacecolor="white", markeredgecolor="0.3",
                              markeredgewidth=1.6, label="held out"))
    return handles


class DecisionRegions:
    """A decision-region panel on one axes of a `FastFigure`: the regions and the data
    points, both animated (the points must be drawn over the regions on every frame), the
    axes' frame drawn over both, and a legend naming the classes under the panel.

    `set_data(X, y)` once per dataset; `set_legend(n_classes, held_out)` when they change;
    `update(model)` after each change of the model.
    """

    def __init__(self, fast_figure, axes, resolution: int = 60, legend_fontsize: float = 10):
        self.figure, self.axes, self.resolution = fast_figure, axes, resolution
        # No ticks: then the fixed background does not depend on the axis limits, and a new
        # dataset (new limits) needs no background redraw.
        axes.set_xticks([])
        axes.set_yticks([])
        self.image = AxesPixels(axes)
        fast_figure.figure.add_artist(self.image)
        fast_figure.animate(self.image)
        self.points = fast_figure.animate(
            axes.scatter([], [], s=14, edgecolors="black", linewidths=0.5))
        fast_figure.animate(*axes.spines.values())  # the frame, over the pasted regions
        self.extent = self.grid = None
        self._legends = {}
        self.legend_fontsize = legend_fontsize

    def set_data(self, X, y) -> None:
        """Show the points X (n, 2) coloured by their classes y, and fit the view around them."""
        self.extent = square_extent(X)
        self.grid = grid_points(self.extent, self.resolution)
        self.axes.set_xlim(self.extent[:2])
        self.axes.set_ylim(self.extent[2:])
        self.points.set_offsets(X)
        self.points.set_facecolor(CLASS_COLOURS[np.asarray(y)])

    def set_legend(self, n_classes: int, held_out: bool = False) -> None:
        """Name the classes (and the held-out rings) under the panel: one row, two for four
        entries. Every legend is made once and pasted with the regions (`FrozenArtist`), so
        switching between them needs no new background."""
        key = (n_classes, held_out)
        if key not in self._legends:
            handles = class_legend_handles(n_classes, held_out)
            legend = Legend(self.axes, handles, [h.get_label() for h in handles],
                            loc="upper center", bbox_to_anchor=(0.5, 0.0),
                            ncols=2 if len(handles) > 3 else len(handles),
                            fontsize=self.legend_fontsize, frameon=False, handletextpad=0.1,
                            columnspacing=0.8, borderaxespad=0.3)
            self.axes.add_artist(legend)
            FrozenArtist(legend, self.figure)
            self._legends[key] = legend
        for shown_key, legend in self._legends.items():
            legend.set_visible(shown_key == key)

    @property
    def legend(self):
        """The legend shown under the panel."""
        return next(legend for legend in self._legends.values() if legend.get_visible())

    def update(self, model) -> None:
        """Colour the grid by the model's current predictions."""
        probabilities = class_probabilities(model, self.grid)
        self.image.set_colours(region_colours(probabilities, self.resolution))
