"""Finite differences written independently of studypack.gradcheck, to test the engines."""
import numpy as np


def numeric_grad_scalar(f, x: float, eps: float = 1e-6) -> float:
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def numeric_grad_array(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x for a function of an array returning a float, element by element."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        up = f(x.copy())
        x[index] = original - eps
        down = f(x.copy())
        x[index] = original
        grad[index] = (up - down) / (2 * eps)
    return grad


def assert_close(analytic, numeric, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
