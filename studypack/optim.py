"""Optimisers turn gradients into parameter updates (SGD with momentum, RMSProp, Adam); schedules
say how the learning rate changes with the step. Work on Values and Tensors alike.

Every optimiser takes `weight_decay=λ` (default 0) as PyTorch's SGD, RMSprop and Adam do: the
gradient each step uses is g = ∂L/∂p + λp, the gradient of L + λ/2·‖p‖² (L2 regularisation
as a gradient term; not AdamW's decoupled decay)."""
from __future__ import annotations

import math
from numbers import Integral, Real

from .nn import reset_grads


class Optimizer:
    def __init__(self, parameters, learning_rate: float, weight_decay: float = 0.0):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("the optimiser got no parameters (did you pass model.parameters()?)")
        if not isinstance(learning_rate, Real) or not learning_rate > 0:
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
        if (isinstance(weight_decay, bool) or not isinstance(weight_decay, Real)
                or not 0 <= weight_decay < math.inf):
            raise ValueError(f"weight_decay must be a number ≥ 0, got {weight_decay!r}")
        self.learning_rate = float(learning_rate)
        self.weight_decay = float(weight_decay)

    def gradient(self, p):
        """The gradient a step uses: ∂L/∂p, plus λp with weight decay λ (the gradient of
        λ/2·‖p‖², which pulls every weight towards 0 in proportion to its size)."""
        if self.weight_decay:
            return p.grad + self.weight_decay * p.data
        return p.grad

    def zero_grad(self) -> None:
        reset_grads(self.parameters)

    def step(self) -> None:  # pragma: no cover - every optimiser defines it
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent: `p ← p - learning_rate · v` with `v ← momentum · v + g`.

    g = ∂L/∂p (+ weight_decay · p). With momentum 0 (the default) that is plain
    `p ← p - learning_rate · g`.
    """

    def __init__(self, parameters, learning_rate: float, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        super().__init__(parameters, learning_rate, weight_decay)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocities = [0.0] * len(self.parameters)

    def step(self) -> None:
        for i, p in enumerate(self.parameters):
            g = self.gradient(p)
            if self.momentum:
                self.velocities[i] = self.momentum * self.velocities[i] + g
                p.data -= self.learning_rate * self.velocities[i]
            else:
                p.data -= self.learning_rate * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): a step from running averages of the gradient and its square.

    `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`, `p ← p - lr · m̂ / (√v̂ + ε)` with the
    bias-corrected `m̂ = m / (1-β₁ᵗ)`, `v̂ = v / (1-β₂ᵗ)`; g = ∂L/∂p (+ weight_decay · p, as
    in torch.optim.Adam: the decay goes through m and v too, unlike AdamW's).
    """

    def __init__(self, parameters, learning_rate: float = 0.001, betas=(0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(parameters, learning_rate, weight_decay)
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
            g = self.gradient(p)
            self.first_moments[i] = self.beta1 * self.first_moments[i] + (1 - self.beta1) * g
            self.second_moments[i] = self.beta2 * self.second_moments[i] + (1 - self.beta2) * g * g
            m_hat = self.first_moments[i] / correction1
            v_hat = self.second_moments[i] / correction2
            p.data -= self.learning_rate * m_hat / (v_hat ** 0.5 + self.eps)


class RMSProp(Optimizer):
    """RMSProp (Hinton, 2012): each parameter's step divided by its recent gradient size.

    `s ← αs + (1-α)g²`, `p ← p - lr · g / (√s + ε)`: a parameter whose gradients are large
    takes small steps and one whose gradients are tiny takes large ones. (No bias correction:
    s starts at 0, so the first step is lr · g / √((1-α)g²), 10 · lr for α = 0.99.)
    g = ∂L/∂p (+ weight_decay · p).
    """

    def __init__(self, parameters, learning_rate: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(parameters, learning_rate, weight_decay)
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"alpha must be in [0, 1), got {alpha!r}")
        self.alpha = float(alpha)
        self.eps = float(eps)
        self.square_averages = [0.0] * len(self.parameters)

    def step(self) -> None:
        for i, p in enumerate(self.parameters):
            g = self.gradient(p)
            s = self.alpha * self.square_averages[i] + (1 - self.alpha) * g * g
            self.square_averages[i] = s
            p.data -= self.learning_rate * g / (s ** 0.5 + self.eps)


# Learning-rate schedules: η as a function of the step t = 0, 1, 2, … Call one (`schedule(t)`)
# or let a `Scheduler` hand its values to an optimiser.

def _check_positive(name: str, value) -> float:
    if not isinstance(value, Real) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _check_steps(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number of steps ≥ 1, got {value!r}")
    return int(value)


def _check_step_number(t) -> int:
    if isinstance(t, bool) or not isinstance(t, Integral) or t < 0:
        raise ValueError(f"the step t must be a whole number ≥ 0, got {t!r}")
    return int(t)


class StepDecay:
    """η_t = η₀ · γ^⌊t / every⌋: the rate is multiplied by γ every `every` steps."""

    def __init__(self, initial: float, every: int, factor: float = 0.1):
        self.initial = _check_positive("initial", initial)
        self.every = _check_steps("every", every)
        if not isinstance(factor, Real) or not 0 < factor <= 1:
            raise ValueError(f"factor must be in (0, 1], got {factor!r}")
        self.factor = float(factor)

    def __call__(self, t: int) -> float:
        return self.initial * self.factor ** (_check_step_number(t) // self.every)

    def __repr__(self) -> str:
        return f"StepDecay(initial={self.initial:g}, every={self.every}, factor={self.factor:g})"


class CosineDecay:
    """η_t = η_min + ½(η₀ - η_min)(1 + cos(π t / T)) for t ≤ T, then η_min: from η₀ down to
    η_min along half a cosine, slowly at first and at the end."""

    def __init__(self, initial: float, total_steps: int, minimum: float = 0.0):
        self.initial = _check_positive("initial", initial)
        self.total_steps = _check_steps("total_steps", total_steps)
        if not isinstance(minimum, Real) or not 0 <= minimum <= self.initial:
            raise ValueError(f"minimum must be in [0, initial = {self.initial:g}], got {minimum!r}")
        self.minimum = float(minimum)

    def __call__(self, t: int) -> float:
        progress = min(_check_step_number(t), self.total_steps) / self.total_steps
        half_cosine = 0.5 * (1 + math.cos(math.pi * progress))  # from 1 down to 0
        return self.minimum + (self.initial - self.minimum) * half_cosine

    def __repr__(self) -> str:
        return (f"CosineDecay(initial={self.initial:g}, total_steps={self.total_steps}, "
                f"minimum={self.minimum:g})")


class LinearWarmup:
    """η_t = η_peak · (t + 1) / W for the first W steps, then `after(t - W)` (or η_peak).

    Small steps while the optimiser's running averages (Adam's m and v) are still poor
    estimates; `after` is the schedule that takes over, e.g. a `CosineDecay` from η_peak.
    """

    def __init__(self, peak: float, warmup_steps: int, after=None):
        self.peak = _check_positive("peak", peak)
        self.warmup_steps = _check_steps("warmup_steps", warmup_steps)
        if after is not None and not callable(after):
            raise ValueError(f"after must be a schedule (a function of the step), got {after!r}")
        self.after = after

    def __call__(self, t: int) -> float:
        t = _check_step_number(t)
        if t < self.warmup_steps:
            return self.peak * (t + 1) / self.warmup_steps
        return self.after(t - self.warmup_steps) if self.after else self.peak

    def __repr__(self) -> str:
        after = f", after={self.after!r}" if self.after else ""
        return f"LinearWarmup(peak={self.peak:g}, warmup_steps={self.warmup_steps}{after})"


class Scheduler:
    """Gives `optimizer` the learning rate `schedule(t)` for its step t = 0, 1, 2, …

    As in PyTorch: call `scheduler.step()` after each `optimizer.step()`.
    """

    def __init__(self, optimizer: Optimizer, schedule):
        if not callable(schedule):
            raise ValueError(f"schedule must be a function of the step, got {schedule!r}")
        self.optimizer, self.schedule, self.t = optimizer, schedule, 0
        optimizer.learning_rate = float(schedule(0))

    def step(self) -> None:
        self.t += 1
        self.optimizer.learning_rate = float(self.schedule(self.t))
