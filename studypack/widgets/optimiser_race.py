"""OptimiserRace: SGD, momentum, RMSProp and Adam stepping on the same surface, side by side;
MiniBatchNoise: how far mini-batch gradients scatter around the full gradient.

The race's controls are attributes (`surface_selector`, `enabled[name]`,
`learning_rate_sliders[name]`, `step_button`, `run_button`, `reset_button`) so tests drive it
as a learner would. Running without freezing the kernel, as in the TrainingLab: in Jupyter,
Run starts an asyncio task on the kernel's event loop that takes one step, draws one frame and
sleeps until the next frame is due, which lets the kernel handle a click on Pause or a new
learning rate in between. Where no event loop runs (plain Python), Run runs to the end.
"""
from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets

from studypack.viz.race import (RACERS, SURFACES, NoisePlot, RacePlot, Run, minibatch_gradients,
                                spread)
from studypack.widgets.look import WRONG, RunHint, muted_html, plot_dpi, plot_image, \
    verdict_html
from studypack.widgets.lr_explorer import learning_rate_slider

MAX_STEPS = 200
FRAME_SECONDS = 1 / 30  # Run's pace: one step and one frame every 1/30 s at most
# the race's plot: 7.5 inches shown at most 600 px wide (drawn at 1200), its text ≥ 10 px
# even in a 590-px cell; the noise plot: 4.2 inches shown 420 px wide (drawn at 840)
RACE_INCHES, RACE_CSS_WIDTH = (7.5, 3.3), 600
NOISE_INCHES, NOISE_CSS_WIDTH = (4.2, 3.6), 420
WRAP = dict(flex_flow="row wrap", align_items="center")
WHOLE_BUTTON = dict(width="auto", flex="0 0 auto")  # as wide as its words


class OptimiserRace(RunHint, widgets.VBox):
    """Several optimisers from `studypack.optim` racing on one 2-D surface.

    Each racer has a switch and its own learning-rate slider; changing either replays that
    racer to the current step, so the racers always stand at the same step. Switching the
    surface restarts the race with that surface's suggested learning rates. `runs` holds each
    racer's `Run` (None when switched off), `steps` the step the race is at.
    """

    run_hint = "the optimiser race"

    def __init__(self, surface: str = "ill-conditioned bowl", max_steps: int = MAX_STEPS):
        if surface not in SURFACES:
            raise ValueError(f"surface={surface!r} is not one of {', '.join(map(repr, SURFACES))}")
        self.max_steps = max_steps
        self.surface_selector = widgets.ToggleButtons(
            options=list(SURFACES), value=surface, style={"button_width": "auto"},
            layout=widgets.Layout(width="auto", **WRAP))
        rates = SURFACES[surface].learning_rates
        self.enabled = {r.name: widgets.Checkbox(value=True, description=r.name, indent=False,
                                                 style={"description_width": "initial"},
                                                 layout=widgets.Layout(width="7.5em"))
                        for r in RACERS}
        self.learning_rate_sliders = {r.name: learning_rate_slider(rates[r.name], description="η")
                                      for r in RACERS}
        for slider in self.learning_rate_sliders.values():
            slider.layout = widgets.Layout(width="auto", flex="1 1 200px", max_width="320px")
        self.statuses = {r.name: widgets.HTML() for r in RACERS}
        self.step_button = widgets.Button(description="Step", icon="step-forward",
                                          layout=widgets.Layout(**WHOLE_BUTTON))
        self.run_button = widgets.Button(description="Run", icon="play",
                                         layout=widgets.Layout(**WHOLE_BUTTON))
        self.reset_button = widgets.Button(description="Reset", icon="undo",
                                           layout=widgets.Layout(**WHOLE_BUTTON))
        self.progress = widgets.HTML()
        # one plot per surface, each with its contours drawn once: switching is quick too
        dpi = plot_dpi(RACE_INCHES[0], RACE_CSS_WIDTH)
        self.plots = {name: RacePlot(surface, max_steps=max_steps, width=RACE_INCHES[0],
                                     height=RACE_INCHES[1], dpi=dpi)
                      for name, surface in SURFACES.items()}
        self.image = plot_image(self.plots[surface].fast.pixel_size[0])
        self.runs, self.steps = {}, 0
        self._task = None  # the Run task, while it runs
        self._quiet = False  # True while a new surface sets every slider: one reset, no replays

        rows = [widgets.HBox([_swatch(r.colour), self.enabled[r.name],
                              self.learning_rate_sliders[r.name], self.statuses[r.name]],
                             layout=widgets.Layout(**WRAP)) for r in RACERS]
        buttons = widgets.HBox([self.step_button, self.run_button, self.reset_button,
                                self.progress], layout=widgets.Layout(**WRAP))
        super().__init__([self.surface_selector, *rows, buttons, self.image])

        self.surface_selector.observe(self._surface_changed, names="value")
        for racer in RACERS:
            for control in (self.enabled[racer.name], self.learning_rate_sliders[racer.name]):
                control.observe(lambda _, name=racer.name: self._racer_changed(name), names="value")
        self.step_button.on_click(lambda _: self.step())
        self.run_button.on_click(lambda _: self.run())
        self.reset_button.on_click(lambda _: self.reset())
        self.reset()

    @property
    def surface(self):
        return SURFACES[self.surface_selector.value]

    @property
    def running(self) -> bool:
        """True while a Run task is stepping (in Jupyter)."""
        return self._task is not None and not self._task.done()

    @property
    def diverged(self) -> dict:
        """Racer name → whether it diverged (switched-off racers left out)."""
        return {name: run.diverged for name, run in self.runs.items() if run is not None}

    # -- actions ------------------------------------------------------------------------------

    def step(self) -> None:
        """Every racer one step further (the Step button)."""
        if self.steps < self.max_steps and not self.running:
            self._advance(self.steps + 1)

    def run(self) -> None:
        """Run the race to the last step, or pause it if it is running (the Run button)."""
        if self.running:
            self._task.cancel()  # stops at its next await: between two frames
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python): nothing could press Pause anyway
            for _ in self._frames():
                pass
            return
        self._show_running(True)
        self._task = loop.create_task(self._run())

    def reset(self) -> None:
        """Every racer back to the start (the Reset button)."""
        if self.running:
            self._task.cancel()
        self.runs = {r.name: self._new_run(r) for r in RACERS}
        self.steps = 0
        self._draw()

    # -- reactions ----------------------------------------------------------------------------

    def _advance(self, steps: int) -> None:
        for run in self.runs.values():
            if run is not None:
                run.advance_to(steps)
        self.steps = steps
        self._draw()

    def _frames(self):
        """A step and a frame at a time, until the last step or until every racer diverged."""
        while self.steps < self.max_steps and any(
                run is not None and not run.diverged for run in self.runs.values()):
            self._advance(self.steps + 1)
            yield

    async def _run(self) -> None:
        try:
            frame_started = time.perf_counter()
            for _ in self._frames():  # each item: one step taken and drawn
                # let the kernel handle widget messages (Pause, sliders) until the next is due
                await asyncio.sleep(max(0.0, FRAME_SECONDS - (time.perf_counter() - frame_started)))
                frame_started = time.perf_counter()
        finally:
            self._show_running(False)

    def _show_running(self, running: bool) -> None:
        self.run_button.description = "Pause" if running else "Run"
        self.run_button.icon = "pause" if running else "play"
        self.step_button.disabled = running

    def _surface_changed(self, change) -> None:
        rates = self.surface.learning_rates
        self._quiet = True
        try:
            for name, slider in self.learning_rate_sliders.items():
                slider.value = rates[name]
        finally:
            self._quiet = False
        self.reset()

    def _racer_changed(self, name: str) -> None:
        if self._quiet:
            return
        racer = next(r for r in RACERS if r.name == name)
        self.learning_rate_sliders[name].disabled = not self.enabled[name].value
        run = self._new_run(racer)
        if run is not None:
            run.advance_to(self.steps)
        self.runs[name] = run
        self._draw()

    def _new_run(self, racer):
        if not self.enabled[racer.name].value:
            return None
        return Run(self.surface, racer, self.learning_rate_sliders[racer.name].value)

    def _draw(self) -> None:
        self.image.value = self.plots[self.surface.name].png(self.runs, self.steps)
        for racer in RACERS:
            self.statuses[racer.name].value = _status(self.runs[racer.name])
        self.progress.value = f"step {self.steps} of {self.max_steps}"


def _swatch(colour: str) -> widgets.HTML:
    return widgets.HTML(f'<span style="display:inline-block; width:1.4em; height:0.35em; '
                        f'background:{colour}; vertical-align:middle"></span>')


def _status(run) -> str:
    """The racer's state in words: greyed when switched off, red ✘ when it diverged."""
    if run is None:
        return muted_html("switched off")
    if run.diverged:
        return verdict_html(WRONG, run.summary())
    return html.escape(run.summary())


BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)


class MiniBatchNoise(RunHint, widgets.VBox):
    """A batch-size slider over the mini-batch gradients of a dataset's per-example gradients
    (`per_example`, one row (∂/∂w, ∂/∂b) per example): the dots are `draws` mini-batch
    gradients, the star the full gradient; `spread` is their RMS distance from it."""

    run_hint = "the mini-batch noise plot"

    def __init__(self, per_example, batch_size: int = 8, draws: int = 300, seed: int = 0):
        sizes = [b for b in BATCH_SIZES if b < len(per_example)] + [len(per_example)]
        self.per_example, self.draws, self.seed = per_example, draws, seed
        self.batch_size_slider = widgets.SelectionSlider(
            options=sizes, value=batch_size, description="batch size B",
            style={"description_width": "initial"})
        self.status = widgets.HTML()
        self.plot = NoisePlot(per_example, *NOISE_INCHES,
                              dpi=plot_dpi(NOISE_INCHES[0], NOISE_CSS_WIDTH))
        self.image = plot_image(self.plot.fast.pixel_size[0])
        super().__init__([self.batch_size_slider, self.image, self.status])
        self.batch_size_slider.observe(self._update, names="value")
        self._update()

    def _update(self, change=None) -> None:
        size = self.batch_size_slider.value
        self.gradients = minibatch_gradients(self.per_example, size, self.draws, self.seed)
        self.spread = spread(self.gradients, self.plot.full)
        self.image.value = self.plot.png(self.gradients)
        self.status.value = (f"B = {size}: the mini-batch gradients lie on average "
                             f"<b>{self.spread:.3g}</b> from the full gradient "
                             f"(length {float((self.plot.full ** 2).sum() ** 0.5):.3g}).")
