"""NeuronExplorer (lesson 01): one neuron, a weight and a bias slider, and how the loss responds.

Left: the data and the neuron's prediction. Right: the loss as a function of the weight
(at the current bias), with a dot at the current weight and the tangent whose slope is
∂L/∂w, the number the backward pass computes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from studypack import Tensor, datasets, losses, no_grad
from studypack.nn import Linear
from studypack.viz.fastplot import FastFigure

from .look import RunHint, plot_dpi, plot_image

WEIGHT_RANGE = (-5.0, 5.0)
BIAS_RANGE = (-3.0, 3.0)
WEIGHT_GRID = np.linspace(*WEIGHT_RANGE, 101)   # where the loss curve is evaluated
X_GRID = np.linspace(-1.1, 1.1, 50)[:, None]     # where the prediction is drawn
TANGENT_HALF_WIDTH = 0.8                          # in units of w
FLAT = 0.02  # a gradient this small counts as zero: the sliders move in steps of 0.05
# 7.2 × 3.0 inches shown 720 CSS px wide, drawn at twice that: its 9-pt text is ≥ 10 CSS px
# when the picture shrinks to a 590-px cell
FIGURE_INCHES, FIGURE_CSS_WIDTH = (7.2, 3.0), 720
SMALL_TEXT = 9


@dataclass(frozen=True)
class Task:
    """A dataset, the loss that fits it, and how to turn the neuron's output into a prediction."""

    name: str
    loss_name: str
    x: np.ndarray                         # (n, 1)
    targets: np.ndarray                   # (n,)
    loss: Callable[[Tensor, np.ndarray], Tensor]
    prediction: Callable[[Tensor], Tensor]  # from the neuron's output z
    prediction_label: str
    y_limits: tuple


def _tasks() -> dict:
    x_line, y_line = datasets.line(30, slope=2.0, intercept=-1.0, noise=0.3, seed=0)
    # a 1-D classification: label 1 where a noisy line is above 0, so the classes overlap
    # a little and the best weight is finite
    x_class, y_noisy = datasets.line(40, slope=2.0, intercept=-0.8, noise=1.0, seed=2)
    return {task.name: task for task in (
        Task("regression", "mean squared error", x_line, y_line, losses.mse,
             lambda z: z, r"prediction $\hat y = wx + b$", (-4.0, 3.0)),
        Task("classification", "binary cross-entropy", x_class, (y_noisy > 0).astype(float),
             losses.binary_cross_entropy, lambda z: z.sigmoid(),
             r"$P(\mathrm{class}\ 1) = \sigma(wx + b)$", (-0.1, 1.3)),
    )}


class NeuronExplorer(RunHint, widgets.VBox):
    """One neuron z = w·x + b fitted by hand: move `weight_slider` and `bias_slider`.

    `loss_selector` switches between regression (the output z is the prediction, mean
    squared error) and classification (σ(z) is the probability of class 1, binary
    cross-entropy). State: `weight`, `bias`, `loss`, `weight_grad` (∂L/∂w), `bias_grad`
    (∂L/∂b), all from the engine's forward and backward pass, and `loss_curve` (the loss at
    each weight of `WEIGHT_GRID` with the current bias). `image` is drawn at twice its CSS
    width.
    """

    run_hint = "the neuron explorer"

    def __init__(self, weight: float = 0.5, bias: float = 0.0, task: str = "regression"):
        self.tasks = _tasks()
        self.neuron = Linear(1, 1, seed=0)  # its weight and bias are set from the sliders
        whole = {"description_width": "initial"}  # descriptions never cut off
        grows = dict(flex="1 1 280px", min_width="240px", max_width="420px", width="auto")
        self.loss_selector = widgets.ToggleButtons(options=list(self.tasks), value=task,
                                                   description="task",
                                                   style={**whole, "button_width": "auto"})
        self.weight_slider = widgets.FloatSlider(value=weight, min=WEIGHT_RANGE[0],
                                                 max=WEIGHT_RANGE[1], step=0.05,
                                                 description="weight w", style=whole,
                                                 layout=widgets.Layout(**grows))
        self.bias_slider = widgets.FloatSlider(value=bias, min=BIAS_RANGE[0],
                                               max=BIAS_RANGE[1], step=0.05,
                                               description="bias b", style=whole,
                                               layout=widgets.Layout(**grows))
        self._dpi = plot_dpi(FIGURE_INCHES[0], FIGURE_CSS_WIDTH)
        self.image = plot_image(round(FIGURE_INCHES[0] * self._dpi))
        self.readout = widgets.HTMLMath()
        # one figure per task, each background drawn once: switching tasks stays fast
        self._figures = {name: self._build_figure(task) for name, task in self.tasks.items()}
        self._curve_key = None
        self.loss_curve = None
        for control in (self.loss_selector, self.weight_slider, self.bias_slider):
            control.observe(self._update, names="value")
        super().__init__([self.loss_selector,
                          widgets.HBox([self.weight_slider, self.bias_slider],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.image, self.readout])
        self._update()

    @property
    def task(self) -> Task:
        return self.tasks[self.loss_selector.value]

    @property
    def weight(self) -> float:
        return self.weight_slider.value

    @property
    def bias(self) -> float:
        return self.bias_slider.value

    def _loss_at(self, task: Task, weight: float, bias: float) -> Tensor:
        """Set the neuron's weight and bias, run it on the task's data and return the loss."""
        self.neuron.weight.data[0, 0], self.neuron.bias.data[0] = weight, bias
        return task.loss(self.neuron(task.x), task.targets)

    def _update(self, change=None) -> None:
        task, weight, bias = self.task, self.weight, self.bias
        if self._curve_key != (task.name, bias):  # the curve only depends on these
            with no_grad():
                self.loss_curve = np.array([self._loss_at(task, w, bias).item()
                                            for w in WEIGHT_GRID])
            self._curve_key = (task.name, bias)
        self.neuron.zero_grad()
        loss = self._loss_at(task, weight, bias)
        loss.backward()
        self.loss = loss.item()
        self.weight_grad = self.neuron.weight.grad[0, 0].item()
        self.bias_grad = self.neuron.bias.grad[0].item()
        self._draw()
        self.readout.value = self._readout_text()

    def _build_figure(self, task: Task) -> dict:
        figure = FastFigure(*FIGURE_INCHES, dpi=self._dpi, ncols=2)
        data_axes, loss_axes = figure.axes
        data_axes.set(xlim=(-1.1, 1.1), ylim=task.y_limits, xlabel="input x",
                      title="data and the neuron's prediction")
        if task.name == "classification":
            data_axes.scatter(task.x[:, 0], task.targets, c=task.targets, cmap="coolwarm",
                              vmin=0, vmax=1, s=18, edgecolors="k", linewidths=0.4, zorder=3)
            data_axes.axhline(0.5, color="0.7", linestyle=":", linewidth=1)
            data_axes.set_ylabel("class (0 or 1)")
        else:
            data_axes.scatter(task.x[:, 0], task.targets, color="tab:blue", s=14, zorder=3)
            data_axes.set_ylabel("target y")
        (prediction,) = data_axes.plot([], [], color="black", linewidth=2,
                                       label=task.prediction_label)
        data_axes.yaxis.label.set_fontsize(SMALL_TEXT + 1)
        # regression: the errors whose squares the loss averages
        residuals = data_axes.add_collection(LineCollection([], colors="0.55", linewidths=1))
        residuals.set_visible(task.name == "regression")
        # drawn on every frame: "best" keeps it off the points and the prediction shown
        legend = data_axes.legend(loc="best", fontsize=SMALL_TEXT, handles=[prediction])

        # the loss is convex in (w, b), so over the slider box it is largest at a corner
        with no_grad():
            highest = max(self._loss_at(task, w, b).item()
                          for w in WEIGHT_RANGE for b in BIAS_RANGE)
        loss_axes.set(xlim=WEIGHT_RANGE, ylim=(0.0, 1.05 * highest), xlabel="weight w",
                      ylabel=f"loss L ({task.loss_name})", title="loss L(w) at the current b")
        (curve,) = loss_axes.plot([], [], color="tab:blue", linewidth=1.5, label="loss L(w)")
        (tangent,) = loss_axes.plot([], [], color="tab:orange", linewidth=2,
                                    label=r"tangent, slope $\partial L/\partial w$")
        (marker,) = loss_axes.plot([], [], "o", color="tab:red", markersize=7)
        loss_axes.legend(loc="upper center", fontsize=SMALL_TEXT, handles=[curve, tangent])
        for axes in figure.axes:
            axes.title.set_fontsize(10.5)
            axes.tick_params(labelsize=SMALL_TEXT)
        figure.animate(prediction, residuals, curve, tangent, marker, legend)
        figure.png()  # draw the background now, not on the first slider move
        return {"figure": figure, "prediction": prediction, "residuals": residuals,
                "curve": curve, "tangent": tangent, "marker": marker}

    def _draw(self) -> None:
        task, parts = self.task, self._figures[self.task.name]
        with no_grad():
            shown = task.prediction(self.neuron(X_GRID)).data[:, 0]
            if task.name == "regression":
                fitted = self.neuron(task.x).data[:, 0]
                parts["residuals"].set_segments(
                    [[(x, y), (x, f)] for x, y, f in zip(task.x[:, 0], task.targets, fitted)])
        parts["prediction"].set_data(X_GRID[:, 0], shown)
        parts["curve"].set_data(WEIGHT_GRID, self.loss_curve)
        ws = np.array([self.weight - TANGENT_HALF_WIDTH, self.weight + TANGENT_HALF_WIDTH])
        parts["tangent"].set_data(ws, self.loss + self.weight_grad * (ws - self.weight))
        parts["marker"].set_data([self.weight], [self.loss])
        self.image.value = parts["figure"].png()

    def _readout_text(self) -> str:
        hints = [_hint(name, grad) for name, grad in
                 (("w", self.weight_grad), ("b", self.bias_grad))]
        return (f"loss $L = {self.loss:.4f}$ ({self.task.loss_name}) &emsp; "
                rf"$\dfrac{{\partial L}}{{\partial w}} = {self.weight_grad:.4f}$ &emsp; "
                rf"$\dfrac{{\partial L}}{{\partial b}} = {self.bias_grad:.4f}$"
                f"<br>To lower the loss: {hints[0]}; {hints[1]}.")


def _hint(name: str, grad: float) -> str:
    """Which way gradient descent would move a parameter: against its gradient."""
    if abs(grad) < FLAT:
        return f"${name}$ is at (or very near) the bottom: its gradient is almost 0"
    direction = "decrease" if grad > 0 else "increase"
    return f"{direction} ${name}$ (its gradient is {'positive' if grad > 0 else 'negative'})"
