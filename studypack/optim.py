"""Optimisers: turn gradients into parameter updates. Work on Values and Tensors alike."""
from __future__ import annotations

from numbers import Real

from .nn import reset_grads


class Optimizer:
    def __init__(self, parameters, learning_rate: float):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("the optimiser got no parameters (did you pass model.parameters()?)")
        if not isinstance(learning_rate, Real) or not learning_rate > 0:
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
        self.learning_rate = float(learning_rate)

    def zero_grad(self) -> None:
        reset_grads(self.parameters)

    def step(self) -> None:  # pragma: no cover - every optimiser defines it
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent: `p ← p - learning_rate · v` with `v ← momentum · v + ∂L/∂p`.

    With momentum 0 (the default) that is plain `p ← p - learning_rate · ∂L/∂p`.
    """

    def __init__(self, parameters, learning_rate: float, momentum: float = 0.0):
        super().__init__(parameters, learning_rate)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocities = [0.0] * len(self.parameters)

    def step(self) -> None:
        for i, p in enumerate(self.parameters):
            if self.momentum:
                self.velocities[i] = self.momentum * self.velocities[i] + p.grad
                p.data -= self.learning_rate * self.velocities[i]
            else:
                p.data -= self.learning_rate * p.grad


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): a step from running averages of the gradient and its square.

    `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`, `p ← p - lr · m̂ / (√v̂ + ε)` with the
    bias-corrected `m̂ = m / (1-β₁ᵗ)`, `v̂ = v / (1-β₂ᵗ)`.
    """

    def __init__(self, parameters, learning_rate: float = 0.001, betas=(0.9, 0.999),
                 eps: float = 1e-8):
        super().__init__(parameters, learning_rate)
        self.beta1, self.beta2 = map(float, betas)
        if not (0.0 <= self.beta1 < 1.0 and 0.0 <= self.beta2 < 1.0):
            raise ValueError(f"betas must both be in [0, 1), got {betas!r}")
        self.eps = float(eps)
        self.steps = 0
        self.first_moments = [0.0] * len(self.parameters)
        self.second_moments = [0.0] * len(self.parameters)

    def step(self) -> None:
        self.steps += 1
        correction1 = 1.0 - self.beta1 ** self.steps
        correction2 = 1.0 - self.beta2 ** self.steps
        for i, p in enumerate(self.parameters):
            g = p.grad
            self.first_moments[i] = self.beta1 * self.first_moments[i] + (1 - self.beta1) * g
            self.second_moments[i] = self.beta2 * self.second_moments[i] + (1 - self.beta2) * g * g
            m_hat = self.first_moments[i] / correction1
            v_hat = self.second_moments[i] / correction2
            p.data -= self.learning_rate * m_hat / (v_hat ** 0.5 + self.eps)
