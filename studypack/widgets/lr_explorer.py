"""LearningRateExplorer: move the learning rate and watch gradient descent converge, crawl,
bounce or blow up, on a parabola and on an ill-conditioned bowl."""
from __future__ import annotations

import html

import ipywidgets as widgets

from studypack.viz.descent import BOWL, PROBLEMS, DescentPlot, run_descent

MAX_STEPS = 200
OUTCOME_COLOURS = {"converged": "green", "too slow": "darkorange", "oscillating": "darkorange",
                   "growing": "firebrick", "diverged": "firebrick"}


class LearningRateExplorer(widgets.VBox):
    """Sliders for the learning rate, steps, momentum and start point; a plot of the run.

    Every control change re-runs gradient descent (the engine's `Value`s and `SGD`) and
    re-draws the path and the loss curve. The result is readable as `run`, `losses`, `path`,
    `diverged` and `status.value`; `threshold` compares the learning rate with 2/L.
    """

    def __init__(self, problem: str = BOWL.name, learning_rate: float = 0.09, steps: int = 50,
                 momentum: float = 0.0, start=(3.0, 1.5)):
        if problem not in PROBLEMS:
            raise ValueError(f"problem={problem!r} is not one of {', '.join(map(repr, PROBLEMS))}")
        wide = {"description_width": "initial"}
        self.problem_selector = widgets.ToggleButtons(options=list(PROBLEMS), value=problem)
        self.learning_rate_slider = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=-4, max=1, step=0.01, readout_format=".3g",
            description="learning rate η", style=wide)
        self.momentum_slider = widgets.FloatSlider(
            value=momentum, min=0.0, max=0.99, step=0.01, description="momentum β", style=wide)
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=MAX_STEPS,
                                              description="steps", style=wide)
        self.start_x_slider = widgets.FloatSlider(value=start[0], min=-3.5, max=3.5, step=0.1,
                                                  description="start x", style=wide)
        self.start_y_slider = widgets.FloatSlider(value=start[1], min=-1.8, max=1.8, step=0.1,
                                                  description="start y", style=wide)
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self.threshold = widgets.HTMLMath()
        # one plot per problem, each with its fixed parts drawn once: switching is quick too
        self.plots = {name: DescentPlot(p, max_steps=MAX_STEPS) for name, p in PROBLEMS.items()}

        wrap = widgets.Layout(flex_flow="row wrap")  # narrow notebooks: sliders go below
        super().__init__([
            self.problem_selector,
            widgets.HBox([self.learning_rate_slider, self.momentum_slider], layout=wrap),
            widgets.HBox([self.steps_slider, self.start_x_slider, self.start_y_slider],
                         layout=wrap),
            self.image, self.status, self.threshold])
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
        colour = OUTCOME_COLOURS[self.run.outcome]
        self.status.value = f'<b style="color:{colour}">{html.escape(self.run.summary())}</b>'
        self.threshold.value = self._threshold_text()

    def _threshold_text(self) -> str:
        """Where the learning rate stands against 2/L (and 2(1+β)/L with momentum)."""
        problem, learning_rate = self.problem, self.learning_rate_slider.value
        L, limit = problem.largest_curvature, problem.learning_rate_limit()
        side = "below" if learning_rate < limit else "not below"
        text = (f"{html.escape(problem.name)}: the steepest curvature is $L = {L:g}$, so plain "
                f"gradient descent converges iff $\\eta < 2/L = {limit:.3g}$. "
                f"Now $\\eta = {learning_rate:.3g} = {learning_rate / limit:.3g} \\times 2/L$, "
                f"{side} the limit.")
        momentum = self.momentum_slider.value
        if momentum > 0:
            limit = problem.learning_rate_limit(momentum)
            side = "below" if learning_rate < limit else "not below"
            text += (f" With momentum $\\beta = {momentum:.2f}$ the limit is "
                     f"$2(1+\\beta)/L = {limit:.3g}$: $\\eta$ is {side} it.")
        return text
