"""The README's examples run as written and print what the README says they print."""
import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
# a ```python block followed (after optional prose) by the ```text block of its output
EXAMPLES = re.findall(r"```python\n(.*?)```\s*\n(?:[^`]*?\n)?```text\n(.*?)```", README, re.S)


def test_the_readme_has_runnable_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("code, expected", EXAMPLES, ids=[f"example {i}" for i in range(len(EXAMPLES))])
def test_readme_example_prints_what_the_readme_shows(code, expected):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README.md", "exec"), {})
    assert output.getvalue() == expected


def test_the_readme_opens_with_the_two_commands():
    lessons, tests = re.findall(r"<!-- (\w+)-command -->\n```bash\n(.*?)\n```", README)[:2]
    assert lessons[0] == "lessons" and "jupyter lab notebooks/" in lessons[1]
    assert tests[0] == "test" and "pytest" in tests[1]


def test_importing_studypack_loads_no_plotting_or_widget_library():
    """`import studypack` stays light (numpy only); lessons import the rest when needed."""
    code = ("import sys, studypack; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
