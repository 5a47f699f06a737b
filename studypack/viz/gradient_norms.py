"""How big each layer's gradient is in a deep network: the numbers behind vanishing and
exploding gradients (lesson 06)."""
from __future__ import annotations

import numpy as np

from studypack import losses
from studypack.nn import MLP


def layer_gradient_norms(depth: int, activation: str, weight_scale: float = 1.0,
                         width: int = 32, batch_size: int = 64, seed: int = 0) -> np.ndarray:
    """‖∂L/∂W‖ for each weight matrix of a deep MLP, layer 1 (next to the input) first.

    The network is `MLP(width, [width] * (depth - 1) + [1], activation)`: `depth` layers
    with weights. Its weights are rescaled to a standard deviation of
    `weight_scale / √fan_in` (1 keeps a signal's size through a linear layer; √2 is He's
    choice for ReLU); the biases keep the MLP's defaults. L is the mean squared error on one
    fixed random batch, and the norm is the Frobenius norm (the root of the sum of squares).
    """
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch_size, width))
    targets = rng.normal(size=batch_size)
    model = MLP(width, [width] * (depth - 1) + [1], activation=activation, seed=seed)
    for layer in model.layers:
        # the MLP draws uniformly from ±1/√fan_in, a standard deviation of 1/√(3·fan_in)
        layer.weight.data *= weight_scale * np.sqrt(3.0)
    losses.mse(model(inputs), targets).backward()
    return np.array([np.linalg.norm(layer.weight.grad) for layer in model.layers])
