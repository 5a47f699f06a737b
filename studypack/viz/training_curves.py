"""The TrainingLab's learning curves and its held-out points, drawn on a `FastFigure`.

`LearningCurves` plots the loss (or the accuracy) on the training set and on the held-out
validation set after every epoch, and marks the epoch with the lowest validation loss: the
one early stopping keeps. `HeldOutPoints` shows the validation points on the decision-region
panel as white dots ringed in their class's colour, so they stand apart from the filled
training points. `learning_curves_png` draws finished runs side by side, for a lesson.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .decision import CLASS_COLOURS

TRAINING_COLOUR = "black"
VALIDATION_COLOUR = "#d95f02"   # a dark orange: apart from black, readable on the white card
BEST_COLOUR = "#1b7837"         # green: the epoch to keep
LOSS_AXIS_TOP = 1.5             # fixed loss axis (ln 3 ≈ 1.1 is the loss of a blind 3-class guess)
VIEWS = {"loss": ("cross-entropy", (0.0, LOSS_AXIS_TOP)), "accuracy": ("accuracy", (0.0, 1.02))}


def epoch_axis_end(epoch: int) -> int:
    """The epoch axis's right end: 50, doubled until `epoch` fits (so it changes rarely)."""
    return max(50, 50 * 2 ** int(np.ceil(np.log2(max(epoch, 1) / 50))))


class LearningCurves:
    """Training and validation curves on one axes of a `FastFigure`, with the best epoch.

    `set_view("loss" | "accuracy", with_validation)` once per change of what is shown (it
    redraws the fixed background); `update(history)` after every chunk of training, where
    `history` has `losses`, `accuracies`, `validation_losses`, `validation_accuracies` (one
    number per epoch from epoch 0; the validation lists empty without a held-out set) and
    `best_epoch` (None without one).
    """

    def __init__(self, fast_figure, axes):
        self.figure, self.axes = fast_figure, axes
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
        (training,) = axes.plot([], [], color=TRAINING_COLOUR, linewidth=1.2)
        (validation,) = axes.plot([], [], color=VALIDATION_COLOUR, linewidth=1.4)
        best_line = axes.axvline(0.0, color=BEST_COLOUR, linestyle=":", linewidth=1.4)
        (best_dot,) = axes.plot([], [], "o", color=BEST_COLOUR, markersize=5)
        self.training_line, self.validation_line, self.best_line, self.best_dot = \
            fast_figure.animate(training, validation, best_line, best_dot)
        self.view, self.with_validation = None, None
        # FastFigure fixes the layout at its first frame: draw it with the widest epoch labels
        # the axis will show, so that none is cut off later
        axes.set_xlim(0, 1600)
        self.set_view("loss", with_validation=True)

    def set_view(self, view: str, with_validation: bool) -> None:
        """Show the loss or the accuracy curves; the legend names what is drawn."""
        if (view, with_validation) == (self.view, self.with_validation):
            return
        self.view, self.with_validation = view, with_validation
        label, limits = VIEWS[view]
        self.axes.set_ylabel(label)
        self.axes.set_ylim(*limits)
        self.axes.set_title(f"{view} per epoch" if with_validation
                            else f"{view} on the training set")
        handles = [Line2D([], [], color=TRAINING_COLOUR, label="training")]
        if with_validation:
            handles += [Line2D([], [], color=VALIDATION_COLOUR, linewidth=1.4,
                               label="validation (held out)"),
                        Line2D([], [], color=BEST_COLOUR, linestyle=":", marker="o",
                               markersize=4, label="best validation loss")]
        if self.axes.get_legend():
            self.axes.get_legend().remove()
        self.axes.legend(handles=handles, loc="upper right" if view == "loss" else "lower right",
                         fontsize=8, framealpha=0.9)
        self.figure.redraw_background()

    def update(self, history) -> None:
        """Draw the curves up to the current epoch; grow the epoch axis when it is full."""
        epochs = len(history.losses) - 1
        end = epoch_axis_end(epochs)
        if self.axes.get_xlim()[1] != end:
            self.axes.set_xlim(0, end)
            self.figure.redraw_background()
        if self.view == "loss":
            training, validation = history.losses, history.validation_losses
        else:
            training, validation = history.accuracies, history.validation_accuracies
        self.training_line.set_data(np.arange(len(training)), training)
        self.validation_line.set_data(np.arange(len(validation)), validation)
        best = history.best_epoch
        for artist in (self.best_line, self.best_dot):
            artist.set_visible(best is not None)
        if best is not None:
            self.best_line.set_xdata([best, best])
            self.best_dot.set_data([best], [validation[best]])


class HeldOutPoints:
    """The validation points on a decision-region axes: white dots ringed in their class's
    colour (the training points are filled), drawn over the regions when `visible`."""

    def __init__(self, fast_figure, axes):
        self.points = fast_figure.animate(axes.scatter([], [], s=22, facecolors="white",
                                                       linewidths=1.6))

    def set_data(self, X, y) -> None:
        self.points.set_offsets(np.asarray(X).reshape(-1, 2))
        self.points.set_edgecolor(CLASS_COLOURS[np.asarray(y, dtype=int)])

    @property
    def visible(self) -> bool:
        return self.points.get_visible()

    @visible.setter
    def visible(self, show: bool) -> None:
        self.points.set_visible(show)


def learning_curves_png(runs: dict, width: float = 8.0, height: float = 2.8) -> bytes:
    """One panel per named run: its training and validation loss per epoch, the best
    validation epoch marked, all panels on the same axes. PNG drawn at 2× (160 dpi): show it
    `width` × 80 px wide to keep it crisp."""
    figure = Figure(figsize=(width, height), dpi=160, layout="constrained")
    FigureCanvasAgg(figure)
    axes_row = figure.subplots(1, len(runs), sharey=True, squeeze=False)[0]
    top = max(max(run.validation_losses + run.losses) for run in runs.values())
    for axes, (name, run) in zip(axes_row, runs.items()):
        epochs = np.arange(len(run.losses))
        axes.plot(epochs, run.losses, color=TRAINING_COLOUR, linewidth=1.1, label="training")
        axes.plot(epochs, run.validation_losses, color=VALIDATION_COLOUR, linewidth=1.3,
                  label="validation")
        best = run.best_epoch
        axes.axvline(best, color=BEST_COLOUR, linestyle=":", linewidth=1.3)
        axes.plot([best], [run.validation_losses[best]], "o", color=BEST_COLOUR, markersize=4,
                  label=f"best validation loss (epoch {best})")
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("epoch")
        axes.set_ylim(0, 1.05 * top)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8, loc="lower left")
    axes_row[0].set_ylabel("cross-entropy")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
