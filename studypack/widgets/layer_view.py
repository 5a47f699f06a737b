"""LayerView (lesson 07): one dense layer's matrices, forward and backward, on a batch.

A small network, 3 inputs → 4 tanh units (the layer on show) → 3 logits → softmax
cross-entropy, runs on the first n examples of a fixed batch. The panels show the layer's
matrices as heatmaps labelled with their shapes: the forward pass X, W, b, Z = XW + b and
A = tanh(Z), then the backward pass ∂L/∂A = δ_next·W_nextᵀ, δ = f′(Z) ⊙ ∂L/∂A,
∂L/∂W = Xᵀδ, the chosen example's share xₖᵀδₖ of it, and ∂L/∂b = Σ δ. The steps are taken
one at a time with Next/Previous; the batch sliders show ∂L/∂W as a sum over the examples.
Everything shown is computed here by the formulas of the lesson, with numpy, not by the
engine; the tests check it against `Tensor.backward()`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from studypack.nn import Linear
from studypack.viz.matrix_panels import FRAME_COLOURS, MatrixPanels
from studypack.widgets.look import RunHint, plot_image

N_INPUTS, N_UNITS, N_CLASSES = 3, 4, 3
MAX_BATCH = 6
# what a step computes, what it reads and what it writes (panel names)
STEPS = (
    ("forward", "Z = XW + b: each row of X, weighed by each column of W, plus b",
     ["X", "W", "b"], ["Z"]),
    ("forward", "A = tanh(Z), elementwise; the next layer turns A into logits and the loss",
     ["Z"], ["A"]),
    ("backward", "∂L/∂A = δ_next · W_nextᵀ: the gradient arriving from the next layer",
     [], ["dA"]),
    ("backward", "δ = f′(Z) ⊙ ∂L/∂A = (1 − A²) ⊙ ∂L/∂A, elementwise",
     ["A", "dA"], ["delta"]),
    ("backward", "∂L/∂W = Xᵀδ: a sum over the batch of one outer product xₖᵀδₖ per example",
     ["X", "delta"], ["dW", "share"]),
    ("backward", "∂L/∂b = Σₖ δₖ: b is added to every row, so its gradient sums the rows",
     ["delta"], ["db"]),
)
LAYOUT = [[("X", "X", (MAX_BATCH, N_INPUTS)), ("W", "W", (N_INPUTS, N_UNITS)),
           ("b", "b", (1, N_UNITS)), ("Z", "Z = XW + b", (MAX_BATCH, N_UNITS)),
           ("A", "A = tanh(Z)", (MAX_BATCH, N_UNITS))],
          [("dA", "∂L/∂A", (MAX_BATCH, N_UNITS)), ("delta", "δ = ∂L/∂Z", (MAX_BATCH, N_UNITS)),
           ("dW", "∂L/∂W = Xᵀδ", (N_INPUTS, N_UNITS)), ("share", "xₖᵀδₖ", (N_INPUTS, N_UNITS)),
           ("db", "∂L/∂b = Σₖ δₖ", (1, N_UNITS))]]
PANEL_TITLES = {name: title for row in LAYOUT for name, title, _ in row}
FORWARD_PANELS = ("X", "W", "b", "Z", "A")
BATCH_ROWS = ("X", "Z", "A", "dA", "delta")  # panels with one row per example


@dataclass(frozen=True)
class LayerPass:
    """The layer's matrices on one batch, forward and backward, by the lesson's formulas."""

    X: np.ndarray       # (n, i) inputs, one example per row
    W: np.ndarray       # (i, o)
    b: np.ndarray       # (o,)
    Z: np.ndarray       # (n, o) = XW + b
    A: np.ndarray       # (n, o) = tanh(Z)
    dA: np.ndarray      # (n, o) = δ_next · W_nextᵀ
    delta: np.ndarray   # (n, o) = ∂L/∂Z = (1 − A²) ⊙ ∂L/∂A
    dW: np.ndarray      # (i, o) = Xᵀδ
    db: np.ndarray      # (o,) = Σ over the batch of δ
    loss: float

    def share(self, example: int) -> np.ndarray:
        """Example `example`'s term of ∂L/∂W = Σₖ xₖᵀδₖ: the outer product xₖᵀδₖ, (i, o)."""
        return np.outer(self.X[example], self.delta[example])


def layer_pass(X, labels, layer: Linear, next_layer: Linear) -> LayerPass:
    """Forward and backward through the tanh `layer` by hand, the mean softmax cross-entropy
    of `next_layer`'s logits being the loss."""
    W, b = layer.weight.data, layer.bias.data
    W_next, b_next = next_layer.weight.data, next_layer.bias.data
    n = len(X)
    Z = X @ W + b
    A = np.tanh(Z)
    logits = A @ W_next + b_next
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    one_hot = np.eye(W_next.shape[1])[labels]
    delta_next = (p - one_hot) / n          # ∂L/∂logits of the mean cross-entropy
    dA = delta_next @ W_next.T
    delta = (1.0 - A ** 2) * dA
    loss = float(-np.log(p[np.arange(n), labels]).mean())
    return LayerPass(X, W, b, Z, A, dA, delta, X.T @ delta, delta.sum(axis=0), loss)


def example_network(seed: int = 0):
    """The widget's batch and network: X (MAX_BATCH, 3), labels, the tanh layer, the next."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(MAX_BATCH, N_INPUTS)), 1)
    labels = rng.integers(0, N_CLASSES, size=MAX_BATCH)
    layer = Linear(N_INPUTS, N_UNITS, "tanh", seed=rng)
    next_layer = Linear(N_UNITS, N_CLASSES, seed=rng)
    return X, labels, layer, next_layer


def _frame_key(colour: str, text: str) -> str:
    """A legend entry: a small frame drawn in the picture's colour, then its meaning."""
    return (f"<span style='display:inline-block; width:1.1em; height:0.7em; "
            f"border:3px solid {colour}; vertical-align:middle'></span> {text}")


class LayerView(RunHint, widgets.VBox):
    """A dense layer's matrices as heatmaps, stepped forward then backward, on a batch.

    Controls: `batch_size_slider` (n, the examples in the batch), `sample_slider` (which
    example k is outlined, and whose share of ∂L/∂W is shown), `previous_button`,
    `next_button` (step through `STEPS`; `step` is how many are done). Display: `image`,
    `caption` (the step's formula), `sum_view` (one entry of ∂L/∂W written as its sum over
    the batch). State: `layer_pass` (a `LayerPass` of the batch), `shown` (panel name →
    the array drawn, for the panels computed so far) and `titles` (panel name → its title).
    """

    run_hint = "the layer view: a dense layer's matrices, forward and backward"

    def __init__(self, batch_size: int = 4, seed: int = 0):
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be from 1 to {MAX_BATCH}, got {batch_size}")
        self.X_all, self.labels_all, self.layer, self.next_layer = example_network(seed)
        # sliders side by side at 1024 px (each shrinks to its share), one under the other
        # on a narrower page
        slider_layout = dict(width="auto", flex="1 1 240px", max_width="360px")
        wide = {"description_width": "initial"}
        self.batch_size_slider = widgets.IntSlider(
            value=batch_size, min=1, max=MAX_BATCH, description="batch size n", style=wide,
            layout=widgets.Layout(**slider_layout))
        self.sample_slider = widgets.IntSlider(
            value=0, min=0, max=batch_size - 1, description="example k", style=wide,
            layout=widgets.Layout(**slider_layout))
        whole = dict(width="auto", flex="0 0 auto")  # buttons as wide as their words
        self.previous_button = widgets.Button(description="◀ Previous",
                                              layout=widgets.Layout(**whole))
        self.next_button = widgets.Button(description="Next ▶", button_style="primary",
                                          layout=widgets.Layout(**whole))
        self.caption = widgets.HTML()
        self.sum_view = widgets.HTML()
        self.legend = widgets.HTML(
            "<div style='line-height:1.6'>Colours: red positive, blue negative, white 0; "
            "each panel's scale, ±m, is written under its name. "
            f"{_frame_key(FRAME_COLOURS['reads'], 'blue frame: what the step reads')}; "
            f"{_frame_key(FRAME_COLOURS['writes'], 'orange frame: what it computes')}; "
            "a thin black outline: example k.</div>")
        # drawn at 1120 px wide (160 dpi), shown at 560: crisp, its text ≥ 10 px
        self.panels = MatrixPanels(LAYOUT, width=7.0, row_height=2.2)
        self.image = plot_image(self.panels.figure.pixel_size[0])
        self.step = 0
        self.shown: dict[str, np.ndarray] = {}
        self.titles: dict[str, str] = {}

        self.batch_size_slider.observe(self._on_batch_size, "value")
        self._sample_renders = True
        self.sample_slider.observe(self._on_sample, "value")
        self.previous_button.on_click(lambda _: self.go_to(self.step - 1))
        self.next_button.on_click(lambda _: self.go_to(self.step + 1))
        wrap = widgets.Layout(flex_flow="row wrap", align_items="center")
        super().__init__([
            widgets.HBox([self.batch_size_slider, self.sample_slider], layout=wrap),
            widgets.HBox([self.previous_button, self.next_button, self.caption], layout=wrap),
            self.image, self.legend, self.sum_view])
        self.add_class("studypack-layer-view")  # for a browser test to find it
        self._compute()
        self.go_to(len(STEPS))  # start with the whole pass shown; Previous steps back

    # ---- controls ----------------------------------------------------------------------
    def go_to(self, step: int) -> None:
        """Show the pass after `step` of the STEPS (0: only the inputs and the weights)."""
        self.step = min(max(step, 0), len(STEPS))
        self.previous_button.disabled = self.step == 0
        self.next_button.disabled = self.step == len(STEPS)
        self._render()

    def _on_batch_size(self, change) -> None:
        n = change["new"]
        self._compute()
        self._sample_renders = False  # one render for the whole change, not one per slider
        try:
            # the value first when it shrinks (then the max): never out of range
            self.sample_slider.value = min(self.sample_slider.value, n - 1)
            self.sample_slider.max = n - 1
        finally:
            self._sample_renders = True
        self._render()

    def _on_sample(self, _change) -> None:
        if self._sample_renders:
            self._render()

    def _compute(self) -> None:
        n = self.batch_size_slider.value
        self.layer_pass = layer_pass(self.X_all[:n], self.labels_all[:n], self.layer,
                                     self.next_layer)

    # ---- display -----------------------------------------------------------------------
    def _render(self) -> None:
        result, n, k = self.layer_pass, self.batch_size_slider.value, self.sample_slider.value
        inputs, units = N_INPUTS, N_UNITS
        contents = {  # name → (array, its shape)
            "X": (result.X, (n, inputs)), "W": (result.W, (inputs, units)),
            "b": (result.b, (units,)), "Z": (result.Z, (n, units)), "A": (result.A, (n, units)),
            "dA": (result.dA, (n, units)), "delta": (result.delta, (n, units)),
            "dW": (result.dW, (inputs, units)), "share": (result.share(k), (inputs, units)),
            "db": (result.db, (units,)),
        }
        done = set(FORWARD_PANELS[:3])  # the inputs and the weights are there from the start
        for _, _, _, writes in STEPS[:self.step]:
            done.update(writes)
        self.shown, self.titles = {}, {}
        for name, (array, shape) in contents.items():
            shape_text = f"({shape[0]},)" if len(shape) == 1 else f"({shape[0]}, {shape[1]})"
            if name == "share":
                shape_text = f"k = {k}: {shape_text}"
            if name in done:
                detail = f"{shape_text}  ±{np.abs(array).max():.2g}"  # its colour scale
                self.panels.show(name, array, detail)
                self.shown[name] = array
            else:
                detail = f"{shape_text}  ?"
                self.panels.hide(name, detail)
            self.titles[name] = f"{PANEL_TITLES[name]}\n{detail}"
            if name in BATCH_ROWS:
                self.panels.resize_frame(name, n, array.shape[1])
                self.panels.mark_row(name, k)
        if self.step:
            _, _, reads, writes = STEPS[self.step - 1]
            self.panels.frame({"reads": reads, "writes": writes})
        else:
            self.panels.frame({})
        self.image.value = self.panels.png()
        self.caption.value = self._caption_html()
        self.sum_view.value = self._sum_html() if "dW" in self.shown else ""

    def _caption_html(self) -> str:
        if self.step == 0:
            text = (f"step 0 of {len(STEPS)}: the batch X and the layer's weights W, b. "
                    f"Press Next.")
        else:
            direction, formula, _, _ = STEPS[self.step - 1]
            text = f"step {self.step} of {len(STEPS)} ({direction}): {formula}"
        return f"<span style='line-height:1.4'>{html.escape(text)}</span>"

    def _sum_html(self) -> str:
        """∂L/∂W[0, 0] as its sum over the batch, the chosen example's term in bold."""
        result, chosen = self.layer_pass, self.sample_slider.value
        terms = result.X[:, 0] * result.delta[:, 0]
        written = " + ".join(f"<b>({t:+.4f})</b>" if k == chosen else f"({t:+.4f})"
                             for k, t in enumerate(terms))
        return (f"<div style='line-height:1.5'>∂L/∂W[0, 0] = Σₖ X[k, 0]·δ[k, 0] = {written} "
                f"= {result.dW[0, 0]:+.4f} &nbsp;(example k = {chosen}'s term in bold; each δ "
                f"already holds the 1/n of the mean loss)</div>")
