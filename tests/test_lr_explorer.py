"""LearningRateExplorer driven through its controls, as a learner would."""
import html
import json
import re
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import png_pixels
from screen_checks import assert_fits_a_narrow_cell, assert_readable_in_a_narrow_cell
from studypack.viz import descent
from studypack.widgets.look import COLOUR, MARK, PARTLY, RIGHT, WRONG
from studypack.widgets.lr_explorer import (LEARNING_RATES, OUTCOME_VERDICTS, LearningRateExplorer,
                                           learning_rate_slider)
from studypack.widgets.training_lab import LEARNING_RATES as TRAINING_LAB_RATES
from studypack.widgets.training_lab import TrainingLab

PARABOLA, BOWL = descent.PARABOLA.name, descent.BOWL.name


@pytest.fixture(scope="module")
def explorer():
    return LearningRateExplorer()




def set_controls(widget, problem=BOWL, learning_rate=0.09, steps=50, momentum=0.0, x=3.0, y=1.5):
    widget.problem_selector.value = problem
    widget.learning_rate_slider.value = learning_rate
    widget.steps_slider.value = steps
    widget.momentum_slider.value = momentum
    widget.start_x_slider.value = x
    widget.start_y_slider.value = y


def test_it_shows_a_plot_and_says_what_happened():
    widget = LearningRateExplorer()
    image = png_pixels(widget.image.value)
    assert (image.sum(axis=2) < 200).any()                   # axes and text are drawn
    assert widget.problem_selector.value == BOWL
    # plain descent on ½(x² + 20y²): x ← 0.91x, y ← -0.8y, independently
    loss = 0.5 * ((3.0 * 0.91 ** 50) ** 2 + 20 * (1.5 * 0.8 ** 50) ** 2)
    assert widget.losses[-1] == pytest.approx(loss, rel=1e-9)
    assert html.unescape(widget.status.value).endswith(
        f"too slow: loss {loss:.2g} after 50 steps, still above 1e-06</b>")


def test_the_learning_rate_slider_reruns_and_redraws(explorer):
    set_controls(explorer)
    before = explorer.image.value
    explorer.learning_rate_slider.value = 0.02
    assert explorer.image.value != before
    assert explorer.losses[-1] == pytest.approx(0.5 * ((3.0 * 0.98 ** 50) ** 2
                                                       + 20 * (1.5 * 0.6 ** 50) ** 2), rel=1e-9)


def test_a_far_too_large_learning_rate_diverges_without_infinities(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=2.0, x=3.0)   # x ← -7x
    assert explorer.diverged
    assert len(explorer.losses) == 4                           # stopped at 18·49³ > 1e6
    assert np.isfinite(explorer.losses).all() and np.isfinite(explorer.path).all()
    assert "diverged after 3 steps: the loss grew past 1e+06" in explorer.status.value
    assert "above the limit" in explorer.threshold.value


def test_the_threshold_is_two_over_the_steepest_curvature(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=0.25)
    assert "$\\lambda_{\\max} = 4$" in explorer.threshold.value
    assert "$\\eta < 2/\\lambda_{\\max} = 0.5$" in explorer.threshold.value
    assert "0.5 \\times 2/\\lambda_{\\max}$, below the limit" in explorer.threshold.value
    explorer.problem_selector.value = BOWL
    assert "$\\lambda_{\\max} = 20$" in explorer.threshold.value
    assert "2/\\lambda_{\\max} = 0.1$" in explorer.threshold.value
    assert "2.5 \\times 2/\\lambda_{\\max}$, above the limit" in explorer.threshold.value
    explorer.momentum_slider.value = 0.5
    assert "$2(1+\\mu)/\\lambda_{\\max} = 0.15$" in explorer.threshold.value
    explorer.learning_rate_slider.value = 0.15
    assert "$\\eta$ is exactly at it." in explorer.threshold.value


def test_at_exactly_two_over_L_the_iterate_bounces_forever(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=0.5, steps=30, x=2.0)
    np.testing.assert_allclose(explorer.path[:, 0], 2.0 * (-1.0) ** np.arange(31))
    assert ("oscillating: x jumped across the minimum in 10 of the last 10 steps; the loss "
            "stays at 8 after 30 steps: neither converging nor diverging" in explorer.status.value)
    assert "exactly at the limit" in explorer.threshold.value


def test_momentum_rescues_a_slow_run_on_the_bowl(explorer):
    set_controls(explorer, learning_rate=0.09, momentum=0.0)
    assert "too slow" in explorer.status.value
    explorer.momentum_slider.value = 0.5      # both axes now shrink by √0.5 per step
    assert "converged" in explorer.status.value
    assert explorer.losses[-1] < 1e-6


def test_steps_and_start_sliders_set_the_run(explorer):
    set_controls(explorer, steps=7, x=-2.0, y=0.5)
    assert len(explorer.losses) == 8 and explorer.path.shape == (8, 2)
    np.testing.assert_allclose(explorer.path[0], [-2.0, 0.5])
    explorer.start_y_slider.value = -1.0
    np.testing.assert_allclose(explorer.path[0], [-2.0, -1.0])


def test_switching_problem_changes_the_drawing_and_disables_y(explorer):
    set_controls(explorer, learning_rate=0.05, x=2.0)
    bowl_image = explorer.image.value
    explorer.problem_selector.value = PARABOLA
    assert explorer.start_y_slider.disabled
    assert explorer.path.shape == (51, 1)
    assert explorer.image.value != bowl_image
    explorer.problem_selector.value = BOWL
    assert not explorer.start_y_slider.disabled
    assert explorer.image.value == bowl_image                 # same run, same picture


def test_problem_names_are_html_escaped(monkeypatch):
    name = "<b>odd</b> & bowl"
    odd_bowl = descent.Quadratic(name, "f", (1.0, 2.0), (4.0, 2.0))
    monkeypatch.setitem(descent.PROBLEMS, name, odd_bowl)
    widget = LearningRateExplorer(problem=name)
    assert "&lt;b&gt;odd&lt;/b&gt; &amp; bowl" in widget.threshold.value
    assert "<b>odd" not in widget.threshold.value


def test_an_unknown_problem_is_named_in_the_error():
    with pytest.raises(ValueError, match="'3-D' is not one of"):
        LearningRateExplorer(problem="3-D")


# --- the learning-rate slider offers exactly the values the lessons name -------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# "$\eta = 0.125, 0.25, 0.375$", "\eta = 0.09", "$\eta$ slowly from 0.05"; not "\eta = 2/\lambda"
NAMED_RATES = re.compile(r"\\eta\s*=\s*(\d+(?:\.\d+)?(?:,\s*\d+(?:\.\d+)?)*)(?![\d./])"
                         r"|\\eta\$?\s+(?:\w+\s+)?from\s+(\d+(?:\.\d+)?)")
NAMED_MOMENTA = re.compile(r"\\mu\s*=\s*(\d+(?:\.\d+)?(?:,\s*\d+(?:\.\d+)?)*)(?![\d./])")


def named_numbers(notebook: str, pattern: re.Pattern) -> set:
    """Every number the notebook's text (Markdown cells) writes in `pattern`'s form."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return {float(number) for match in pattern.finditer(text)
            for group in match.groups() if group for number in group.split(",")}


def rates_given_in_code(notebook: str, widget: str) -> set:
    """The learning_rate=... each `widget(...)` call in the notebook's code starts with."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    calls = re.findall(rf"{widget}\(([^)]*)\)", code)
    return {float(rate) for call in calls
            for rate in re.findall(r"learning_rate=(\d+(?:\.\d+)?)", call)}


def reachable_by_arrow_keys(slider) -> list:
    """The values a browser's slider visits, one arrow key at a time: a SelectionSlider's
    page moves its index over `options` and the kernel gets exactly the option's value."""
    assert isinstance(slider, widgets.SelectionSlider)
    return [value for _, value in slider.options]


def test_both_widgets_use_the_readable_slider():
    assert LearningRateExplorer().learning_rate_slider.options == learning_rate_slider(0.1).options
    lab_slider = TrainingLab().learning_rate_slider
    assert lab_slider.options == learning_rate_slider(0.1, TRAINING_LAB_RATES).options
    assert TRAINING_LAB_RATES[0] == 1e-3 and TRAINING_LAB_RATES[-1] == 10.0


@pytest.mark.parametrize("notebook, widget_class", [
    ("04_gradient_descent_and_learning_rate.ipynb", LearningRateExplorer),
    ("05_training_a_network.ipynb", TrainingLab),
])
def test_every_learning_rate_a_lesson_names_is_on_its_slider(notebook, widget_class):
    named = named_numbers(notebook, NAMED_RATES) | rates_given_in_code(notebook, widget_class.__name__)
    assert len(named) >= 4                      # the pattern does find the lesson's values
    slider = {LearningRateExplorer: lambda: learning_rate_slider(0.1),
              TrainingLab: lambda: learning_rate_slider(0.1, TRAINING_LAB_RATES)}[widget_class]()
    reachable = reachable_by_arrow_keys(slider)
    missing = sorted(rate for rate in named if rate not in reachable)
    assert not missing, f"{notebook} asks for η = {missing}, which its slider cannot show"
    for rate in named:                          # and the readout shows the number as written
        assert slider.options[reachable.index(rate)][0] == f"{rate:g}"


def test_every_momentum_lesson_4_names_is_on_its_slider(explorer):
    named = named_numbers("04_gradient_descent_and_learning_rate.ipynb", NAMED_MOMENTA)
    assert {0.5, 0.9, 0.99} <= named
    slider = explorer.momentum_slider
    for momentum in named:
        steps = (momentum - slider.min) / slider.step
        assert slider.min <= momentum <= slider.max and steps == pytest.approx(round(steps))


def lesson_4_explorer(widget, problem, learning_rate, momentum=0.0):
    """`widget` set as lesson 4's "Explore" cell leaves it (50 steps from (3, 1.5)), then moved
    to `problem`, `learning_rate` and `momentum` by its controls."""
    set_controls(widget)
    widget.problem_selector.value = problem
    widget.momentum_slider.value = momentum
    widget.learning_rate_slider.value = learning_rate
    return widget


@pytest.mark.parametrize("learning_rate, outcome", [
    (0.125, "converged"), (0.25, "converged"), (0.375, "converged"),
    (0.5, "oscillating"), (0.525, "growing")])
def test_lesson_4_exercise_6_the_parabolas_four_regimes(explorer, learning_rate, outcome):
    widget = lesson_4_explorer(explorer, PARABOLA, learning_rate)
    assert widget.run.outcome == outcome
    kind = OUTCOME_VERDICTS[outcome]
    assert widget.status.value.startswith(f'<b style="color:{COLOUR[kind]}">{MARK[kind]} {outcome}')
    if learning_rate == 0.5:                     # 2/λ exactly: bounces at ±3 for ever
        np.testing.assert_array_equal(np.abs(widget.path[:, 0]), 3.0)
        assert "neither converging nor diverging" in widget.status.value
        assert "exactly at the limit" in widget.threshold.value


def test_lesson_4_exercise_1_raising_eta_on_the_bowl_passes_every_regime_in_order(explorer):
    widget = lesson_4_explorer(explorer, BOWL, 0.05)
    slider, order = widget.learning_rate_slider, ["too slow", "oscillating", "growing", "diverged"]
    seen = []
    for index in range(slider.index, slider.options.index(("0.2", 0.2)) + 1):
        slider.index = index                     # what each arrow key does
        if not seen or seen[-1] != widget.run.outcome:
            seen.append(widget.run.outcome)
    assert seen == order
    slider.value = 0.1                           # 2/λ_max: y bounces, x still creeps in
    assert widget.run.outcome == "oscillating"


@pytest.mark.parametrize("learning_rate, momentum, outcome", [
    (0.09, 0.0, "too slow"), (0.09, 0.5, "converged"),   # exercises 2 and 3
    (0.15, 0.0, "diverged"), (0.15, 0.7, "converged")])  # exercise 4
def test_lesson_4_momentum_exercises(explorer, learning_rate, momentum, outcome):
    assert lesson_4_explorer(explorer, BOWL, learning_rate, momentum).run.outcome == outcome


def test_the_slider_grid_is_readable_and_log_spaced():
    rates = np.array(LEARNING_RATES)
    assert rates[0] == 1e-4 and rates[-1] == 10.0
    assert (np.diff(rates) > 0).all()
    assert (rates[1:] / rates[:-1]).max() < 1.17  # no gap larger than 17%
    for rate in LEARNING_RATES:       # each is the float of a decimal of ≤ 3 significant digits
        assert float(f"{rate:g}") == rate and len(f"{rate:g}".strip("0.")) <= 4


@given(st.sampled_from(LEARNING_RATES))
def test_any_grid_value_can_start_the_explorer_and_shows_as_written(rate):
    slider = learning_rate_slider(rate)
    assert slider.value == rate and slider.options[slider.index] == (f"{rate:g}", rate)


@pytest.mark.parametrize("rate, neighbours", [(0.37, "0.35 or 0.375"), (0.501, "0.5 or 0.525"),
                                               (50.0, "10"), (1e-5, "0.0001")])
def test_a_learning_rate_off_the_slider_is_refused_with_its_neighbours(rate, neighbours):
    with pytest.raises(ValueError, match=f"is not on the slider .*: use {neighbours}$"):
        LearningRateExplorer(learning_rate=rate)


def test_it_reads_well_in_both_themes_and_at_1024_pixels(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=0.5)
    assert explorer.status.value.startswith(f'<b style="color:{COLOUR[PARTLY]}">◐ oscillating')
    set_controls(explorer, problem=PARABOLA, learning_rate=0.25)
    assert explorer.status.value.startswith(f'<b style="color:{COLOUR[RIGHT]}">✔ converged')
    set_controls(explorer, problem=PARABOLA, learning_rate=2.0)
    assert explorer.status.value.startswith(f'<b style="color:{COLOUR[WRONG]}">✘ diverged')
    assert "var(--jp-" in COLOUR[WRONG]  # the theme's colours, with a fallback
    assert explorer.problem_selector.style.button_width == "auto"   # whole problem names
    assert explorer.problem_selector.layout.flex_flow == "row wrap"


@pytest.mark.parametrize("problem", [PARABOLA, BOWL])
def test_the_plot_is_drawn_at_twice_its_shown_size_with_readable_text(explorer, problem):
    set_controls(explorer, problem=problem)
    assert_readable_in_a_narrow_cell(explorer.image, explorer.plots[problem].fast.figure)
    assert explorer.image.layout.width == "700px"  # at most 700 px wide on a wide screen


def wrapped_lines(widths, room):
    """How a browser's flex-wrap fills lines: each item on the current line if it fits."""
    lines, used = [[]], 0
    for width in widths:
        if lines[-1] and used + width > room:
            lines.append([])
            used = 0
        lines[-1].append(width)
        used += width
    return lines


def test_the_controls_wrap_into_few_lines_on_a_narrow_page(explorer):
    (row,) = [child for child in explorer.children if isinstance(child, widgets.HBox)]
    assert row.layout.flex_flow == "row wrap"
    widths = []
    for control in row.children:  # each takes its share of a line, none a fixed 300 px
        assert control.layout.width == "auto" and control.layout.flex.startswith("1 1 ")
        widths.append(int(control.layout.flex.split()[-1][:-2]) + 4)  # 2-px margins
    # 1024 px (a 590-px cell): the learning rate on a line of its own, then two by two;
    # 1440 px (~1000): two lines. With the plot, they fit a 768-px-high screen.
    assert [len(line) for line in wrapped_lines(widths, 580)] == [1, 2, 2]
    assert len(wrapped_lines(widths, 1000)) == 2
    assert_fits_a_narrow_cell(explorer)


@pytest.mark.parametrize("steps, axis", [(30, 30), (7, 10), (50, 50), (51, 100), (200, 200),
                                         (1, 10)])
def test_the_step_axis_follows_the_steps_chosen(explorer, steps, axis):
    set_controls(explorer, problem=PARABOLA, learning_rate=0.25)
    before = explorer.image.value
    explorer.steps_slider.value = steps
    assert explorer.plots[PARABOLA].loss_axes.get_xlim() == (0, axis)
    assert len(explorer.losses) == steps + 1
    if steps != 50:
        assert explorer.image.value != before


def test_a_diverged_run_keeps_the_axis_of_the_steps_chosen(explorer):
    set_controls(explorer, problem=PARABOLA, learning_rate=2.0, steps=30)
    assert explorer.diverged and explorer.run.steps_taken < 30
    assert explorer.plots[PARABOLA].loss_axes.get_xlim() == (0, 30)


@pytest.mark.parametrize("problem, entries", [
    (PARABOLA, ["start w₀", "descent steps", "last point"]),
    (BOWL, ["start w₀", "descent steps", "last point", "minimum"])])
def test_the_marks_on_the_function_have_a_legend(explorer, problem, entries):
    (legend,) = explorer.plots[problem].fast.figure.legends
    assert [text.get_text() for text in legend.get_texts()] == entries


def test_a_saved_notebook_shows_a_sentence_not_the_widget_tree(explorer):
    assert repr(explorer) == "Run this cell to start the learning-rate explorer."
