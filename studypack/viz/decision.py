"""Decision regions: which class a classifier picks at each point of the plane.

The model is evaluated (under `no_grad`, no graph recorded) at the centres of a coarse grid
covering the data, e.g. 60 × 60 = 3,600 points; each cell is coloured by the class
probabilities there, so confident areas show a class's colour and uncertain ones a blend.
"""
from __future__ import annotations

import numpy as np

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


class DecisionRegions:
    """A decision-region panel on one axes of a `FastFigure`: the region image and the data
    points, both animated (the points must be drawn over the image on every frame).

    `set_data(X, y)` once per dataset; `update(model)` after each change of the model.
    """

    def __init__(self, fast_figure, axes, resolution: int = 60):
        self.axes, self.resolution = axes, resolution
        # No ticks: then the fixed background does not depend on the axis limits, and a new
        # dataset (new limits) needs no background redraw.
        axes.set_xticks([])
        axes.set_yticks([])
        blank = np.ones((resolution, resolution, 3))
        self.image = fast_figure.animate(
            axes.imshow(blank, origin="lower", aspect="auto", interpolation="bilinear"))
        self.points = fast_figure.animate(
            axes.scatter([], [], s=14, edgecolors="black", linewidths=0.5))
        self.extent = self.grid = None

    def set_data(self, X, y) -> None:
        """Show the points X (n, 2) coloured by their classes y, and fit the view around them."""
        self.extent = square_extent(X)
        self.grid = grid_points(self.extent, self.resolution)
        self.image.set_extent(self.extent)
        self.axes.set_xlim(self.extent[:2])
        self.axes.set_ylim(self.extent[2:])
        self.points.set_offsets(X)
        self.points.set_facecolor(CLASS_COLOURS[np.asarray(y)])

    def update(self, model) -> None:
        """Colour the grid by the model's current predictions."""
        probabilities = class_probabilities(model, self.grid)
        self.image.set_data(region_colours(probabilities, self.resolution))
