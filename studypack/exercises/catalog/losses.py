"""mse-backward and softmax-cross-entropy-backward: the first gradient of every backward pass.
The references run the engine's losses backward."""
from __future__ import annotations

import numpy as np

from ... import losses
from ...engine import Tensor
from ..model import Exercise, Mistake


def mse_backward(prediction, target):
    prediction = Tensor(prediction, requires_grad=True)
    ((prediction - Tensor(target)) ** 2).mean().backward()
    return prediction.grad


def softmax_cross_entropy_backward(logits, labels):
    logits = Tensor(logits, requires_grad=True)
    losses.cross_entropy(logits, np.asarray(labels)).backward()
    return logits.grad


def _mse_cases(rng: np.random.Generator) -> list[tuple]:
    """A vector, one row, several rows of several columns: the mean's count differs from the
    number of rows, so dividing by the batch size alone is visible."""
    return [(rng.normal(0.0, 2.0, shape), rng.normal(0.0, 2.0, shape))
            for shape in [(5,), (1, 3), (4, 3), (2, 5)]]


def _ce_cases(rng: np.random.Generator) -> list[tuple]:
    cases = []
    for n, classes in [(1, 3), (4, 3), (3, 5), (6, 2)]:
        cases.append((rng.normal(0.0, 2.0, (n, classes)), rng.integers(0, classes, n)))
    return cases


def _softmax(logits, axis=1):
    e = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _one_hot(logits, labels):
    hot = np.zeros_like(logits, dtype=float)
    hot[np.arange(len(labels)), labels] = 1.0
    return hot


MSE = Exercise(
    id="mse-backward", function_name="mse_backward",
    signature="mse_backward(prediction, target) -> grad_prediction", outputs=("grad_prediction",),
    reference=mse_backward, cases=_mse_cases,
    mistakes=(
        Mistake("missing-factor-2", lambda p, t: (p - t) / p.size),
        Mistake("missing-mean", lambda p, t: 2 * (p - t)),
        Mistake("mean-over-rows-only", lambda p, t: 2 * (p - t) / len(p)),
        Mistake("flipped-sign", lambda p, t: 2 * (t - p) / p.size),
    ),
    stub=("def mse_backward(prediction, target):\n"
          "    # L = mean((prediction - target)**2) over all elements; return dL/dprediction\n"
          "    raise NotImplementedError\n"),
    solution=("def mse_backward(prediction, target):\n"
              "    n = prediction.size                         # the mean divides by every element\n"
              "    return 2 * (prediction - target) / n\n"),
)

SOFTMAX_CROSS_ENTROPY = Exercise(
    id="softmax-cross-entropy-backward", function_name="softmax_cross_entropy_backward",
    signature="softmax_cross_entropy_backward(logits, labels) -> grad_logits",
    outputs=("grad_logits",), reference=softmax_cross_entropy_backward, cases=_ce_cases,
    mistakes=(
        Mistake("forgot-one-hot", lambda z, y: _softmax(z) / len(z)),
        Mistake("one-hot-not-averaged", lambda z, y: _softmax(z) / len(z) - _one_hot(z, y)),
        Mistake("missing-mean", lambda z, y: _softmax(z) - _one_hot(z, y)),
        Mistake("softmax-over-batch", lambda z, y: (_softmax(z, axis=0) - _one_hot(z, y)) / len(z)),
        Mistake("flipped-sign", lambda z, y: (_one_hot(z, y) - _softmax(z)) / len(z)),
    ),
    stub=("def softmax_cross_entropy_backward(logits, labels):\n"
          "    # logits: (n, classes); labels: (n,) integers\n"
          "    # L = mean over the batch of -log softmax(logits)[label]; return dL/dlogits\n"
          "    raise NotImplementedError\n"),
    solution=("def softmax_cross_entropy_backward(logits, labels):\n"
              "    n = len(logits)\n"
              "    shifted = logits - logits.max(axis=1, keepdims=True)   # stable exp\n"
              "    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)\n"
              "    grad = probs.copy()\n"
              "    grad[np.arange(n), labels] -= 1                       # softmax − one-hot\n"
              "    return grad / n                                        # the mean over the batch\n"),
)

EXERCISES = [MSE, SOFTMAX_CROSS_ENTROPY]
