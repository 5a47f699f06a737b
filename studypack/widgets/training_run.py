"""A network trained on a 2-D dataset, without any widget: what the TrainingLab drives and
lessons use directly.

`TrainingRun` trains `studypack.nn.MLP` with cross-entropy and SGD (optionally with weight
decay) on shuffled mini-batches and evaluates it after every epoch on the training set and
on a held-out validation set. `status_text` is the lab's status line, with a verdict in the
pack's feedback language when something deserves one (divergence, overfitting, convergence).
"""
from __future__ import annotations

import copy

import numpy as np

from .. import datasets, losses, no_grad
from ..nn import MLP
from ..optim import SGD
from .look import PARTLY, RIGHT, WRONG, verdict_html

FULL_BATCH = "full"
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


def status_text(run: TrainingRun, stopped_early: bool = False) -> str:
    """The lab's status line: epoch, step, losses and accuracies, and a verdict when
    something deserves it: ✘ divergence or a rising loss, ◐ overfitting, ✔ early stopping or
    convergence. HTML; every part is a number or fixed text."""
    loss = run.losses[-1]
    text = (f"epoch {run.epoch} · step {run.step} · loss {loss:.4f} · "
            f"training accuracy {run.accuracies[-1]:.1%}")
    best = run.best_epoch
    if best is not None:
        text += (f" · validation loss {run.validation_losses[-1]:.4f} · validation "
                 f"accuracy {run.validation_accuracies[-1]:.1%} · best epoch {best} "
                 f"(validation loss {run.validation_losses[best]:.4f})")
    if run.diverged:
        kind, note = WRONG, ("the loss is not a finite number: the learning rate is far too "
                             "large (Reset)")
    elif run.epoch >= CONVERGENCE_WINDOW and loss > run.losses[0]:
        kind, note = WRONG, "the loss is higher than at the start: try a smaller learning rate"
    elif stopped_early:
        kind, note = RIGHT, (f"stopped early: the validation loss has not improved for "
                             f"{PATIENCE} epochs; the weights of epoch {best} are the ones "
                             f"to keep")
    elif (best is not None and run.epoch - best >= CONVERGENCE_WINDOW
          and loss < run.losses[best]
          and run.validation_losses[-1] > run.validation_losses[best] + OVERFITTING_MARGIN):
        kind, note = PARTLY, (f"overfitting: since epoch {best} the training loss has fallen "
                              f"while the validation loss has risen")
    elif stopped_improving(run.losses):
        kind, note = RIGHT, (f"converged: the best loss improved by less than "
                             f"{CONVERGENCE_TOLERANCE:g} in the last {CONVERGENCE_WINDOW} "
                             f"epochs")
    else:
        return text
    return f"{text}<br>{verdict_html(kind, note)}"
