"""Real browser: a learner's wrong then right attempt at an exercise, in JupyterLab.

A small notebook (made in tmp) defines a wrong `mse_backward` (it forgets the mean's 1/N)
and shows the `ExerciseWidget`. After Run All, Check must show the red ✘ and the diagnosis;
then the learner rewrites the cell, runs it again (Shift+Enter), presses Check, and sees the
green ✔ — the widget looks the function up when clicked, so it checks the new definition.
The verdict's colour is read from the page in the light and the dark theme (JupyterLab's CSS
variables, so each theme has its own green), and nothing in the widget scrolls sideways at
1024 px. Screenshots at 1024 and 1440, light and dark, are written to
$STUDYPACK_SCREENSHOT_DIR when it is set (to look at), else to the test's tmp folder.

The server and browser recipe is test_browser.py's (skipped likewise without Chromium or
Playwright, and failing in CI).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_browser import (look_at_both_widths, KERNEL_IDLE, TOKEN, browser_page, explained_failure, run_all_cells,
                          running_lab)

import nbformat  # noqa: E402 (after the skip in test_browser)
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

NOTEBOOK = "exercise.ipynb"
WRONG = "def mse_backward(prediction, target):\n    return 2 * (prediction - target)\n"
RIGHT = "def mse_backward(prediction, target): return 2 * (prediction - target) / prediction.size"
CELLS = ["import numpy as np", WRONG,
         "from studypack.widgets import ExerciseWidget\nExerciseWidget('mse-backward')"]
NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# the themes' greens and reds (JupyterLab 4: --jp-success-color1, --jp-error-color1)
COLOURS = {"light": {"right": "rgb(56, 142, 60)", "wrong": "rgb(211, 47, 47)"},
           "dark": {"right": "rgb(76, 175, 80)", "wrong": "rgb(244, 67, 54)"}}
# Click Check in the page and time it until the verdict shows `text`, one frame later (painted).
CLICK_TO_PAINT_MS = """(box, text) => new Promise(resolve => {
    const verdict = box.querySelector('.studypack-exercise-verdict');
    const button = [...box.querySelectorAll('button')].find(b => b.textContent.trim() === 'Check');
    const start = performance.now();
    const observer = new MutationObserver(() => {
        if (verdict.textContent.includes(text)) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - start));
        }
    });
    observer.observe(verdict, {subtree: true, childList: true, characterData: true});
    button.click();
})"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on loopback serving the exercise notebook, in isolated dirs."""
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, root / NOTEBOOK)
    # the kernel's progress goes to the lab's folder and is thrown away with it
    with running_lab(root, home, STUDYPACK_HOME=str(home / "progress")) as server:
        yield server


@pytest.fixture(scope="module")
def page(lab):
    with browser_page(lab, width=1440, height=900) as page:
        yield page



def verdict_colour(widget) -> str:
    return widget.locator(".studypack-exercise-verdict b").first.evaluate("b => getComputedStyle(b).color")



def switch_to_dark_theme(page) -> None:
    page.click('.lm-MenuBar-itemLabel:text-is("Settings")')
    page.hover('.lm-Menu-itemLabel:text-is("Theme")')
    page.click('.lm-Menu-itemLabel:text-is("JupyterLab Dark")')
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'",
                           timeout=30_000)


def test_a_wrong_then_a_right_attempt_in_the_browser(lab, page, tmp_path, request):
    with explained_failure(page, lab, request.node.name):
        run_all_cells(page, lab.port, NOTEBOOK)
        notebook = page.locator(NOTEBOOK_PANEL)
        widget = notebook.locator(".widget-vbox", has=page.locator(
            "button.jupyter-button", has_text="Check")).first
        expect(widget).to_contain_text("The gradient of the mean squared error", timeout=30_000)
        expect(widget.locator("mjx-container").first).to_be_attached(timeout=60_000)
        check = widget.locator("button.jupyter-button", has_text="Check").first
        solution = widget.locator("button.jupyter-button", has_text="Show a worked solution")
        expect(solution).to_be_disabled()

        check.click()  # the wrong definition from Run All
        expect(widget).to_contain_text("✘ Not right yet.", timeout=30_000)
        expect(widget).to_contain_text("You left out the 1/N of the mean")
        expect(solution).to_be_enabled()
        assert verdict_colour(widget) == COLOURS["light"]["wrong"]
        widget.locator("button.jupyter-button", has_text="Hint 1 of 3").click()
        expect(widget).to_contain_text("Hint 1:", timeout=30_000)
        look_at_both_widths(page, widget, "exercise-wrong-light", tmp_path, within_the_cell=False)

        # the learner rewrites the function's cell and runs it again
        cell = notebook.locator(".jp-CodeCell").nth(1)
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(RIGHT)
        page.keyboard.press("Shift+Enter")
        page.wait_for_function(KERNEL_IDLE, timeout=60_000)
        expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[4\]"),
                                                              timeout=30_000)
        elapsed = widget.evaluate(CLICK_TO_PAINT_MS, "✔ Right")
        print(f"Check: {elapsed:.0f} ms from click to the painted verdict")
        assert elapsed <= 150  # the pack's budget for every control (ux-conventions.md)
        expect(widget).to_contain_text("✔ Right: your mse_backward gives the right answer")
        assert verdict_colour(widget) == COLOURS["light"]["right"]
        look_at_both_widths(page, widget, "exercise-right-light", tmp_path, within_the_cell=False)

        switch_to_dark_theme(page)
        assert verdict_colour(widget) == COLOURS["dark"]["right"]
        look_at_both_widths(page, widget, "exercise-right-dark", tmp_path, within_the_cell=False)
        solution.click()
        expect(widget).to_contain_text("A worked solution", timeout=30_000)
        expect(widget).to_contain_text("n = prediction.size")
        look_at_both_widths(page, widget, "exercise-solution-dark", tmp_path, within_the_cell=False)
