"""The TrainingLab's learning curves and its held-out points, drawn on a `FastFigure`.

`LearningCurves` plots the loss (or the accuracy) on the training set and on the held-out
validation set after every epoch, and marks the epoch with the lowest validation loss: the
one early stopping keeps. Its axes fit the run: the epoch axis ends where the chosen run
ends (and grows when training goes on past it), the loss axis reaches just above the highest
loss drawn. `HeldOutPoints` shows the validation points on the decision-region panel as
white dots ringed in their class's colour, so they stand apart from the filled training
points. `learning_curves_png` draws finished runs side by side, for a lesson.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from .decision import CLASS_COLOURS, FrozenArtist

TRAINING_COLOUR = "black"
VALIDATION_COLOUR = "#d95f02"   # a dark orange: apart from black, readable on the white card
BEST_COLOUR = "#1b7837"         # green: the epoch to keep
ACCURACY_LIMITS = (0.0, 1.02)
VIEWS = {"loss": "cross-entropy", "accuracy": "accuracy"}
NICE_TOPS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.5)  # × a power of ten: where the loss axis may end
SMALL_TEXT = 9   # points: legends and ticks (≥ 10 CSS px in the lab's 7-inch figure at 590 px)


def loss_axis_top(values) -> float:
    """The loss axis's top: the smallest of 1, 1.5, 2, 3, 5, 7.5 × 10^k above the highest
    finite value (with a 5% margin), so the whole curve shows and the axis changes rarely."""
    finite = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    highest = 1.05 * finite.max() if finite.size and finite.max() > 0 else 1.0
    power = 10.0 ** np.floor(np.log10(highest))
    return float(next(power * nice for nice in (*NICE_TOPS, 10.0) if power * nice >= highest))


def epoch_axis_end(epoch: int, planned: int) -> int:
    """The epoch axis's right end: `planned` (where the chosen run ends) while the epochs
    fit; past it, a quarter more than `epoch`, rounded up to a multiple of 10."""
    if epoch <= planned:
        return planned
    return int(10 * np.ceil(1.25 * epoch / 10))


class LearningCurves:
    """Training and validation curves on one axes of a `FastFigure`, with the best epoch.

    `set_view("loss" | "accuracy", with_validation)` once per change of what is shown (a
    new view redraws the fixed background); `set_planned_end(epoch)` where the run the learner chose
    ends; `update(history)` after every chunk of training, where `history` has `losses`,
    `accuracies`, `validation_losses`, `validation_accuracies` (one number per epoch from
    epoch 0; the validation lists empty without a held-out set) and `best_epoch` (None
    without one).
    """

    def __init__(self, fast_figure, axes, planned_end: int = 200):
        self.figure, self.axes = fast_figure, axes
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
        axes.tick_params(labelsize=SMALL_TEXT)
        (training,) = axes.plot([], [], color=TRAINING_COLOUR, linewidth=1.4)
        (validation,) = axes.plot([], [], color=VALIDATION_COLOUR, linewidth=1.6)
        best_line = axes.axvline(0.0, color=BEST_COLOUR, linestyle=":", linewidth=1.6)
        (best_dot,) = axes.plot([], [], "o", color=BEST_COLOUR, markersize=6)
        self.training_line, self.validation_line, self.best_line, self.best_dot = \
            fast_figure.animate(training, validation, best_line, best_dot)
        # one legend per view, made once and pasted over the curves (`FrozenArtist`s, animated
        # after the lines, so drawn after them, on top, as matplotlib draws a legend): showing
        # the validation curve or not needs no new background
        self.legends = {(view, with_validation): self._legend(view, with_validation)
                        for view in VIEWS for with_validation in (False, True)}
        frozen = [FrozenArtist(legend, fast_figure) for legend in self.legends.values()]
        # what a frame of the curves alone draws, in this order: the legend last, on top, as
        # matplotlib draws it (a curve drawn over it would hide its words)
        self.moving = (self.training_line, self.validation_line, self.best_line,
                       self.best_dot, *frozen)
        self.view, self.with_validation = None, None
        self.planned_end = planned_end
        # FastFigure fixes the layout at its first frame: draw it with the widest tick labels
        # the axes will show (4 digits), so that none is cut off later
        axes.set_xlim(0, 1000)
        axes.set_ylim(0, 1000)
        self.set_view("loss", with_validation=True)

    def _legend(self, view: str, with_validation: bool) -> Legend:
        handles = [Line2D([], [], color=TRAINING_COLOUR, linewidth=1.4, label="training")]
        if with_validation:
            handles += [Line2D([], [], color=VALIDATION_COLOUR, linewidth=1.6,
                               label="validation"),
                        Line2D([], [], color=BEST_COLOUR, linestyle=":", marker="o",
                               markersize=5, label="best validation")]
        legend = Legend(self.axes, handles, [h.get_label() for h in handles],
                        loc="upper right" if view == "loss" else "lower right",
                        fontsize=SMALL_TEXT, framealpha=1.0, handlelength=1.5)
        self.axes.add_artist(legend)
        return legend

    @property
    def legend(self) -> Legend:
        """The legend shown: it names the curves drawn."""
        return self.legends[self.view, self.with_validation]

    def set_view(self, view: str, with_validation: bool) -> None:
        """Show the loss or the accuracy curves; the legend names what is drawn."""
        if (view, with_validation) == (self.view, self.with_validation):
            return
        if view != self.view:  # a new axis label, title and range: a new background
            self.axes.set_ylabel(VIEWS[view])
            self.axes.set_title(f"{view} per epoch", fontsize=11)
            if view == "accuracy":
                self.axes.set_ylim(*ACCURACY_LIMITS)
            self.figure.redraw_background()
        self.view, self.with_validation = view, with_validation
        for key, legend in self.legends.items():
            legend.set_visible(key == (view, with_validation))

    def set_planned_end(self, planned_end: int) -> None:
        """The epoch where the chosen run ends: the epoch axis ends there (from `update`)."""
        self.planned_end = planned_end

    def update(self, history) -> None:
        """Draw the curves up to the current epoch; fit the axes to the run when it leaves
        them (a new background then)."""
        epochs = len(history.losses) - 1
        if epochs > self.planned_end:
            self.planned_end = epoch_axis_end(epochs, self.planned_end)
        if self.view == "loss":
            training, validation = history.losses, history.validation_losses
            top = loss_axis_top([*training, *validation])
        else:
            training, validation = history.accuracies, history.validation_accuracies
            top = ACCURACY_LIMITS[1]
        if self.axes.get_xlim() != (0, self.planned_end) or self.axes.get_ylim()[1] != top:
            self.axes.set_xlim(0, self.planned_end)
            self.axes.set_ylim(0, top)
            self.figure.redraw_background()
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
    `width` × 80 px wide to keep it crisp (legends and ticks stay ≥ 10 CSS px at 590 px)."""
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
        axes.set_title(name, fontsize=11)
        axes.set_xlabel("epoch", fontsize=11)
        axes.set_ylim(0, 1.05 * top)
        axes.grid(alpha=0.3)
        axes.tick_params(labelsize=10)
        axes.legend(fontsize=10, loc="lower left")
    axes_row[0].set_ylabel("cross-entropy", fontsize=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
