"""GraphExplorer driven through its sliders: graph, gradients, comparison table, errors."""
import math
import xml.etree.ElementTree as ET

import pytest

from studypack.widgets.graph_explorer import GraphExplorer
from studypack.widgets.look import COLOUR, RIGHT, WRONG


def expression(a, b):
    return (a * b + a ** 2).tanh()


def by_hand(a, b):
    """∂L/∂a and ∂L/∂b of L = tanh(ab + a²), derived with the chain rule."""
    slope = 1 - math.tanh(a * b + a * a) ** 2
    return slope * (b + 2 * a), slope * a


HAND = {"a": lambda a, b: by_hand(a, b)[0], "b": lambda a, b: by_hand(a, b)[1]}


def svg_text(explorer) -> str:
    svg = explorer.graph_view.value
    ET.fromstring(svg)  # well-formed
    return svg


def test_one_slider_per_input_starting_at_the_given_values():
    explorer = GraphExplorer(expression, {"a": 2.0, "b": -3.0})
    assert list(explorer.sliders) == ["a", "b"]
    assert explorer.sliders["a"].value == 2.0 and explorer.sliders["b"].value == -3.0
    # the graph is inline SVG, themed by JupyterLab's variables, as wide as the page
    svg = ET.fromstring(svg_text(explorer))
    assert svg.get("class") == "studypack-graph" and svg.get("width") == "100%"
    assert "var(--jp-ui-font-color1" in svg_text(explorer)


def test_initial_values_and_gradients_match_the_chain_rule():
    explorer = GraphExplorer(expression, {"a": 2.0, "b": -3.0}, hand_derivatives=HAND)
    assert explorer.output.data == pytest.approx(math.tanh(-2.0))
    assert "L = -0.964" in explorer.status.value
    expected_a, expected_b = by_hand(2.0, -3.0)
    assert explorer.gradients["a"] == pytest.approx(expected_a, rel=1e-12)
    assert explorer.gradients["b"] == pytest.approx(expected_b, rel=1e-12)
    assert explorer.finite_differences["a"] == pytest.approx(expected_a, rel=1e-6)
    table = explorer.comparison_table.value
    assert table.count("0.07065") == 3 and table.count("0.1413") == 3 and "✘" not in table
    assert table.count("✔ agree") == 2 and table.count(COLOUR[RIGHT]) == 2
    svg = svg_text(explorer)
    assert "<title>a</title>" in svg and ">0.07065</text>" in svg and ">-0.964</text>" in svg


def test_moving_a_slider_rebuilds_and_redraws():
    explorer = GraphExplorer(expression, {"a": 2.0, "b": -3.0}, hand_derivatives=HAND)
    before = explorer.graph_view.value
    explorer.sliders["a"].value = 0.5
    assert explorer.graph_view.value != before
    expected_a, expected_b = by_hand(0.5, -3.0)
    assert explorer.output.data == pytest.approx(math.tanh(0.5 * -3.0 + 0.25))
    assert explorer.gradients["a"] == pytest.approx(expected_a)
    assert explorer.gradients["b"] == pytest.approx(expected_b)
    assert f"{expected_a:.4g}" in explorer.comparison_table.value
    assert f">{expected_b:.4g}</text>" in svg_text(explorer)
    assert "a = 0.5" in explorer.status.value
    explorer.sliders["b"].value = 1.25
    assert explorer.gradients["b"] == pytest.approx(by_hand(0.5, 1.25)[1])


def test_a_wrong_hand_derivative_is_flagged():
    wrong = {"a": lambda a, b: b, "b": HAND["b"]}  # forgot the a² path and the tanh
    explorer = GraphExplorer(expression, {"a": 2.0, "b": -3.0}, hand_derivatives=wrong)
    rows = explorer.comparison_table.value.split("<tr>")[1:]
    assert "✘ differ" in rows[1] and COLOUR[WRONG] in rows[1]
    assert "✔ agree" in rows[2] and COLOUR[RIGHT] in rows[2]


def test_without_hand_derivatives_the_table_has_no_hand_column():
    explorer = GraphExplorer(lambda x: x.exp(), {"x": 1.0})
    assert "by hand" not in explorer.comparison_table.value
    assert explorer.gradients["x"] == pytest.approx(math.e)


def test_an_undefined_point_gives_a_message_and_the_widget_recovers():
    explorer = GraphExplorer(lambda x, y: (x / y).log(), {"x": 1.0, "y": 2.0})
    explorer.sliders["y"].value = 0.0
    assert "undefined" in explorer.status.value and explorer.output is None
    explorer.sliders["y"].value = -1.0  # log of a negative number
    assert "undefined" in explorer.status.value
    explorer.sliders["y"].value = 4.0
    assert explorer.gradients["y"] == pytest.approx(-1 / 4.0)
    assert "undefined" not in explorer.status.value


def test_an_input_the_function_ignores_has_gradient_zero():
    explorer = GraphExplorer(lambda a, b: a * 3.0, {"a": 1.0, "b": 2.0})
    assert explorer.gradients == {"a": 3.0, "b": 0.0}


def test_names_are_escaped():
    explorer = GraphExplorer(lambda p, q: p * q, {"<b>p</b>": 1.0, "q&": 2.0})
    for shown in (explorer.comparison_table.value, explorer.status.value, svg_text(explorer)):
        assert "<b>" not in shown
    assert "&lt;b&gt;p&lt;/b&gt;" in explorer.comparison_table.value
    assert "q&amp;" in explorer.status.value


def test_slider_range_includes_a_start_value_outside_the_limits():
    explorer = GraphExplorer(lambda x: x * x, {"x": 10.0})
    assert explorer.sliders["x"].max >= 10.0 and explorer.sliders["x"].min <= -4.0


def test_a_function_not_returning_a_value_is_a_clear_error():
    with pytest.raises(TypeError, match="must return a Value"):
        GraphExplorer(lambda x: 3.0, {"x": 1.0})
    with pytest.raises(ValueError, match="at least one input"):
        GraphExplorer(lambda: None, {})


def test_before_the_cell_runs_the_notebook_shows_a_sentence():
    assert repr(GraphExplorer(expression, {"a": 2.0, "b": -3.0})) == (
        "Run this cell to start the graph explorer.")
