"""Execute notebooks as they are committed: top to bottom, for a learner with no progress.

    .venv/bin/python tools/execute_notebooks.py notebooks/03_backward_pass_step_by_step.ipynb ...

Each notebook runs in its own kernel from `notebooks/`, with a throwaway progress folder
(STUDYPACK_HOME), no timing metadata, and without saved widget state or widget views: before a
learner runs a cell, the notebook shows the widget's sentence ("Run this cell to start …"),
never someone's progress. Stops at the first notebook with an error or a warning output.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path: Path) -> list[str]:
    """Run `path` in place; the problems (error or stderr outputs) it printed."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="studypack-execute-") as home:
        saved = os.environ.get("STUDYPACK_HOME")
        os.environ["STUDYPACK_HOME"] = home  # the kernel inherits it
        try:
            NotebookClient(notebook, timeout=900, kernel_name="python3", record_timing=False,
                           store_widget_state=False,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        finally:
            if saved is None:
                os.environ.pop("STUDYPACK_HOME")
            else:
                os.environ["STUDYPACK_HOME"] = saved
    notebook.metadata.pop("widgets", None)
    problems = []
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
            if output.get("output_type") == "error" or output.get("name") == "stderr":
                problems.append("".join(output.get("text", "")) or output.get("ename", "error"))
    nbformat.write(notebook, path)
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    for path in parser.parse_args(argv).notebooks:
        problems = execute(path)
        print(f"{path}: {'executed' if not problems else 'PROBLEMS'}")
        for problem in problems:
            print(f"  {problem.strip()[:500]}")
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
