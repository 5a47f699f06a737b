"""Small toy datasets made with numpy from a seed (same seed, same data)."""
from __future__ import annotations

from numbers import Real
from typing import NamedTuple

import numpy as np


def moons(n_samples: int = 100, noise: float = 0.1, seed: int | None = 0):
    """Two interleaving half circles. Returns X (n, 2) and y (n,) with classes 0 and 1."""
    rng = np.random.default_rng(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    t_upper = np.linspace(0, np.pi, n_upper)
    t_lower = np.linspace(0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, (n_samples, 2))
    y = np.repeat([0, 1], [n_upper, n_lower])
    return _shuffled(rng, X, y)


def spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
            seed: int | None = 0):
    """`n_classes` arms spiralling out of the origin. X (n, 2), y (n,) in 0..n_classes-1."""
    rng = np.random.default_rng(seed)
    per_class = np.full(n_classes, n_samples // n_classes)
    per_class[: n_samples % n_classes] += 1
    X, y = [], []
    for k, count in enumerate(per_class):
        radius = np.linspace(0.05, 1.0, count)
        angle = np.linspace(k * 4.0, (k + 1) * 4.0, count) + rng.normal(0.0, noise, count)
        X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y.append(np.full(count, k))
    return _shuffled(rng, np.vstack(X), np.concatenate(y))


def blobs(n_samples: int = 300, n_classes: int = 3, spread: float = 1.0,
          seed: int | None = 0):
    """Gaussian clouds around `n_classes` centres placed on a circle of radius 4."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 4.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.arange(n_samples) % n_classes
    X = centres[y] + rng.normal(0.0, spread, (n_samples, 2))
    return _shuffled(rng, X, y)


def line(n_samples: int = 50, slope: float = 2.0, intercept: float = -1.0,
         noise: float = 0.3, seed: int | None = 0):
    """Points near y = slope·x + intercept, x in [-1, 1]. Returns x (n, 1) and y (n,)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n_samples, 1))
    y = slope * x[:, 0] + intercept + rng.normal(0.0, noise, n_samples)
    return x, y


def _shuffled(rng, X, y):
    order = rng.permutation(len(y))
    return X[order], y[order]


def train_validation_test_split(X, y, validation: float = 0.2, test: float = 0.2,
                                seed: int | None = 0, stratify: bool = True):
    """Split (X, y) into a training, a validation and a test set: `Splits(train, validation,
    test)`, each an (X, y) pair, e.g. `splits.validation[0]` is the validation inputs.

    `validation` and `test` are the fractions of the points held out for each (either may be
    0 for an empty part); the rest is for training. Deterministic: the same seed gives the
    same split. With `stratify` (the default, for class labels) every class is split in the
    same proportions, the counts rounded per class, so a small validation set still has
    each class in its share; with `stratify=False` (e.g. for regression targets) the points
    are shuffled together. Each part keeps the points in their original order.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have one row per point: got {len(np.atleast_1d(X))} "
                         f"inputs and {len(y)} targets")
    for name, fraction in (("validation", validation), ("test", test)):
        if isinstance(fraction, bool) or not isinstance(fraction, Real) or not 0 <= fraction < 1:
            raise ValueError(f"{name} must be a fraction from 0 up to (not including) 1, "
                             f"got {fraction!r}")
    if validation + test >= 1:
        raise ValueError(f"validation + test = {validation + test:g} leaves no points for "
                         f"training: make them add up to less than 1")
    if stratify and np.issubdtype(y.dtype, np.floating):
        raise ValueError("stratify splits each class in proportion, but y holds real numbers: "
                         "pass stratify=False for regression targets")
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == label) for label in np.unique(y)] if stratify \
        else [np.arange(len(y))]
    parts = {"validation": [], "test": [], "train": []}
    for members in groups:
        members = rng.permutation(members)
        n_validation = int(round(len(members) * validation))
        n_test = int(round(len(members) * test))
        parts["validation"].append(members[:n_validation])
        parts["test"].append(members[n_validation:n_validation + n_test])
        parts["train"].append(members[n_validation + n_test:])
    chosen = {name: np.sort(np.concatenate(indices)) for name, indices in parts.items()}
    if len(chosen["train"]) == 0:
        raise ValueError(f"the split leaves no points for training ({len(y)} points): hold "
                         f"out smaller fractions")
    return Splits(*((X[chosen[name]], y[chosen[name]])
                    for name in ("train", "validation", "test")))


class Splits(NamedTuple):
    """Training, validation and test sets, each an (X, y) pair."""
    train: tuple
    validation: tuple
    test: tuple
