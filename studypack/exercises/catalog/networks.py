"""two-layer-backward (a whole network's backward pass in numpy) and train-mlp-moons (training
that network on the moons with the learner's own pieces until it classifies ≥ 95% right)."""
from __future__ import annotations

import time

import numpy as np

from ...datasets import moons
from ...engine import Tensor
from ..checking import RTOL, call_learner, _describe_value
from ..messages import say
from ..model import CheckReport, Exercise, Mistake


# ---- two-layer-backward: h = tanh(x W1 + b1), ŷ = h W2 + b2, L = mean((ŷ − y)²) ----

def two_layer_backward(x, W1, b1, W2, b2, y):
    """The reference: the engine's backward through the same network."""
    W1, b1, W2, b2 = (Tensor(a, requires_grad=True) for a in (W1, b1, W2, b2))
    prediction = Tensor.linear(Tensor.linear(x, W1, b1, "tanh"), W2, b2)
    ((prediction - Tensor(y)) ** 2).mean().backward()
    return W1.grad, b1.grad, W2.grad, b2.grad


def _two_layer_cases(rng: np.random.Generator) -> list[tuple]:
    """(n, inputs, hidden, outputs): one example and several, one output and several, never
    square weights, so a transposed gradient shows; values of both signs."""
    cases = []
    for n, n_in, n_hidden, n_out in [(4, 3, 5, 2), (1, 2, 3, 1), (6, 4, 5, 3), (5, 2, 4, 1)]:
        cases.append((rng.normal(0.0, 1.0, (n, n_in)), rng.normal(0.0, 0.8, (n_in, n_hidden)),
                      rng.normal(0.0, 0.5, n_hidden), rng.normal(0.0, 0.8, (n_hidden, n_out)),
                      rng.normal(0.0, 0.5, n_out), rng.normal(0.0, 1.0, (n, n_out))))
    return cases


def _two_layer(loss_grad=lambda error: 2 * error / error.size, tanh_grad="output",
               bias_grad=lambda g: g.sum(axis=0), transposed=False):
    """The numpy backward pass with one classic slip chosen by the arguments."""
    def backward(x, W1, b1, W2, b2, y):
        z = x @ W1 + b1
        h = np.tanh(z)
        grad_prediction = loss_grad(h @ W2 + b2 - y)
        grad_W2, grad_b2 = h.T @ grad_prediction, bias_grad(grad_prediction)
        grad_h = grad_prediction @ W2.T
        local = {"output": 1 - h ** 2, "input": 1 - z ** 2, "none": 1.0}[tanh_grad]
        grad_z = grad_h * local
        grad_W1, grad_b1 = x.T @ grad_z, bias_grad(grad_z)
        if transposed:
            grad_W1, grad_W2 = grad_z.T @ x, grad_prediction.T @ h
        return grad_W1, grad_b1, grad_W2, grad_b2
    return backward


TWO_LAYER_BACKWARD = Exercise(
    id="two-layer-backward", function_name="two_layer_backward",
    signature="two_layer_backward(x, W1, b1, W2, b2, y) -> (grad_W1, grad_b1, grad_W2, grad_b2)",
    outputs=("grad_W1", "grad_b1", "grad_W2", "grad_b2"),
    reference=two_layer_backward, cases=_two_layer_cases,
    mistakes=(
        Mistake("missing-factor-2", _two_layer(loss_grad=lambda e: e / e.size)),
        Mistake("mean-over-batch-only", _two_layer(loss_grad=lambda e: 2 * e / len(e))),
        Mistake("missing-1-over-n", _two_layer(loss_grad=lambda e: 2 * e)),
        Mistake("flipped-sign", _two_layer(loss_grad=lambda e: -2 * e / e.size)),
        Mistake("tanh-derivative-of-input", _two_layer(tanh_grad="input")),
        Mistake("tanh-derivative-missing", _two_layer(tanh_grad="none")),
        Mistake("bias-not-summed", _two_layer(bias_grad=lambda g: g)),
        Mistake("bias-averaged", _two_layer(bias_grad=lambda g: g.mean(axis=0))),
        Mistake("transposed", _two_layer(transposed=True)),
    ),
    stub=("def two_layer_backward(x, W1, b1, W2, b2, y):\n"
          "    # forward: z = x @ W1 + b1; h = tanh(z); prediction = h @ W2 + b2\n"
          "    # loss = mean((prediction - y) ** 2) over all elements\n"
          "    # return (grad_W1, grad_b1, grad_W2, grad_b2), each shaped like its parameter\n"
          "    raise NotImplementedError\n"),
    solution=("def two_layer_backward(x, W1, b1, W2, b2, y):\n"
              "    h = np.tanh(x @ W1 + b1)                       # forward, keeping h\n"
              "    prediction = h @ W2 + b2\n"
              "    grad_prediction = 2 * (prediction - y) / y.size  # mean over all n×k elements\n"
              "    grad_W2 = h.T @ grad_prediction                # (hidden, k)\n"
              "    grad_b2 = grad_prediction.sum(axis=0)          # b2 was added to every row\n"
              "    grad_h = grad_prediction @ W2.T\n"
              "    grad_z = grad_h * (1 - h ** 2)                 # tanh′ from its output h\n"
              "    grad_W1 = x.T @ grad_z\n"
              "    grad_b1 = grad_z.sum(axis=0)\n"
              "    return grad_W1, grad_b1, grad_W2, grad_b2\n"),
)


# ---- train-mlp-moons ----

TARGET_ACCURACY = 0.95
MOONS = dict(n_samples=200, noise=0.1, seed=11)
SETTINGS = dict(hidden_units=16, learning_rate=0.2, steps=500, seed=3)
PROBE = dict(hidden_units=16, learning_rate=1e-3, steps=3, seed=3)  # tiny steps: downhill?
SLOW_SECONDS = 2.0
TIME_LIMIT = 30.0  # 500 steps looping over the 200 examples in Python take ~10 s: slow, not endless


def _moons_data():
    """x (200, 2) and y (200, 1): +1 for one moon, −1 for the other."""
    x, labels = moons(**MOONS)
    return x, np.where(labels == 1, 1.0, -1.0)[:, None]


def _predict(params, x):
    W1, b1, W2, b2 = params
    return np.tanh(x @ W1 + b1) @ W2 + b2


def _trainer(gradients, init="normal", sign=1.0, update=True):
    """Full-batch gradient descent on mean squared error; the arguments pick a classic slip."""
    def train_mlp(x, y, hidden_units, learning_rate, steps, seed):
        rng = np.random.default_rng(seed)
        n_inputs, n_outputs = x.shape[1], y.shape[1]
        if init == "normal":
            W1 = rng.normal(0.0, 1.0, (n_inputs, hidden_units))
            W2 = rng.normal(0.0, 1.0 / np.sqrt(hidden_units), (hidden_units, n_outputs))
        else:  # every weight the same number: every hidden unit computes the same thing
            W1 = np.full((n_inputs, hidden_units), init)
            W2 = np.full((hidden_units, n_outputs), init)
        params = [W1, np.zeros(hidden_units), W2, np.zeros(n_outputs)]
        losses = []
        for _ in range(steps):
            losses.append(float(np.mean((_predict(params, x) - y) ** 2)))
            grads = gradients(x, *params, y)
            if update:
                params = [p - sign * learning_rate * g for p, g in zip(params, grads)]
        return tuple(params), losses
    return train_mlp


_numpy_two_layer_backward = _two_layer()  # the worked solution's numpy pass


train_mlp = _trainer(two_layer_backward)  # the reference: the engine's gradients


def _check_training(exercise: Exercise, function) -> CheckReport:
    x, y = _moons_data()
    started = time.perf_counter()
    result, failed = call_learner(exercise, function, (x, y, *SETTINGS.values()))
    seconds = time.perf_counter() - started
    if failed:
        return failed
    params, losses, problem = _unpacked(exercise, result)
    if problem:
        return problem
    finite = all(np.all(np.isfinite(p)) for p in params) and np.all(np.isfinite(losses))
    accuracy = _accuracy(params, x, y) if finite else 0.0
    # no timing unless slow: the same code gets the same report
    summary = say("checker training slow" if seconds > SLOW_SECONDS else "checker training",
                  accuracy=f"{accuracy:.1%}", steps=SETTINGS["steps"], first=f"{losses[0]:.3g}",
                  last=f"{losses[-1]:.3g}", seconds=f"{seconds:.1f}")
    if accuracy >= TARGET_ACCURACY:
        return CheckReport(exercise.id, "passed", None, summary)
    mistake = _training_mistake(exercise, function, params, losses, finite)
    return CheckReport(exercise.id, "wrong", exercise.diagnosis(mistake), summary, mistake)


def _training_mistake(exercise, function, params, losses, finite: bool) -> str:
    """Which classic slip explains a run that fell short of 95%."""
    probe, failed = call_learner(exercise, function, (*_moons_data(), *PROBE.values()))
    if not failed:
        _, probe_losses, problem = _unpacked(exercise, probe, PROBE["steps"])
        if problem is None and np.all(np.isfinite(probe_losses)) \
                and probe_losses[-1] > probe_losses[0]:
            return "uphill"
    if not finite:
        return "diverged"
    W1, b1 = params[0], params[1]
    if np.allclose(W1, W1[:, :1], rtol=RTOL) and np.allclose(b1, b1[0], rtol=RTOL):
        return "symmetric-init"
    if np.ptp(losses) <= 1e-12 * max(1.0, abs(losses[0])):
        return "not-updated"
    return "too-slow"


def _unpacked(exercise, result, steps=SETTINGS["steps"]):
    """(params, losses, None), or (None, None, a report saying what came back instead)."""
    def wrong_type(message):
        return None, None, CheckReport(exercise.id, "type", message)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return wrong_type(say("checker expected params losses", value=_describe_value(result)))
    params, losses = result
    if not isinstance(params, (tuple, list)) or len(params) != 4 \
            or not all(isinstance(p, np.ndarray) for p in params):
        return wrong_type(say("checker expected params", value=_describe_value(params)))
    try:
        losses = np.asarray(losses, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return wrong_type(say("checker expected losses", value=_describe_value(losses)))
    if len(losses) != steps:
        return wrong_type(say("checker losses count", steps=steps, count=len(losses)))
    hidden = SETTINGS["hidden_units"]
    for name, param, shape in zip(("W1", "b1", "W2", "b2"), params,
                                  [(2, hidden), (hidden,), (hidden, 1), (1,)]):
        if param.shape != shape:
            return None, None, CheckReport(exercise.id, "shape", say(
                "checker parameter shape", name=name, got=param.shape, expected=shape,
                hidden=hidden))
    return [p.astype(float) for p in params], losses, None


def _accuracy(params, x, y) -> float:
    with np.errstate(all="ignore"):  # huge weights overflow to ±inf: still a side, or NaN
        return float(np.mean(np.sign(_predict(params, x)) == y))


TRAIN_MLP_MOONS = Exercise(
    id="train-mlp-moons", function_name="train_mlp",
    signature=("train_mlp(x, y, hidden_units, learning_rate, steps, seed) -> "
               "((W1, b1, W2, b2), losses)"),
    outputs=("params", "losses"), reference=train_mlp, cases=lambda rng: [],
    mistakes=(
        Mistake("uphill", _trainer(_numpy_two_layer_backward, sign=-1.0)),
        Mistake("diverged", _trainer(_two_layer(loss_grad=lambda e: 2 * e))),
        Mistake("symmetric-init", _trainer(_numpy_two_layer_backward, init=0.0)),
        Mistake("not-updated", _trainer(_numpy_two_layer_backward, update=False)),
        Mistake("too-slow", _trainer(_two_layer(loss_grad=lambda e: 2 * e / e.size / 100))),
    ),
    stub=("def train_mlp(x, y, hidden_units, learning_rate, steps, seed):\n"
          "    # x (n, 2); y (n, 1) holds +1 or -1; use your two_layer_backward\n"
          "    # return ((W1, b1, W2, b2), losses): losses[k] = the loss before step k\n"
          "    raise NotImplementedError\n"),
    solution=("def train_mlp(x, y, hidden_units, learning_rate, steps, seed):\n"
              "    rng = np.random.default_rng(seed)\n"
              "    W1 = rng.normal(0, 1, (x.shape[1], hidden_units))  # random: units must differ\n"
              "    b1 = np.zeros(hidden_units)\n"
              "    W2 = rng.normal(0, 1 / np.sqrt(hidden_units), (hidden_units, y.shape[1]))\n"
              "    b2 = np.zeros(y.shape[1])\n"
              "    losses = []\n"
              "    for _ in range(steps):\n"
              "        prediction = np.tanh(x @ W1 + b1) @ W2 + b2\n"
              "        losses.append(np.mean((prediction - y) ** 2))\n"
              "        grads = two_layer_backward(x, W1, b1, W2, b2, y)\n"
              "        W1, b1, W2, b2 = (p - learning_rate * g               # downhill\n"
              "                          for p, g in zip((W1, b1, W2, b2), grads))\n"
              "    return (W1, b1, W2, b2), losses\n"),
    custom_check=_check_training, time_limit=TIME_LIMIT,
)

EXERCISES = [TWO_LAYER_BACKWARD, TRAIN_MLP_MOONS]
