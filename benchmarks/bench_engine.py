"""How fast is studypack? Time per training step against hand-written numpy, PyTorch and micrograd.

What is measured (median time of one full training step: forward, loss, zero_grad, backward,
SGD update with learning rate 0.1; all in float64, all in one process, contestants interleaved):

1. Small Tensor case: an MLP 2-16-16-1 (ReLU) on the 100-point moons set, binary
   cross-entropy on logits. Contestants: studypack's Tensor engine, the same network and math
   written directly in numpy with a hand-written backward pass (the "floor" a numpy-backed
   engine can reach), and PyTorch CPU eager (if installed).
2. Big Tensor case: the same with 1000 moons points and an MLP 2-256-256-1.
3. Value case, micrograd's own demo (demo.ipynb): MLP 2-16-16-1 (ReLU) on 100 moons points
   with labels ±1, loss = mean hinge + 1e-4 · Σ p². Contestants: studypack's Value engine
   (`MLP(..., engine="value")`, whose neurons use the fused `Value.weighted_sum`), the same
   network written with elementary Value ops only (w*x summed with `+`, to show what the
   fused op contributes), and micrograd (if installed).

Before timing, every contestant takes one step from the same initial weights and the script
checks that all of them compute the same loss, gradients and updated weights, so the timings
compare equal work. It then prints a table of medians and the ratios, with the project's
targets: Tensor ≤ 1.5× numpy (small MLP), ≤ 1.1× numpy (big MLP), Value ≥ 10× faster than
micrograd.

Run from the project root:

    python benchmarks/bench_engine.py                 # full run, ~20-25 s on 2 cores
    python benchmarks/bench_engine.py --quick         # smoke run, ~7 s
    python benchmarks/bench_engine.py --json out.json # also write the results as JSON

The references are optional (a contestant that cannot be imported is skipped with a note):

    pip install torch==2.13.0 micrograd

Threads: numpy's BLAS and torch run on one thread each (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS
and MKL_NUM_THREADS default to 1, see below why); set those variables yourself to compare
multi-threaded, e.g. `OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 python ...`.
"""
from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

# One thread per math library unless the caller set these (they must be set before numpy and
# torch are imported). numpy's OpenBLAS and torch's OpenMP/MKL each keep a pool of threads
# that spin for a while after every call; interleaved on a 2-core machine the two pools fight
# over the cores, and with both at their default of 2 threads the numpy reference's big step
# took ~13 ms instead of ~8-11 ms. One thread each measures the work per core, alike for all.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
for _variable in THREAD_VARIABLES:
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402  (after the thread settings above, on purpose)

try:
    import studypack
except ImportError:
    # `python benchmarks/bench_engine.py` puts benchmarks/ on sys.path, not the project root,
    # so an uninstalled studypack would not be found: add the root by hand.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import studypack

from studypack import Value
from studypack.datasets import moons
from studypack.losses import binary_cross_entropy, hinge
from studypack.nn import MLP
from studypack.optim import SGD

try:
    import torch
except ImportError:
    torch = None

try:
    from micrograd.engine import Value as MicrogradValue
    from micrograd.nn import MLP as MicrogradMLP
except ImportError:
    MicrogradValue = MicrogradMLP = None

SEED = 0
LEARNING_RATE = 0.1
REGULARISATION = 1e-4  # micrograd's demo: alpha * Σ p²


@dataclass(frozen=True)
class Settings:
    """How many steps to warm up and to time; --quick uses far fewer."""

    tensor_warmup_steps: int
    small_samples: int  # the small case times blocks of steps: one step is ~0.1 ms
    small_steps_per_sample: int
    big_samples: int
    value_warmup_steps: int
    studypack_value_samples: int
    micrograd_samples: int  # micrograd takes about a second a step


FULL = Settings(tensor_warmup_steps=20, small_samples=200, small_steps_per_sample=10,
                big_samples=50, value_warmup_steps=2, studypack_value_samples=7,
                micrograd_samples=5)
QUICK = Settings(tensor_warmup_steps=5, small_samples=20, small_steps_per_sample=5,
                 big_samples=5, value_warmup_steps=0, studypack_value_samples=2,
                 micrograd_samples=1)  # the equal-work check's step is a warm-up step too


@dataclass
class Contestant:
    """One way of running the training step. `step()` runs a full step and returns the loss."""

    name: str
    step: Callable[[], float]
    samples: int
    # the state after a step, in studypack's layout, for the equal-work check
    gradients: Callable[[], list]
    weights: Callable[[], list]
    timings_ms: list | None = None


# ---------------------------------------------------------------------------------------------
# Tensor cases: studypack Tensor, numpy by hand, PyTorch
# ---------------------------------------------------------------------------------------------

def studypack_tensor_contestant(model: MLP, X: np.ndarray, y: np.ndarray, samples: int):
    optimizer = SGD(model.parameters(), learning_rate=LEARNING_RATE)

    def step() -> float:
        loss = binary_cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    params = model.parameters()
    return Contestant("studypack Tensor", step, samples,
                      gradients=lambda: [p.grad for p in params],
                      weights=lambda: [p.data for p in params])


def softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)  # log(1 + e^z) without overflow


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z) without overflow


class NumpyMLP:
    """The same ReLU MLP, loss and SGD step written directly in numpy: the reference floor.

    No graph, no bookkeeping: the forward pass keeps what the backward pass needs (each
    layer's input and pre-activation), and the backward pass is the chain rule by hand.
    """

    def __init__(self, model: MLP):
        self.weights = [layer.weight.data.copy() for layer in model.layers]  # (n_in, n_out)
        self.biases = [layer.bias.data.copy() for layer in model.layers]     # (n_out,)
        self.weight_grads = [np.zeros_like(w) for w in self.weights]
        self.bias_grads = [np.zeros_like(b) for b in self.biases]

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        """One step on inputs X (n, n_in) and 0/1 targets y (n, 1); returns the loss before it."""
        last = len(self.weights) - 1
        # forward: z = h @ W + b per layer, ReLU on all but the last
        layer_inputs, pre_activations = [], []
        h = X
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            layer_inputs.append(h)
            z = h @ W + b
            pre_activations.append(z)
            if i < last:  # no ReLU after the output layer
                h = np.maximum(z, 0.0)
        logits = z
        # binary cross-entropy on logits: mean(softplus(z) - y·z)
        loss = np.mean(softplus(logits) - y * logits)

        # backward: ∂loss/∂logits = (σ(z) - y) / n, then back through each layer
        grad = (sigmoid(logits) - y) / len(y)
        for i in range(last, -1, -1):
            self.weight_grads[i] = layer_inputs[i].T @ grad
            self.bias_grads[i] = grad.sum(axis=0)
            if i > 0:  # the data X needs no gradient
                grad = (grad @ self.weights[i].T) * (pre_activations[i - 1] > 0)

        # SGD, in place like the other contestants
        for W, b, dW, db in zip(self.weights, self.biases, self.weight_grads, self.bias_grads):
            W -= LEARNING_RATE * dW
            b -= LEARNING_RATE * db
        return float(loss)

    def parameters_and_grads(self):
        params = [p for W, b in zip(self.weights, self.biases) for p in (W, b)]
        grads = [g for dW, db in zip(self.weight_grads, self.bias_grads) for g in (dW, db)]
        return params, grads


def numpy_contestant(model: MLP, X: np.ndarray, y: np.ndarray, samples: int):
    reference = NumpyMLP(model)
    y_column = y.astype(np.float64).reshape(-1, 1)
    return Contestant("numpy by hand", lambda: reference.step(X, y_column), samples,
                      gradients=lambda: reference.parameters_and_grads()[1],
                      weights=lambda: reference.parameters_and_grads()[0])


def torch_contestant(model: MLP, X: np.ndarray, y: np.ndarray, samples: int):
    """PyTorch eager: nn.Linear layers in float64 holding studypack's initial weights."""
    layers = []
    for i, layer in enumerate(model.layers):
        linear = torch.nn.Linear(layer.n_inputs, layer.n_outputs, dtype=torch.float64)
        with torch.no_grad():  # torch stores the weight as (n_out, n_in): transpose
            linear.weight.copy_(torch.from_numpy(layer.weight.data.T))
            linear.bias.copy_(torch.from_numpy(layer.bias.data))
        layers.append(linear)
        if i < len(model.layers) - 1:
            layers.append(torch.nn.ReLU())
    network = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(network.parameters(), lr=LEARNING_RATE)
    inputs = torch.from_numpy(X)
    targets = torch.from_numpy(y.astype(np.float64).reshape(-1, 1))
    linears = [m for m in network if isinstance(m, torch.nn.Linear)]

    def step() -> float:
        logits = network(inputs)
        # the same function as mean(softplus(z) - y·z), fused as a torch user would write it
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def in_studypack_layout(tensor_of):
        return [array for m in linears
                for array in (tensor_of(m.weight).T.numpy(), tensor_of(m.bias).numpy())]

    return Contestant("PyTorch eager", step, samples,
                      gradients=lambda: in_studypack_layout(lambda p: p.grad.detach()),
                      weights=lambda: in_studypack_layout(lambda p: p.detach()))


def tensor_case(title: str, n_points: int, hidden: int, settings: Settings,
                samples: int, steps_per_sample: int) -> dict:
    X, y = moons(n_points, noise=0.1, seed=SEED)
    # one model gives the initial weights; every contestant starts from a copy of them
    template = MLP(2, [hidden, hidden, 1], activation="relu", engine="tensor", seed=SEED)
    contestants = [numpy_contestant(template, X, y, samples)]
    contestants.append(studypack_tensor_contestant(
        MLP(2, [hidden, hidden, 1], activation="relu", engine="tensor", seed=SEED), X, y, samples))
    if torch is not None:
        contestants.append(torch_contestant(template, X, y, samples))

    check_equal_work(title, contestants)
    warm_up(contestants, settings.tensor_warmup_steps)
    time_round_robin(contestants, steps_per_sample)
    return {"case": title, "contestants": contestants}


# ---------------------------------------------------------------------------------------------
# Value case: micrograd's demo
# ---------------------------------------------------------------------------------------------

def elementary_forward(model: MLP, row: list) -> Value:
    """The network of `model` computed with elementary Value ops only, as micrograd does:
    bias + w₀·x₀ + w₁·x₁ + … (2n nodes per neuron instead of one `weighted_sum` node)."""
    h = [Value(x) for x in row]  # inputs as Values, as micrograd's demo does
    last = len(model.layers) - 1
    for i, layer in enumerate(model.layers):
        h = [sum((w * x for w, x in zip(weights, h)), bias)
             for weights, bias in zip(layer.weight, layer.bias)]
        if i < last:
            h = [v.relu() for v in h]
    return h[0]


def studypack_value_contestant(name: str, model: MLP, forward, rows: list, targets: list,
                               samples: int):
    optimizer = SGD(model.parameters(), learning_rate=LEARNING_RATE)
    params = model.parameters()

    def step() -> float:
        scores = [forward(row) for row in rows]
        loss = hinge(scores, targets) + REGULARISATION * sum(p * p for p in params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.data

    return Contestant(name, step, samples,
                      gradients=lambda: [p.grad for p in params],
                      weights=lambda: [p.data for p in params])


def micrograd_contestant(template: MLP, rows: list, targets: list, samples: int):
    """micrograd's demo step, with studypack's initial weights copied in (same work, same loss)."""
    random.seed(SEED)  # micrograd draws its own initial weights; they are overwritten below
    model = MicrogradMLP(2, [layer.n_outputs for layer in template.layers])
    for ours, theirs in zip(template.layers, model.layers):
        for weights, bias, neuron in zip(ours.weight, ours.bias, theirs.neurons):
            for w, micro_w in zip(weights, neuron.w):
                micro_w.data = w.data
            neuron.b.data = bias.data
    # micrograd's parameters in studypack's order (per layer: all weights, then all biases)
    params_in_our_order = [p for layer in model.layers
                           for p in [w for n in layer.neurons for w in n.w]
                           + [n.b for n in layer.neurons]]

    def step() -> float:  # as in demo.ipynb (without its accuracy bookkeeping)
        inputs = [list(map(MicrogradValue, row)) for row in rows]
        scores = list(map(model, inputs))
        losses = [(1 + -y * score).relu() for y, score in zip(targets, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = REGULARISATION * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= LEARNING_RATE * p.grad
        return total_loss.data

    return Contestant("micrograd", step, samples,
                      gradients=lambda: [p.grad for p in params_in_our_order],
                      weights=lambda: [p.data for p in params_in_our_order])


def value_case(settings: Settings) -> dict:
    title = "Value: micrograd demo (MLP 2-16-16-1, 100 points)"
    X, y01 = moons(100, noise=0.1, seed=SEED)
    # the same plain Python floats for every contestant (the demo passes numpy floats;
    # studypack's Value turns them into floats anyway, so both engines see the same inputs)
    rows = X.tolist()
    targets = [2.0 * label - 1.0 for label in y01.tolist()]  # {0, 1} → {-1, +1}

    def new_model() -> MLP:
        return MLP(2, [16, 16, 1], activation="relu", engine="value", seed=SEED)

    fused = new_model()
    elementary = new_model()
    contestants = [
        studypack_value_contestant("studypack Value", fused, fused, rows, targets,
                                   settings.studypack_value_samples),
        studypack_value_contestant("studypack Value, no fusion", elementary,
                                   lambda row: elementary_forward(elementary, row),
                                   rows, targets, settings.studypack_value_samples),
    ]
    if MicrogradMLP is not None:
        contestants.append(micrograd_contestant(new_model(), rows, targets,
                                                settings.micrograd_samples))
    else:
        print("note: micrograd is not importable (pip install micrograd): skipping it\n")

    check_equal_work(title, contestants)
    warm_up(contestants, settings.value_warmup_steps)
    # micrograd's graph is full of reference cycles (each node's _backward closure refers to
    # the node), so only the cycle collector frees it: collect after every step, on the
    # clock, so each contestant pays for reclaiming its own graph (studypack's graph has no
    # cycles and is freed by reference counting as the step returns, also on the clock)
    time_round_robin(contestants, steps_per_sample=1, collect_after_each_step=True)
    return {"case": title, "contestants": contestants}


# ---------------------------------------------------------------------------------------------
# Checking and timing
# ---------------------------------------------------------------------------------------------

def check_equal_work(title: str, contestants: list) -> None:
    """One step each from the same weights: same loss, gradients and updated weights, or stop.

    (An explicit raise rather than `assert`, so the check also runs under `python -O`.)
    """
    reference, *others = contestants
    reference_loss = reference.step()
    for other in others:
        loss = other.step()
        if not math.isclose(loss, reference_loss, rel_tol=1e-9, abs_tol=1e-12):
            raise AssertionError(f"{title}: {other.name} loss {loss!r} differs from "
                                 f"{reference.name} loss {reference_loss!r}")
        for what, ours, theirs in (("gradient", other.gradients(), reference.gradients()),
                                   ("updated weight", other.weights(), reference.weights())):
            if len(ours) != len(theirs) or not all(
                    np.allclose(a, b) for a, b in zip(ours, theirs)):
                raise AssertionError(f"{title}: {other.name} and {reference.name} "
                                     f"disagree on a {what} after the first step")
    names = " / ".join(c.name for c in contestants)
    print(f"{title}: equal work checked ({names}: same loss, gradients, updated weights)")


def warm_up(contestants: list, steps: int) -> None:
    for contestant in contestants:
        for _ in range(steps):
            contestant.step()


def time_round_robin(contestants: list, steps_per_sample: int,
                     collect_after_each_step: bool = False) -> None:
    """Fill each contestant's `timings_ms` (per step), taking turns sample by sample, so a
    change in machine load hits every contestant alike."""
    for contestant in contestants:
        contestant.timings_ms = []
    # Freeze what exists now (mostly the ~170k objects torch makes at import) out of the cycle
    # collector's sight: otherwise a full collection would walk them all (~50 ms), on the
    # clock of whichever contestant happens to trigger it.
    gc.collect()
    gc.freeze()
    try:
        for round_number in range(max(c.samples for c in contestants)):
            # rotate who goes first, so nobody always runs right after the same contestant
            shift = round_number % len(contestants)
            for contestant in contestants[shift:] + contestants[:shift]:
                if len(contestant.timings_ms) < contestant.samples:
                    contestant.timings_ms.append(
                        time_steps(contestant.step, steps_per_sample, collect_after_each_step))
    finally:
        gc.unfreeze()


def time_steps(step: Callable[[], float], n_steps: int, collect_after_each_step: bool) -> float:
    """Milliseconds per step, averaged over a block of `n_steps` steps."""
    start = time.perf_counter()
    for _ in range(n_steps):
        step()
        if collect_after_each_step:
            gc.collect()
    return (time.perf_counter() - start) / n_steps * 1e3


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

@dataclass
class Ratio:
    case: str
    name: str
    value: float
    target: str = ""          # e.g. "<= 1.5"; empty for ratios shown for information
    passed: bool | None = None


def median_ms(case: dict, name: str) -> float | None:
    for contestant in case["contestants"]:
        if contestant.name == name:
            return statistics.median(contestant.timings_ms)
    return None


def tensor_ratios(case: dict, target: float) -> list:
    studypack_ms = median_ms(case, "studypack Tensor")
    numpy_ms = median_ms(case, "numpy by hand")
    torch_ms = median_ms(case, "PyTorch eager")
    vs_numpy = studypack_ms / numpy_ms
    ratios = [Ratio(case["case"], "studypack / numpy", vs_numpy, f"<= {target}",
                    vs_numpy <= target)]
    if torch_ms is not None:
        ratios += [Ratio(case["case"], "torch / numpy", torch_ms / numpy_ms),
                   Ratio(case["case"], "studypack / torch", studypack_ms / torch_ms)]
    return ratios


def value_ratios(case: dict, target: float) -> list:
    fused_ms = median_ms(case, "studypack Value")
    elementary_ms = median_ms(case, "studypack Value, no fusion")
    micrograd_ms = median_ms(case, "micrograd")
    ratios = [Ratio(case["case"], "no fusion / fused (what weighted_sum saves)",
                    elementary_ms / fused_ms)]
    if micrograd_ms is not None:
        speed_up = micrograd_ms / fused_ms
        ratios += [Ratio(case["case"], "micrograd / studypack (speed-up)", speed_up,
                         f">= {target}", speed_up >= target),
                   Ratio(case["case"], "micrograd / studypack no fusion (speed-up)",
                         micrograd_ms / elementary_ms)]
    return ratios


def quartiles(timings: list) -> tuple:
    if len(timings) < 2:
        return timings[0], timings[0]
    q1, _, q3 = statistics.quantiles(timings, n=4)
    return q1, q3


def print_report(cases: list, ratios: list, runtime_s: float) -> None:
    print("\nTime per training step (forward, loss, zero_grad, backward, SGD update), float64")
    print(f"{'case':<52} {'contestant':<28} {'median ms':>10} {'IQR ms':>19} {'samples':>8}")
    for case in cases:
        for contestant in case["contestants"]:
            q1, q3 = quartiles(contestant.timings_ms)
            print(f"{case['case']:<52} {contestant.name:<28} "
                  f"{statistics.median(contestant.timings_ms):>10.4g} "
                  f"{f'{q1:.4g} – {q3:.4g}':>19} {len(contestant.timings_ms):>8}")
    print()
    print(f"{'case':<52} {'ratio of medians':<44} {'value':>8} {'target':>8}  result")
    for ratio in ratios:
        verdict = "" if ratio.passed is None else ("PASS" if ratio.passed else "MISS")
        print(f"{ratio.case:<52} {ratio.name:<44} {ratio.value:>7.3f}x "
              f"{ratio.target + ('x' if ratio.target else ''):>8}  {verdict}")
    print()
    print("Notes: the small case times blocks of steps (median of per-step averages). In the")
    print("Value case every step ends with gc.collect() on the clock: micrograd's graph is made")
    print("of reference cycles that only the cycle collector frees, so reclaiming it is part of")
    print("its step (studypack's graph is freed by reference counting, also on the clock).")
    print(f"total runtime {runtime_s:.1f} s")


def describe_environment() -> dict:
    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else "not installed",
        "threads": {name: os.environ[name] for name in THREAD_VARIABLES},
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "micrograd": version("micrograd") if MicrogradMLP is not None else "not installed",
        "studypack": studypack.__version__,
    }


def print_environment(environment: dict, quick: bool) -> None:
    print(f"studypack {environment['studypack']} benchmark{' (--quick)' if quick else ''}")
    print(f"Python {environment['python']}, numpy {environment['numpy']}, "
          f"torch {environment['torch']}, micrograd {environment['micrograd']}")
    print(f"This is a {environment['cpu_count']}-core machine (os.cpu_count() = "
          f"{environment['cpu_count']}), {environment['platform']}")
    settings = ", ".join(f"{name}={value}" for name, value in environment["threads"].items())
    torch_threads = (f", torch.get_num_threads() = {environment['torch_threads']}"
                     if environment["torch_threads"] is not None else "")
    print(f"Threads: {settings}{torch_threads}")
    if torch is None:
        print("note: torch is not importable (pip install torch==2.13.0): skipping PyTorch")
    print()


def write_json(path: str, environment: dict, settings: Settings, cases: list, ratios: list,
               runtime_s: float) -> None:
    results = [{"case": case["case"], "contestant": c.name,
                "median_ms": statistics.median(c.timings_ms),
                "quartiles_ms": list(quartiles(c.timings_ms)),
                "timings_ms": c.timings_ms}
               for case in cases for c in case["contestants"]]
    document = {"environment": environment, "settings": asdict(settings), "results": results,
                "ratios": [asdict(r) for r in ratios], "runtime_s": runtime_s}
    Path(path).write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {path}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="far fewer repeats: a smoke run of a few seconds")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL

    random.seed(SEED)
    np.random.seed(SEED)
    if torch is not None:
        torch.manual_seed(SEED)

    environment = describe_environment()
    print_environment(environment, args.quick)
    started = time.perf_counter()
    small = tensor_case("Tensor small: MLP 2-16-16-1, batch 100", 100, 16, settings,
                        settings.small_samples, settings.small_steps_per_sample)
    big = tensor_case("Tensor big: MLP 2-256-256-1, batch 1000", 1000, 256, settings,
                      settings.big_samples, steps_per_sample=1)
    value = value_case(settings)
    runtime_s = time.perf_counter() - started

    ratios = tensor_ratios(small, 1.5) + tensor_ratios(big, 1.1) + value_ratios(value, 10)
    cases = [small, big, value]
    print_report(cases, ratios, runtime_s)
    if args.json:
        write_json(args.json, environment, settings, cases, ratios, runtime_s)


if __name__ == "__main__":
    main()
