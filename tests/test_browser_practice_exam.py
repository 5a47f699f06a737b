"""Real browser: a timed practice exam in JupyterLab, its clock running out for real.

A small notebook (made in tmp) shows a 5-question exam with a 0.2-minute (12 s) limit. After
Run All, the learner presses Start: the countdown ticks in the page while the kernel stays
free (Next answers well within the clock's 1 s tick; the click-to-paint times are printed); when the time is up the exam
ends by itself and the report by topic appears, with its links to notes and flashcards.
Nothing in the widget scrolls sideways at 1024 px, in the light and the dark theme; screenshots
go to $STUDYPACK_SCREENSHOT_DIR when it is set (to look at), else to the test's tmp folder.

The server and browser recipe is test_browser.py's (skipped likewise without Chromium or
Playwright, and failing in CI).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_browser_exercise import switch_to_dark_theme
from test_browser import NO_SIDEWAYS_SCROLL, screenshot, browser_page, explained_failure, run_all_cells, running_lab

import nbformat  # noqa: E402 (after the skip in test_browser)
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

NOTEBOOK = "exam.ipynb"
CELLS = ["from studypack.content import load_pack\nfrom studypack.widgets.quiz import Quiz\n"
         "pack = load_pack()",
         "Quiz.practice_exam(pack, count=5, minutes=0.2, seed=1)"]
NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# Click a button and time it until the element matched by `selector` shows `text`, painted.
CLICK_TO_PAINT_MS = """(box, [label, text]) => new Promise(resolve => {
    const button = [...box.querySelectorAll('button')].find(b => b.textContent.trim() === label);
    const start = performance.now();
    const observer = new MutationObserver(() => {
        if (box.textContent.includes(text)) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - start));
        }
    });
    observer.observe(box, {subtree: true, childList: true, characterData: true});
    button.click();
})"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, root / NOTEBOOK)
    with running_lab(root, home, STUDYPACK_HOME=str(home / "progress")) as server:
        yield server



def test_a_timed_exam_runs_out_and_reports_by_topic(lab, tmp_path, request):
    # run at 1440: at 1024 the notebook's toolbar hides the kernel's status, which Run All reads
    with browser_page(lab, width=1440, height=900) as page, \
            explained_failure(page, lab, request.node.name):
        run_all_cells(page, lab.port, NOTEBOOK)
        page.set_viewport_size({"width": 1024, "height": 768})
        page.wait_for_timeout(300)  # JupyterLab re-lays out the panels
        notebook = page.locator(NOTEBOOK_PANEL)
        widget = notebook.locator(".widget-vbox", has=page.locator(
            "button.jupyter-button", has_text="Start the exam")).first
        expect(widget.locator("button.jupyter-button", has_text="Check")).to_be_hidden()
        widget.locator("button.jupyter-button", has_text="Start the exam").click()
        expect(widget).to_contain_text("Time left: 0:0", timeout=10_000)
        first = widget.locator(".widget-html", has_text="Time left").first.inner_text()
        times = [widget.evaluate(CLICK_TO_PAINT_MS, [label, f"Question {number} of 5"])
                 for label, number in (("Next", 2), ("Next", 3), ("Previous", 2), ("Next", 3),
                                       ("Next", 4))]
        print("Next/Previous during the countdown, ms from click to paint:",
              " ".join(f"{ms:.0f}" for ms in times))
        assert sorted(times)[len(times) // 2] < 1000  # the kernel is free while the clock runs (speed: printed)
        time.sleep(1.5)
        later = widget.locator(".widget-html", has_text="Time left").first.inner_text()
        assert later != first, "the countdown did not move"
        assert widget.evaluate(NO_SIDEWAYS_SCROLL) == []
        screenshot(page, widget, "practice-exam-running-1024", tmp_path)

        expect(widget).to_contain_text("Time is up", timeout=25_000)  # finished by itself
        expect(widget).to_contain_text("Your result by topic, weakest first")
        expect(widget).to_contain_text("What to review")
        review_list = widget.locator("h4", has_text="What to review").locator(
            "xpath=following-sibling::ul[1]")
        assert widget.locator('a[href*="flashcards.ipynb"]').count() >= 1
        assert widget.locator('a[href*=".ipynb"]').count() > widget.locator(
            'a[href*="flashcards.ipynb"]').count()                      # and notes' lessons
        assert widget.evaluate(NO_SIDEWAYS_SCROLL) == []
        screenshot(page, widget.locator("table").first, "practice-exam-report-light-1024", tmp_path)
        screenshot(page, review_list, "practice-exam-review-light-1024", tmp_path)
        switch_to_dark_theme(page)
        page.wait_for_timeout(1000)  # the theme's splash fades out
        assert widget.evaluate(NO_SIDEWAYS_SCROLL) == []
        screenshot(page, widget.locator("table").first, "practice-exam-report-dark-1024", tmp_path)
        screenshot(page, review_list, "practice-exam-review-dark-1024", tmp_path)
