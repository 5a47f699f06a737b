"""Loss functions: one number that says how wrong the predictions are.

Each takes Tensors (a batch) or Values (a list of predictions, or one) and returns the
mean loss as a Tensor or a Value, ready for `.backward()`. Targets given as Tensors or Values
get a gradient too, as in PyTorch (class indices, being integers, do not).
"""
from __future__ import annotations

import numpy as np

from .engine import Tensor, Value


def mse(predictions, targets):
    """Mean squared error, mean of (prediction - target)².

    A Tensor of shape (n, 1) and targets of shape (n,) are matched element by element
    (not broadcast into an n×n table).
    """
    if isinstance(predictions, Tensor):
        return ((predictions - _targets_like(predictions, targets)) ** 2).mean()
    return _mean([(p - t) ** 2 for p, t in _pairs(predictions, targets)])


def cross_entropy(logits, class_indices):
    """Mean of -log softmax(logits)[true class], computed stably with log-sum-exp.

    `logits`: a Tensor (n, n_classes), or for Values one list of logits per example (or a
    single list). `class_indices`: the true class of each example, integers.
    """
    if isinstance(class_indices, (Tensor, Value)):
        raise TypeError("cross_entropy: class_indices must be integers (a list or an integer "
                        "numpy array), not a Tensor or Value: a class has no gradient")
    if isinstance(logits, Tensor):
        classes = np.asarray(class_indices)
        if logits.ndim != 2 or classes.shape != logits.shape[:1]:
            raise ValueError(f"cross_entropy: logits must be (n, n_classes) and class_indices "
                             f"(n,), got {logits.shape} and {classes.shape}")
        _check_classes(classes, logits.shape[1])
        # one node with the classic gradient (softmax - one-hot) / n: fewer steps, same maths
        n, rows = len(classes), np.arange(len(classes))
        z = logits.data
        shifted = z - z.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

        def local_grad():
            grad = np.exp(log_probs)
            grad[rows, classes] -= 1.0
            return (grad / n,)
        return Tensor.from_op(-log_probs[rows, classes].mean(), (logits,), "cross_entropy",
                              local_grad)
    rows = [logits] if isinstance(logits[0], Value) else list(logits)
    classes = np.atleast_1d(np.asarray(class_indices))
    _check_classes(classes, len(rows[0]))
    losses = []
    for row, true_class in zip(rows, classes):
        shift = max(v.data for v in row)  # a constant: exp never sees a large number
        log_sum_exp = sum((v - shift).exp() for v in row).log() + shift
        losses.append(log_sum_exp - row[int(true_class)])
    return _mean(losses)


def binary_cross_entropy(logits, targets):
    """Mean of -[y·log σ(z) + (1-y)·log(1-σ(z))] for logits z and targets y in {0, 1}.

    Takes logits (not probabilities): written as softplus(z) - y·z, it stays finite even
    for z = ±1000.
    """
    if isinstance(logits, Tensor):
        # one node with the classic gradients: (σ(z) - y)/n for a logit, -z/n for a target
        targets = _targets_like(logits, targets)
        parents = (logits, targets) if isinstance(targets, Tensor) else (logits,)
        z, y = logits.data, (targets.data if isinstance(targets, Tensor) else targets)
        softplus = np.logaddexp(0.0, z)  # log(1 + eᶻ) without overflow

        def local_grads():
            # σ(z) = exp(z - softplus(z)): the exponent is ≤ 0, so it cannot overflow either
            d_logits = (np.exp(z - softplus) - y) / z.size
            return (d_logits, -z / z.size) if len(parents) == 2 else (d_logits,)
        return Tensor.from_op(np.mean(softplus - y * z), parents, "binary_cross_entropy",
                              local_grads)
    return _mean([z.softplus() - z * y for z, y in _pairs(logits, targets)])


def hinge(scores, targets):
    """Mean of max(0, 1 - y·score) for targets y in {-1, +1} (the SVM loss micrograd's demo uses)."""
    if isinstance(scores, Tensor):
        return (1.0 - scores * _targets_like(scores, targets)).relu().mean()
    return _mean([(1 - y * s).relu() for s, y in _pairs(scores, targets)])


def _targets_like(predictions: Tensor, targets):
    """Targets shaped like the predictions: a Tensor stays a Tensor (its gradient flows
    through the reshape), anything else becomes an array."""
    if not isinstance(targets, Tensor):
        targets = np.asarray(targets, dtype=predictions.dtype)
    if targets.shape != predictions.shape:
        if targets.size != predictions.size:
            raise ValueError(f"predictions have shape {predictions.shape} but targets have "
                             f"shape {targets.shape}: one target per prediction is needed")
        targets = targets.reshape(predictions.shape)
    return targets


def _pairs(predictions, targets):
    """(prediction, target) pairs: a Value target stays a Value (it gets a gradient), any
    other target becomes a float."""
    if isinstance(predictions, Value):
        predictions, targets = [predictions], [targets]
    if isinstance(targets, Value):
        targets = [targets]
    predictions = list(predictions)
    targets = [t if isinstance(t, Value) else float(t)
               for t in np.ravel(np.asarray(targets, dtype=object))]
    if len(predictions) != len(targets):
        raise ValueError(f"{len(predictions)} predictions but {len(targets)} targets")
    return zip(predictions, targets)


def _mean(values: list):
    return sum(values) * (1.0 / len(values))


def _check_classes(classes: np.ndarray, n_classes: int) -> None:
    if not np.issubdtype(classes.dtype, np.integer):
        raise TypeError(f"class_indices must be integers, got {classes.dtype}")
    if classes.size and (classes.min() < 0 or classes.max() >= n_classes):
        raise ValueError(f"class_indices must be in 0..{n_classes - 1}, "
                         f"got values from {classes.min()} to {classes.max()}")
