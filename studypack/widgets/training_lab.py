"""TrainingLab: train a small network on a 2-D dataset and watch it learn.

The lab drives a `TrainingRun` (see `training_run`: cross-entropy and SGD on mini-batches,
an optional held-out validation set) and shows the decision regions and the learning curves
after every chunk of training. The curves' axes fit the run: the epoch axis ends where the
chosen run ends, the loss axis just above the highest loss drawn.

Running without freezing the kernel: in Jupyter, "Run" starts an asyncio task on the kernel's
event loop. The task trains whole epochs for about 20 ms, re-renders (a frame costs ~10-15
ms: only what moves is drawn, the decision regions every other frame), then awaits
`asyncio.sleep(0)`, which lets the kernel handle widget messages (a click on "Pause", a new
learning rate) before the next chunk: over 20 frames a second. Where no event loop is running
(plain Python), "Run" trains the chosen number of epochs synchronously. `train(epochs)`
always trains synchronously.
"""
from __future__ import annotations

import asyncio
import time

import ipywidgets as widgets

from .. import datasets
from ..viz.decision import CLASS_COLOURS, DecisionRegions
from ..viz.fastplot import FastFigure
from ..viz.training_curves import SMALL_TEXT, HeldOutPoints, LearningCurves
from .look import WRONG, RunHint, plot_dpi, plot_image, verdict_html
from .lr_explorer import learning_rate_slider, readable_grid
from .training_run import (CONVERGENCE_TOLERANCE, CONVERGENCE_WINDOW,  # noqa: F401 (lessons)
                           FULL_BATCH, MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH, OVERFITTING_MARGIN,
                           PATIENCE, TrainingRun, evaluate, parse_hidden_layers, split_dataset,
                           status_text, stopped_improving)

DATASETS = {  # name → function of the seed giving X (n, 2), y (n,)
    "moons": lambda seed: datasets.moons(200, noise=0.15, seed=seed),
    "spirals": lambda seed: datasets.spirals(300, n_classes=3, noise=0.2, seed=seed),
    "blobs": lambda seed: datasets.blobs(300, n_classes=3, spread=1.5, seed=seed),
    # few points with much noise: a big network can learn the noise (overfitting)
    "few noisy moons": lambda seed: datasets.moons(80, noise=0.35, seed=seed),
}
LEARNING_RATES = readable_grid(1e-3, 10.0)  # what the learning-rate slider offers
WEIGHT_DECAYS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)  # λ in g = ∂L/∂w + λw
HELD_OUT = (("none", 0.0), ("20%", 0.2), ("30%", 0.3), ("50%", 0.5))  # validation share
CHUNK_SECONDS = 0.02  # training time between two frames of a run
REGIONS_EVERY = 2      # during a run, the decision regions are recomputed every 2nd frame
# the figure: 6.4 × 2.9 inches shown 640 CSS px wide, drawn at twice that (1280 × 580 px); its
# smallest text (9 pt) is then 11.5 CSS px when the picture shrinks to a 590-px cell
FIGURE_INCHES, FIGURE_CSS_WIDTH = (6.4, 2.9), 640
FIGURE_DPI = plot_dpi(FIGURE_INCHES[0], FIGURE_CSS_WIDTH)


def _grows(basis: str, min_width: str | None = None, max_width: str = "480px"):
    """A control that takes the room left in its row (wrapping below `min_width`)."""
    return widgets.Layout(flex=f"1 1 {basis}", min_width=min_width or basis,
                          max_width=max_width, width="auto")


def _fits_its_text():
    """A control as wide as its whole text: it never shrinks (its row wraps instead)."""
    return widgets.Layout(flex="0 0 auto", width="auto")


def _row(*children) -> widgets.HBox:
    # no width: a box stretches to its column (a width of 100% plus the widgets' margin would
    # stick out of the cell)
    return widgets.HBox(list(children), layout=widgets.Layout(flex_flow="row wrap",
                                                              align_items="center"))


class _RunsInBackground:
    """Run and Pause for the lab (see the module's docstring): a Run trains in ~20 ms chunks
    on the kernel's event loop, re-rendering after each, until its epochs are done, Pause is
    pressed, or `_may_go_on()` says no."""

    _task = None
    _pause_requested = False

    @property
    def running(self) -> bool:
        """True while a Run task is training (in Jupyter)."""
        return self._task is not None and not self._task.done()

    def _train_in_chunks(self, epochs: int):
        """Train up to `epochs` epochs, re-rendering and yielding after every ~20 ms chunk;
        the decision regions are recomputed on every REGIONS_EVERY-th frame and the last."""
        self.progress.max, self.progress.value = epochs, 0
        self.curves.set_planned_end(self.epoch + epochs)
        frame = 0
        while self.progress.value < epochs and self._may_go_on():
            chunk_start = time.perf_counter()
            while (self.progress.value < epochs and self._may_go_on()
                   and time.perf_counter() - chunk_start < CHUNK_SECONDS):
                self.run.train_epoch()
                self.progress.value += 1
            frame += 1
            last = not (self.progress.value < epochs and self._may_go_on())
            self._show(regions=last or frame % REGIONS_EVERY == 0)
            yield

    async def _run(self, epochs: int) -> None:
        try:
            for _ in self._train_in_chunks(epochs):
                await asyncio.sleep(0)  # let the kernel handle widget messages (Pause, sliders)
                if self._pause_requested:
                    break
        finally:
            if self._regions_behind:
                self._show()  # paused between two region updates: show the current regions
            self._set_buttons(running=False)

    def _on_run(self, _button) -> None:
        if self.running:
            return
        self._pause_requested = False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python): nothing could click Pause anyway
            for _ in self._train_in_chunks(self.epochs_slider.value):
                pass
            return
        self._set_buttons(running=True)
        self._task = loop.create_task(self._run(self.epochs_slider.value))

    def _on_pause(self, _button) -> None:
        self._pause_requested = True  # the run stops after its current chunk

    def _set_buttons(self, running: bool) -> None:
        self.run_button.disabled = self.step_button.disabled = running
        self.pause_button.disabled = not running


def _delegate(name: str, doc: str):
    return property(lambda self: getattr(self.run, name), doc=doc)


def _make_controls(lab, dataset, hidden_layers, activation, learning_rate, batch_size,
                   held_out, weight_decay, early_stopping) -> None:
    """The lab's controls, as attributes of `lab`: every description shown whole."""
    labelled = {"style": {"description_width": "initial"}, "layout": _fits_its_text()}
    lab.dataset_dropdown = widgets.Dropdown(options=list(DATASETS), value=dataset,
                                            description="dataset", **labelled)
    lab.hidden_layers_text = widgets.Text(
        value=hidden_layers, description="hidden layers", placeholder="e.g. 16, 16",
        continuous_update=False, style={"description_width": "initial"},
        layout=widgets.Layout(flex="0 1 16em", min_width="13em", width="auto"))
    lab.activation_dropdown = widgets.Dropdown(options=["relu", "tanh", "sigmoid"],
                                               value=activation, description="activation",
                                               **labelled)
    lab.learning_rate_slider = learning_rate_slider(learning_rate, LEARNING_RATES,
                                                    description="learning rate")
    lab.learning_rate_slider.layout = _grows("300px", "260px")
    lab.batch_size_dropdown = widgets.Dropdown(
        options=[("1 (stochastic)", 1), ("8", 8), ("32", 32), ("128", 128),
                 ("full batch", FULL_BATCH)],
        value=batch_size, description="batch size", **labelled)
    lab.weight_decay_dropdown = widgets.Dropdown(
        options=[(f"{value:g}", value) for value in WEIGHT_DECAYS], value=weight_decay,
        description="weight decay", **labelled)
    lab.held_out_dropdown = widgets.Dropdown(options=HELD_OUT, value=held_out,
                                             description="held out for validation", **labelled)
    lab.show_held_out_checkbox = widgets.Checkbox(value=True, indent=False,
                                                  description="show held-out points", **labelled)
    lab.early_stopping_checkbox = widgets.Checkbox(
        value=early_stopping, indent=False, description="early stopping",
        tooltip=f"stop when the validation loss has not improved for {PATIENCE} epochs",
        **labelled)
    lab.curves_toggle = widgets.ToggleButtons(options=["loss", "accuracy"],
                                              description="curves", style={
                                                  "button_width": "auto",
                                                  "description_width": "initial"})
    lab.epochs_slider = widgets.IntSlider(value=200, min=10, max=1000, step=10,
                                          description="run epochs", continuous_update=False,
                                          style={"description_width": "initial"},
                                          layout=_grows("240px", "200px"))
    button = {"layout": _fits_its_text()}
    lab.run_button = widgets.Button(description="Run", icon="play",
                                    tooltip="train for the chosen number of epochs", **button)
    lab.pause_button = widgets.Button(description="Pause", icon="pause", disabled=True,
                                      **button)
    lab.step_button = widgets.Button(description="+1 epoch", icon="step-forward",
                                     tooltip="train one epoch: one pass over the data", **button)
    lab.reset_button = widgets.Button(description="Reset", icon="undo",
                                      tooltip="new network with the starting weights", **button)
    lab.progress = widgets.IntProgress(value=0, min=0, max=1, description="progress",
                                       style={"description_width": "initial"},
                                       layout=_grows("300px", "200px", "590px"))


class TrainingLab(RunHint, _RunsInBackground, widgets.VBox):
    """Train an MLP on a 2-D dataset; see its decision regions and learning curves.

    Controls: `dataset_dropdown`, `hidden_layers_text` (e.g. "16, 16"), `activation_dropdown`,
    `learning_rate_slider` (readable steps), `batch_size_dropdown`, `weight_decay_dropdown`,
    `held_out_dropdown` (the share of the data kept for validation), `show_held_out_checkbox`
    (the validation points on the regions), `early_stopping_checkbox` (Run and +1 epoch stop
    once the validation loss has not improved for PATIENCE epochs), `curves_toggle` (loss or
    accuracy), `epochs_slider` (epochs per run: the epoch axis ends where the run will),
    `run_button`, `pause_button`, `step_button` (trains one epoch), `reset_button`.
    Display: `image` (decision regions with a legend of the classes | learning curves, the
    best validation epoch marked; drawn at twice its CSS width), `progress` (epochs done in
    this run), `status` (epoch, step, losses, accuracies, a verdict), `network_label`.
    State: `run` (the `TrainingRun`), and from it `model`, `optimizer`, `X`, `y` (the
    training points), `X_validation`, `y_validation`, `losses`, `validation_losses`,
    `epoch`, `step`, `accuracy`, `validation_accuracy`, `best_epoch`.
    Same settings and seed give the same training (and the same split), step for step. The
    learning-rate slider stops at readable numbers from 0.001 to 10 (0.001, 0.00105, …, 0.1,
    …, 0.375, …, 10), in Python and in the browser alike; any other learning rate is refused
    with its neighbours.
    """

    run_hint = "the training lab"

    def __init__(self, dataset: str = "moons", hidden_layers: str = "16, 16",
                 activation: str = "relu", learning_rate: float = 0.1, batch_size=8,
                 seed: int = 0, held_out: float = 0.0, weight_decay: float = 0.0,
                 early_stopping: bool = False):
        self.seed = seed
        self._regions_of = None  # (run, step, epoch) the decision regions show
        _make_controls(self, dataset, hidden_layers, activation, learning_rate, batch_size,
                       held_out, weight_decay, early_stopping)
        self.image = plot_image(round(FIGURE_INCHES[0] * FIGURE_DPI))
        self.status = widgets.HTML()
        self.network_label = widgets.Label()

        # full-colour frames: FastFigure's PNG encoder writes them in ~7 ms; quantising to a
        # palette would make them 3× smaller but cost ~15 ms more a frame
        self.figure = FastFigure(*FIGURE_INCHES, dpi=FIGURE_DPI, ncols=2,
                                 width_ratios=[1.0, 1.3])
        regions_axes, curves_axes = self.figure.axes
        regions_axes.set_title("decision regions", fontsize=11)
        self.regions = DecisionRegions(self.figure, regions_axes, legend_fontsize=SMALL_TEXT)
        self.held_out_points = HeldOutPoints(self.figure, regions_axes)
        self.curves = LearningCurves(self.figure, curves_axes, self.epochs_slider.value)
        self.loss_axes = curves_axes
        # every legend of the class panel made now; the first frame fixes the layout: draw it
        # with the largest (two rows)
        for n_classes, held_out in ((2, False), (2, True), (3, False), (3, True)):
            self.regions.set_legend(n_classes, held_out)
        self.figure.png()

        self.dataset_dropdown.observe(self._on_data, "value")
        self.held_out_dropdown.observe(self._on_data, "value")
        self.hidden_layers_text.observe(self._on_network, "value")
        self.activation_dropdown.observe(self._on_network, "value")
        self.learning_rate_slider.observe(self._on_learning_rate, "value")
        self.weight_decay_dropdown.observe(self._on_weight_decay, "value")
        self.batch_size_dropdown.observe(self._on_batch_size, "value")
        self.epochs_slider.observe(self._on_epochs, "value")
        self.show_held_out_checkbox.observe(lambda _: self._show(), "value")
        self.curves_toggle.observe(lambda _: self._show(), "value")
        self.run_button.on_click(self._on_run)
        self.pause_button.on_click(self._on_pause)
        self.step_button.on_click(self._on_step)
        self.reset_button.on_click(lambda _: self.reset())

        super().__init__([
            _row(self.dataset_dropdown, self.hidden_layers_text, self.activation_dropdown),
            _row(self.learning_rate_slider, self.batch_size_dropdown,
                 self.weight_decay_dropdown),
            _row(self.held_out_dropdown, self.show_held_out_checkbox,
                 self.early_stopping_checkbox),
            _row(self.epochs_slider, self.run_button, self.pause_button, self.step_button,
                 self.reset_button),
            _row(self.progress, self.curves_toggle),
            self.image, self.status, self.network_label])
        self.hidden_layers = parse_hidden_layers(hidden_layers)
        self._load_dataset()

    # ---- state -------------------------------------------------------------------------
    model = _delegate("model", "The network being trained.")
    optimizer = _delegate("optimizer", "Its SGD optimiser.")
    X = _delegate("X", "The training points (all the data when nothing is held out).")
    y = _delegate("y", "Their classes.")
    X_validation = _delegate("X_validation", "The held-out points (none: shape (0, 2)).")
    y_validation = _delegate("y_validation", "Their classes.")
    losses = _delegate("losses", "Loss on the training set after 0, 1, 2, ... epochs.")
    validation_losses = _delegate("validation_losses", "Loss on the held-out set per epoch.")
    epoch = _delegate("epoch", "Epochs trained.")
    step = _delegate("step", "Optimisation steps taken.")
    best_epoch = _delegate("best_epoch", "Epoch of the lowest validation loss (or None).")
    diverged = _delegate("diverged", "The loss is not a finite number: training cannot go on.")

    @property
    def accuracy(self) -> float:
        """Accuracy on the training set now."""
        return self.run.accuracies[-1]

    @property
    def validation_accuracy(self) -> float | None:
        """Accuracy on the held-out set now (None when nothing is held out)."""
        return self.run.validation_accuracies[-1] if self.run.has_validation else None

    @property
    def converged(self) -> bool:
        """The training loss has stopped improving (see `stopped_improving`)."""
        return stopped_improving(self.losses)

    @property
    def stopped_early(self) -> bool:
        """Early stopping is on and the validation loss has not improved for PATIENCE epochs."""
        return self.early_stopping_checkbox.value and self.run.should_stop_early()

    def reset(self) -> None:
        """Stop any run and start again: same data, a new network with the starting weights."""
        self._pause_requested = True
        self.run = TrainingRun(
            self._data.train[0], self._data.train[1], self.hidden_layers,
            activation=self.activation_dropdown.value,
            learning_rate=self.learning_rate_slider.value,
            batch_size=self.batch_size_dropdown.value,
            weight_decay=self.weight_decay_dropdown.value,
            X_validation=self._data.validation[0], y_validation=self._data.validation[1],
            seed=self.seed)
        self.progress.value = 0
        self.curves.set_planned_end(self.epochs_slider.value)
        n_classes = self.model.layers[-1].n_outputs
        sizes = " → ".join(map(str, [2, *self.hidden_layers, n_classes]))
        kind = self.activation_dropdown.value if self.hidden_layers else "linear"
        n_parameters = sum(p.data.size for p in self.model.parameters())
        self.network_label.value = f"network: {sizes} ({kind}), {n_parameters} parameters"
        self._show()

    # ---- training ----------------------------------------------------------------------
    def train(self, epochs: int) -> None:
        """Train `epochs` epochs now (synchronously; fewer if the loss diverges or early
        stopping stops it), then re-render once; the epoch axis ends where they end."""
        self.curves.set_planned_end(self.epoch + epochs)
        self.run.train(epochs, early_stopping=self.early_stopping_checkbox.value)
        self._show()

    def _may_go_on(self) -> bool:
        return not (self.diverged or self.stopped_early)

    # ---- controls ----------------------------------------------------------------------
    def _on_step(self, _button) -> None:
        if not self.running:  # one epoch more; past the axis's end, the axis grows
            self.run.train(1, early_stopping=self.early_stopping_checkbox.value)
            self._show()

    def _on_epochs(self, change) -> None:
        if not self.running:  # the axis shows where the next Run will end
            self.curves.set_planned_end(self.epoch + change["new"])
            self._show()

    def _on_learning_rate(self, change) -> None:
        self.optimizer.learning_rate = change["new"]  # the next step uses it, even mid-run

    def _on_weight_decay(self, change) -> None:
        self.optimizer.weight_decay = change["new"]  # likewise

    def _on_batch_size(self, change) -> None:
        self.run.batch_size = change["new"]  # from the next epoch on

    def _on_data(self, _change) -> None:
        self._load_dataset()

    def _on_network(self, _change) -> None:
        try:
            self.hidden_layers = parse_hidden_layers(self.hidden_layers_text.value)
        except ValueError as error:
            self.status.value = verdict_html(WRONG, f"{error}; kept the "
                                                    f"{self.network_label.value}")
            return
        self.reset()

    def _load_dataset(self) -> None:
        """The chosen dataset, split (stratified, from the lab's seed) into training and
        held-out points; then a new network."""
        X, y = DATASETS[self.dataset_dropdown.value](self.seed)
        self._data = split_dataset(X, y, self.held_out_dropdown.value, self.seed)
        self.regions.set_data(X, y)  # the view fits all the points, held out or not
        self.regions.points.set_offsets(self._data.train[0])  # but only these are filled
        self.regions.points.set_facecolor(CLASS_COLOURS[self._data.train[1]])
        self.held_out_points.set_data(*self._data.validation)
        self.reset()

    # ---- display -----------------------------------------------------------------------
    @property
    def _regions_behind(self) -> bool:
        """The network has changed since the decision regions were last computed."""
        return self._regions_of != (self.run, self.step, self.epoch)

    def _show(self, regions: bool | None = None) -> None:
        """Re-render the figure and the status line for the current model. The decision
        regions (most of a frame's cost) are recomputed when `regions` is True, or, when it
        is None, if the network has changed since they were; False (a Run's in-between
        frames) keeps the regions panel as the last frame left it and redraws the curves."""
        curves_only = regions is False
        if regions or (regions is None and self._regions_behind):
            self.regions.update(self.model)
            self._regions_of = (self.run, self.step, self.epoch)
        shown = self.show_held_out_checkbox.value and self.run.has_validation
        self.held_out_points.visible = shown
        self.regions.set_legend(self.model.layers[-1].n_outputs, held_out=shown)
        self.curves.set_view(self.curves_toggle.value, self.run.has_validation)
        self.curves.update(self.run)
        if not curves_only:
            self.figure.draw()
        else:  # the regions panel is as the last frame left it: redraw the curves only
            self.figure.draw(self.curves.moving, [self.loss_axes.bbox])
        self.image.value = self.figure.encode()
        self.status.value = status_text(self.run, self.stopped_early)
