"""sgd-momentum-step and adam-step: one update of the weights from a gradient. The references
run the pack's own optimisers (studypack.optim.SGD, Adam) for one step from the given state."""
from __future__ import annotations

import numpy as np

from ...engine import Tensor
from ...optim import SGD, Adam
from ..model import Exercise, Mistake


def _parameter(w, grad) -> Tensor:
    parameter = Tensor(w, requires_grad=True)
    parameter.grad = np.array(grad, dtype=float)
    return parameter


def sgd_momentum_step(w, grad, velocity, learning_rate, momentum):
    parameter = _parameter(w, grad)
    optimiser = SGD([parameter], learning_rate, momentum=momentum)
    optimiser.velocities[0] = np.array(velocity, dtype=float)
    optimiser.step()
    return parameter.data, optimiser.velocities[0]


def adam_step(w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    parameter = _parameter(w, grad)
    optimiser = Adam([parameter], learning_rate, betas=(beta1, beta2), eps=eps)
    optimiser.steps = int(t) - 1  # step() counts this step: t
    optimiser.first_moments[0] = np.array(m, dtype=float)
    optimiser.second_moments[0] = np.array(v, dtype=float)
    optimiser.step()
    return parameter.data, optimiser.first_moments[0], optimiser.second_moments[0]


def _sgd_cases(rng: np.random.Generator) -> list[tuple]:
    """Mid-training: a velocity that is not zero, so its order in the update shows."""
    cases = []
    for shape, rate, momentum in [((3,), 0.1, 0.9), ((2, 3), 0.05, 0.5), ((1, 4), 0.2, 0.8)]:
        cases.append((rng.normal(0.0, 1.0, shape), rng.normal(0.0, 1.0, shape),
                      rng.normal(0.0, 1.0, shape), rate, momentum))
    return cases


def _adam_cases(rng: np.random.Generator) -> list[tuple]:
    """t = 1 (the first step), and later steps; tiny gradients and a larger eps, where
    eps inside the square root changes the answer."""
    cases = []
    for shape, t, scale in [((3,), 1, 1.0), ((2, 3), 2, 1.0), ((1, 4), 10, 0.5), ((4,), 3, 1e-5)]:
        m = rng.normal(0.0, 0.5, shape) * scale if t > 1 else np.zeros(shape)
        v = rng.uniform(0.1, 1.0, shape) * scale ** 2 if t > 1 else np.zeros(shape)
        cases.append((rng.normal(0.0, 1.0, shape), rng.normal(0.0, 1.0, shape) * scale, m, v, t,
                      0.01))
    cases.append((rng.normal(0.0, 1.0, (2, 2)), rng.normal(0.0, 0.1, (2, 2)),
                  rng.normal(0.0, 0.05, (2, 2)), rng.uniform(0.001, 0.01, (2, 2)), 4, 0.1,
                  0.8, 0.99, 1e-3))
    return cases


def _adam_wrong(correct_m=True, correct_v=True, t_shift=0, eps_inside=False, use_m=False,
                no_sqrt=False, return_corrected=False, sign=1.0):
    """Adam with one thing done the mistaken way."""
    def wrong(w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        step = t + t_shift
        m_hat = m / (1 - beta1 ** step) if correct_m else m
        v_hat = v / (1 - beta2 ** step) if correct_v else v
        numerator = m if use_m else m_hat
        if no_sqrt:
            denominator = v_hat + eps
        else:
            denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        new_w = w - sign * learning_rate * numerator / denominator
        return (new_w, m_hat, v_hat) if return_corrected else (new_w, m, v)
    return wrong


SGD_MOMENTUM = Exercise(
    id="sgd-momentum-step", function_name="sgd_momentum_step",
    signature="sgd_momentum_step(w, grad, velocity, learning_rate, momentum) -> (new_w, new_velocity)",
    outputs=("new_w", "new_velocity"), reference=sgd_momentum_step, cases=_sgd_cases,
    mistakes=(
        Mistake("update-before-velocity",
                lambda w, g, v, lr, mu: (w - lr * v, mu * v + g)),
        Mistake("velocity-without-momentum",
                lambda w, g, v, lr, mu: (w - lr * (v + g), v + g)),
        Mistake("other-convention",
                lambda w, g, v, lr, mu: (w + (mu * v - lr * g), mu * v - lr * g)),
        Mistake("dampened-gradient",
                lambda w, g, v, lr, mu: (w - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g)),
        Mistake("flipped-sign",
                lambda w, g, v, lr, mu: (w + lr * (mu * v + g), mu * v + g)),
    ),
    stub=("def sgd_momentum_step(w, grad, velocity, learning_rate, momentum):\n"
          "    # v <- momentum * v + grad;  w <- w - learning_rate * v\n"
          "    # return (new_w, new_velocity); don't change the arrays you were given\n"
          "    raise NotImplementedError\n"),
    solution=("def sgd_momentum_step(w, grad, velocity, learning_rate, momentum):\n"
              "    new_velocity = momentum * velocity + grad      # first the velocity\n"
              "    new_w = w - learning_rate * new_velocity       # then the step, with the new one\n"
              "    return new_w, new_velocity\n"),
)

ADAM = Exercise(
    id="adam-step", function_name="adam_step",
    signature=("adam_step(w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8)"
               " -> (new_w, new_m, new_v)"),
    outputs=("new_w", "new_m", "new_v"), reference=adam_step, cases=_adam_cases,
    mistakes=(
        Mistake("no-bias-correction", _adam_wrong(correct_m=False, correct_v=False)),
        Mistake("bias-correction-t-from-0", _adam_wrong(t_shift=1)),
        Mistake("bias-correction-t-minus-1", _adam_wrong(t_shift=-1)),
        Mistake("eps-inside-sqrt", _adam_wrong(eps_inside=True)),
        Mistake("m-instead-of-m-hat", _adam_wrong(use_m=True)),
        Mistake("no-sqrt", _adam_wrong(no_sqrt=True)),
        Mistake("returned-corrected-moments", _adam_wrong(return_corrected=True)),
        Mistake("flipped-sign", _adam_wrong(sign=-1.0)),
    ),
    stub=("def adam_step(w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):\n"
          "    # t counts from 1; return (new_w, new_m, new_v)\n"
          "    raise NotImplementedError\n"),
    solution=("def adam_step(w, grad, m, v, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):\n"
              "    m = beta1 * m + (1 - beta1) * grad              # running mean of g\n"
              "    v = beta2 * v + (1 - beta2) * grad ** 2         # running mean of g²\n"
              "    m_hat = m / (1 - beta1 ** t)                    # undo the pull towards 0\n"
              "    v_hat = v / (1 - beta2 ** t)\n"
              "    new_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + eps)\n"
              "    return new_w, m, v\n"),
)

EXERCISES = [SGD_MOMENTUM, ADAM]
