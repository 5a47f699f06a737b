"""The README's examples run as written and print what the README says they print."""
import contextlib
import io
import os
import re
import shutil
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
    assert lessons[0] == "lessons" and lessons[1].endswith(" notebooks/")
    assert ".venv/bin/jupyter lab " in lessons[1]  # test_lessons_command.py runs it
    assert tests[0] == "test" and "pytest" in tests[1]


def test_importing_studypack_loads_no_plotting_or_widget_library():
    """`import studypack` stays light (numpy only); lessons import the rest when needed."""
    code = ("import sys, studypack; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ---- the README's shell examples run as written and leave the course as it was ----

ROOT = Path(__file__).parents[1]
CONTENT_FOLDERS = ("flashcards", "quizzes", "notes", "translations")
# ```bash blocks that install packages set up an environment (the two commands at the top, the
# benchmarks' references): CI runs the test command itself, test_lessons_command.py the other
SHELL_EXAMPLES = [block for block in re.findall(r"```bash\n(.*?)```", README, re.S)
                  if "pip install" not in block]


def _content_snapshot(root: Path) -> dict:
    """Every file of the course's content folders: relative path -> bytes."""
    return {str(path.relative_to(root)): path.read_bytes()
            for folder in CONTENT_FOLDERS for path in sorted((root / folder).rglob("*"))
            if path.is_file()}


def _inputs_the_examples_name(course: Path) -> dict:
    """Files the examples take as given (a teacher's own), made when a block names them."""
    from studypack.classroom.assignments import open_assignment
    from studypack.exchange.scaffold import new_pack

    def handed_in():  # as the README describes: a folder per student, as the notebook saved
        folder = course / "handed-in" / "alice"
        folder.mkdir(parents=True)
        assignment = course / "week3" / "student" / "assignment.json"
        _, responses = open_assignment(assignment, folder / "responses.json")
        responses.save("Alice", {})  # handed in without answers: graded as zero

    return {
        "../other-pack": lambda: new_pack(course.parent / "other-pack", topics=["basics"]),
        "cards.json": lambda: (course / "cards.json").write_text(
            '[{"front": "What is a loss?", "back": "A number that says how wrong $\\\\hat y$ is."}]',
            encoding="utf-8"),
        "glossary.md": lambda: (course / "glossary.md").write_text(
            "# Loss\n\nA number saying how far the predictions are from the targets.\n",
            encoding="utf-8"),
        "handed-in/": handed_in,
    }


def test_the_readme_has_shell_examples_for_every_command():
    commands = set(re.findall(r"^studypack (\w+)", "\n".join(SHELL_EXAMPLES), re.M))
    assert {"validate", "assign", "grade", "export", "import", "new"} <= commands


def test_the_readme_shell_examples_run_and_leave_the_course_unchanged(tmp_path):
    """Every shell example, in order, as a newcomer types them in a copy of this checkout."""
    course = tmp_path / "studypack"
    shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(
        ".venv", ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    course_before, checkout_before = _content_snapshot(course), _content_snapshot(ROOT)
    inputs = _inputs_the_examples_name(course)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for block in SHELL_EXAMPLES:
        for name, make in inputs.items():
            if name in block and not (course / name).exists():
                make()
        result = subprocess.run(["bash", "-e", "-c", block], cwd=course, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"README example failed:\n{block}\n{result.stderr}"

    course_after = _content_snapshot(course)
    changed = [name for name in course_before.keys() | course_after.keys()
               if course_before.get(name) != course_after.get(name)]
    assert not changed, f"the README's examples changed the course: {sorted(changed)}"
    assert _content_snapshot(ROOT) == checkout_before, "the examples wrote into the checkout"
    assert (tmp_path / "my-course" / "quizzes" / "imported.yaml").is_file()
    assert (tmp_path / "my-course" / "flashcards" / "imported.yaml").is_file()
    assert "Alice" in (course / "grades.csv").read_text(encoding="utf-8")
    assert (course / "photosynthesis" / "pack.yaml").is_file()
