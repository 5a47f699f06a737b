"""The differential test against PyTorch is optional: without torch it skips, saying how to
enable it (the README's test command must not need torch), and CI refuses such a skip."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# run pytest on the torch tests in a Python where `import torch` fails, as on a machine
# without it (a None entry in sys.modules makes the import raise ImportError)
WITHOUT_TORCH = ("import sys; sys.modules['torch'] = None; import pytest; "
                 "sys.exit(pytest.main(sys.argv[1:]))")


def run_torch_tests_without_torch(*extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TORCH, "tests/test_against_torch.py", "-q", "-rs",
         "-p", "no:cacheprovider", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def test_without_torch_the_differential_tests_skip_saying_how_to_enable_them():
    result = run_torch_tests_without_torch()
    # 5: the module was skipped whole, so no test was collected (within the README's full
    # run the other files' tests are, and the exit status is 0)
    assert result.returncode in (0, 5), result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "pip install torch==2.13.0" in result.stdout
    assert "PyTorch is not installed" in result.stdout


def test_ci_fails_when_the_torch_tests_are_skipped(tmp_path):
    # .ci/run's own check of the junit report, run on a report from a skipping run
    report = tmp_path / "report.xml"
    assert run_torch_tests_without_torch(f"--junitxml={report}").returncode in (0, 5)
    script = (ROOT / ".ci" / "run").read_text()
    check = script.split("<<'PY'\n")[-1].split("\nPY\n")[0]
    result = subprocess.run([sys.executable, "-c", check, str(report)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "1 of 1 tests skipped (torch must be importable in CI)" in result.stderr


def test_torch_is_not_part_of_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- test-command -->\n```bash\n")[1].split("\n```")[0]
    assert "torch" not in command
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    test_extra = pyproject.split("test = [")[1].split("]")[0]
    assert "torch" not in test_extra
