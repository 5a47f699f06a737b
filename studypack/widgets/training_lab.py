"""TrainingLab: train a small network on a 2-D dataset and watch it learn.

The lab trains `studypack.nn.MLP` with cross-entropy and SGD (optionally with weight decay) on
mini-batches, and shows the decision regions and the learning curves after every chunk of
training. Part of the data can be held out as a validation set: the network never trains on
it, and its loss there (the validation curve) shows how well the network does on points it
has not seen. `TrainingRun` is the training itself, without any widget: lessons use it too.

Running without freezing the kernel: in Jupyter, "Run" starts an asyncio task on the kernel's
event loop. The task trains whole epochs for about 50 ms, re-renders, then awaits
`asyncio.sleep(0)`, which lets the kernel handle widget messages (a click on "Pause", a new
learning rate) before the next chunk. Where no event loop is running (plain Python), "Run"
trains the chosen number of epochs synchronously. `train(epochs)` always trains synchronously.
"""
from __future__ import annotations

import asyncio
import copy
import html
import time

import ipywidgets as widgets
import numpy as np

from .. import datasets, losses, no_grad
from ..nn import MLP
from ..optim import SGD
from ..viz.decision import CLASS_COLOURS, DecisionRegions
from ..viz.fastplot import FastFigure
from ..viz.training_curves import HeldOutPoints, LearningCurves
from .lr_explorer import learning_rate_slider, readable_grid

DATASETS = {  # name → function of the seed giving X (n, 2), y (n,)
    "moons": lambda seed: datasets.moons(200, noise=0.15, seed=seed),
    "spirals": lambda seed: datasets.spirals(300, n_classes=3, noise=0.2, seed=seed),
    "blobs": lambda seed: datasets.blobs(300, n_classes=3, spread=1.5, seed=seed),
    # few points with much noise: a big network can learn the noise (overfitting)
    "few noisy moons": lambda seed: datasets.moons(80, noise=0.35, seed=seed),
}
FULL_BATCH = "full"
LEARNING_RATES = readable_grid(1e-3, 10.0)  # what the learning-rate slider offers
WEIGHT_DECAYS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)  # λ in g = ∂L/∂w + λw
HELD_OUT = (("none", 0.0), ("20%", 0.2), ("30%", 0.3), ("50%", 0.5))  # validation share
MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH = 5, 128  # larger networks would make each update slow
# Converged: the best loss of the last CONVERGENCE_WINDOW epochs is less than
# CONVERGENCE_TOLERANCE below the best loss before them (mini-batch noise makes single
# epochs jump, so the best values are compared, not the last ones).
CONVERGENCE_WINDOW, CONVERGENCE_TOLERANCE = 20, 1e-3
# Early stopping: stop when the validation loss has not beaten its best for this many epochs
PATIENCE = 50
# Overfitting (the status line says so): CONVERGENCE_WINDOW epochs or more after the best
# epoch, the training loss is lower than then and the validation loss this much higher
OVERFITTING_MARGIN = 0.01
CHUNK_SECONDS = 0.05  # training time between two re-renders of a run
FIGURE_SIZE, FIGURE_DPI = (8.0, 3.4), 80  # inches, dots per inch: a 640 × 272 px picture


def stopped_improving(losses_so_far, window: int = CONVERGENCE_WINDOW,
                      tolerance: float = CONVERGENCE_TOLERANCE) -> bool:
    """True when the best of the last `window` losses is less than `tolerance` below the
    best loss before them (so at least window + 1 losses are needed)."""
    if len(losses_so_far) <= window:
        return False
    earlier, recent = losses_so_far[:-window], losses_so_far[-window:]
    return min(earlier) - min(recent) < tolerance


def parse_hidden_layers(text: str) -> list[int]:
    """"16, 16" → [16, 16]; "" → [] (no hidden layer: a linear classifier).

    Raises ValueError with a message for the learner when the text is not a list of
    whole numbers from 1 to MAX_LAYER_WIDTH.
    """
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    parts = [part for part in parts if part]
    if not all(part.isdigit() and 1 <= int(part) <= MAX_LAYER_WIDTH for part in parts):
        raise ValueError(f"hidden layers must be whole numbers from 1 to {MAX_LAYER_WIDTH} "
                         f"separated by commas, e.g. 16, 16 (got {text!r})")
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers (got {len(parts)})")
    return [int(part) for part in parts]


def evaluate(model, X, y) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of `model` on the points X with classes y."""
    with no_grad():
        logits = model(X)
        loss = losses.cross_entropy(logits, y).item()
    return loss, float((logits.data.argmax(axis=1) == y).mean())


class TrainingRun:
    """A network trained on (X, y) by mini-batch SGD on the cross-entropy, evaluated after
    every epoch on the training set and on a held-out validation set (if one is given).

    `losses[e]`, `accuracies[e]`: on the training set after e epochs (e = 0: untrained);
    `validation_losses[e]`, `validation_accuracies[e]`: the same on (X_validation,
    y_validation), empty lists without one. `best_epoch` is the epoch of the lowest
    validation loss, and `best_model()` a copy of the network as it was then: what early
    stopping keeps. Same arguments, same run, step for step.
    """

    def __init__(self, X, y, hidden_layers=(16, 16), activation="relu", learning_rate=0.1,
                 batch_size=8, weight_decay=0.0, X_validation=None, y_validation=None,
                 seed=0):
        self.X, self.y = np.asarray(X), np.asarray(y)
        no_validation = X_validation is None or len(X_validation) == 0
        self.X_validation = np.empty((0, self.X.shape[1])) if no_validation \
            else np.asarray(X_validation)
        self.y_validation = np.empty(0, dtype=int) if no_validation else np.asarray(y_validation)
        n_classes = int(max(self.y.max(), self.y_validation.max(initial=0))) + 1
        self.model = MLP(self.X.shape[1], [*hidden_layers, n_classes], activation=activation,
                         seed=seed)
        self.optimizer = SGD(self.model.parameters(), learning_rate, weight_decay=weight_decay)
        self.batch_size = batch_size
        self.batch_rng = np.random.default_rng(seed)  # shuffles the data every epoch
        self.epoch = self.step = 0
        self.losses, self.accuracies = [], []
        self.validation_losses, self.validation_accuracies = [], []
        self._best_weights = None
        self._evaluate()

    @property
    def has_validation(self) -> bool:
        return len(self.y_validation) > 0

    @property
    def best_epoch(self) -> int | None:
        """The (first) epoch with the lowest validation loss; None without a validation set."""
        if not self.has_validation:
            return None
        finite = np.nan_to_num(self.validation_losses, nan=np.inf)
        return int(np.argmin(finite))

    @property
    def diverged(self) -> bool:
        """The loss is no longer a finite number: training cannot go on."""
        return not np.isfinite(self.losses[-1])

    def should_stop_early(self, patience: int = PATIENCE) -> bool:
        """The validation loss has not beaten its best for `patience` epochs."""
        return self.has_validation and self.epoch - self.best_epoch >= patience

    def best_model(self):
        """A copy of the network with the weights it had at `best_epoch` (without a
        validation set: a copy of the network as it is now)."""
        model = copy.deepcopy(self.model)
        for parameter, best in zip(model.parameters(), self._best_weights or []):
            parameter.data[...] = best
        return model

    def parameter_norm(self) -> float:
        """‖θ‖: the square root of the sum of every squared weight and bias (what weight
        decay keeps small)."""
        return float(np.sqrt(sum((p.data ** 2).sum() for p in self.model.parameters())))

    def train(self, epochs: int, early_stopping: bool = False, patience: int = PATIENCE) -> None:
        """Train up to `epochs` epochs; stop sooner if the loss diverges or, with
        `early_stopping`, when the validation loss has not improved for `patience` epochs."""
        for _ in range(epochs):
            if self.diverged or (early_stopping and self.should_stop_early(patience)):
                break
            self.train_epoch()

    def train_epoch(self) -> None:
        """One pass over the shuffled training set in mini-batches, then evaluate."""
        n = len(self.y)
        batch_size = n if self.batch_size == FULL_BATCH else self.batch_size
        order = self.batch_rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss = losses.cross_entropy(self.model(self.X[batch]), self.y[batch])  # forward
            self.optimizer.zero_grad()
            loss.backward()                                                       # backward
            self.optimizer.step()                                                 # update
            self.step += 1
        self.epoch += 1
        self._evaluate()

    def _evaluate(self) -> None:
        loss, accuracy = evaluate(self.model, self.X, self.y)
        self.losses.append(loss)
        self.accuracies.append(accuracy)
        if self.has_validation:
            loss, accuracy = evaluate(self.model, self.X_validation, self.y_validation)
            self.validation_losses.append(loss)
            self.validation_accuracies.append(accuracy)
            if self.best_epoch == self.epoch:  # a new best: keep these weights
                self._best_weights = [p.data.copy() for p in self.model.parameters()]


def split_dataset(X, y, held_out: float, seed: int) -> datasets.Splits:
    """Training and validation points (stratified, seeded; no test set): with `held_out` 0,
    everything is for training, in the dataset's order."""
    if held_out:
        return datasets.train_validation_test_split(X, y, validation=held_out, test=0.0,
                                                    seed=seed)
    return datasets.Splits((X, y), (X[:0], y[:0]), (X[:0], y[:0]))


class _RunsInBackground:
    """Run and Pause for the lab (see the module's docstring): a Run trains in ~50 ms chunks
    on the kernel's event loop, re-rendering after each, until its epochs are done, Pause is
    pressed, or `_may_go_on()` says no."""

    _task = None
    _pause_requested = False

    @property
    def running(self) -> bool:
        """True while a Run task is training (in Jupyter)."""
        return self._task is not None and not self._task.done()

    def _train_in_chunks(self, epochs: int):
        """Train up to `epochs` epochs, re-rendering and yielding after every ~50 ms chunk."""
        self.progress.max, self.progress.value = epochs, 0
        while self.progress.value < epochs and self._may_go_on():
            chunk_start = time.perf_counter()
            while (self.progress.value < epochs and self._may_go_on()
                   and time.perf_counter() - chunk_start < CHUNK_SECONDS):
                self.run.train_epoch()
                self.progress.value += 1
            self._show()
            yield

    async def _run(self, epochs: int) -> None:
        try:
            for _ in self._train_in_chunks(epochs):
                await asyncio.sleep(0)  # let the kernel handle widget messages (Pause, sliders)
                if self._pause_requested:
                    break
        finally:
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


class TrainingLab(_RunsInBackground, widgets.VBox):
    """Train an MLP on a 2-D dataset; see its decision regions and learning curves.

    Controls: `dataset_dropdown`, `hidden_layers_text` (e.g. "16, 16"), `activation_dropdown`,
    `learning_rate_slider` (readable steps), `batch_size_dropdown`, `weight_decay_dropdown`,
    `held_out_dropdown` (the share of the data kept for validation), `show_held_out_checkbox`
    (the validation points on the regions), `early_stopping_checkbox` (Run and +1 epoch stop
    once the validation loss has not improved for PATIENCE epochs), `curves_toggle` (loss or
    accuracy), `epochs_slider` (epochs per run), `run_button`, `pause_button`, `step_button`
    (trains one epoch), `reset_button`.
    Display: `image` (decision regions | learning curves, the best validation epoch marked),
    `progress` (epochs done in this run), `status` (epoch, step, losses, accuracies, notes),
    `network_label`. State: `run` (the `TrainingRun`), and from it `model`, `optimizer`,
    `X`, `y` (the training points), `X_validation`, `y_validation`, `losses`,
    `validation_losses`, `epoch`, `step`, `accuracy`, `validation_accuracy`, `best_epoch`.
    Same settings and seed give the same training (and the same split), step for step. The
    learning-rate slider stops at readable numbers from 0.001 to 10 (0.001, 0.00105, …, 0.1,
    …, 0.375, …, 10), in Python and in the browser alike; any other learning rate is refused
    with its neighbours.
    """

    def __init__(self, dataset: str = "moons", hidden_layers: str = "16, 16",
                 activation: str = "relu", learning_rate: float = 0.1, batch_size=8,
                 seed: int = 0, held_out: float = 0.0, weight_decay: float = 0.0,
                 early_stopping: bool = False):
        self.seed = seed
        labelled = {"style": {"description_width": "initial"}}  # show descriptions whole
        self.dataset_dropdown = widgets.Dropdown(options=list(DATASETS), value=dataset,
                                                 description="dataset", **labelled)
        self.hidden_layers_text = widgets.Text(value=hidden_layers, description="hidden layers",
                                               placeholder="e.g. 16, 16",
                                               continuous_update=False, **labelled)
        self.activation_dropdown = widgets.Dropdown(options=["relu", "tanh", "sigmoid"],
                                                    value=activation, description="activation",
                                                    **labelled)
        self.learning_rate_slider = learning_rate_slider(learning_rate, LEARNING_RATES,
                                                         description="learning rate")
        self.batch_size_dropdown = widgets.Dropdown(
            options=[("1 (stochastic)", 1), ("8", 8), ("32", 32), ("128", 128),
                     ("full batch", FULL_BATCH)],
            value=batch_size, description="batch size", **labelled)
        self.weight_decay_dropdown = widgets.Dropdown(
            options=[(f"{value:g}", value) for value in WEIGHT_DECAYS], value=weight_decay,
            description="weight decay", **labelled)
        self.held_out_dropdown = widgets.Dropdown(options=HELD_OUT, value=held_out,
                                                  description="held out for validation",
                                                  **labelled)
        self.show_held_out_checkbox = widgets.Checkbox(value=True, indent=False,
                                                       description="show held-out points")
        self.early_stopping_checkbox = widgets.Checkbox(
            value=early_stopping, indent=False, description="early stopping",
            tooltip=f"stop when the validation loss has not improved for {PATIENCE} epochs")
        self.curves_toggle = widgets.ToggleButtons(options=["loss", "accuracy"],
                                                   style={"button_width": "auto"})
        self.epochs_slider = widgets.IntSlider(value=200, min=10, max=1000, step=10,
                                               description="run epochs", **labelled)
        self.run_button = widgets.Button(description="Run", icon="play",
                                         tooltip="train for the chosen number of epochs")
        self.pause_button = widgets.Button(description="Pause", icon="pause", disabled=True)
        self.step_button = widgets.Button(description="+1 epoch", icon="step-forward",
                                          tooltip="train one epoch: one pass over the data")
        self.reset_button = widgets.Button(description="Reset", icon="undo",
                                           tooltip="new network with the starting weights")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="progress",
                                            **labelled)
        # never stretched beyond its pixels, narrower where the cell is narrower; no margin,
        # which would make a 100%-wide picture stick out of a narrow notebook
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width="100%", max_width=f"{FIGURE_SIZE[0] * FIGURE_DPI:.0f}px", height="auto",
            margin="0"))
        self.status = widgets.HTML()
        self.network_label = widgets.Label()

        self.figure = FastFigure(*FIGURE_SIZE, dpi=FIGURE_DPI, ncols=2, width_ratios=[1.0, 1.3])
        regions_axes, curves_axes = self.figure.axes
        regions_axes.set_title("decision regions")
        self.regions = DecisionRegions(self.figure, regions_axes)
        self.held_out_points = HeldOutPoints(self.figure, regions_axes)
        self.curves = LearningCurves(self.figure, curves_axes)
        self.loss_axes = curves_axes
        self.figure.png()  # the first frame fixes the layout

        self.dataset_dropdown.observe(self._on_data, "value")
        self.held_out_dropdown.observe(self._on_data, "value")
        self.hidden_layers_text.observe(self._on_network, "value")
        self.activation_dropdown.observe(self._on_network, "value")
        self.learning_rate_slider.observe(self._on_learning_rate, "value")
        self.weight_decay_dropdown.observe(self._on_weight_decay, "value")
        self.batch_size_dropdown.observe(self._on_batch_size, "value")
        self.show_held_out_checkbox.observe(lambda _: self._show(), "value")
        self.curves_toggle.observe(lambda _: self._show(), "value")
        self.run_button.on_click(self._on_run)
        self.pause_button.on_click(self._on_pause)
        self.step_button.on_click(self._on_step)
        self.reset_button.on_click(lambda _: self.reset())

        wrap = widgets.Layout(flex_flow="row wrap", align_items="center")
        super().__init__([
            widgets.HBox([self.dataset_dropdown, self.hidden_layers_text,
                          self.activation_dropdown], layout=wrap),
            widgets.HBox([self.learning_rate_slider, self.batch_size_dropdown,
                          self.weight_decay_dropdown], layout=wrap),
            widgets.HBox([self.held_out_dropdown, self.show_held_out_checkbox,
                          self.early_stopping_checkbox, self.curves_toggle], layout=wrap),
            widgets.HBox([self.epochs_slider, self.run_button, self.pause_button,
                          self.step_button, self.reset_button], layout=wrap),
            self.progress, self.image, self.status, self.network_label])
        self.hidden_layers = parse_hidden_layers(hidden_layers)
        self._load_dataset()

    def __repr__(self) -> str:  # the text/plain a saved notebook shows before the cell runs
        return "Training lab (run this cell to start it)"

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
        n_classes = self.model.layers[-1].n_outputs
        sizes = " → ".join(map(str, [2, *self.hidden_layers, n_classes]))
        kind = self.activation_dropdown.value if self.hidden_layers else "linear"
        n_parameters = sum(p.data.size for p in self.model.parameters())
        self.network_label.value = f"network: {sizes} ({kind}), {n_parameters} parameters"
        self._show()

    # ---- training ----------------------------------------------------------------------
    def train(self, epochs: int) -> None:
        """Train `epochs` epochs now (synchronously; fewer if the loss diverges or early
        stopping stops it), then re-render once."""
        self.run.train(epochs, early_stopping=self.early_stopping_checkbox.value)
        self._show()

    def _may_go_on(self) -> bool:
        return not (self.diverged or self.stopped_early)

    # ---- controls ----------------------------------------------------------------------
    def _on_step(self, _button) -> None:
        if not self.running:
            self.train(1)

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
            self.status.value = (f"<b>{html.escape(str(error))}</b>; kept the "
                                 f"{html.escape(self.network_label.value)}")
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
    def _show(self) -> None:
        """Re-render the figure and the status line for the current model."""
        self.regions.update(self.model)
        shown = self.show_held_out_checkbox.value and self.run.has_validation
        self.held_out_points.visible = shown
        title = "decision regions (rings: held out)" if shown else "decision regions"
        if self.regions.axes.get_title() != title:
            self.regions.axes.set_title(title)
            self.figure.redraw_background()
        self.curves.set_view(self.curves_toggle.value, self.run.has_validation)
        self.curves.update(self.run)
        self.image.value = self.figure.png()
        self.status.value = self._status_text()

    def _status_text(self) -> str:
        return status_text(self.run, self.stopped_early)


def status_text(run: TrainingRun, stopped_early: bool = False) -> str:
    """The lab's status line: epoch, step, losses and accuracies, and a note in bold when
    something deserves it (divergence, a rising loss, early stopping, overfitting,
    convergence). HTML; every part is a number or fixed text."""
    loss = run.losses[-1]
    text = (f"epoch {run.epoch} · step {run.step} · loss {loss:.4f} · "
            f"training accuracy {run.accuracies[-1]:.1%}")
    best = run.best_epoch
    if best is not None:
        text += (f" · validation loss {run.validation_losses[-1]:.4f} · validation "
                 f"accuracy {run.validation_accuracies[-1]:.1%} · best epoch {best} "
                 f"(validation loss {run.validation_losses[best]:.4f})")
    if run.diverged:
        note = "the loss is not a finite number: the learning rate is far too large (Reset)"
    elif run.epoch >= CONVERGENCE_WINDOW and loss > run.losses[0]:
        note = "the loss is higher than at the start: try a smaller learning rate"
    elif stopped_early:
        note = (f"stopped early: the validation loss has not improved for {PATIENCE} "
                f"epochs; epoch {best}'s weights are the ones to keep")
    elif (best is not None and run.epoch - best >= CONVERGENCE_WINDOW
          and loss < run.losses[best]
          and run.validation_losses[-1] > run.validation_losses[best] + OVERFITTING_MARGIN):
        note = (f"overfitting: since epoch {best} the training loss has fallen while the "
                f"validation loss has risen")
    elif stopped_improving(run.losses):
        note = (f"converged: the best loss improved by less than {CONVERGENCE_TOLERANCE:g} "
                f"in the last {CONVERGENCE_WINDOW} epochs")
    else:
        return text
    return f"{text} — <b>{note}</b>"
