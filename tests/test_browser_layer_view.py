"""Real browser: lesson 07's LayerView in JupyterLab, at 1440 and 1024 px, light and dark.

Runs the whole lesson (an output-free copy), finds the LayerView, and drives its batch-size
slider with the mouse as a learner does. The heatmaps must change and not be blank, the sum
written under them must have one term per example, nothing in the widget may scroll
sideways, and no label, button or readout may be cut short — at 1440 and at 1024 px wide, in
the light and the dark theme. The time from the pointer press on the slider to the painted new
picture is printed (run with -s to see it). Screenshots go to $STUDYPACK_SCREENSHOT_DIR when
it is set, else to the test's tmp folder.

The server and browser recipe is test_browser.py's (skipped likewise without Chromium or
Playwright, and failing in CI).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_browser import (NO_SIDEWAYS_SCROLL, screenshot, write_output_free_copy, NOTEBOOKS, assert_not_blank, browser_page, explained_failure,
                          image_bytes, new_image_bytes, run_all_cells, running_lab)

import nbformat  # noqa: E402 (after the skip in test_browser)
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

LESSON = "07_backprop_for_a_whole_layer.ipynb"
VIEW = ".jp-NotebookPanel:not(.lm-mod-hidden) .studypack-layer-view"
BATCH_LABEL = "batch size n"
# labels, buttons and readouts whose text does not fit their box (cut or hidden behind "…")
CUT_TEXT = """box => [...box.querySelectorAll('label, button, .widget-readout, .widget-label')]
    .filter(e => e.offsetWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim())"""
# from the pointer press on the slider to the first frame painted after the <img> changed
START_TIMING = """box => {
    const img = box.querySelector('img');
    window.__layerTiming = {pressed: null, painted: null};
    box.querySelector('.noUi-base').addEventListener('pointerdown',
        () => { window.__layerTiming.pressed = performance.now(); }, {capture: true, once: true});
    const observer = new MutationObserver(() => {
        observer.disconnect();
        requestAnimationFrame(() => { window.__layerTiming.painted = performance.now(); });
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
}"""
PAINTED = "() => window.__layerTiming && window.__layerTiming.painted !== null"
ELAPSED = "() => window.__layerTiming.painted - window.__layerTiming.pressed"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on loopback serving an output-free copy of lesson 07, in isolated dirs."""
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    write_output_free_copy(LESSON, root)
    with running_lab(root, home, STUDYPACK_HOME=str(home / "progress")) as server:
        yield server


@pytest.fixture(scope="module")
def page(lab):
    with browser_page(lab, width=1440, height=900) as page:
        yield page



def move_batch_slider(page, view, towards: float) -> tuple[str, float]:
    """Click the batch-size slider's track at `towards` (0 left … 1 right), as a learner
    does; wait for the new picture. Returns the new readout and the press-to-paint time."""
    slider = view.locator(".widget-hslider", has=page.locator(
        "label.widget-label", has_text=BATCH_LABEL)).first
    readout = slider.locator(".widget-readout")
    image = view.locator("img").first
    before_text, before_image = readout.inner_text(), image_bytes(image)
    view.evaluate(START_TIMING)
    track = slider.locator(".noUi-base")
    box = track.bounding_box()
    track.click(position={"x": box["width"] * towards, "y": box["height"] / 2})
    expect(readout).not_to_have_text(before_text, timeout=30_000)
    assert_not_blank(new_image_bytes(image, before_image, "moving the batch-size slider"))
    page.wait_for_function(PAINTED, timeout=30_000)
    return readout.inner_text(), page.evaluate(ELAPSED)


def assert_fits(view, width: int) -> None:
    assert view.evaluate(NO_SIDEWAYS_SCROLL) == [], f"something scrolls sideways at {width} px"
    assert view.evaluate(CUT_TEXT) == [], f"text cut short at {width} px"
    image = view.locator("img").first
    assert image.bounding_box()["width"] <= view.bounding_box()["width"] + 1


def assert_one_term_per_example(view, batch_size: str) -> None:
    sum_text = view.locator(".widget-html", has_text="∂L/∂W[0, 0]").first
    expect(sum_text).to_be_visible()
    terms = re.findall(r"\([+-]\d+\.\d+\)", sum_text.inner_text())
    assert len(terms) == int(batch_size), (batch_size, sum_text.inner_text())


def test_the_batch_slider_redraws_the_layer_at_both_widths_and_themes(lab, page, tmp_path,
                                                                      request):
    with explained_failure(page, lab, request.node.name):
        run_all_cells(page, lab.port, LESSON)
        view = page.locator(VIEW).first
        view.scroll_into_view_if_needed()
        expect(view.locator("img").first).to_be_visible(timeout=30_000)
        expect(view).to_contain_text("step 6 of 6 (backward)")
        assert_not_blank(image_bytes(view.locator("img").first))
        timings = []
        for theme in ("light", "dark"):
            if theme == "dark":
                page.click('.lm-MenuBar-itemLabel:text-is("Settings")')
                page.hover('.lm-Menu-itemLabel:text-is("Theme")')
                page.click('.lm-Menu-itemLabel:text-is("JupyterLab Dark")')
                page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'",
                                       timeout=30_000)
            for width, height, towards in ((1440, 900, 0.95), (1024, 768, 0.1)):
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(300)  # JupyterLab re-lays out the panels
                view.scroll_into_view_if_needed()
                batch_size, elapsed = move_batch_slider(page, view, towards)
                timings.append(elapsed)
                assert_one_term_per_example(view, batch_size)
                assert_fits(view, width)
                screenshot(page, view, f"layer-view-{theme}-{width}", tmp_path)
        print(f"LayerView batch slider, press to painted picture: "
              f"{', '.join(f'{t:.0f}' for t in timings)} ms")
