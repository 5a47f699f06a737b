"""Real browser: every lesson and study notebook, at 1440×900 and 1024×768, light and dark.

One JupyterLab server and one Chromium page for the module. Every notebook in notebooks/ is
served as an output-free copy, opened from JupyterLab's file browser (which stays open, as
JupyterLab starts) and run once (Run ▸ Run All Cells). Then, for each theme (switched live
through Settings ▸ Theme) and each window size, every widget of every notebook is looked at
as the learner sees it:
- nothing inside a widget scrolls (or is cut) sideways, nor sticks out of its cell;
- no button, label, toggle button, dropdown, slider description or readout has its text cut
  off (wider than its box, with or without an ellipsis);
- no plot `<img>` is shown larger than its pixels;
- every visible text inside a widget has a contrast of at least 3:1 with what is behind it
  (its colour and opacity, against the backgrounds of its ancestors; SVG text against the
  shape under it; text in images is not read).
A screenshot per notebook, width and theme (NAME-WIDTH-THEME.png, the first widget at the
top of the window; with STUDYPACK_SCREENSHOTS=every-widget one per widget, NAME-WIDTH-THEME-N)
goes to $STUDYPACK_SCREENSHOT_DIR (else pytest's tmp folder), with problems.txt listing every
problem found. Each problem names the
notebook, width, theme, cell and element (tag, classes, text).

Lesson 03's backprop stepper: at both widths, Next through every step of the 9-step neuron
and of the 2-layer net; the active node (`.active-node`) and edge (`.active-edge`) of the
graph (`svg.studypack-graph` in an HTML widget) must lie inside the graph widget's visible
box at every step. Predict mode: Check on an empty box says "Type a number first" and
advances nothing; a wrong number submitted with Enter gets a red ✘ verdict naming what was
typed.

Disabled controls are exempt from the contrast check (WCAG: inactive components); hidden
elements and invisible text (transparent, opacity 0, display none) are not looked at.
"""
from __future__ import annotations

import base64
import io
import os
import re
import time
from pathlib import Path

import pytest
from test_browser import (FILE_BROWSER_OPEN, KERNEL_IDLE, NOTEBOOKS, PANEL, TWO_FRAMES,
                          browser_page, explained_failure, open_from_file_browser,
                          run_all_in_tabs, running_lab, write_output_free_copy)

from PIL import Image as PILImage  # noqa: E402 (after the skip in test_browser)
from playwright.sync_api import expect  # noqa: E402

from studypack.content.interface_text import interface_text

pytestmark = pytest.mark.browser

NOTEBOOK_NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
SIZES = ((1440, 900), (1024, 768))
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
STEPPER_LESSON = "03_backward_pass_step_by_step.ipynb"
NEURON_CELL = "stepper = BackpropStepper(o)"
NETWORK_CELL = "network_stepper = BackpropStepper(L)"
MIN_CONTRAST = 3.0
NOTE = "(note, not a failure) "  # what CHECK_WIDGETS reports without failing the test
WRONG_GUESS = "-123.5"
# the top-level view of every widget a cell displays
WIDGETS = f"{PANEL} .jp-OutputArea-output > .jupyter-widgets"

TOP_WIDGETS = (f"[...document.querySelectorAll('{WIDGETS}')]"
               ".filter(box => !box.parentElement.closest('.jupyter-widgets'))")
IMAGES_LOADED = f"""() => [...document.querySelectorAll('{WIDGETS} img')]
    .every(img => img.complete)"""
THEME_IS = """light => document.body.dataset.jpThemeLight === String(light) && (() => {
    const probe = document.querySelector('.jp-Notebook');
    const [r, g, b] = getComputedStyle(probe).backgroundColor.match(/[\\d.]+/g).map(Number);
    return (r + g + b > 382) === light;
})()"""

# Looks at every top-level widget of the open notebook; returns one object per problem.
CHECK_WIDGETS = """([minContrast, NOTE]) => {
const problems = [];
const parse = text => {
    const m = /^rgba?\\(([^)]*)\\)$/.exec(text.trim());
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3]));
const luminance = rgb => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const css = rgb => `rgb(${rgb.map(Math.round).join(',')})`;
const describe = e => {
    const raw = typeof e.className === 'string' ? e.className : (e.getAttribute('class') || '');
    const classes = raw.split(/\\s+/).filter(c => c && !/^(lm-|p-|jupyter-widgets$)/.test(c));
    const text = (e.innerText ?? e.textContent ?? '').replace(/\\s+/g, ' ').trim();
    return `<${e.tagName.toLowerCase()}${classes.map(c => '.' + c).join('')}>` +
        (text ? ` "${text.length > 60 ? text.slice(0, 60) + '…' : text}"` : '');
};
const visible = e => e.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && e.getClientRects().length > 0;
const intersect = (a, b) => ({left: Math.max(a.left, b.left), right: Math.min(a.right, b.right),
                              top: Math.max(a.top, b.top), bottom: Math.min(a.bottom, b.bottom)});
// the colour behind an HTML element: its ancestors' backgrounds, composed; null = unknown
const background = e => {
    const layers = [];
    for (let a = e; a; a = a.parentElement) {
        const style = getComputedStyle(a);
        const icon = a.tagName === 'SELECT' && /^url\\(/.test(style.backgroundImage);  // the arrow
        if (style.backgroundImage !== 'none' && !icon) return null;
        const colour = parse(style.backgroundColor);
        if (!colour) return null;
        if (colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    return layers.reverse().reduce((base, layer) => over(layer, base), [255, 255, 255]);
};
const opacity = e => { let o = 1; for (let a = e; a; a = a.parentElement) o *= Number(getComputedStyle(a).opacity); return o; };
// the colour behind SVG text: the last filled shape drawn before it under its centre
const svgBackground = (text, rect) => {
    const svg = text.ownerSVGElement;
    let behind = background(svg);
    if (!behind) return null;
    const centre = new DOMPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    for (const shape of svg.querySelectorAll('rect, circle, ellipse, polygon, path')) {
        if (!(shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
        if (shape.contains(text)) continue;
        const style = getComputedStyle(shape);
        if (style.fill === 'none' || style.display === 'none' || style.visibility === 'hidden') continue;
        const matrix = shape.getScreenCTM();
        if (!matrix || !shape.isPointInFill(centre.matrixTransform(matrix.inverse()))) continue;
        const fill = parse(style.fill);
        if (!fill) return null;  // a gradient or pattern
        fill[3] *= Number(style.fillOpacity) * opacity(shape);
        behind = over(fill, behind);
    }
    return behind;
};
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
const boxes = [...panel.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets')]
    .filter(box => !box.parentElement.closest('.jupyter-widgets'));  // not one shown inside another
for (const box of boxes) {
    const cell = box.closest('.jp-Cell');
    const prompt = (cell.querySelector('.jp-InputPrompt')?.textContent || '').trim();
    const where = {cell: prompt || '[ ]', widget: describe(box).split(' ')[0]};
    const report = (check, element, detail) => problems.push({...where, check, element: describe(element), detail});
    if (!visible(box)) continue;
    const cellBox = cell.getBoundingClientRect();
    const cutText = new Set();
    // cut-off text: named controls, and anything drawn with an ellipsis
    const named = 'button, .widget-label, label.widget-label, .widget-toggle-button, .widget-readout, .widget-dropdown select';
    for (const e of box.querySelectorAll('*')) {
        if (!(e instanceof HTMLElement) || !visible(e) || !e.textContent.trim()) continue;
        const style = getComputedStyle(e);
        if (!e.matches(named) && style.textOverflow !== 'ellipsis') continue;
        if (e.tagName === 'SELECT') {
            const option = e.options[e.selectedIndex];
            if (!option) continue;
            const context = document.createElement('canvas').getContext('2d');
            context.font = style.font;
            const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            const needed = context.measureText(option.text).width;
            if (needed > room + 1) { report('text cut off', e, `"${option.text}" needs ${Math.ceil(needed)} px, has ${Math.floor(room)} px`); cutText.add(e); }
        } else if (e.scrollWidth > e.clientWidth + 1) {
            report('text cut off', e, `needs ${e.scrollWidth} px, has ${e.clientWidth} px`);
            cutText.add(e);
        }
    }
    // sideways scrolling (or clipping) inside the widget
    for (const e of [box, ...box.querySelectorAll('*')]) {
        if (cutText.has(e) || !(e instanceof HTMLElement) || !visible(e)) continue;
        const overflow = getComputedStyle(e).overflowX;
        if (overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1) {
            const inner = e.getBoundingClientRect().left + e.clientLeft + e.clientWidth;
            const past = c => visible(c)
                && c.getBoundingClientRect().right + parseFloat(getComputedStyle(c).marginRight) > inner + 1;
            const parts = [...e.querySelectorAll('*')];
            const textPast = () => {  // text running past the edge, with no element of its own
                const texts = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
                for (let t = texts.nextNode(); t; t = texts.nextNode()) {
                    if (t.parentElement.closest('mjx-assistive-mml') || !visible(t.parentElement)) continue;
                    const range = document.createRange();
                    range.selectNodeContents(t);
                    if ([...range.getClientRects()].some(r => r.width > 0 && r.right > inner + 1)) return t.parentElement;
                }
                return null;
            };
            const wide = parts.find(c => past(c) && !c.closest('mjx-assistive-mml')) || textPast();
            // MathJax's hidden copy for screen readers is invisible, but it makes the box scroll
            const speech = wide ? null : parts.find(c => past(c) && c.matches('mjx-assistive-mml'));
            // hidden or clipped: only what can be seen is lost (a scroller shows a scrollbar)
            if (!wide && /hidden|clip/.test(overflow)) continue;
            report('scrolls or is cut sideways', e, `content ${e.scrollWidth} px in a ${e.clientWidth} px box` +
                (wide ? `; first part past its edge: ${describe(wide).slice(0, 90)}` : '') +
                (speech ? `; past its edge: the hidden speech text (mjx-assistive-mml) of the formula ` +
                          `"${speech.textContent.trim().slice(0, 40)}"` : ''));
        }
    }
    // what is shown (inside its clipping ancestors) must stay inside the cell
    const walk = (e, clip) => {
        if (!visible(e)) return;
        const own = e.getBoundingClientRect();
        const shown = intersect(own, clip);
        if (shown.right > shown.left && (shown.right > cellBox.right + 1 || shown.left < cellBox.left - 1)) {
            report('sticks out of its cell', e, `shown from x=${Math.round(shown.left)} to ${Math.round(shown.right)}, the cell from ${Math.round(cellBox.left)} to ${Math.round(cellBox.right)}`);
            return;  // its children are part of it
        }
        const inner = getComputedStyle(e).overflowX !== 'visible' ? intersect(clip, own) : clip;
        for (const child of e.children) walk(child, inner);
    };
    walk(box, {left: -1e9, right: 1e9, top: -1e9, bottom: 1e9});
    // plots: never shown larger than their pixels
    for (const img of box.querySelectorAll('img')) {
        if (!visible(img) || /^data:image\\/svg|\\.svg($|\\?)/.test(img.src)) continue;
        if (!img.naturalWidth) { report('image not shown', img, 'no pixels decoded'); continue; }
        const style = getComputedStyle(img);
        const shownWidth = img.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (shownWidth > img.naturalWidth + 0.5) {
            report('plot shown larger than its pixels', img, `${Math.round(shownWidth)} px wide from ${img.naturalWidth} px`);
        } else if (shownWidth > 0.75 * img.naturalWidth) {  // look.plot_image shows half
            report(NOTE + 'plot not drawn at about twice its shown size', img, `${Math.round(shownWidth)} px wide from ${img.naturalWidth} px`);
        }
    }
    // contrast of every visible text
    const checked = new Set();
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node);
    const fields = [...box.querySelectorAll('input[type=text], input[type=number], textarea, select')]
        .filter(e => (e.value || '').trim());
    for (const item of [...texts, ...fields]) {
        const isField = item.nodeType === Node.ELEMENT_NODE;
        const e = isField ? item : item.parentElement;
        if (!isField && !/\\S/.test(item.textContent)) continue;
        if (checked.has(e) || !visible(e)) continue;
        if (e.closest('mjx-assistive-mml, option, script, style')) continue;
        if (e.closest(':disabled, [disabled], .mod-disabled')) continue;  // inactive: exempt
        let rect;
        if (isField) rect = e.getBoundingClientRect();
        else {
            const range = document.createRange();
            range.selectNodeContents(item);
            rect = [...range.getClientRects()].find(r => r.width > 1 && r.height > 1);
            if (!rect) continue;  // no box of its own: clipped to nothing or collapsed
        }
        checked.add(e);
        const style = getComputedStyle(e);
        const inSvg = e instanceof SVGElement;
        const colour = parse(inSvg ? style.fill : style.color);
        if (!colour) continue;  // 'none', a gradient or a pattern: not text colour we can read
        colour[3] *= opacity(e) * (inSvg ? Number(style.fillOpacity) : 1);
        if (colour[3] <= 0.01) continue;  // invisible text
        const behind = inSvg ? svgBackground(e, rect) : background(e);
        if (!behind) continue;  // on a picture or gradient: unknown
        const shown = over(colour, behind);
        const contrast = ratio(shown, behind);
        if (contrast < minContrast) {
            report('low contrast', e, `${contrast.toFixed(2)}:1, ${css(shown)} on ${css(behind)}`);
        }
    }
}
return problems;
}"""

# Where the stepper's active node and edge are, against the graph widget's visible box.
ACTIVE_IN_VIEW = """box => {
    const svg = box.querySelector('svg.studypack-graph');
    if (!svg) return {missing: 'no svg.studypack-graph in the stepper'};
    const widget = svg.closest('.widget-html') || svg.closest('.jupyter-widgets');
    let view = widget.getBoundingClientRect();
    view = {left: view.left, right: view.right, top: view.top, bottom: view.bottom};
    for (let a = svg.parentElement; a && !a.classList.contains('jp-Cell'); a = a.parentElement) {
        const style = getComputedStyle(a);  // an ancestor that clips what it holds
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
            const r = a.getBoundingClientRect();
            view = {left: Math.max(view.left, r.left), right: Math.min(view.right, r.right),
                    top: Math.max(view.top, r.top), bottom: Math.min(view.bottom, r.bottom)};
        }
    }
    const place = cls => {
        const e = svg.querySelector('.' + cls);
        if (!e) return null;
        const r = e.getBoundingClientRect();
        const inside = r.left >= view.left - 1 && r.right <= view.right + 1
            && r.top >= view.top - 1 && r.bottom <= view.bottom + 1;
        return {inside, text: (e.textContent || '').trim().slice(0, 30),
                at: [r.left, r.right, r.top, r.bottom].map(Math.round)};
    };
    return {node: place('active-node'), edge: place('active-edge'),
            view: [view.left, view.right, view.top, view.bottom].map(Math.round)};
}"""
GRAPH_HTML = "box => box.querySelector('svg.studypack-graph')?.outerHTML ?? box.innerHTML"
GRAPH_CHANGED = """([box, before]) =>
    (box.querySelector('svg.studypack-graph')?.outerHTML ?? box.innerHTML) !== before"""
# the innermost element showing a ✘ verdict: its text and colour
WRONG_VERDICT = """box => {
    const marks = [...box.querySelectorAll('*')].filter(e => e.checkVisibility()
        && [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.includes('✘')));
    if (!marks.length) return null;
    const e = marks[0];
    const verdict = e.closest('.widget-html, .jupyter-widgets') || e;
    return {text: verdict.innerText, colour: getComputedStyle(e).color};
}"""


def screenshot_folder(tmp_path_factory) -> Path:
    folder = os.environ.get("STUDYPACK_SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab for the module, serving output-free copies of every notebook. Every cell
    is attached to the page (no windowing), so what is below the fold is laid out too."""
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    for name in NOTEBOOK_NAMES:
        write_output_free_copy(name, root)
    with running_lab(root, home, STUDYPACK_HOME=str(home / "progress"), settings={
            "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"}}) as server:
        yield server


@pytest.fixture(scope="module")
def page(lab):
    with browser_page(lab, width=1440, height=900) as page:
        yield page


@pytest.fixture(scope="module")
def ran(lab, page):
    """Every notebook open in its tab, all its cells run once."""
    started = time.monotonic()
    with explained_failure(page, lab, "screens-run-all"):
        run_all_in_tabs(page, lab.port, NOTEBOOK_NAMES)
    print(f"\nopened and ran {len(NOTEBOOK_NAMES)} notebooks in {time.monotonic() - started:.0f} s")
    return NOTEBOOK_NAMES


def switch_theme(page, theme: str) -> None:
    """Settings ▸ Theme ▸ `theme`, as a learner does; waits until the page is painted in it."""
    page.click('.lm-MenuBar-itemLabel:text-is("Settings")')
    page.hover('.lm-Menu-itemLabel:text-is("Theme")')
    page.click(f'.lm-Menu-itemLabel:text-is("{theme}")')
    page.wait_for_function(THEME_IS, arg=theme == THEMES["light"], timeout=30_000)
    page.evaluate(TWO_FRAMES)


def set_size(page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(300)  # JupyterLab lays its panels out again
    page.evaluate(TWO_FRAMES)


def screenshot_widgets(page, folder: Path, name: str, every: bool) -> list[str]:
    """A screenshot of the window with the open notebook's first widget at the top (`every`:
    one with each top-level widget at the top, NAME-1.png, NAME-2.png, ...)."""
    shots = []
    for index in range(page.evaluate(f"() => {TOP_WIDGETS}.length")):
        if not page.evaluate(f"""index => {{
                const box = {TOP_WIDGETS}[index];
                if (!box.checkVisibility()) return false;
                box.scrollIntoView({{block: 'start'}});
                return true; }}""", index):
            continue
        page.evaluate(TWO_FRAMES)
        path = folder / (f"{name}-{len(shots) + 1}.png" if every else f"{name}.png")
        page.screenshot(path=path)
        shots.append(path.name)
        if not every:
            break
    return shots


def describe(problem: dict, notebook: str, width: int, theme: str) -> str:
    return (f"{notebook} · {width} px · {theme} · cell {problem['cell']} {problem['widget']} · "
            f"{problem['check']}: {problem['element']} ({problem['detail']})")


def tiny_png(width: int) -> str:
    picture = io.BytesIO()
    PILImage.new("RGB", (width, width), "black").save(picture, format="PNG")
    return base64.b64encode(picture.getvalue()).decode()


# one made-up widget with one of each defect (and look-alikes that are none) in a notebook cell
MADE_UP_CELL = f"""<div class="jp-NotebookPanel"><div class="jp-Cell" style="width:400px">
<div class="jp-InputPrompt">[1]:</div><div class="jp-OutputArea-output">
<div class="jupyter-widgets widget-vbox" style="width:380px; background:white; color:black">
  <button class="jupyter-button" style="width:60px; overflow:hidden; text-overflow:ellipsis;
    white-space:nowrap">Review its 9 cards</button>
  <button class="jupyter-button" style="display:none; width:20px; overflow:hidden;
    white-space:nowrap">hidden and too long</button>
  <div class="widget-label" style="width:300px; overflow:hidden; white-space:nowrap">fits</div>
  <div style="overflow:auto; width:100px"><div style="width:300px">too wide</div></div>
  <span style="color:#f57c00">Not done yet</span>
  <span style="color:transparent">invisible</span>
  <button class="jupyter-button" disabled style="opacity:0.4">Disabled</button>
  <img src="data:image/png;base64,{tiny_png(10)}" style="width:40px">
  <svg class="studypack-graph" width="200" height="50"><rect width="200" height="50" fill="#fff"/>
    <rect x="10" y="10" width="80" height="30" fill="#333"/>
    <text x="20" y="30" fill="#444">dim</text><text x="120" y="30" fill="#000">clear</text></svg>
  <div style="overflow:hidden; width:100px; white-space:nowrap">a line of text too long for it</div>
  <div style="overflow:hidden; width:100px; position:relative">short<mjx-assistive-mml
    style="position:absolute; top:0; left:0; width:300px; clip:rect(1px,1px,1px,1px)">speech
    </mjx-assistive-mml></div>
  <div style="width:500px">sticks out</div>
</div></div></div></div>"""


def test_the_checks_find_each_defect_and_nothing_else(page):
    """The checks themselves, on a made-up cell: every defect found, no false alarm (hidden,
    invisible and disabled elements, text that fits, dark text on the light part of an SVG)."""
    made_up = page.context.new_page()
    try:
        made_up.set_content(MADE_UP_CELL)
        found = {(p["check"], p["element"].split(" ", 1)[-1].strip('"'))
                 for p in made_up.evaluate(CHECK_WIDGETS, [MIN_CONTRAST, NOTE])}
    finally:
        made_up.close()
    assert found == {("text cut off", "Review its 9 cards"),
                     ("scrolls or is cut sideways", "too wide"),
                     ("scrolls or is cut sideways", "a line of text too long for it"),
                     ("low contrast", "Not done yet"),
                     ("plot shown larger than its pixels", "<img>"),
                     ("low contrast", "dim"),
                     ("sticks out of its cell", "sticks out")}, found


def test_every_widget_is_readable_at_both_widths_in_both_themes(lab, page, ran, tmp_path_factory):
    folder = screenshot_folder(tmp_path_factory)
    every = os.environ.get("STUDYPACK_SCREENSHOTS") == "every-widget"
    problems, notes, shots, started = [], [], 0, time.monotonic()
    with explained_failure(page, lab, "screens"):
        for theme_name, theme in THEMES.items():
            switch_theme(page, theme)
            for width, height in SIZES:
                set_size(page, width, height)
                for name in ran:
                    open_from_file_browser(page, name)
                    assert page.evaluate(FILE_BROWSER_OPEN), "the file browser was closed"
                    page.evaluate(TWO_FRAMES)
                    page.wait_for_function(IMAGES_LOADED, timeout=30_000)
                    for found in page.evaluate(CHECK_WIDGETS, [MIN_CONTRAST, NOTE]):
                        (notes if found["check"].startswith(NOTE) else problems).append(
                            describe(found, name, width, theme_name))
                    shots += len(screenshot_widgets(
                        page, folder, f"{Path(name).stem}-{width}-{theme_name}", every))
        set_size(page, 1440, 900)
        switch_theme(page, THEMES["light"])
    (folder / "problems.txt").write_text("".join(line + "\n" for line in problems + notes))
    print(f"\nlooked at {len(ran)} notebooks × 2 widths × 2 themes in "
          f"{time.monotonic() - started:.0f} s; {shots} screenshots in {folder}")
    print("\n".join(notes))
    assert not problems, (f"{len(problems)} problems (all in {folder / 'problems.txt'}):\n"
                          + "\n".join(problems))


def stepper(page, cell_source: str):
    cell = page.locator(f"{PANEL} .jp-CodeCell", has_text=cell_source).first
    box = cell.locator(".jp-OutputArea-output > .jupyter-widgets").first
    box.scroll_into_view_if_needed()
    return box


def button(box, text: str):
    return box.locator("button", has_text=text).first


def step_through(page, box, what: str, width: int) -> list[str]:
    """Reset, then Next until the last step; where the active node or edge left the view."""
    lost = []
    button(box, "Reset").click()
    expect(button(box, "Previous")).to_be_disabled(timeout=30_000)
    page.evaluate(TWO_FRAMES)
    step = 0
    while True:
        place = box.evaluate(ACTIVE_IN_VIEW)
        if "missing" in place:
            return [f"{what} at {width} px: {place['missing']}"]
        for part, required in (("node", True), ("edge", step > 0)):
            where = place[part]
            if where is None and required:
                lost.append(f"{what} at {width} px, step {step}: no .active-{part}")
            elif where is not None and not where["inside"]:
                lost.append(f"{what} at {width} px, step {step}: .active-{part} "
                            f"'{where['text']}' at x {where['at'][0]}–{where['at'][1]}, "
                            f"y {where['at'][2]}–{where['at'][3]} is outside the graph's "
                            f"visible box x {place['view'][0]}–{place['view'][1]}, "
                            f"y {place['view'][2]}–{place['view'][3]}")
        next_button = button(box, "Next")
        if next_button.is_disabled():
            break
        assert step < 100, f"{what}: Next never reached the last step"
        before = box.evaluate(GRAPH_HTML)
        next_button.click()
        page.wait_for_function(GRAPH_CHANGED, arg=[box.element_handle(), before], timeout=30_000)
        page.evaluate(TWO_FRAMES)
        step += 1
    assert step > 0, f"{what}: Next did nothing"
    print(f"{what} at {width} px: {step} steps")
    return lost


def test_the_steppers_active_node_and_edge_stay_in_view(lab, page, ran):
    lost = []
    with explained_failure(page, lab, "stepper-in-view"):
        open_from_file_browser(page, STEPPER_LESSON)
        for width, height in SIZES:
            set_size(page, width, height)
            for what, source in ((f"{STEPPER_LESSON} (light): the neuron's stepper", NEURON_CELL),
                                 (f"{STEPPER_LESSON} (light): the 2-layer net's stepper",
                                  NETWORK_CELL)):
                lost += step_through(page, stepper(page, source), what, width)
        set_size(page, 1440, 900)
    assert not lost, "\n".join(lost)


def test_predict_first_refuses_an_empty_box_and_grades_what_was_typed(lab, page, ran):
    first = interface_text()["type a number first"].split(",")[0]  # "Type a number first"
    with explained_failure(page, lab, "stepper-predict"):
        open_from_file_browser(page, STEPPER_LESSON)
        box = stepper(page, NEURON_CELL)
        button(box, "Reset").click()
        toggle = box.locator(".widget-toggle-button", has_text="Predict first").first
        if "mod-active" not in (toggle.get_attribute("class") or ""):
            toggle.click()
        expect(toggle).to_have_class(re.compile(r"\bmod-active\b"), timeout=30_000)
        button(box, "Next").click()
        answer = box.locator(".widget-text input[type=text]").first
        expect(answer).to_be_visible(timeout=30_000)
        expect(answer).to_have_value("")
        before = box.evaluate(GRAPH_HTML)

        button(box, "Check").click()
        expect(box).to_contain_text(first, timeout=30_000)
        page.wait_for_timeout(300)  # anything else the kernel would send with the message
        page.wait_for_function(KERNEL_IDLE, timeout=30_000)
        page.evaluate(TWO_FRAMES)
        assert box.evaluate(GRAPH_HTML) == before, (
            f"{STEPPER_LESSON}: Check on an empty box advanced the neuron's stepper")

        answer.fill(WRONG_GUESS)
        answer.press("Enter")
        page.wait_for_function(
            f"box => box.innerText.includes('✘') && box.innerText.includes('{WRONG_GUESS}')",
            arg=box.element_handle(), timeout=30_000)
        verdict = box.evaluate(WRONG_VERDICT)
        assert verdict and WRONG_GUESS in verdict["text"], (
            f"{STEPPER_LESSON}: the ✘ verdict does not name what was typed ({WRONG_GUESS}): {verdict}")
        red, green, blue = (float(v) for v in verdict["colour"][verdict["colour"].index("(") + 1:-1]
                            .split(",")[:3])
        assert red > green + 60 and red > blue + 60, f"the ✘ verdict is not red: {verdict}"
        toggle.click()  # leave the stepper as the lesson has it
        button(box, "Reset").click()
