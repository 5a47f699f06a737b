"""Small toy datasets made with numpy from a seed (same seed, same data)."""
from __future__ import annotations

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
