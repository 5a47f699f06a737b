"""Real browser: JupyterLab on 127.0.0.1, Debian's Chromium driven by Playwright.

Opens lessons 03 and 04 and the flashcards and notes notebooks, runs all cells, waits for
the widgets, then moves the learning-rate slider, presses the stepper's Next button (its
graph, inline SVG, changes), flips and rates a flashcard, and opens a note's quiz, and
checks that what the page shows changed (and that the notes' math is typeset by MathJax). Needs `chromium` (Debian:
`apt-get install chromium`) and Playwright (in the test extra); skipped with that hint where
they are missing, except under CI, where it fails. A failure names a folder holding a
screenshot of the page, JupyterLab's log and the browser's console.

Waits are on what JupyterLab itself goes by: "Run All Cells" is enabled only while the
notebook is the shell's current widget (JupyterLab's isEnabled for notebook commands), and
the slider is moved with the mouse, as a learner does: JupyterLab moves the keyboard focus
to the notebook's active cell on a keydown in another cell's output and again when Run All
finishes, so arrow keys sent to a slider's focused handle could all be lost.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
LESSONS = ["03_backward_pass_step_by_step.ipynb", "04_gradient_descent_and_learning_rate.ipynb",
           "flashcards.ipynb", "notes.ipynb"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "studypack-browser-test"
# what the widgets show, as a learner sees it
LEARNING_RATE_LABEL = "learning rate"
NEXT_STEP_TEXT = "Next"


def _why_not_runnable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is missing (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return "Chromium is missing (on Debian/Ubuntu: sudo apt-get install chromium)"
    return None


_reason = _why_not_runnable()
if _reason:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser test must run in CI: {_reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {_reason}", allow_module_level=True)

import nbformat  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

# data-status="idle" also flashes before a kernel exists: require the status bar too
KERNEL_IDLE = """() => document.querySelector(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'
    && [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => / \\| Idle$/.test(e.textContent))"""
ALL_CELLS_RAN = """() => {
    const prompts = [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
# "Run All Cells" is enabled only while the notebook is the shell's current widget (its tab
# marked jp-mod-current); a click on the disabled item does nothing, and no cell ever runs
NOTEBOOK_IS_CURRENT = """name => [...document.querySelectorAll(
    '.lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel')]
    .some(label => label.textContent === name)"""
RUN_ALL_ENABLED = '.lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel:text-is("Run All Cells")'
CELL_STATES = """() => ({
    prompts: [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent.trim()).join(' '),
    kernel: [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .map(e => e.textContent).filter(text => text.includes('|')).join('; '),
    notifications: [...document.querySelectorAll('.jp-toast-message')].map(e => e.textContent)})"""
IMAGE_BYTES = """async img => {
    const response = await fetch(img.src);
    return Array.from(new Uint8Array(await response.arrayBuffer()));
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab(NamedTuple):
    port: int
    log: Path  # JupyterLab's own log: server, kernel and extension messages
    folder: Path  # the server's settings, runtime files and logs

    @property
    def console_log(self) -> Path:  # what the page printed to the browser's console
        return self.folder / "browser-console.log"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on loopback serving output-free copies of the lessons, in isolated dirs."""
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    for name in LESSONS:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in notebook.cells:  # a fresh run: no stored outputs or widget state
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, root / name)
    with running_lab(root, home) as server:
        yield server


# nbgrader (in the test environment for the instructor tools) adds menus, panels and server
# handlers no learner of the pack sees: the test servers run without them
NBGRADER_LAB_EXTENSIONS = ["@jupyter/nbgrader"]
NBGRADER_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader",
                              "nbgrader.server_extensions.validate_assignment",
                              "nbgrader.server_extensions.assignment_list",
                              "nbgrader.server_extensions.course_list"]


def _write_lab_settings(home: Path, settings: dict[str, dict]) -> None:
    """JupyterLab's user settings ("plugin-folder/plugin-name" -> values) and the server's
    config in `home`: no "fetch news?" toast over the page, nbgrader's extensions off."""
    settings = {"@jupyterlab/apputils-extension/notification":
                {"fetchNews": "false", "checkForUpdates": False}, **settings}
    for plugin, values in settings.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": dict.fromkeys(NBGRADER_LAB_EXTENSIONS, True)}))
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": dict.fromkeys(NBGRADER_SERVER_EXTENSIONS, False)}}))


@contextlib.contextmanager
def running_lab(root: Path, home: Path, settings: dict[str, dict] | None = None,
                **environment: str):
    """JupyterLab on loopback serving `root`; its settings, runtime files and log in `home`.
    `settings` adds JupyterLab user settings: {"@jupyterlab/notebook-extension/tracker":
    {"windowingMode": "none"}, ...}."""
    _write_lab_settings(home, settings or {})
    env = dict(os.environ,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), **environment)
    port = _free_port()
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"],
        env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"JupyterLab did not start; see {home / 'lab.log'}")
                time.sleep(0.3)
        yield Lab(port, home / "lab.log", home)
    finally:
        server.terminate()
        server.wait(30)
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    with browser_page(lab, width=1400, height=1000) as page:
        yield page


@contextlib.contextmanager
def browser_page(lab: Lab, width: int, height: int):
    """A Chromium page of the given size, offline, its console written to the lab's folder."""
    with sync_playwright() as playwright, open(lab.console_log, "w") as console:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})
        # offline: anything not on loopback is refused at once instead of timing out
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        page = context.new_page()
        # the widget manager reports its errors (a failed comm, a model not found) only here
        page.on("console", lambda message: print(f"{message.type}: {message.text}",
                                                 file=console, flush=True))
        yield page
        browser.close()


@contextlib.contextmanager
def explained_failure(page, lab: Lab, test_name: str):
    """On failure: a screenshot of the page and copies of JupyterLab's log and the browser's
    console, in a folder of their own (pytest's temp folders are soon recycled), named in
    the message."""
    try:
        yield
    except Exception as error:
        kept = Path(tempfile.mkdtemp(prefix=f"studypack-{test_name}-"))
        try:
            page.screenshot(path=kept / "screenshot.png", full_page=True)
            shown = f"screenshot: {kept / 'screenshot.png'}"
        except Exception as screenshot_error:  # the page itself may be what failed
            shown = f"no screenshot ({type(screenshot_error).__name__}: {screenshot_error})"
        for log in (lab.log, lab.console_log):
            shutil.copy(log, kept / log.name)
        raise AssertionError(f"{type(error).__name__}: {error}\n{shown}\n"
                             f"JupyterLab's log: {kept / lab.log.name}\n"
                             f"the browser's console: {kept / lab.console_log.name}") from error


@pytest.fixture
def explained(lab, page, request):
    """`with explained:` around what a test does in the page, for a failure it can explain."""
    return explained_failure(page, lab, request.node.name)


def run_all_cells(page, port: int, notebook: str) -> None:
    page.goto(f"http://127.0.0.1:{port}/lab/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.wait_for_function(NOTEBOOK_IS_CURRENT, arg=notebook, timeout=30_000)
    page.click('.lm-MenuBar-itemLabel:text-is("Run")')
    page.click(RUN_ALL_ENABLED)
    # touch widgets only once every cell has run and the kernel is idle again
    try:
        page.wait_for_function(ALL_CELLS_RAN, timeout=120_000)
    except PlaywrightTimeout:
        raise AssertionError(f"not every cell of {notebook} ran in 120 s: "
                             f"{page.evaluate(CELL_STATES)}") from None
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    errors = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
    assert not errors.filter(has_text="Traceback").count(), errors.first.inner_text()


def image_bytes(image) -> bytes:
    return bytes(image.evaluate(IMAGE_BYTES))


def assert_not_blank(png: bytes) -> None:
    darkest = Image.open(io.BytesIO(png)).convert("L").getextrema()[0]
    assert darkest < 100, "the figure is blank"


def new_image_bytes(image, old: bytes, what: str, timeout: float = 30.0) -> bytes:
    """Wait until the <img> shows something other than `old` (the kernel answers async)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = image_bytes(image)
        if current != old:
            return current
        time.sleep(0.2)
    raise AssertionError(f"{what} did not change what the page shows")


def first_widget_with(page, control_selector: str, text: str):
    """The first widget box (in the open notebook) holding both that control and an image."""
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    control = page.locator(control_selector, has_text=text)  # relative: matched inside the box
    return notebook.locator(".widget-vbox", has=control).filter(has=page.locator("img")).first


def test_learning_rate_slider_redraws_the_descent(lab, page, explained):
    with explained:
        run_all_cells(page, lab.port, LESSONS[1])
        explorer = first_widget_with(page, "label.widget-label", LEARNING_RATE_LABEL)
        slider = explorer.locator(".widget-hslider", has=page.locator(
            "label.widget-label", has_text=LEARNING_RATE_LABEL)).first
        image = explorer.locator("img").first
        slider.scroll_into_view_if_needed()
        expect(image).to_be_visible(timeout=30_000)
        before, readout = image_bytes(image), slider.locator(".widget-readout").inner_text()
        assert_not_blank(before)

        # a click on the track, as a learner moves it (keys can lose the focus: see the top)
        track = slider.locator(".noUi-base")
        box = track.bounding_box()
        handle = slider.locator(".noUi-handle").bounding_box()
        right_half = handle["x"] + handle["width"] / 2 > box["x"] + box["width"] / 2
        track.click(position={"x": box["width"] * (0.1 if right_half else 0.9),
                              "y": box["height"] / 2})
        expect(slider.locator(".widget-readout")).not_to_have_text(readout, timeout=30_000)
        assert_not_blank(new_image_bytes(image, before, "moving the learning-rate slider"))


def test_next_step_button_advances_the_backprop_stepper(lab, page, explained):
    with explained:
        run_all_cells(page, lab.port, LESSONS[0])
        # the graph is inline SVG in an HTML widget (themed by JupyterLab's CSS variables)
        stepper = page.locator(PANEL).locator(".widget-vbox", has=page.locator(
            "svg.studypack-graph")).filter(has=page.locator(
                "button.jupyter-button", has_text=NEXT_STEP_TEXT)).first
        button = stepper.locator("button.jupyter-button", has_text=NEXT_STEP_TEXT).first
        graph = stepper.locator("svg.studypack-graph").first
        button.scroll_into_view_if_needed()
        expect(graph).to_be_visible(timeout=30_000)
        text_before, graph_before = stepper.inner_text(), graph.evaluate("svg => svg.outerHTML")

        button.click()
        expect(stepper).not_to_have_text(text_before, timeout=30_000)
        page.wait_for_function("([svg, before]) => svg.outerHTML !== before",
                               arg=[graph.element_handle(), graph_before], timeout=30_000)


def outermost_widget_with_button(page, text: str):
    """The first top-level widget box (in the open notebook) holding a button labelled `text`."""
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    box = notebook.locator(".widget-vbox", has=page.locator("button.jupyter-button",
                                                           has_text=text)).first
    box.scroll_into_view_if_needed()
    return box


def test_a_flashcard_flips_and_a_rating_moves_on(lab, page, explained):
    with explained:
        run_all_cells(page, lab.port, LESSONS[2])
        deck = outermost_widget_with_button(page, "Flip")
        expect(deck).to_contain_text("Card 1 of", timeout=30_000)
        expect(deck).to_contain_text("Recall the answer")
        deck.locator("button.jupyter-button", has_text="Flip").first.click()
        expect(deck).not_to_contain_text("Recall the answer", timeout=30_000)
        expect(deck).to_contain_text("Good 10 min")  # when each rating would bring the card back
        deck.locator("button.jupyter-button", has_text="Good").first.click()
        expect(deck).to_contain_text("Card 2 of", timeout=30_000)
        expect(deck).to_contain_text("Reviewed today: 1")


def test_notes_math_is_typeset_and_a_notes_quiz_opens(lab, page, explained):
    with explained:
        run_all_cells(page, lab.port, LESSONS[3])
        viewer = outermost_widget_with_button(page, "Next note")
        # MathJax replaced the $...$ of the note with typeset math
        expect(viewer.locator("mjx-container").first).to_be_attached(timeout=60_000)
        practise = viewer.locator("button.jupyter-button", has_text="Practise its").first
        practise.click()
        expect(viewer).to_contain_text("Attempt 1", timeout=30_000)
        expect(viewer.locator("button.jupyter-button", has_text="Check").first).to_be_visible()


# ---- shared by the lesson and widget browser tests (test_browser_*.py) ----

NO_SIDEWAYS_SCROLL = """box => [box, ...box.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
    .map(e => e.className)"""
# parts of a widget that stick out of its notebook cell, left or right
STICKS_OUT = """box => {
    const cell = box.closest('.jp-Cell').getBoundingClientRect();
    return [box, ...box.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > cell.right + 1 || r.left < cell.left - 1);
    }).map(e => e.className || e.tagName);
}"""


def write_output_free_copy(name: str, root: Path) -> None:
    """notebooks/NAME into ROOT with no stored outputs or widget state: a learner's fresh run."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, root / name)


def screenshot(page, widget, name: str, tmp_path: Path) -> None:
    """The page with `widget` in view, to $STUDYPACK_SCREENSHOT_DIR (to look at) or tmp_path."""
    folder = Path(os.environ.get("STUDYPACK_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    widget.scroll_into_view_if_needed()
    page.screenshot(path=folder / f"{name}.png")


def look_at_both_widths(page, widget, name: str, tmp_path: Path,
                        within_the_cell: bool = True) -> None:
    """At 1440 and 1024 wide: nothing in `widget` scrolls sideways (nor, by default, sticks out
    of its cell); a screenshot of each."""
    for width, height in ((1440, 900), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)  # JupyterLab re-lays out the panels
        assert widget.evaluate(NO_SIDEWAYS_SCROLL) == [], width
        if within_the_cell:
            assert widget.evaluate(STICKS_OUT) == [], width
        screenshot(page, widget, f"{name}-{width}", tmp_path)
    page.set_viewport_size({"width": 1440, "height": 900})


# ---- many notebooks in one page (test_browser_screens.py, benchmarks/bench_browser.py) ----

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
FILE_BROWSER_OPEN = "() => document.querySelector('#filebrowser')?.checkVisibility() === true"
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def open_from_file_browser(page, name: str) -> None:
    """Open `name` (or bring its tab to the front) by a double click in the file browser."""
    page.locator(".jp-DirListing-content").get_by_text(name, exact=True).dblclick()
    page.wait_for_function(NOTEBOOK_IS_CURRENT, arg=name, timeout=30_000)


def run_all_in_tabs(page, port: int, names: list[str]) -> None:
    """Open JupyterLab, then every notebook of `names` in a tab of its own from the file
    browser, and run all its cells. Run All starts in each notebook as soon as its kernel
    is ready, while the next one opens; returns when every cell of every notebook has run
    and each kernel is idle. Fails on a traceback in any of them."""
    page.goto(f"http://127.0.0.1:{port}/lab?reset&token={TOKEN}")
    page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
    for name in names:
        open_from_file_browser(page, name)
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        page.click('.lm-MenuBar-itemLabel:text-is("Run")')
        page.click(RUN_ALL_ENABLED)
    for name in names:
        open_from_file_browser(page, name)
        try:
            page.wait_for_function(ALL_CELLS_RAN, timeout=300_000)
            page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        except PlaywrightTimeout:
            raise AssertionError(f"not every cell of {name} ran: "
                                 f"{page.evaluate(CELL_STATES)}") from None
        errors = page.locator(f"{PANEL} .jp-RenderedText[data-mime-type="
                              "'application/vnd.jupyter.stderr']").filter(has_text="Traceback")
        assert not errors.count(), f"{name}: {errors.first.inner_text()}"
