"""How quickly does the learner *see* each control's answer? Event → paint in Chromium.

`bench_widgets.py` times the kernel alone; this script times what a learner feels: JupyterLab
(on loopback, in a temp dir) runs the notebooks in Debian's Chromium, driven by Playwright,
and for every control of every widget it
1. installs a MutationObserver on the widget (changes inside the control itself — a slider's
   handle and readout, a pressed button — are the browser's own and do not count, nor do
   changes to parts the learner cannot see: hidden, or inside an element made invisible);
2. triggers the control as a learner does: a click on a button or toggle, a click on a
   slider's track (alternating between two places), a choice in a dropdown;
3. takes the time of the first input event as the start, and as the end the second
   requestAnimationFrame after a DOM change (the frame that shows it). "first" is the first
   such change; "done" is the last change before the widget stays quiet for 250 ms (an answer
   in several messages — text first, picture later — is done only when all have painted).
Each control is triggered once unmeasured, then `--repeats` times (default 7); the script
prints the median and 90th percentile of both, and "done" median / the 150 ms goal. For the
TrainingLab it also presses Run and counts the frames in which a plot changed while the
network trains (goal ≥ 20 redraws per second).

A control whose answer does not change the page (e.g. Check on an exercise whose verdict is
the same as before) is reported as "no visible change" instead of a time.

Run from the project root (needs `chromium` and Playwright, as the browser tests do):
    python benchmarks/bench_browser.py [--repeats N] [--only SUBSTRING] [--json PATH]
`--only` keeps the controls whose "widget: control" name contains SUBSTRING (case-insensitive),
and opens only their notebooks. A full run takes ~5–10 min on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
try:
    import test_browser as lab_tools  # the browser tests' JupyterLab and Chromium recipe
except BaseException as error:  # pytest.skip() there when Chromium or Playwright is missing
    sys.exit(f"bench_browser: cannot drive a browser here: {error}")

GOAL_MS = 150.0
GOAL_REDRAWS_PER_SECOND = 20.0
QUIET_MS = 250        # an answer is done when the widget stays unchanged this long
NO_CHANGE_MS = 3_000  # no change at all in this long: "no visible change"
RUN_SECONDS = 6.0     # how long a TrainingLab run is watched before Pause
WIDTH, HEIGHT = 1440, 900

INSTALL = """([box, control, ignored]) => {
    const b = window.__bench = {start: null, first: null, last: null, lastChange: null};
    const own = [control, ...ignored].filter(Boolean);  // changes the browser makes by itself
    b.begin = () => { if (b.start === null) b.start = performance.now(); };
    b.types = ['pointerdown', 'mousedown', 'keydown', 'input', 'change', 'click'];
    for (const type of b.types) document.addEventListener(type, b.begin, {capture: true});
    // what the learner cannot see (e.g. the next note, built unseen) is not an answer
    const hidden = node => {
        const element = node.nodeType === 1 ? node : node.parentElement;
        return !element || !element.checkVisibility({visibilityProperty: true});
    };
    // nodes added unseen count as unseen, even into a container that is seen
    const unseen = r => r.type === 'childList' && r.addedNodes.length && !r.removedNodes.length
        ? [...r.addedNodes].every(hidden) : hidden(r.target);
    b.observer = new MutationObserver(records => {
        if (b.start === null
            || records.every(r => unseen(r) || own.some(e => e.contains(r.target)))) return;
        b.lastChange = performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => {
            const now = performance.now();
            if (b.first === null) b.first = now;
            b.last = now;
        }));
    });
    b.observer.observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
SETTLED = """([quiet, patience]) => {
    const b = window.__bench, now = performance.now();
    if (b.start === null) return false;
    if (b.first === null) return now - b.start > patience;  // nothing changed at all
    return b.last >= b.lastChange && now - b.lastChange > quiet;
}"""
RESULT = """() => {
    const b = window.__bench;
    b.observer.disconnect();
    for (const type of b.types) document.removeEventListener(type, b.begin, {capture: true});
    return b.first === null ? null : {first: b.first - b.start, done: b.last - b.start};
}"""
# frames in which a picture of the widget changed, while it runs
COUNT_REDRAWS = """box => {
    const r = window.__redraws = {frames: 0, firstAt: null, lastAt: null, dirty: false, on: true};
    r.observer = new MutationObserver(() => { r.dirty = true; });
    r.observer.observe(box, {subtree: true, childList: true, attributes: true,
                             attributeFilter: ['src', 'd', 'points', 'transform']});
    const frame = () => {
        if (r.dirty) {
            const now = performance.now();
            r.frames++; r.dirty = false;
            if (r.firstAt === null) r.firstAt = now;
            r.lastAt = now;
        }
        if (r.on) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}"""
REDRAWS = """() => {
    const r = window.__redraws;
    r.on = false; r.observer.disconnect();
    const seconds = (r.lastAt - r.firstAt) / 1000;
    return {frames: r.frames, seconds, perSecond: seconds > 0 ? (r.frames - 1) / seconds : null};
}"""


# ---- the controls ------------------------------------------------------------------------

@dataclass
class Control:
    """One control of a widget: how to find it in the widget's box, and how to use it (the
    `repeat`-th time: sliders and menus alternate between two settings). `prepare` runs
    before each use, unmeasured (e.g. a step forward before Reset)."""
    name: str
    find: Callable
    use: Callable
    prepare: Optional[Callable] = None
    ignored: Callable = lambda box: []  # parts of the widget that change by themselves
    after: Optional[Callable] = None  # puts the widget back as it was, unmeasured


def button(text: str, prepare=None, after=None) -> Control:
    return Control(text, lambda box: box.locator("button:visible", has_text=text).first,
                   lambda page, element, repeat: element.click(timeout=10_000), prepare,
                   after=after)


def toggle(text: str, prepare=None) -> Control:
    """A button of a ToggleButtons: the whole group is the control (the browser itself moves
    the highlight from one button to the other)."""
    def find(box):
        return box.locator(".widget-toggle-buttons", has=box.page.locator(
            ".widget-toggle-button", has_text=text)).first

    def use(page, element, repeat):
        element.locator(".widget-toggle-button", has_text=text).first.click()
    return Control(text, find, use, prepare)


def slider(description: str, nth: int = 0, name: str = "") -> Control:
    """The slider whose description starts with `description` (the nth such one)."""
    label = re.compile(rf"^\s*{re.escape(description)}")

    def find(box):
        return box.locator(".widget-slider", has=box.page.locator(
            "label.widget-label", has_text=label)).nth(nth)

    def use(page, element, repeat):
        track = element.locator(".noUi-base")
        bounds = track.bounding_box()
        track.click(position={"x": bounds["width"] * (0.35 if repeat % 2 else 0.65),
                              "y": bounds["height"] / 2})
    return Control(name or f"{description} slider", find, use)


def menu(description: str, choices=(1, 2)) -> Control:
    """A dropdown: choose the option at index choices[0], then choices[1], ..."""
    def find(box):
        return box.locator(".widget-dropdown", has=box.page.locator(
            "label.widget-label", has_text=description)).first

    def use(page, element, repeat):
        element.locator("select").select_option(index=choices[repeat % len(choices)])
    return Control(f"{description} menu", find, use)


def click_if_there(text: str):
    def prepare(page, box, repeat):
        target = box.locator("button:visible", has_text=text).first
        if target.count() and target.is_visible() and target.is_enabled():
            unmeasured(page, box, target, lambda: target.click())
    return prepare


def enabled_else(text: str, other: str):
    """Makes the button `text` usable: if it is disabled (Next at the last example), one
    press on `other` first."""
    def prepare(page, box, repeat):
        target = box.locator("button:visible", has_text=text).first
        if target.count() and target.is_disabled():
            click_if_there(other)(page, box, repeat)
    return prepare


def then(*steps):
    def prepare(page, box, repeat):
        for step in steps:
            step(page, box, repeat)
    return prepare


def predict_on_and_type(page, box, repeat):
    """The stepper waiting for a prediction, with a number typed in."""
    predict = box.locator(".widget-toggle-button", has_text="Predict first").first
    if "mod-active" not in (predict.get_attribute("class") or ""):
        unmeasured(page, box, predict, lambda: predict.click())
    click_if_there("Next")(page, box, repeat)
    box.locator(".widget-text input[type=text], .widget-text input").first.fill("0.5")


def predict_off(page, box, repeat):
    predict = box.locator(".widget-toggle-button", has_text="Predict first").first
    if "mod-active" in (predict.get_attribute("class") or ""):
        unmeasured(page, box, predict, lambda: predict.click())


def answer_the_question(page, box, repeat):
    """Give the quiz's current question an answer: its first choice, or a number."""
    choice = box.locator(".widget-radio-box input[type=radio], .widget-checkbox input").first
    if choice.count() and choice.is_visible():
        choice.check()
        return
    number = box.locator(".widget-text input").first
    if number.count() and number.is_visible():
        number.fill("1")


@dataclass
class Widget:
    name: str
    notebook: str
    cell: str  # a piece of the code of the cell that shows the widget
    controls: list = field(default_factory=list)
    redraws: Optional[Control] = None  # the control that starts an animation, and Pause


WIDGETS = [
    Widget("backprop stepper (2-layer net)", "03_backward_pass_step_by_step.ipynb",
           "network_stepper = BackpropStepper(L)", [
               button("Next"), button("Previous"),
               button("Reset", prepare=click_if_there("Next")),
               button("Check", prepare=predict_on_and_type, after=predict_off)]),
    Widget("neuron explorer", "01_forward_pass_and_loss.ipynb", "explorer = NeuronExplorer()",
           [slider("weight"), slider("bias")]),
    Widget("graph explorer", "02_chain_rule_and_graphs.ipynb", "hand_derivatives=",
           [slider("a", name="a slider"), slider("b", name="b slider")]),
    Widget("learning-rate explorer", "04_gradient_descent_and_learning_rate.ipynb",
           'explorer = LearningRateExplorer(problem="2-D', [
               slider("learning rate"), slider("momentum"), slider("steps"),
               slider("start x"), slider("start y")]),
    Widget("training lab", "05_training_a_network.ipynb", 'lab = TrainingLab(dataset="moons"',
           [button("epoch")], redraws=button("Run")),
    Widget("gradient flow", "06_when_gradients_misbehave.ipynb", "flow = GradientFlowExplorer(",
           [slider("depth"), slider("weight scale")]),
    Widget("layer view", "07_backprop_for_a_whole_layer.ipynb", "LayerView(batch_size=4)",
           [slider("example"), button("Next", prepare=enabled_else("Next", "Previous")),
            button("Previous", prepare=enabled_else("Previous", "Next")), slider("batch size")]),
    Widget("optimiser race", "08_optimisers.ipynb", "race = OptimiserRace()",
           # a new η replays the racer up to the current step: after the Steps, not at step 0
           [button("Reset", prepare=click_if_there("Step")), button("Step")]
           + [slider("η", nth=n, name=f"η slider {n + 1}") for n in range(4)]),
    Widget("mini-batch noise", "08_optimisers.ipynb", "MiniBatchNoise(per_example",
           [slider("batch size")]),
    Widget("flashcards", "flashcards.ipynb", "deck = FlashcardDeck(", [
        button("Flip"), button("Good", prepare=click_if_there("Flip")), menu("topic")]),
    Widget("quiz", "quiz.ipynb", 'quiz_id="practice"', [
        button("Check", prepare=then(click_if_there("Next"), answer_the_question)),
        toggle("all at once", prepare=lambda page, box, repeat: unmeasured(
            page, box, box.locator(".widget-toggle-button", has_text="one at a time").first,
            lambda: box.locator(".widget-toggle-button", has_text="one at a time").first.click())),
        toggle("one at a time", prepare=lambda page, box, repeat: unmeasured(
            page, box, box.locator(".widget-toggle-button", has_text="all at once").first,
            lambda: box.locator(".widget-toggle-button", has_text="all at once").first.click())),
        button("Finish", prepare=click_if_there("New attempt"))]),
    Widget("practice exam", "quiz.ipynb", "Quiz.practice_exam(", [
        Control("Start", lambda box: box.locator("button", has_text="Start").first,
                lambda page, element, repeat: element.click(),
                prepare=then(click_if_there("Finish"), click_if_there("New attempt")),
                ignored=lambda box: [box.locator(".widget-hbox", has=box.page.locator(
                    "button", has_text="Start")).first]),
        Control("Finish", lambda box: box.locator("button", has_text="Finish").first,
                lambda page, element, repeat: element.click(),
                prepare=then(click_if_there("New attempt"), click_if_there("Start")),
                ignored=lambda box: [box.locator(".widget-hbox", has=box.page.locator(
                    "button", has_text="Start")).first])]),
    Widget("notes", "notes.ipynb", "NotesViewer(pack, store)",
           [button("Next note"), button("Previous note")]),
    Widget("exercise", "exercises.ipynb", "exercise.check()", [button("Check")]),
]


# ---- measuring -----------------------------------------------------------------------------

def handles(box, control: Control, element):
    ignored = [locator.element_handle() for locator in control.ignored(box) if locator.count()]
    return [box.element_handle(), element.element_handle(), ignored]


def measure(page, box, control: Control, element, act: Callable[[], None]) -> Optional[dict]:
    """Milliseconds from the input event to the painted first / last change (None: none)."""
    page.evaluate(INSTALL, handles(box, control, element))
    act()
    page.wait_for_function(SETTLED, arg=[QUIET_MS, NO_CHANGE_MS], timeout=NO_CHANGE_MS + 30_000,
                           polling=20)
    return page.evaluate(RESULT)


def unmeasured(page, box, element, act: Callable[[], None]) -> None:
    """Do something and wait until the widget has stopped changing."""
    measure(page, box, Control("", lambda _: element, None), element, act)


def open_widget(page, widget: Widget):
    lab_tools.open_from_file_browser(page, widget.notebook)
    cell = page.locator(f"{lab_tools.PANEL} .jp-CodeCell", has_text=widget.cell).first
    box = cell.locator(".jp-OutputArea-output > .jupyter-widgets").first
    box.scroll_into_view_if_needed()
    return box


def time_control(page, box, control: Control, repeats: int) -> dict:
    timings = []
    for repeat in range(repeats + 1):  # the first one warms caches: not counted
        if control.prepare:
            control.prepare(page, box, repeat)
        element = control.find(box)
        element.scroll_into_view_if_needed(timeout=10_000)
        result = measure(page, box, control, element,
                         lambda: control.use(page, element, repeat))
        if repeat:
            timings.append(result)
        if repeat >= 2 and timings == [None, None]:
            break  # the page does not change: no use trying on
    if control.after:
        control.after(page, box, repeats)
    return summary(timings)


def summary(timings: list) -> dict:
    seen = [t for t in timings if t is not None]
    if not seen:
        return {"repeats": len(timings), "no_change": len(timings)}
    first = sorted(t["first"] for t in seen)
    done = sorted(t["done"] for t in seen)
    return {"repeats": len(timings), "no_change": len(timings) - len(seen),
            "first_median_ms": statistics.median(first), "first_p90_ms": percentile(first, 90),
            "done_median_ms": statistics.median(done), "done_p90_ms": percentile(done, 90),
            "done_median_over_goal": statistics.median(done) / GOAL_MS}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    return values[max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))]


def time_running(page, box, control: Control, repeats: int) -> dict:
    """Run (first answer timed like any control), then redraws per second while it trains,
    watched for RUN_SECONDS; then Pause, and wait until it has stopped."""
    results, rates = [], []
    for repeat in range(repeats):
        element = control.find(box)
        element.scroll_into_view_if_needed()
        page.evaluate(INSTALL, handles(box, control, element))
        box.evaluate(COUNT_REDRAWS)
        element.click()
        page.wait_for_function("() => window.__bench.first !== null", timeout=30_000)
        results.append(page.evaluate("() => ({first: window.__bench.first - window.__bench.start,"
                                     " done: window.__bench.first - window.__bench.start})"))
        page.evaluate(RESULT)
        page.wait_for_timeout(RUN_SECONDS * 1000)
        rates.append(page.evaluate(REDRAWS))
        pause = box.locator("button", has_text="Pause").first
        if pause.count() and pause.is_enabled():
            unmeasured(page, box, pause, lambda: pause.click())
        page.wait_for_function(lab_tools.KERNEL_IDLE, timeout=120_000)
    timed = summary(results)
    per_second = sorted(r["perSecond"] for r in rates if r["perSecond"] is not None)
    timed["redraws_per_second_median"] = statistics.median(per_second) if per_second else 0.0
    timed["redraws"] = rates
    return timed


# ---- the run -------------------------------------------------------------------------------

def selected(only: Optional[str]) -> list[tuple[Widget, list]]:
    chosen = []
    for widget in WIDGETS:
        controls = [c for c in widget.controls + ([widget.redraws] if widget.redraws else [])
                    if not only or only.lower() in f"{widget.name}: {c.name}".lower()]
        if controls:
            chosen.append((widget, controls))
    return chosen


def row(name: str, numbers: dict) -> str:
    if "first_median_ms" not in numbers:
        return f"{name:<48} {'no visible change':>44}"
    flag = "" if numbers["done_median_ms"] <= GOAL_MS else "  over"
    extra = f"  ({numbers['no_change']} of {numbers['repeats']} no change)" if numbers["no_change"] else ""
    line = (f"{name:<48} {numbers['first_median_ms']:7.0f} {numbers['first_p90_ms']:7.0f}"
            f" {numbers['done_median_ms']:8.0f} {numbers['done_p90_ms']:7.0f}"
            f" {numbers['done_median_over_goal']:7.2f}{flag}{extra}")
    if "redraws_per_second_median" in numbers:
        rate = numbers["redraws_per_second_median"]
        line += (f"\n{'':<4}redraws per second while running: {rate:.1f} "
                 f"(goal ≥ {GOAL_REDRAWS_PER_SECOND:g}{'' if rate >= GOAL_REDRAWS_PER_SECOND else ', below'})")
    return line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", help="only controls whose 'widget: control' contains this")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)
    chosen = selected(args.only)
    if not chosen:
        parser.error(f"no control matches {args.only!r}")
    notebooks = sorted({widget.notebook for widget, _ in chosen})
    results, started = {}, time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as folder:
        root, home = Path(folder, "root"), Path(folder, "home")
        root.mkdir(), home.mkdir()
        for name in notebooks:
            lab_tools.write_output_free_copy(name, root)
        with lab_tools.running_lab(root, home, STUDYPACK_HOME=str(home / "progress"), settings={
                "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"}}) as lab, \
                lab_tools.browser_page(lab, WIDTH, HEIGHT) as page:
            lab_tools.run_all_in_tabs(page, lab.port, notebooks)
            print(f"JupyterLab ran {len(notebooks)} notebooks in {time.monotonic() - started:.0f} s;"
                  f" Chromium {page.context.browser.version}, {WIDTH}×{HEIGHT}, "
                  f"{args.repeats} repeats per control\n")
            print(f"{'widget: control':<48} {'first':>7} {'':>7} {'done':>8} {'':>7} {'done/'}")
            print(f"{'':<48} {'median':>7} {'p90':>7} {'median':>8} {'p90':>7} {'150ms'}")
            for widget, controls in chosen:
                box = open_widget(page, widget)
                for control in controls:
                    name = f"{widget.name}: {control.name}"
                    try:
                        if control is widget.redraws:
                            numbers = time_running(page, box, control, min(args.repeats, 3))
                        else:
                            numbers = time_control(page, box, control, args.repeats)
                    except Exception as error:  # one missing control must not end the run
                        numbers = {"error": f"{type(error).__name__}: {str(error).splitlines()[0]}"}
                        print(f"{name:<48} not measured: {numbers['error']}", flush=True)
                    else:
                        print(row(name, numbers), flush=True)
                    results[name] = numbers
    over = [n for n, v in results.items() if v.get("done_median_ms", 0) > GOAL_MS]
    print(f"\n{len(over)} of {len(results)} controls over the {GOAL_MS:g} ms goal (done median)"
          f"{': ' + ', '.join(over) if over else ''}; {time.monotonic() - started:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps({"goal_ms": GOAL_MS, "repeats": args.repeats,
                                         "controls": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
