"""Gradient descent on the learning-rate lesson's bowls, run with the real engine.

Each problem is a quadratic bowl f(w) = ½ Σᵢ cᵢ·wᵢ² with its minimum f = 0 at the origin
and curvature cᵢ along axis i. On such a bowl plain gradient descent multiplies wᵢ by
(1 − η·cᵢ) every step, so it converges iff η < 2/λ_max, λ_max being the largest curvature
(at η = 2/λ_max exactly, the steepest coordinate flips sign forever at the same size).
`run_descent` takes the steps with `studypack.Value` and `studypack.optim.SGD` and stops as
soon as the loss passes `DIVERGENCE_LOSS` (so nothing infinite or NaN is ever kept);
`DescentRun.summary()` says in words what happened; `DescentPlot` draws a run.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from studypack import Value
from studypack.optim import SGD
from studypack.viz.fastplot import FastFigure

DIVERGENCE_LOSS = 1e6   # a run whose loss passes this is stopped and called diverged
CONVERGED_LOSS = 1e-6   # a run that ends (and stays) at or below this has converged
OSCILLATION_WINDOW = 10  # the last steps looked at to call a run oscillating
# a loss that changed by less than this fraction over a run has not changed: rounding alone
# moves an iterate by ~1e-16 per step, so exactly at 2/λ_max the loss is not "growing"
ROUNDING_TOLERANCE = 1e-9
LOSS_LIMITS = (1e-12, 1e9)  # the loss panel's fixed y-range: both thresholds and a margin


@dataclass(frozen=True)
class Quadratic:
    """f(w) = ½ Σᵢ cᵢ·wᵢ²: a bowl with curvature cᵢ = ∂²f/∂wᵢ² along axis i, lowest at 0."""

    name: str
    formula: str
    curvatures: tuple
    half_widths: tuple  # the region drawn: |wᵢ| ≤ half_widths[i]

    @property
    def coordinates(self) -> tuple:
        return ("x", "y", "z")[:len(self.curvatures)]

    @property
    def largest_curvature(self) -> float:
        """λ_max, the steepest direction's curvature: it alone sets the largest stable step."""
        return max(self.curvatures)

    def learning_rate_limit(self, momentum: float = 0.0) -> float:
        """The learning rate below which descent converges: 2/λ_max, or 2(1 + μ)/λ_max with
        momentum μ."""
        return 2.0 * (1.0 + momentum) / self.largest_curvature

    def loss(self, point):
        """f at `point`: works on Values (for backprop), floats and numpy grids alike."""
        return sum(0.5 * c * w * w for c, w in zip(self.curvatures, point))


PARABOLA = Quadratic("1-D parabola", "f(x) = 2x²", (4.0,), (4.0,))
BOWL = Quadratic("2-D ill-conditioned bowl", "f(x, y) = ½(x² + 20y²)", (1.0, 20.0), (4.0, 2.0))
PROBLEMS = {problem.name: problem for problem in (PARABOLA, BOWL)}


@dataclass(frozen=True)
class DescentRun:
    """The points w₀ … wₙ of a run (`path`, shape (n + 1, dimension)) and their `losses`.

    A diverged run stops at the first step whose loss passed DIVERGENCE_LOSS, so it holds
    fewer than `steps` steps; every number kept is finite.
    """

    problem: Quadratic
    learning_rate: float
    momentum: float
    steps: int
    path: np.ndarray
    losses: np.ndarray

    @property
    def steps_taken(self) -> int:
        return len(self.losses) - 1

    @property
    def diverged(self) -> bool:
        return bool(self.losses[-1] > DIVERGENCE_LOSS)

    @property
    def converged_at(self):
        """The first step from which the loss stays ≤ CONVERGED_LOSS to the end, else None."""
        above = np.flatnonzero(self.losses > CONVERGED_LOSS)
        if len(above) == 0:
            return 0
        return None if above[-1] == self.steps_taken else int(above[-1]) + 1

    def crossings(self) -> tuple:
        """(name of the coordinate holding most of the final loss, how many of the last
        OSCILLATION_WINDOW steps jumped it across the minimum, how many steps were looked at)."""
        final_terms = np.asarray(self.problem.curvatures) * self.path[-1] ** 2
        axis = int(np.argmax(final_terms))
        recent = self.path[-OSCILLATION_WINDOW - 1:, axis]
        jumps = int(np.count_nonzero(recent[1:] * recent[:-1] < 0))
        return self.problem.coordinates[axis], jumps, len(recent) - 1

    @property
    def outcome(self) -> str:
        """One of "diverged", "converged", "growing", "oscillating" and "too slow"."""
        if self.diverged:
            return "diverged"
        if self.converged_at is not None:
            return "converged"
        if _grew(self.losses[0], self.losses[-1]):
            return "growing"
        _, jumps, looked_at = self.crossings()
        # half the recent steps or more crossed the minimum: bouncing, not creeping
        return "oscillating" if looked_at and 2 * jumps >= looked_at else "too slow"

    def summary(self) -> str:
        """What happened, in words, e.g. 'converged: loss 3.2e-07 after 40 steps'."""
        n, final = self.steps_taken, self.losses[-1]
        outcome = self.outcome
        if outcome == "diverged":
            return f"diverged after {_steps(n)}: the loss grew past {DIVERGENCE_LOSS:.0e}"
        if outcome == "converged":
            k = self.converged_at
            text = f"converged: loss {_number(self.losses[k])} after {_steps(k)}"
            return text if k == n else f"{text} ({_number(final)} after {n})"
        if outcome == "growing":
            return (f"growing: loss {_number(final)} after {_steps(n)}, "
                    f"up from {_number(self.losses[0])} at the start")
        if outcome == "oscillating":
            name, jumps, looked_at = self.crossings()
            text = (f"oscillating: {name} jumped across the minimum in {jumps} of the last "
                    f"{_steps(looked_at)}; ")
            earlier = self.losses[-1 - looked_at]
            if not (_grew(earlier, final) or _grew(final, earlier)):
                return (f"{text}the loss stays at {_number(final)} after {_steps(n)}: "
                        f"neither converging nor diverging")
            return f"{text}loss {_number(final)} after {_steps(n)}"
        return (f"too slow: loss {_number(final)} after {_steps(n)}, "
                f"still above {CONVERGED_LOSS:.0e}")


def run_descent(problem: Quadratic, start, learning_rate: float, steps: int,
                momentum: float = 0.0) -> DescentRun:
    """Take up to `steps` steps of `SGD(learning_rate, momentum)` on `problem` from `start`.

    Each step is the engine's: build f from Values, `backward()` for ∂f/∂w, `optimizer.step()`.
    """
    if len(start) != len(problem.curvatures):
        raise ValueError(f"{problem.name} needs a start point with {len(problem.curvatures)} "
                         f"coordinates, got {len(start)}")
    weights = [Value(float(w), label=name) for w, name in zip(start, problem.coordinates)]
    optimizer = SGD(weights, learning_rate=learning_rate, momentum=momentum)
    path = [[w.data for w in weights]]
    losses = []
    for _ in range(steps):
        loss = problem.loss(weights)
        losses.append(loss.data)
        if loss.data > DIVERGENCE_LOSS:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append([w.data for w in weights])
    else:  # all steps taken: the loss at the last point is still to be measured
        losses.append(problem.loss(path[-1]))
    return DescentRun(problem, float(learning_rate), float(momentum), int(steps),
                      np.array(path, dtype=float), np.array(losses, dtype=float))


STEP_AXES = (10, 20, 30, 50, 100, 150, 200, 300, 500, 1000)  # the loss panel's step ranges
FONT_SIZE = 10  # points: ≥ 10 px on screen when a 7-inch figure is shown 580 px wide


def step_axis(steps: int) -> int:
    """The loss panel's x-range for a run of `steps` steps: the first of STEP_AXES that holds
    it, so a 30-step run fills its axis and dragging the steps slider seldom changes it."""
    return next((axis for axis in STEP_AXES if axis >= steps), steps)


class DescentPlot:
    """Two panels for runs on one problem: the function with the descent path (left), the
    loss per step (right), and a legend of the path's marks below them.

    The function and the log loss axis over LOSS_LIMITS stay; the step axis follows the run's
    number of steps (`step_axis`). So the fixed parts are rendered once per step range, and
    `png(run)` usually only draws the path and the loss curve: a few ms. Points outside the
    axes are clipped by matplotlib, never moved.
    """

    def __init__(self, problem: Quadratic, steps: int = 50, width: float = 7.0,
                 height: float = 3.0, dpi: int = 200):
        self.problem = problem
        self.fast = FastFigure(width, height, dpi, ncols=2)
        self.function_axes, self.loss_axes = self.fast.axes
        self._draw_function()
        self._draw_loss_axes(step_axis(steps))
        (self.path_line,) = self.function_axes.plot([], [], "o-", color="tab:blue",
                                                    markersize=3, linewidth=1)
        (self.start_marker,) = self.function_axes.plot([], [], "o", color="tab:green",
                                                       markersize=7)
        (self.end_marker,) = self.function_axes.plot([], [], "o", color="tab:red",
                                                     markersize=6)
        (self.loss_line,) = self.loss_axes.plot([], [], "-", color="tab:blue", linewidth=1.5)
        self.fast.animate(self.path_line, self.start_marker, self.end_marker, self.loss_line)
        self._draw_legend()
        self.fast.png()  # render the fixed parts now, so every later frame is quick

    @property
    def steps_shown(self) -> int:
        """The last step the loss panel's x-axis shows."""
        return round(self.loss_axes.get_xlim()[1])

    def png(self, run: DescentRun) -> bytes:
        """The figure for `run` (a run on this plot's problem) as PNG bytes."""
        if run.problem != self.problem:
            raise ValueError(f"this plot draws {self.problem.name}, not {run.problem.name}")
        if step_axis(run.steps) != self.steps_shown:
            self.loss_axes.set_xlim(0, step_axis(run.steps))
            self.fast.redraw_background()
        points = self._on_function(run.path)
        self.path_line.set_data(points[:, 0], points[:, 1])
        self.start_marker.set_data(points[:1, 0], points[:1, 1])
        self.end_marker.set_data(points[-1:, 0], points[-1:, 1])
        # a loss of exactly 0 has no logarithm: draw it on the bottom edge
        self.loss_line.set_data(np.arange(len(run.losses)),
                                np.maximum(run.losses, LOSS_LIMITS[0]))
        return self.fast.png()

    def _on_function(self, path: np.ndarray) -> np.ndarray:
        """Where each point is drawn: (x, f(x)) on a curve, (x, y) on a contour map."""
        if len(self.problem.curvatures) == 1:
            return np.column_stack([path[:, 0], self.problem.loss(path.T)])
        return path

    def _draw_function(self) -> None:
        problem, ax = self.problem, self.function_axes
        if len(problem.curvatures) == 1:
            (half_width,) = problem.half_widths
            x = np.linspace(-half_width, half_width, 201)
            top = problem.loss([half_width])
            ax.plot(x, problem.loss([x]), color="0.4", linewidth=1.5)
            ax.set_ylim(-0.05 * top, 1.05 * top)
            ax.set_ylabel("f(x)", fontsize=FONT_SIZE)
        elif len(problem.curvatures) == 2:
            x_half, y_half = problem.half_widths
            x, y = np.meshgrid(np.linspace(-x_half, x_half, 161), np.linspace(-y_half, y_half, 81))
            levels = np.geomspace(0.03, problem.loss([x_half, y_half]), 9)
            ax.contour(x, y, problem.loss([x, y]), levels=levels, colors="0.6", linewidths=0.8)
            ax.plot([0], [0], "k+", markersize=10)  # the minimum
            ax.set_aspect("equal")
            ax.set_ylim(-y_half, y_half)
            ax.set_ylabel("y", fontsize=FONT_SIZE)
        else:
            raise ValueError(f"{problem.name}: only 1-D and 2-D problems can be drawn")
        ax.set_xlim(-problem.half_widths[0], problem.half_widths[0])
        ax.set_xlabel("x", fontsize=FONT_SIZE)
        ax.set_title(problem.formula, fontsize=FONT_SIZE + 1)
        ax.tick_params(labelsize=FONT_SIZE)

    def _draw_loss_axes(self, steps: int) -> None:
        ax = self.loss_axes
        ax.set_yscale("log")
        ax.set_xlim(0, steps)
        ax.set_ylim(*LOSS_LIMITS)
        ax.set_xlabel("step", fontsize=FONT_SIZE)
        ax.set_title("loss f(w) per step (log scale)", fontsize=FONT_SIZE + 1)
        ax.tick_params(labelsize=FONT_SIZE)
        ax.grid(alpha=0.3)
        # the thresholds' names stay at the right edge whatever the step range
        at_right = ax.get_yaxis_transform()
        ax.axhline(DIVERGENCE_LOSS, color="tab:red", linestyle="--", linewidth=1)
        ax.text(1.0, DIVERGENCE_LOSS, "diverged above ", color="tab:red", ha="right",
                va="bottom", fontsize=FONT_SIZE, transform=at_right)
        ax.axhline(CONVERGED_LOSS, color="tab:green", linestyle=":", linewidth=1)
        ax.text(1.0, CONVERGED_LOSS, "converged below ", color="tab:green", ha="right",
                va="top", fontsize=FONT_SIZE, transform=at_right)

    def _draw_legend(self) -> None:
        """What the marks on the function mean, in one row under both panels."""
        marks = [(self.start_marker, "start w₀"), (self.path_line, "descent steps"),
                 (self.end_marker, "last point")]
        handles = [Line2D([], [], linestyle=line.get_linestyle(), marker=line.get_marker(),
                          color=line.get_color(), markersize=line.get_markersize(), label=label)
                   for line, label in marks]
        if len(self.problem.curvatures) == 2:
            handles.append(Line2D([], [], linestyle="none", marker="+", color="black",
                                  markersize=10, label="minimum"))
        self.fast.figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                                fontsize=FONT_SIZE, frameon=False, handlelength=1.8)


def _grew(before: float, after: float) -> bool:
    """Whether the loss went up by more than rounding can explain."""
    return after > before * (1.0 + ROUNDING_TOLERANCE)


def _number(x: float) -> str:
    return f"{x:.2g}"


def _steps(n: int) -> str:
    return "1 step" if n == 1 else f"{n} steps"
