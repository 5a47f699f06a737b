"""On a Python older than 3.10, installing says so, before pip resolves any dependency.

pip resolves a local project's dependencies before it checks its `requires-python`; on 3.9
that ended in "No matching distribution found for fsrs". The in-tree build backend
(build_backend/studypack_build.py) checks the version in the first hook pip calls.
"""
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BACKEND = ROOT / "build_backend" / "studypack_build.py"


def _backend():
    spec = importlib.util.spec_from_file_location("studypack_build", BACKEND)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pyproject_uses_the_checking_backend_with_the_same_minimum():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'build-backend = "studypack_build"' in pyproject
    assert 'backend-path = ["build_backend"]' in pyproject
    minimum = re.search(r'requires-python = ">=(\d+)\.(\d+)"', pyproject).groups()
    assert tuple(map(int, minimum)) == _backend().MINIMUM_PYTHON


@pytest.mark.parametrize("hook", ["get_requires_for_build_wheel", "get_requires_for_build_editable",
                                  "prepare_metadata_for_build_wheel",
                                  "prepare_metadata_for_build_editable", "build_wheel",
                                  "build_editable"])
def test_every_install_hook_refuses_an_old_python_with_the_reason(hook, monkeypatch):
    backend = _backend()
    monkeypatch.setattr(sys, "version_info", (3, 9, 18, "final", 0))
    monkeypatch.setattr(backend.platform, "python_version", lambda: "3.9.18")
    with pytest.raises(SystemExit) as refused:
        getattr(backend, hook)("unused-directory")
    assert str(refused.value).startswith(
        "studypack needs Python 3.10 or newer (this is 3.9.18)")


@pytest.mark.parametrize("version", [(3, 10, 0), (3, 11, 7), (3, 14, 0)])
def test_a_new_enough_python_goes_on_to_setuptools(version, monkeypatch):
    import setuptools.build_meta

    backend = _backend()
    monkeypatch.setattr(sys, "version_info", version + ("final", 0))
    backend.check_python()  # no SystemExit
    for hook in ("get_requires_for_build_editable", "build_editable", "build_wheel"):
        assert getattr(backend, hook).__wrapped__ is getattr(setuptools.build_meta, hook)
    assert backend.build_sdist is setuptools.build_meta.build_sdist


def _python39():
    """A working Python 3.9 (a pyenv shim may exist without one behind it), or None."""
    candidates = [shutil.which("python3.9")] + sorted(
        glob.glob(os.path.expanduser("~/.pyenv/versions/3.9*/bin/python")))
    for candidate in filter(None, candidates):
        try:
            version = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                     capture_output=True, text=True, timeout=30).stdout
        except OSError:
            continue
        if version.strip() == "(3, 9)":
            return candidate
    return None


PYTHON39 = _python39()


@pytest.mark.skipif(PYTHON39 is None, reason="no Python 3.9 here (python3.9 or pyenv's 3.9.x)")
def test_pip_install_on_python_39_says_which_python_is_needed(tmp_path):
    """The real pip, with build isolation, as a newcomer runs it (~10 s)."""
    project = tmp_path / "studypack"  # a copy: installing writes studypack.egg-info in the tree
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "build_backend", project / "build_backend",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "studypack", project / "studypack",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([PYTHON39, "-m", "venv", str(tmp_path / "venv")], check=True)
    result = subprocess.run([str(tmp_path / "venv" / "bin" / "python"), "-m", "pip", "install",
                             "-e", str(project)], capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(r"studypack needs Python 3\.10 or newer \(this is 3\.9\.\d+\)", output), output
    assert "fsrs" not in output, "pip got as far as resolving dependencies"
