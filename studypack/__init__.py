"""studypack: learn backpropagation and gradient descent with a small, readable engine."""
from .engine import BackwardStep, Tensor, Value, no_grad

__all__ = ["BackwardStep", "Tensor", "Value", "no_grad"]
__version__ = "0.1.0"
