"""Optimisers racing on 2-D surfaces, stepped by the engine, and the drawing of the race.

A `Surface` is a function f(x, y) written with ordinary arithmetic, so the same code gives
`Value`s (whose `backward()` supplies the gradient) and numpy grids (for the contour plot).
A `Run` is one optimiser from `studypack.optim` stepping on a surface from its start point;
it stops for good as soon as f passes its minimum by more than DIVERGENCE_LOSS, keeping
only finite numbers. `RacePlot` draws several runs at once: their paths on the contour map
(left) and f − f_min per step on a log scale (right), re-drawing only the moving lines.
Lesson 08 also draws here: mini-batch gradients around the full gradient (`NoisePlot`, from
`per_example_gradients`) and learning-rate schedules (`schedules_png`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from studypack import Value
from studypack.optim import SGD, Adam, RMSProp, Scheduler
from matplotlib.lines import Line2D

from studypack.viz.descent import BOWL, DIVERGENCE_LOSS, LOSS_LIMITS, step_axis
from studypack.viz.fastplot import FastFigure


@dataclass(frozen=True)
class Surface:
    """f(x, y) to minimise, the region drawn, the start point and a good η for each racer."""

    name: str
    formula: str
    function: Callable  # f(x, y): the same arithmetic on Values, floats and numpy arrays
    x_range: tuple
    y_range: tuple
    start: tuple
    lowest: float  # the smallest value of f: losses are drawn as f − lowest
    minima: tuple = ()  # points marked with a + on the map
    learning_rates: dict = field(default_factory=dict)  # suggested η per racer name

    def loss(self, point) -> float:
        return float(self.function(*point))

    def gradient(self, point) -> np.ndarray:
        """∇f at `point`, from the engine: build f from Values and call `backward()`."""
        x, y = Value(float(point[0])), Value(float(point[1]))
        self.function(x, y).backward()
        return np.array([x.grad, y.grad])

    def hessian(self, point, h: float = 1e-4) -> np.ndarray:
        """The matrix of second derivatives at `point`: column j is how the engine's gradient
        changes along coordinate j, (∇f(p + h·eⱼ) − ∇f(p − h·eⱼ)) / 2h. (Exact up to
        rounding when f is quadratic, since then ∇f is linear.)"""
        point = np.asarray(point, dtype=float)
        columns = [(self.gradient(point + h * e) - self.gradient(point - h * e)) / (2 * h)
                   for e in np.eye(2)]
        hessian = np.column_stack(columns)
        return (hessian + hessian.T) / 2  # symmetric in exact arithmetic; remove rounding


BOWL_SURFACE = Surface(
    "ill-conditioned bowl", BOWL.formula, lambda x, y: BOWL.loss([x, y]),
    x_range=(-4.0, 4.0), y_range=(-2.0, 2.0), start=(-3.5, 1.5), lowest=0.0, minima=((0, 0),),
    learning_rates={"SGD": 0.09, "momentum": 0.03, "RMSProp": 0.1, "Adam": 0.3})
ROSENBROCK = Surface(
    "Rosenbrock valley", "f(x, y) = (1 − x)² + 10(y − x²)²",
    lambda x, y: (1 - x) ** 2 + 10 * (y - x ** 2) ** 2,
    x_range=(-2.0, 2.0), y_range=(-1.0, 3.0), start=(-1.5, 2.5), lowest=0.0, minima=((1, 1),),
    learning_rates={"SGD": 0.01, "momentum": 0.003, "RMSProp": 0.03, "Adam": 0.1})
SADDLE = Surface(
    "saddle", "f(x, y) = ½x² + ¼y⁴ − ½y²", lambda x, y: 0.5 * x ** 2 + 0.25 * y ** 4 - 0.5 * y ** 2,
    x_range=(-3.0, 3.0), y_range=(-1.75, 1.75), start=(2.5, 1e-4), lowest=-0.25,
    minima=((0, -1), (0, 1)),
    learning_rates={"SGD": 0.1, "momentum": 0.03, "RMSProp": 0.03, "Adam": 0.1})
SURFACES = {surface.name: surface for surface in (BOWL_SURFACE, ROSENBROCK, SADDLE)}


@dataclass(frozen=True)
class Racer:
    """An optimiser in the race: its name, colour and how to build it on parameters."""

    name: str
    colour: str
    make: Callable  # make(parameters, learning_rate) -> a studypack.optim optimiser


MOMENTUM = 0.9
RACERS = (
    Racer("SGD", "#1f77b4", lambda parameters, rate: SGD(parameters, rate)),
    Racer("momentum", "#ff7f0e", lambda parameters, rate: SGD(parameters, rate, MOMENTUM)),
    Racer("RMSProp", "#2ca02c", lambda parameters, rate: RMSProp(parameters, rate)),
    Racer("Adam", "#9467bd", lambda parameters, rate: Adam(parameters, rate)),
)
RACERS_BY_NAME = {racer.name: racer for racer in RACERS}


class Run:
    """One optimiser stepping on one surface with the engine, a step at a time.

    `path` holds the points (n + 1, 2) and `losses` f at each; a run whose f − lowest passes
    DIVERGENCE_LOSS (or leaves the floats) stops there for good, `diverged_at` its step.
    """

    def __init__(self, surface: Surface, racer: Racer, learning_rate):
        """`learning_rate`: a number, or a schedule (η at step t, from studypack.optim)."""
        self.surface, self.racer, self.learning_rate = surface, racer, learning_rate
        self.weights = [Value(float(surface.start[0]), label="x"),
                        Value(float(surface.start[1]), label="y")]
        schedule = learning_rate if callable(learning_rate) else None
        self.optimizer = racer.make(self.weights, schedule(0) if schedule else learning_rate)
        self.scheduler = Scheduler(self.optimizer, schedule) if schedule else None
        self._points = [tuple(surface.start)]
        self._losses = [surface.loss(surface.start)]
        self.diverged_at = None

    @property
    def steps_taken(self) -> int:
        return len(self._points) - 1

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def path(self) -> np.ndarray:
        return np.array(self._points, dtype=float)

    @property
    def losses(self) -> np.ndarray:
        return np.array(self._losses, dtype=float)

    def step(self) -> None:
        """One step: f from Values, `backward()`, the optimiser's `step()`. Nothing once
        diverged."""
        if self.diverged:
            return
        self.optimizer.zero_grad()
        self.surface.function(*self.weights).backward()
        self.optimizer.step()
        if self.scheduler:
            self.scheduler.step()
        point = (self.weights[0].data, self.weights[1].data)
        with np.errstate(over="ignore", invalid="ignore"):
            loss = self.surface.function(*point)
        step = self.steps_taken + 1
        if np.isfinite(point).all() and np.isfinite(loss):
            self._points.append(point)
            self._losses.append(float(loss))
        if not (np.isfinite(loss) and loss - self.surface.lowest <= DIVERGENCE_LOSS):
            self.diverged_at = step  # kept if its numbers are finite, else the path ends before

    def advance_to(self, steps: int) -> None:
        while self.steps_taken < steps and not self.diverged:
            self.step()

    def summary(self) -> str:
        """What happened, e.g. 'f − f_min = 3.2e-05 after 40 steps' or 'diverged at step 7'."""
        if self.diverged:
            return f"diverged at step {self.diverged_at}: f grew past {DIVERGENCE_LOSS:.0e}"
        gap = self._losses[-1] - self.surface.lowest
        steps = "1 step" if self.steps_taken == 1 else f"{self.steps_taken} steps"
        return f"f − f_min = {gap:.2g} after {steps}"


def run_optimiser(surface: Surface, racer: str, learning_rate, steps: int) -> Run:
    """A `Run` of the racer named `racer` ("SGD", "momentum", "RMSProp", "Adam") taken up to
    `steps` steps (fewer if it diverges); `learning_rate` a number or a schedule."""
    if racer not in RACERS_BY_NAME:
        raise ValueError(f"racer={racer!r} is not one of {', '.join(map(repr, RACERS_BY_NAME))}")
    run = Run(surface, RACERS_BY_NAME[racer], learning_rate)
    run.advance_to(steps)
    return run


class RacePlot:
    """The race on one surface: paths on the contour map (left), f − f_min per step (right).

    The contours, axes and legend are rendered once per step range (the step axis grows with
    the race: 10, 20, 30, 50, … up to `max_steps`, so the first steps are not squeezed into
    the left edge); `png(runs)` draws only the runs' lines and markers (a run left out or
    None is hidden). A diverged run ends in a large ✕ on the edge of the map where it left,
    and on the top of the loss panel at its step: never a NaN or a rescaled loss axis.
    """

    def __init__(self, surface: Surface, racers=RACERS, max_steps: int = 200,
                 width: float = 7.5, height: float = 3.3, dpi: int = 160):
        self.surface, self.racers, self.max_steps = surface, tuple(racers), max_steps
        self.fast = FastFigure(width, height, dpi, ncols=2, width_ratios=(1.15, 1))
        self.map_axes, self.loss_axes = self.fast.axes
        self._draw_map()
        self._draw_loss_axes()
        self.artists = {racer.name: self._racer_artists(racer) for racer in self.racers}
        self.fast.png()  # render the fixed parts now, so every later frame is quick

    def steps_axis(self, steps: int) -> int:
        """The last step the loss panel shows when the race is at step `steps`."""
        return min(step_axis(max(steps, 1)), self.max_steps)

    def png(self, runs: dict, steps: int | None = None) -> bytes:
        """The frame for `runs` (racer name → Run on this surface, or None when switched off)
        at step `steps` of the race (default: the furthest run's)."""
        if steps is None:
            steps = max((run.steps_taken for run in runs.values() if run is not None), default=0)
        if self.steps_axis(steps) != round(self.loss_axes.get_xlim()[1]):
            self.loss_axes.set_xlim(0, self.steps_axis(steps))
            self.fast.redraw_background()
        for name, (path, head, crash, loss, loss_crash) in self.artists.items():
            run = runs.get(name)
            for artist in (path, head, crash, loss, loss_crash):
                artist.set_visible(run is not None)
            if run is None:
                continue
            if run.surface != self.surface:
                raise ValueError(f"this plot draws {self.surface.name}, not {run.surface.name}")
            points = run.path
            path.set_data(points[:, 0], points[:, 1])
            head.set_data(points[-1:, 0], points[-1:, 1])
            gaps = np.clip(run.losses - self.surface.lowest, LOSS_LIMITS[0], LOSS_LIMITS[1])
            loss.set_data(np.arange(len(gaps)), gaps)
            crash.set_visible(run.diverged)
            loss_crash.set_visible(run.diverged)
            head.set_visible(not run.diverged)
            if run.diverged:
                crash.set_data(*self._on_edge(points)[:, None])
                loss_crash.set_data([min(run.diverged_at, self.max_steps)], [DIVERGENCE_LOSS])
        return self.fast.png()

    def _on_edge(self, path: np.ndarray) -> np.ndarray:
        """Where `path` first leaves the map (a little inside its edge, so the whole ✕ shows),
        or its last point if it never does."""
        (x0, x1), (y0, y1) = self.surface.x_range, self.surface.y_range
        inset = 0.03 * np.array([x1 - x0, y1 - y0])
        low, high = np.array([x0, y0]) + inset, np.array([x1, y1]) - inset
        outside = np.flatnonzero(((path < low) | (path > high)).any(axis=1))
        if len(outside) == 0:
            return path[-1]
        if outside[0] == 0:
            return np.clip(path[0], low, high)
        inside, out = path[outside[0] - 1], path[outside[0]]
        direction = out - inside
        with np.errstate(divide="ignore", invalid="ignore"):
            fractions = np.where(direction > 0, (high - inside) / direction,
                                 np.where(direction < 0, (low - inside) / direction, np.inf))
        return np.clip(inside + min(1.0, float(np.min(fractions))) * direction, low, high)

    def _racer_artists(self, racer: Racer) -> tuple:
        (path,) = self.map_axes.plot([], [], "-", color=racer.colour, linewidth=1.6, alpha=0.9)
        (head,) = self.map_axes.plot([], [], "o", color=racer.colour, markersize=6,
                                     markeredgecolor="white")
        (crash,) = self.map_axes.plot([], [], "X", color=racer.colour, markersize=14,
                                      markeredgecolor="black")
        (loss,) = self.loss_axes.plot([], [], "-", color=racer.colour, linewidth=1.6)
        (loss_crash,) = self.loss_axes.plot([], [], "X", color=racer.colour, markersize=12,
                                            markeredgecolor="black")
        self.fast.animate(path, head, crash, loss, loss_crash)
        return path, head, crash, loss, loss_crash

    def _draw_map(self) -> None:
        surface, ax = self.surface, self.map_axes
        x, y = np.meshgrid(np.linspace(*surface.x_range, 201), np.linspace(*surface.y_range, 161))
        gaps = surface.function(x, y) - surface.lowest
        levels = np.geomspace(max(gaps.min(), 1e-3) * 3, gaps.max(), 12)
        ax.contour(x, y, gaps, levels=levels, colors="0.65", linewidths=0.7)
        for point in surface.minima:
            ax.plot(*point, "k+", markersize=12, markeredgewidth=1.5)
        ax.plot(*surface.start, "o", color="black", markersize=5)
        ax.set_xlim(*surface.x_range)
        ax.set_ylim(*surface.y_range)
        ax.set_aspect("equal")
        ax.set_xlabel("x", fontsize=10)
        ax.set_ylabel("y", fontsize=10)
        ax.set_title(surface.formula, fontsize=10)
        ax.tick_params(labelsize=10)
        handles = [Line2D([], [], color=r.colour, linewidth=2, label=r.name) for r in self.racers]
        handles.append(Line2D([], [], linestyle="none", marker="X", color="0.5", markersize=9,
                              markeredgecolor="black", label="diverged"))
        self.fast.figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                                fontsize=10, frameon=False, handlelength=1.5)

    def _draw_loss_axes(self) -> None:
        ax = self.loss_axes
        ax.set_yscale("log")
        ax.set_xlim(0, self.steps_axis(0))
        ax.set_ylim(*LOSS_LIMITS)
        ax.set_xlabel("step", fontsize=10)
        ax.set_title("f − f_min (log scale)", fontsize=10)
        ax.tick_params(labelsize=10)
        ax.grid(alpha=0.3)
        ax.axhline(DIVERGENCE_LOSS, color="tab:red", linestyle="--", linewidth=1)
        ax.text(1.0, DIVERGENCE_LOSS, "diverged above ", color="tab:red", ha="right",
                va="bottom", fontsize=10, transform=ax.get_yaxis_transform())


# ---- mini-batch noise ----------------------------------------------------------------------

def per_example_gradients(x: np.ndarray, y: np.ndarray, w: float, b: float) -> np.ndarray:
    """∇ of each example's squared error (w·xᵢ + b − yᵢ)² with respect to (w, b), one row per
    example, each from the engine's `backward()`. Their mean is the full-batch MSE gradient,
    and a mini-batch's gradient is the mean over its examples."""
    rows = []
    for xi, yi in zip(np.ravel(x), y):
        weight, bias = Value(float(w)), Value(float(b))
        ((weight * float(xi) + bias - float(yi)) ** 2).backward()
        rows.append((weight.grad, bias.grad))
    return np.array(rows)


def minibatch_gradients(per_example: np.ndarray, batch_size: int, draws: int = 300,
                        seed: int = 0) -> np.ndarray:
    """`draws` mini-batch gradients: each the mean of `batch_size` rows of `per_example`
    drawn without replacement (one shuffled batch of an epoch), shape (draws, 2)."""
    n = len(per_example)
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and the {n} examples, got {batch_size}")
    rng = np.random.default_rng(seed)
    picks = np.array([rng.choice(n, batch_size, replace=False) for _ in range(draws)])
    return per_example[picks].mean(axis=1)


def spread(gradients: np.ndarray, full: np.ndarray) -> float:
    """The root-mean-square distance of the gradients from the full gradient."""
    return float(np.sqrt(np.mean(np.sum((gradients - full) ** 2, axis=1))))


class NoisePlot:
    """Mini-batch gradients (dots) around the full gradient (star), with a circle of radius
    `spread`, on axes fixed by the noisiest case (batch size 1), so sizes compare by eye."""

    def __init__(self, per_example: np.ndarray, width: float = 4.2, height: float = 3.6,
                 dpi: int = 200):
        self.full = per_example.mean(axis=0)
        reach = 1.15 * np.abs(per_example - self.full).max()
        self.fast = FastFigure(width, height, dpi)
        (ax,) = self.fast.axes
        ax.set_xlim(self.full[0] - reach, self.full[0] + reach)
        ax.set_ylim(self.full[1] - reach, self.full[1] + reach)
        ax.set_aspect("equal")
        ax.set_xlabel("∂L/∂w", fontsize=10)
        ax.set_ylabel("∂L/∂b", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.grid(alpha=0.3)
        (self.dots,) = ax.plot([], [], "o", color="#1f77b4", markersize=3, alpha=0.5,
                               label="mini-batch gradients")
        (self.circle,) = ax.plot([], [], "-", color="#d62728", linewidth=1.5,
                                 label="their spread (RMS distance)")
        (star,) = ax.plot(*self.full, "*", color="black", markersize=15, markeredgecolor="white",
                          label="full-batch gradient")
        ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
        self.fast.animate(self.dots, self.circle, star)  # the star last: on top of the dots
        self.fast.png()

    def png(self, gradients: np.ndarray) -> bytes:
        radius = spread(gradients, self.full)
        angles = np.linspace(0, 2 * np.pi, 121)
        self.dots.set_data(gradients[:, 0], gradients[:, 1])
        self.circle.set_data(self.full[0] + radius * np.cos(angles),
                             self.full[1] + radius * np.sin(angles))
        return self.fast.png()


def schedules_png(schedules: dict, steps: int, width: float = 7.0, height: float = 2.6,
                  dpi: int = 200) -> bytes:
    """PNG of each schedule's η_t for t = 0 … steps − 1 (name → schedule), one line each;
    1400 px wide: crisp when shown 700 px wide."""
    figure = FastFigure(width, height, dpi)
    (ax,) = figure.axes
    t = np.arange(steps)
    for name, schedule in schedules.items():
        ax.plot(t, [schedule(int(k)) for k in t], linewidth=2, label=name)
    ax.set_xlabel("step t", fontsize=10)
    ax.set_ylabel("learning rate η", fontsize=10)
    ax.tick_params(labelsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return figure.png()
