"""TrainingLab: train a small network on a 2-D dataset and watch it learn.

The lab trains `studypack.nn.MLP` with cross-entropy and plain SGD on mini-batches, and shows
the decision regions and the loss curve after every chunk of training.

Running without freezing the kernel: in Jupyter, "Run" starts an asyncio task on the kernel's
event loop. The task trains whole epochs for about 50 ms, re-renders, then awaits
`asyncio.sleep(0)`, which lets the kernel handle widget messages (a click on "Pause", a new
learning rate) before the next chunk. Where no event loop is running (plain Python), "Run"
trains the chosen number of epochs synchronously. `train(epochs)` always trains synchronously.
"""
from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets
import numpy as np

from .. import datasets, losses, no_grad
from ..nn import MLP
from ..optim import SGD
from ..viz.decision import DecisionRegions
from ..viz.fastplot import FastFigure
from .lr_explorer import learning_rate_slider, readable_grid

DATASETS = {  # name → function of the seed giving X (n, 2), y (n,)
    "moons": lambda seed: datasets.moons(200, noise=0.15, seed=seed),
    "spirals": lambda seed: datasets.spirals(300, n_classes=3, noise=0.2, seed=seed),
    "blobs": lambda seed: datasets.blobs(300, n_classes=3, spread=1.5, seed=seed),
}
FULL_BATCH = "full"
LEARNING_RATES = readable_grid(1e-3, 10.0)  # what the learning-rate slider offers
MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH = 5, 128  # larger networks would make each update slow
# Converged: the best loss of the last CONVERGENCE_WINDOW epochs is less than
# CONVERGENCE_TOLERANCE below the best loss before them (mini-batch noise makes single
# epochs jump, so the best values are compared, not the last ones).
CONVERGENCE_WINDOW, CONVERGENCE_TOLERANCE = 20, 1e-3
CHUNK_SECONDS = 0.05  # training time between two re-renders of a run
LOSS_AXIS_TOP = 1.5   # fixed loss axis (ln 3 ≈ 1.1 is the loss of a blind 3-class guess)


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


class TrainingLab(widgets.VBox):
    """Train an MLP on moons, spirals or blobs; see its decision regions and loss curve.

    Controls: `dataset_dropdown`, `hidden_layers_text` (e.g. "16, 16"), `activation_dropdown`,
    `learning_rate_slider` (log scale), `batch_size_dropdown`, `epochs_slider` (epochs per
    run), `run_button`, `pause_button`, `step_button` (trains one epoch), `reset_button`.
    Display: `image` (decision regions | loss curve), `progress` (epochs done in this run),
    `status` (epoch, step, loss, accuracy, convergence), `network_label`.
    State: `model`, `optimizer`, `X`, `y`, `losses` (loss on the whole training set after
    0, 1, 2, ... epochs), `epoch`, `step` (optimisation steps taken), `accuracy`, `running`.
    Same settings and seed give the same training, step for step. The learning-rate slider
    stops at readable numbers from 0.001 to 10 (0.001, 0.00105, …, 0.1, …, 0.375, …, 10), in
    Python and in the browser alike; any other learning rate is refused with its neighbours.
    """

    def __init__(self, dataset: str = "moons", hidden_layers: str = "16, 16",
                 activation: str = "relu", learning_rate: float = 0.1, batch_size=8,
                 seed: int = 0):
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
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self.network_label = widgets.Label()

        self.figure = FastFigure(width=8.0, height=3.4, ncols=2, width_ratios=[1.0, 1.3])
        regions_axes, loss_axes = self.figure.axes
        regions_axes.set_title("decision regions")
        self.regions = DecisionRegions(self.figure, regions_axes)
        self.loss_axes = loss_axes
        loss_axes.set_title("loss on the training set")
        loss_axes.set_xlabel("epoch")
        loss_axes.set_ylabel("cross-entropy")
        loss_axes.set_ylim(0.0, LOSS_AXIS_TOP)
        loss_axes.grid(alpha=0.3)
        (line,) = loss_axes.plot([], [], color="black", linewidth=1.2)
        self.loss_line = self.figure.animate(line)
        # FastFigure fixes the layout at its first frame: draw it with the widest epoch
        # labels the axis will show, so that none is cut off later
        loss_axes.set_xlim(0, 1600)
        self.figure.png()

        self._task = None
        self._pause_requested = False
        self.dataset_dropdown.observe(self._on_dataset, "value")
        self.hidden_layers_text.observe(self._on_network, "value")
        self.activation_dropdown.observe(self._on_network, "value")
        self.learning_rate_slider.observe(self._on_learning_rate, "value")
        self.run_button.on_click(self._on_run)
        self.pause_button.on_click(self._on_pause)
        self.step_button.on_click(self._on_step)
        self.reset_button.on_click(lambda _: self.reset())

        super().__init__([
            widgets.HBox([self.dataset_dropdown, self.hidden_layers_text,
                          self.activation_dropdown]),
            widgets.HBox([self.learning_rate_slider, self.batch_size_dropdown]),
            widgets.HBox([self.epochs_slider, self.run_button, self.pause_button,
                          self.step_button, self.reset_button]),
            self.progress, self.image, self.status, self.network_label])
        self.hidden_layers = parse_hidden_layers(hidden_layers)
        self._load_dataset()

    # ---- state -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while a Run task is training (in Jupyter)."""
        return self._task is not None and not self._task.done()

    @property
    def converged(self) -> bool:
        """The loss has stopped improving (see `stopped_improving`)."""
        return stopped_improving(self.losses)

    @property
    def diverged(self) -> bool:
        """The loss is no longer a finite number: training cannot go on."""
        return not np.isfinite(self.losses[-1])

    def reset(self) -> None:
        """Stop any run and start again: same data, a new network with the starting weights."""
        self._pause_requested = True
        n_classes = int(self.y.max()) + 1
        self.model = MLP(2, [*self.hidden_layers, n_classes],
                         activation=self.activation_dropdown.value, seed=self.seed)
        self.optimizer = SGD(self.model.parameters(), self.learning_rate_slider.value)
        self.batch_rng = np.random.default_rng(self.seed)  # shuffles the data every epoch
        self.epoch = self.step = 0
        self.losses = []
        self._evaluate()
        self.progress.value = 0
        sizes = " → ".join(map(str, [2, *self.hidden_layers, n_classes]))
        kind = self.activation_dropdown.value if self.hidden_layers else "linear"
        n_parameters = sum(p.data.size for p in self.model.parameters())
        self.network_label.value = f"network: {sizes} ({kind}), {n_parameters} parameters"
        self._show()

    # ---- training ----------------------------------------------------------------------
    def train(self, epochs: int) -> None:
        """Train `epochs` epochs now (synchronously), then re-render once."""
        for _ in range(epochs):
            if self.diverged:
                break
            self._train_epoch()
        self._show()

    def _train_epoch(self) -> None:
        """One pass over the shuffled training set in mini-batches, then evaluate."""
        n, batch_size = len(self.y), self.batch_size_dropdown.value
        if batch_size == FULL_BATCH:
            batch_size = n
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
        """Record the loss and accuracy on the whole training set for the current weights."""
        with no_grad():
            logits = self.model(self.X)
            loss = losses.cross_entropy(logits, self.y).item()
        self.losses.append(loss)
        self.accuracy = float((logits.data.argmax(axis=1) == self.y).mean())

    def _train_in_chunks(self, epochs: int):
        """Train up to `epochs` epochs, re-rendering and yielding after every ~50 ms chunk."""
        self.progress.max, self.progress.value = epochs, 0
        while self.progress.value < epochs and not self.diverged:
            chunk_start = time.perf_counter()
            while (self.progress.value < epochs and not self.diverged
                   and time.perf_counter() - chunk_start < CHUNK_SECONDS):
                self._train_epoch()
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

    # ---- controls ----------------------------------------------------------------------
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

    def _on_step(self, _button) -> None:
        if not self.running:
            self.train(1)

    def _on_learning_rate(self, change) -> None:
        self.optimizer.learning_rate = change["new"]  # the next step uses it, even mid-run

    def _on_dataset(self, _change) -> None:
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
        self.X, self.y = DATASETS[self.dataset_dropdown.value](self.seed)
        self.regions.set_data(self.X, self.y)
        self.reset()

    def _set_buttons(self, running: bool) -> None:
        self.run_button.disabled = self.step_button.disabled = running
        self.pause_button.disabled = not running

    # ---- display -----------------------------------------------------------------------
    def _show(self) -> None:
        """Re-render the figure and the status line for the current model."""
        self.regions.update(self.model)
        # the epoch axis is the only fixed part that changes: 50 epochs, doubled when full
        epoch_axis_end = max(50, 50 * 2 ** int(np.ceil(np.log2(max(self.epoch, 1) / 50))))
        if self.loss_axes.get_xlim()[1] != epoch_axis_end:
            self.loss_axes.set_xlim(0, epoch_axis_end)
            self.figure.redraw_background()
        self.loss_line.set_data(np.arange(len(self.losses)), self.losses)
        self.image.value = self.figure.png()
        self.status.value = self._status_text()

    def _status_text(self) -> str:
        loss = self.losses[-1]
        text = (f"epoch {self.epoch} · step {self.step} · loss {loss:.4f} · "
                f"training accuracy {self.accuracy:.1%}")
        if self.diverged:
            note = "the loss is not a finite number: the learning rate is far too large (Reset)"
        elif self.epoch >= CONVERGENCE_WINDOW and loss > self.losses[0]:
            note = "the loss is higher than at the start: try a smaller learning rate"
        elif self.converged:
            note = (f"converged: the best loss improved by less than {CONVERGENCE_TOLERANCE:g} "
                    f"in the last {CONVERGENCE_WINDOW} epochs")
        else:
            return text
        return f"{text} — <b>{note}</b>"
