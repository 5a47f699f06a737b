"""setuptools' build backend, after checking that this Python can run studypack.

pip learns a local project's `requires-python` only after the backend has built its
metadata, and by then it may have tried to resolve the dependencies: on Python 3.9 a newcomer
saw "No matching distribution found for fsrs" instead of the real reason. pip asks the
backend for its build requirements first of all, so checking there says it plainly.
Kept to Python 3.6 syntax so that the check itself runs on any Python.
"""
import functools
import platform
import sys

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every hook pip may call)

MINIMUM_PYTHON = (3, 10)  # keep equal to requires-python in pyproject.toml


def check_python():
    if sys.version_info < MINIMUM_PYTHON:
        raise SystemExit(
            "studypack needs Python {}.{} or newer (this is {}): remove .venv and make it again "
            "with a newer Python, e.g. python3.11 -m venv .venv".format(
                *MINIMUM_PYTHON, platform.python_version()))


def _checked(hook):
    @functools.wraps(hook)
    def checked_hook(*args, **kwargs):
        check_python()
        return hook(*args, **kwargs)
    return checked_hook


# Installing goes through these (wheels, and editable installs: `pip install -e .`);
# building an sdist does not install anything, so it needs no check.
get_requires_for_build_wheel = _checked(_setuptools.get_requires_for_build_wheel)
prepare_metadata_for_build_wheel = _checked(_setuptools.prepare_metadata_for_build_wheel)
build_wheel = _checked(_setuptools.build_wheel)
get_requires_for_build_editable = _checked(_setuptools.get_requires_for_build_editable)
prepare_metadata_for_build_editable = _checked(_setuptools.prepare_metadata_for_build_editable)
build_editable = _checked(_setuptools.build_editable)
