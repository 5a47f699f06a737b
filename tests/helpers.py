"""Shared test helpers: finite differences written independently of studypack.gradcheck,
PNG checks for widget drawings, micrograd's lecture neuron, the binary ops every engine test
sweeps, and the `studypack` command run in a fresh Python."""
import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studypack import Value

# the binary operators, for tests that sweep every one of them on either engine
BINARY_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a ** b,
}


def studypack(*args, cwd, expect=None, timeout=60):
    """Run `python -m studypack.cli ARGS` in `cwd`: never a traceback; the exit code when
    `expect` is given."""
    result = subprocess.run([sys.executable, "-m", "studypack.cli", *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    if expect is not None:
        assert result.returncode == expect, (result.returncode, result.stdout, result.stderr)
    return result


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


def png_pixels(png) -> np.ndarray:
    """A widget's PNG bytes (or an Image.value memoryview) as an RGB integer array."""
    png = bytes(png)
    assert png.startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def assert_is_a_drawing(png) -> None:
    """A valid PNG with dark pixels (lines, text), not a blank frame."""
    grey = png_pixels(png).mean(axis=2)
    assert grey.shape[0] > 100 and (grey < 100).mean() > 0.005


def micrograd_neuron() -> Value:
    """micrograd's lecture neuron, o = tanh(x1*w1 + x2*w2 + b), every node labelled."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    total = x1w1 + x2w2
    total.label = "x1*w1 + x2*w2"
    n = total + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


CHECKOUT = Path(__file__).resolve().parents[1]


def copy_of_the_pack(target: Path, folders=("flashcards", "quizzes", "notes", "translations")) -> Path:
    """The checkout's content `folders` copied to `target` (to break without touching the
    checkout), with the lesson notebooks present by name only (notes refer to them)."""
    for folder in folders:
        shutil.copytree(CHECKOUT / folder, target / folder)
    (target / "notebooks").mkdir()
    for lesson in (CHECKOUT / "notebooks").glob("*.ipynb"):
        (target / "notebooks" / lesson.name).touch()
    return target


@pytest.fixture(scope="module")
def pack():
    """The built-in pack, loaded once per test module."""
    from studypack.content import load_pack
    return load_pack()


@pytest.fixture
def store(tmp_path):
    """A learner's progress in the test's own folder."""
    from studypack.progress import ProgressStore
    return ProgressStore("learner", directory=tmp_path)
