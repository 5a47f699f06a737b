"""GradientFlowExplorer (lesson 06): how big each layer's gradient is, as the network deepens.

One forward and backward pass through a deep MLP on a fixed batch; the plot shows the norm
of each layer's weight gradient on a log axis, layer 1 being the one next to the input.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from studypack.viz.fastplot import FastFigure
from studypack.viz.gradient_norms import layer_gradient_norms

MAX_DEPTH = 30
ACTIVATIONS = ("sigmoid", "tanh", "relu")
# fixed limits that hold every setting the controls allow (measured: 1e-36 to 1e28)
NORM_LIMITS = (1e-40, 1e30)
# rules of thumb for this network's loss (mean squared error on unit-size targets)
RATIO_LIMIT = 1e2     # first/last layer ratio beyond which one end learns far faster
HUGE = 1e3            # a gradient norm this large throws the weights far in one step


class GradientFlowExplorer(widgets.VBox):
    """Per-layer gradient norms of a deep MLP (width 32, batch 64, fixed seed).

    Controls: `depth_slider` (layers with weights), `activation_selector` and
    `weight_scale_slider` (weights have standard deviation scale/√fan_in). State:
    `gradient_norms` (one per layer, layer 1 first), `ratio` (first layer's norm over
    the last's) and the verdict in `status.value`.
    """

    # depth 20 by default: shallower, ReLU at weight scale 1 and at He's √2 look alike
    def __init__(self, depth: int = 20, activation: str = "sigmoid", weight_scale: float = 1.0):
        self.depth_slider = widgets.IntSlider(value=depth, min=2, max=MAX_DEPTH,
                                              description="depth")
        self.activation_selector = widgets.ToggleButtons(options=ACTIVATIONS, value=activation,
                                                         description="activation")
        # powers of √2 from 1/4 to 4, so 1 and He's √2 are on the slider
        self.weight_scale_slider = widgets.FloatLogSlider(value=weight_scale, base=2, min=-2,
                                                          max=2, step=0.5,
                                                          description="weight scale")
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self._figure, self._norms_line, self._last_layer_line = self._build_figure()
        for control in (self.depth_slider, self.activation_selector, self.weight_scale_slider):
            control.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.depth_slider, self.weight_scale_slider]),
                          self.activation_selector, self.image, self.status])
        self._update()

    def _update(self, change=None) -> None:
        self.gradient_norms = layer_gradient_norms(self.depth_slider.value,
                                                   self.activation_selector.value,
                                                   self.weight_scale_slider.value)
        self.ratio = self.gradient_norms[0] / self.gradient_norms[-1]
        layers = np.arange(1, len(self.gradient_norms) + 1)
        self._norms_line.set_data(layers, self.gradient_norms)
        self._last_layer_line.set_data([1, len(layers)], [self.gradient_norms[-1]] * 2)
        self.image.value = self._figure.png()
        self.status.value = _verdict(self.ratio, self.gradient_norms.max())

    @staticmethod
    def _build_figure():
        figure = FastFigure(width=7.0, height=3.8)
        axes = figure.axes[0]
        axes.set(yscale="log", xlim=(0.5, MAX_DEPTH + 0.5), ylim=NORM_LIMITS,
                 xlabel="layer (1 = next to the input)", ylabel=r"$\|\partial L/\partial W\|$",
                 title="size of each layer's weight gradient after one backward pass")
        axes.set_yticks([10.0 ** k for k in range(-40, 31, 10)])
        axes.grid(True, which="major", color="0.9")
        (norms_line,) = axes.plot([], [], "o-", color="tab:blue", markersize=4,
                                  label="gradient norm")
        (last_layer_line,) = axes.plot([], [], "--", color="tab:orange", linewidth=1,
                                       label="last layer's norm")
        axes.legend(loc="upper left", fontsize=8)
        figure.animate(norms_line, last_layer_line)
        return figure, norms_line, last_layer_line


def _verdict(ratio: float, largest: float) -> str:
    """One sentence on how the gradient flows, from the first/last ratio and the sizes."""
    comparison = f"The first layer's gradient is {ratio:.2g} times the last layer's"
    if ratio < 1 / RATIO_LIMIT:
        return (f"{comparison}: <b>vanishing</b>. The layers near the input barely move "
                f"in a gradient step.")
    if ratio > RATIO_LIMIT:
        return (f"{comparison}: <b>exploding</b>. A step size that suits the last layer "
                f"throws the first layers far off.")
    if largest > HUGE:
        return (f"Every layer's gradient is huge (up to {largest:.1e}), the first layer's "
                f"{ratio:.2g} times the last's: <b>exploding</b> at every layer alike. Large "
                f"weights multiply the signal at every layer, forward and backward.")
    return f"{comparison}, and none is extreme: the gradient <b>flows</b> through every layer."
