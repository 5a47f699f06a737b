"""The two autograd engines: scalar `Value` and numpy `Tensor`, with an inspectable backward pass."""
from .graph import BackwardStep, topological_order
from .tensor import Tensor, no_grad
from .value import Value

__all__ = ["BackwardStep", "Tensor", "Value", "no_grad", "topological_order"]
