"""Move the inputs of an expression and watch its computational graph and gradients change."""
from __future__ import annotations

import math
from html import escape
from typing import Callable, Mapping

import ipywidgets as widgets

from studypack import Value
from studypack.viz.graph import GraphDrawing, HtmlCell, format_number, graph_view_html, table_html
from studypack.widgets.backprop_stepper import graph_widget
from studypack.widgets.look import RIGHT, WRONG, RunHint, verdict_html

FINITE_DIFFERENCE_STEP = 1e-6
AGREEMENT = 1e-4  # relative difference under which two gradients count as the same


class GraphExplorer(RunHint, widgets.VBox):
    """One slider per input of `function`; every change rebuilds the expression with the
    engine, runs backward() and redraws the graph with each node's value and gradient.

    `function` takes Values positionally, in the order of `inputs` (name -> start value),
    and returns a Value. A table compares each input's gradient from the engine with a
    central finite difference, and with `hand_derivatives[name](*numbers)` (formulas you
    derived by hand, called with plain floats in the same order) where given.
    """

    run_hint = "the graph explorer"

    def __init__(self, function: Callable, inputs: Mapping[str, float],
                 hand_derivatives: Mapping[str, Callable] | None = None,
                 limits: tuple[float, float] = (-4.0, 4.0), output_label: str = "L"):
        if not inputs:
            raise ValueError("GraphExplorer needs at least one input, e.g. {'a': 2.0}")
        self.function = function
        self.hand_derivatives = dict(hand_derivatives or {})
        self.output_label = output_label
        self.output = None       # the latest expression (a Value), or None if undefined there
        self.gradients = {}      # input name -> engine's gradient
        self.finite_differences = {}
        self.hand_gradients = {}
        self.sliders = {
            name: widgets.FloatSlider(
                value=start, min=min(limits[0], start), max=max(limits[1], start), step=0.01,
                description=name, continuous_update=True, readout_format=".2f")
            for name, start in inputs.items()}
        self.status = widgets.HTML()
        self.graph_view = graph_widget()
        self.comparison_table = widgets.HTML()
        for slider in self.sliders.values():
            slider.observe(self._update, names="value")
        super().__init__([widgets.HBox(list(self.sliders.values()),
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.status, self.graph_view, self.comparison_table])
        self._update()

    def _evaluate(self, numbers: dict) -> tuple[dict, Value]:
        """The inputs as labelled Values (name -> Value) and the function's result."""
        leaves = {name: Value(x, label=name) for name, x in numbers.items()}
        output = self.function(*leaves.values())
        if not isinstance(output, Value):
            raise TypeError(f"GraphExplorer: the function must return a Value, "
                            f"got {type(output).__name__}")
        return leaves, output

    def _central_difference(self, numbers: dict, name: str) -> float:
        """(f(x + h) - f(x - h)) / 2h, with h scaled to the size of x."""
        h = FINITE_DIFFERENCE_STEP * max(1.0, abs(numbers[name]))
        _, up = self._evaluate({**numbers, name: numbers[name] + h})
        _, down = self._evaluate({**numbers, name: numbers[name] - h})
        return (up.data - down.data) / (2 * h)

    def _update(self, _change=None) -> None:
        numbers = {name: slider.value for name, slider in self.sliders.items()}
        at = ", ".join(f"{name} = {x:.4g}" for name, x in numbers.items())
        try:
            leaves, output = self._evaluate(numbers)
            if not output.label:
                output.label = self.output_label
            output.backward()
            gradients = {name: leaf.grad for name, leaf in leaves.items()}
            finite = {name: self._central_difference(numbers, name) for name in numbers}
            hand = {name: float(formula(*numbers.values()))
                    for name, formula in self.hand_derivatives.items()}
        except (ArithmeticError, ValueError) as error:  # e.g. log of a negative number
            self.output, self.gradients = None, {}
            self.finite_differences, self.hand_gradients = {}, {}
            self.status.value = escape(f"⚠ undefined at {at}: {error} (the graph shows the "
                                       f"last point where it was defined)")
            self.comparison_table.value = ""
            return
        self.output, self.gradients = output, gradients
        self.finite_differences, self.hand_gradients = finite, hand
        self.status.value = escape(f"{output.name} = {format_number(output.data)} at {at}")
        self.graph_view.value = graph_view_html(GraphDrawing(output))
        self.comparison_table.value = self._table()

    def _table(self) -> str:
        headers = ["input", f"∂{self.output.name}/∂input: engine", "finite difference"]
        if self.hand_gradients:
            headers.append("by hand")
        headers.append("agree?")
        rows = []
        for name, engine in self.gradients.items():
            finite, hand = self.finite_differences[name], self.hand_gradients.get(name)
            row = [name, format_number(engine), format_number(finite)]
            if self.hand_gradients:
                row.append("" if hand is None else format_number(hand))
            others = [finite] if hand is None else [finite, hand]
            agree = all(math.isclose(engine, other, rel_tol=AGREEMENT, abs_tol=AGREEMENT)
                        for other in others)
            row.append(HtmlCell(verdict_html(RIGHT, "agree") if agree
                                else verdict_html(WRONG, "differ")))
            rows.append(row)
        return table_html(headers, rows)

