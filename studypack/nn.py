"""Layers and networks that run on either engine: `Tensor` (batches, fast) or `Value` (scalars)."""
from __future__ import annotations

import numpy as np

from .engine import Tensor, Value

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
ENGINES = ("tensor", "value")


class Module:
    """Something with parameters: `parameters()` lists them, `zero_grad()` resets their grads."""

    def parameters(self) -> list:
        return []

    def zero_grad(self) -> None:
        reset_grads(self.parameters())

    def __call__(self, inputs):
        return self.forward(inputs)

    def forward(self, inputs):  # pragma: no cover - every module defines it
        raise NotImplementedError


class Linear(Module):
    """`outputs = activation(inputs @ weight + bias)`: each output weighs every input.

    Weights and biases start uniform in ±1/√n_inputs (PyTorch's default), drawn from `seed`.
    With `engine="tensor"` the layer takes a batch, shape (n, n_inputs) → (n, n_outputs);
    with `engine="value"` it takes one example, a list of numbers or Values → list of Values.
    The same seed gives the same numbers on both engines. `activation` is "relu", "tanh",
    "sigmoid" or "linear" (none, the default).
    """

    def __init__(self, n_inputs: int, n_outputs: int, activation: str = "linear",
                 engine: str = "tensor", seed=None, dtype=np.float64):
        _check_choice("engine", engine, ENGINES)
        _check_choice("activation", activation, ACTIVATIONS)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(n_inputs)
        weight = rng.uniform(-bound, bound, (n_inputs, n_outputs))
        bias = rng.uniform(-bound, bound, n_outputs)
        self.n_inputs, self.n_outputs = n_inputs, n_outputs
        self.activation, self.engine = activation, engine
        if engine == "tensor":
            self.weight = Tensor(weight, requires_grad=True, dtype=dtype, label="W")
            self.bias = Tensor(bias, requires_grad=True, dtype=dtype, label="b")
        else:  # one list of weights per output neuron
            self.weight = [[Value(w, f"w[{j},{i}]") for i, w in enumerate(column)]
                           for j, column in enumerate(weight.T)]
            self.bias = [Value(b, f"b[{j}]") for j, b in enumerate(bias)]

    def forward(self, inputs):
        activation = None if self.activation == "linear" else self.activation
        if self.engine == "tensor":
            return Tensor.linear(inputs, self.weight, self.bias, activation)
        sums = [Value.weighted_sum(weights, inputs, bias)
                for weights, bias in zip(self.weight, self.bias)]
        return sums if activation is None else [getattr(v, activation)() for v in sums]

    def parameters(self) -> list:
        if self.engine == "tensor":
            return [self.weight, self.bias]
        return [w for weights in self.weight for w in weights] + list(self.bias)

    def __repr__(self) -> str:
        activation = "" if self.activation == "linear" else f" {self.activation}"
        return f"Linear({self.n_inputs} → {self.n_outputs}{activation}, engine={self.engine!r})"


class MLP(Module):
    """A multi-layer perceptron, called as in micrograd: `MLP(2, [16, 16, 1])`.

    Every layer but the last is followed by `activation` ("relu", "tanh", "sigmoid" or
    "linear" for none). On the value engine a network with one output returns a Value.
    """

    def __init__(self, n_inputs: int, layer_sizes, activation: str = "relu",
                 engine: str = "tensor", seed=None, dtype=np.float64):
        _check_choice("activation", activation, ACTIVATIONS)
        rng = np.random.default_rng(seed)
        sizes = [n_inputs, *layer_sizes]
        self.activation, self.engine = activation, engine
        self.layers = [Linear(n_in, n_out, activation if i < len(layer_sizes) - 1 else "linear",
                              engine, rng, dtype)
                       for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]))]

    def forward(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        if self.engine == "value" and len(x) == 1:
            return x[0]
        return x

    def parameters(self) -> list:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        hidden = "".join(f" → {layer.n_outputs} {self.activation}" for layer in self.layers[:-1])
        return (f"MLP({self.layers[0].n_inputs}{hidden} → {self.layers[-1].n_outputs}, "
                f"engine={self.engine!r})")


def reset_grads(parameters) -> None:
    """Set every parameter's gradient to zero (Values and Tensors alike)."""
    for p in parameters:
        if isinstance(p, Value):
            p.grad = 0.0
        elif p.grad is None:
            p.grad = np.zeros_like(p.data)
        else:
            p.grad.fill(0.0)


def _check_choice(what: str, value: str, choices) -> None:
    if value not in choices:
        raise ValueError(f"{what}={value!r} is not one of {', '.join(map(repr, choices))}")
