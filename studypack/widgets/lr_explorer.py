"""LearningRateExplorer: move the learning rate and watch gradient descent converge, crawl,
bounce or blow up, on a parabola and on an ill-conditioned bowl.

Its learning-rate slider (`learning_rate_slider`, shared with the TrainingLab) moves over a
grid of readable numbers, so every value a lesson names is exactly what the browser sets.
"""
from __future__ import annotations

import html
import math

import ipywidgets as widgets

from studypack.viz.descent import BOWL, PROBLEMS, DescentPlot, run_descent
from studypack.widgets.look import PARTLY, RIGHT, WRONG, RunHint, plot_dpi, plot_image, \
    verdict_html

MAX_STEPS = 200
# the plot: 7 × 3 inches shown at most 700 px wide (drawn at 1400), 580 on a 1024-px screen;
# with the controls above it, it fits a 768-px-high screen with JupyterLab's bars around it
PLOT_INCHES, PLOT_CSS_WIDTH = (7.0, 3.0), 700
# The learning-rate sliders stop at m·10^e for these m: readable numbers at most 17% apart,
# denser around 1 and 5, where this lesson's limits 2/λ = 0.1 and 0.5 lie. (A FloatLogSlider
# would step by a fixed factor, and a browser would turn 0.375 into 0.372 and 0.5 into 0.501.)
READABLE_MANTISSAS = (1, 1.05, 1.1, 1.2, 1.25, 1.3, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.5, 3.75,
                      4, 4.5, 4.75, 5, 5.25, 5.5, 6, 7, 7.5, 8, 9, 9.5)


def readable_grid(low: float, high: float) -> tuple:
    """Every m·10^e from `low` to `high` (m in READABLE_MANTISSAS), ascending: 0.001, 0.00105,
    …, 0.375, …, 10. Each is the float nearest its decimal, so 0.375 == 3.75e-1 exactly."""
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    values = {float(f"{m}e{e}") for e in exponents for m in READABLE_MANTISSAS}
    return tuple(sorted(v for v in values if low <= v <= high))


LEARNING_RATES = readable_grid(1e-4, 10.0)


def learning_rate_slider(value: float, rates: tuple = LEARNING_RATES,
                         description: str = "learning rate η") -> widgets.SelectionSlider:
    """A slider over `rates`, labelled as the numbers are written (0.375, 0.0001, 10).

    `value` must be one of `rates`: a value the slider cannot show would be silently replaced
    by a neighbour in the browser, so it is refused with the nearest ones named.
    """
    if value not in rates:
        above = min((r for r in rates if r > value), default=None)
        below = max((r for r in rates if r < value), default=None)
        nearest = " or ".join(f"{r:g}" for r in (below, above) if r is not None)
        raise ValueError(f"learning_rate={value!r} is not on the slider ({rates[0]:g} to "
                         f"{rates[-1]:g} in readable steps): use {nearest}")
    return widgets.SelectionSlider(options=[(f"{r:g}", r) for r in rates], value=value,
                                   description=description,
                                   style={"description_width": "initial"})


# how each outcome reads: right when it converged, wrong when it blew up, partly between
OUTCOME_VERDICTS = {"converged": RIGHT, "too slow": PARTLY, "oscillating": PARTLY,
                    "growing": WRONG, "diverged": WRONG}


def _flexible(basis: str, largest: str = "440px") -> widgets.Layout:
    """A control that takes its share of a wrapping row: at least `basis` wide, at most
    `largest`; on a narrow page the row wraps instead of cutting anything."""
    return widgets.Layout(width="auto", flex=f"1 1 {basis}", max_width=largest)


class LearningRateExplorer(RunHint, widgets.VBox):
    """Sliders for the learning rate, steps, momentum and start point; a plot of the run.

    Every control change re-runs gradient descent (the engine's `Value`s and `SGD`) and
    re-draws the path and the loss curve, whose step axis follows the steps chosen. The
    result is readable as `run`, `losses`, `path`, `diverged` and `status.value`;
    `threshold` compares the learning rate with 2/λ_max.
    """

    run_hint = "the learning-rate explorer"

    def __init__(self, problem: str = BOWL.name, learning_rate: float = 0.09, steps: int = 50,
                 momentum: float = 0.0, start=(3.0, 1.5)):
        if problem not in PROBLEMS:
            raise ValueError(f"problem={problem!r} is not one of {', '.join(map(repr, PROBLEMS))}")
        wide = {"description_width": "initial"}
        # buttons as wide as their names: "2-D ill-conditioned bowl" is not cut short
        self.problem_selector = widgets.ToggleButtons(
            options=list(PROBLEMS), value=problem, style={"button_width": "auto"},
            layout=widgets.Layout(width="auto", flex_flow="row wrap"))
        # the controls share one wrapping row: at 590 px the learning rate has a line of its
        # own and the others go two by two; at 1000 px they fill two lines
        self.learning_rate_slider = learning_rate_slider(learning_rate)
        self.learning_rate_slider.layout = _flexible("360px", "560px")
        self.momentum_slider = widgets.FloatSlider(
            value=momentum, min=0.0, max=0.99, step=0.01, description="momentum μ", style=wide,
            layout=_flexible("250px"))
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=MAX_STEPS,
                                              description="steps", style=wide,
                                              layout=_flexible("250px"))
        self.start_x_slider = widgets.FloatSlider(value=start[0], min=-3.5, max=3.5, step=0.1,
                                                  description="start x", style=wide,
                                                  layout=_flexible("250px"))
        self.start_y_slider = widgets.FloatSlider(value=start[1], min=-1.8, max=1.8, step=0.1,
                                                  description="start y", style=wide,
                                                  layout=_flexible("250px"))
        self.status = widgets.HTML()
        self.threshold = widgets.HTMLMath()
        # one plot per problem, each with its fixed parts drawn once: switching is quick too
        dpi = plot_dpi(PLOT_INCHES[0], PLOT_CSS_WIDTH)
        self.plots = {name: DescentPlot(p, steps, *PLOT_INCHES, dpi=dpi)
                      for name, p in PROBLEMS.items()}
        self.image = plot_image(self.plots[problem].fast.pixel_size[0])

        controls = widgets.HBox(
            [self.learning_rate_slider, self.momentum_slider, self.steps_slider,
             self.start_x_slider, self.start_y_slider],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([self.problem_selector, controls, self.image, self.status,
                          self.threshold])
        for control in (self.problem_selector, self.learning_rate_slider, self.momentum_slider,
                        self.steps_slider, self.start_x_slider, self.start_y_slider):
            control.observe(self._update, names="value")
        self._update()

    @property
    def problem(self):
        return PROBLEMS[self.problem_selector.value]

    @property
    def losses(self):
        return self.run.losses

    @property
    def path(self):
        return self.run.path

    @property
    def diverged(self) -> bool:
        return self.run.diverged

    def _update(self, change=None) -> None:
        problem = self.problem
        self.start_y_slider.disabled = len(problem.curvatures) < 2
        start = (self.start_x_slider.value, self.start_y_slider.value)[:len(problem.curvatures)]
        self.run = run_descent(problem, start, self.learning_rate_slider.value,
                               self.steps_slider.value, self.momentum_slider.value)
        self.image.value = self.plots[problem.name].png(self.run)
        self.status.value = verdict_html(OUTCOME_VERDICTS[self.run.outcome], self.run.summary())
        self.threshold.value = self._threshold_text()

    def _threshold_text(self) -> str:
        """Where the learning rate stands against 2/λ_max (2(1+μ)/λ_max with momentum μ)."""
        problem, learning_rate = self.problem, self.learning_rate_slider.value
        steepest, limit = problem.largest_curvature, problem.learning_rate_limit()
        text = (f"{html.escape(problem.name)}: the steepest curvature is "
                f"$\\lambda_{{\\max}} = {steepest:g}$, so plain gradient descent converges iff "
                f"$\\eta < 2/\\lambda_{{\\max}} = {limit:.3g}$. Now $\\eta = {learning_rate:.3g} = "
                f"{learning_rate / limit:.3g} \\times 2/\\lambda_{{\\max}}$, "
                f"{_side(learning_rate, limit)} the limit.")
        momentum = self.momentum_slider.value
        if momentum > 0:
            limit = problem.learning_rate_limit(momentum)
            text += (f" With momentum $\\mu = {momentum:.2f}$ the limit is "
                     f"$2(1+\\mu)/\\lambda_{{\\max}} = {limit:.3g}$: $\\eta$ is "
                     f"{_side(learning_rate, limit)} it.")
        return text


def _side(learning_rate: float, limit: float) -> str:
    """'below', 'exactly at' or 'above': at the limit itself descent neither converges nor
    diverges, and the slider can land there exactly (0.5 on f(x) = 2x²)."""
    if math.isclose(learning_rate, limit, rel_tol=1e-12):
        return "exactly at"
    return "below" if learning_rate < limit else "above"
