"""GradientFlowExplorer (lesson 06): how big each layer's gradient is, as the network deepens.

One forward and backward pass through a deep MLP on a fixed batch; the plot shows the norm
of each layer's weight gradient on a log axis, layer 1 being the one next to the input.
The axes fit the network shown: the layer axis ends at the depth (rounded up to a multiple
of 5), the norm axis spans the decades the norms reach (at least MIN_DECADES), so a
gradient that shrinks a millionfold across the layers fills the picture instead of being
flattened by a range that would hold every setting (10⁻³⁶ to 10²⁸).
"""
from __future__ import annotations

import functools
import math

import ipywidgets as widgets
import numpy as np

from studypack.viz.fastplot import FastFigure
from studypack.viz.gradient_norms import layer_gradient_norms

from .look import RunHint, plot_dpi, plot_image

MAX_DEPTH = 30
ACTIVATIONS = ("sigmoid", "tanh", "relu")
MIN_DECADES = 3       # the norm axis spans at least 10³: equal norms look equal, not noisy
WIDEST_LIMITS = (1e-40, 1e30)  # the first frame's labels (10⁻⁴⁰) are the widest ever shown
# 6.4 × 3.3 inches shown 640 CSS px wide, drawn at twice that: 9-pt text is ≥ 11 CSS px
# when the picture shrinks to a 590-px cell
FIGURE_INCHES, FIGURE_CSS_WIDTH = (6.4, 3.3), 640
# rules of thumb for this network's loss (mean squared error on unit-size targets)
RATIO_LIMIT = 1e2     # first/last layer ratio beyond which one end learns far faster
HUGE = 1e3            # a gradient norm this large throws the weights far in one step


# one forward and backward pass costs ~20 ms at depth 30: each setting is computed once
_cached_norms = functools.lru_cache(maxsize=1024)(layer_gradient_norms)


def norm_limits(norms) -> tuple[float, float]:
    """Whole decades around the (positive, finite) norms with a quarter-decade margin,
    widened to MIN_DECADES when they are closer together."""
    shown = np.log10([n for n in np.asarray(norms, dtype=float) if np.isfinite(n) and n > 0]
                     or [1.0])
    low, high = math.floor(shown.min() - 0.25), math.ceil(shown.max() + 0.25)
    missing = MIN_DECADES - (high - low)
    if missing > 0:
        low, high = low - missing // 2, high + missing - missing // 2
    return 10.0 ** low, 10.0 ** high


def decade_ticks(limits) -> list[float]:
    """Powers of ten between the limits, every 1, 2, 5 or 10 decades: at most ~9 labels."""
    low, high = (round(math.log10(limit)) for limit in limits)
    step = next(step for step in (1, 2, 5, 10) if (high - low) / step <= 8)
    return [10.0 ** k for k in range(low - low % step, high + 1, step) if k >= low]


def layer_axis_end(depth: int) -> float:
    """The layer axis's right end: the depth rounded up to a multiple of 5, plus a half."""
    return 5 * math.ceil(depth / 5) + 0.5


class GradientFlowExplorer(RunHint, widgets.VBox):
    """Per-layer gradient norms of a deep MLP (width 32, batch 64, fixed seed).

    Controls: `depth_slider` (layers with weights), `activation_selector` and
    `weight_scale_slider` (weights have standard deviation scale/√fan_in). State:
    `gradient_norms` (one per layer, layer 1 first), `ratio` (first layer's norm over
    the last's) and the verdict in `status.value`; `axes` is the plot's (its limits fit the
    norms shown), `image` its PNG, drawn at twice its CSS width.
    """

    run_hint = "the gradient-flow explorer"

    # depth 20 by default: shallower, ReLU at weight scale 1 and at He's √2 look alike
    def __init__(self, depth: int = 20, activation: str = "sigmoid", weight_scale: float = 1.0):
        whole = {"description_width": "initial"}  # descriptions never cut off
        grows = dict(flex="1 1 280px", min_width="240px", max_width="420px", width="auto")
        self.depth_slider = widgets.IntSlider(value=depth, min=2, max=MAX_DEPTH,
                                              description="depth D", style=whole,
                                              layout=widgets.Layout(**grows))
        self.activation_selector = widgets.ToggleButtons(
            options=ACTIVATIONS, value=activation, description="activation",
            style={**whole, "button_width": "auto"})
        # powers of √2 from 1/4 to 4, so 1 and He's √2 are on the slider
        self.weight_scale_slider = widgets.FloatLogSlider(value=weight_scale, base=2, min=-2,
                                                          max=2, step=0.5,
                                                          description="weight scale",
                                                          style=whole,
                                                          layout=widgets.Layout(**grows))
        dpi = plot_dpi(FIGURE_INCHES[0], FIGURE_CSS_WIDTH)
        self.image = plot_image(round(FIGURE_INCHES[0] * dpi))
        self.status = widgets.HTML()
        self._figure, self._norms_line, self._last_layer_line = self._build_figure(dpi)
        self.axes = self._figure.axes[0]
        for control in (self.depth_slider, self.activation_selector, self.weight_scale_slider):
            control.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.depth_slider, self.weight_scale_slider],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.activation_selector, self.image, self.status])
        self._update()

    def _update(self, change=None) -> None:
        self.gradient_norms = _cached_norms(self.depth_slider.value,
                                            self.activation_selector.value,
                                            self.weight_scale_slider.value).copy()
        self.ratio = self.gradient_norms[0] / self.gradient_norms[-1]
        layers = np.arange(1, len(self.gradient_norms) + 1)
        self._fit_axes(len(layers), norm_limits(self.gradient_norms))
        self._norms_line.set_data(layers, self.gradient_norms)
        self._last_layer_line.set_data([1, len(layers)], [self.gradient_norms[-1]] * 2)
        self.image.value = self._figure.png()
        self.status.value = _verdict(self.ratio, self.gradient_norms.max())

    def _fit_axes(self, depth: int, limits) -> None:
        """New limits (a new background) only when the depth's multiple of 5 or the norms'
        decades change."""
        x_limits = (0.5, layer_axis_end(depth))
        if self.axes.get_xlim() == x_limits and self.axes.get_ylim() == limits:
            return
        self.axes.set_xlim(*x_limits)
        self.axes.set_ylim(*limits)
        self.axes.set_yticks(decade_ticks(limits))
        self.axes.minorticks_off()
        self._figure.redraw_background()

    @staticmethod
    def _build_figure(dpi: int):
        figure = FastFigure(*FIGURE_INCHES, dpi=dpi)
        axes = figure.axes[0]
        axes.set(yscale="log", xlim=(0.5, MAX_DEPTH + 0.5), ylim=WIDEST_LIMITS,
                 xlabel="layer (1 = next to the input, D = the output)",
                 ylabel=r"$\|\partial L/\partial W\|$ (log scale)",
                 title="size of each layer's weight gradient after one backward pass")
        axes.title.set_fontsize(11)
        axes.tick_params(labelsize=10)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.grid(True, which="major", color="0.9")
        (norms_line,) = axes.plot([], [], "o-", color="tab:blue", markersize=5,
                                  label="gradient norm")
        (last_layer_line,) = axes.plot([], [], "--", color="tab:orange", linewidth=1.5,
                                       label="last layer's norm")
        # drawn with the lines, on every frame: "best" then keeps it off the points shown
        legend = axes.legend(loc="best", fontsize=9, framealpha=0.9)
        figure.animate(norms_line, last_layer_line, legend)
        figure.png()  # the first frame fixes the layout, with the widest labels (10⁻⁴⁰)
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
