"""The stepper's camera: at every step, driven by Next, what the step is about is in view.

The graph is inline SVG scaled to the page's width, so whatever lies inside its viewBox is
on screen at any page width; these tests check the viewBox holds the active node (class
`active-node`), the active edge (`active-edge`) and the operand receiving the gradient, for
both of lesson 03's graphs and for a 40-node graph that needs the window to move down too.
"""
import re
import xml.etree.ElementTree as ET

import pytest

from helpers import micrograd_neuron
from studypack import Value
from studypack.viz.graph import CAMERA_WIDTH
from studypack.widgets.backprop_stepper import BackpropStepper
from test_viz_graph import _two_layer_net

SVG = "{http://www.w3.org/2000/svg}"


def lesson_neuron(inputs, weights, bias, name=""):
    """Lesson 03's `neuron`: tanh(i1*w1 + i2*w2 + bias), every node labelled."""
    (i1, i2), (w1, w2) = inputs, weights
    p1 = i1 * w1
    p1.label = f"{i1.label}*{w1.label}"
    p2 = i2 * w2
    p2.label = f"{i2.label}*{w2.label}"
    s = p1 + p2
    s.label = f"s{name}"
    z = s + bias
    z.label = f"z{name}"
    h = z.tanh()
    h.label = f"h{name}"
    return h


def lesson_network():
    """Lesson 03's 2-layer net: 2 inputs, 2 tanh neurons, a tanh output, squared error."""
    x1, x2 = Value(0.9, label="x1"), Value(-1.0, label="x2")
    w11, w12, b1 = Value(0.5, label="w11"), Value(-0.4, label="w12"), Value(0.1, label="b1")
    w21, w22, b2 = Value(0.3, label="w21"), Value(0.8, label="w22"), Value(-0.2, label="b2")
    v1, v2, c = Value(0.7, label="v1"), Value(-0.6, label="v2"), Value(0.05, label="c")
    h1 = lesson_neuron((x1, x2), (w11, w12), b1, "1")
    h2 = lesson_neuron((x1, x2), (w21, w22), b2, "2")
    prediction = lesson_neuron((h1, h2), (v1, v2), c)
    prediction.label = "ŷ"
    error = prediction - Value(1.0, label="y")
    error.label = "ŷ - y"
    loss = error ** 2
    loss.label = "L"
    return loss


GRAPHS = {"lesson 03 neuron": micrograd_neuron, "lesson 03 network": lesson_network,
          "40-node net": lambda: _two_layer_net(hidden=3)}


def shown(stepper):
    """(viewBox, the main svg element) of the stepper's graph as it is on the page."""
    page = ET.fromstring(stepper.graph_view.value)
    svg = page if page.get("class") == "studypack-graph" else next(
        s for s in page.iter(f"{SVG}svg") if s.get("class") == "studypack-graph")
    return tuple(float(v) for v in svg.get("viewBox").split()), svg


def with_class(svg, name):
    return [e for e in svg.iter() if name in e.get("class", "").split()]


def inside(box, view, slack=0.5) -> bool:
    (left, top, right, bottom), (x, y, width, height) = box, view
    return (left >= x - slack and top >= y - slack and right <= x + width + slack
            and bottom <= y + height + slack)


def rect_box(group):
    rect = group.find(f"{SVG}rect")
    x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, x + w, y + h


def path_box(path):
    numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*", path.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("name", GRAPHS)
def test_the_active_node_edge_and_operand_are_in_view_at_every_step(name):
    stepper = BackpropStepper(GRAPHS[name]())
    for count in range(len(stepper.steps) + 1):
        if count:
            stepper.next_button.click()
        view, svg = shown(stepper)
        active, = with_class(svg, "active-node")
        assert inside(rect_box(active), view), (name, count)
        if count == 0:  # the pass starts at the output, marked as the active node
            assert active.find(f"{SVG}title").text == (stepper.root.label or stepper.root.name)
            assert with_class(svg, "active-edge") == []
            continue
        edges = with_class(svg, "active-edge")
        assert edges and all(inside(path_box(edge), view) for edge in edges), (name, count)
        receiver, = with_class(svg, "receiver-node")
        assert receiver.find(f"{SVG}title").text == stepper.shown_step.parent.name
        assert inside(rect_box(receiver), view), (name, count)
    assert "done" in stepper.status.value


def test_wide_graphs_are_seen_through_a_readable_window_that_follows_the_step():
    stepper = BackpropStepper(lesson_network())
    views = set()
    for _ in stepper.steps:
        view, _ = shown(stepper)
        views.add(view[0])
        # 700 units in a ~590 px cell keep 12-unit text at ≥ 10 px at 1024 px wide
        assert view[2] == CAMERA_WIDTH
        stepper.next_button.click()
    assert len(views) > 3  # the window moved
    assert 'class="studypack-graph-overview"' in stepper.graph_view.value


def test_the_window_goes_down_as_well_in_a_tall_graph():
    stepper = BackpropStepper(_two_layer_net(hidden=3))
    tops = set()
    for _ in stepper.steps:
        stepper.next_button.click()
        tops.add(shown(stepper)[0][1])
    assert len(tops) > 1


def test_predict_mode_shows_the_step_to_predict():
    stepper = BackpropStepper(lesson_network())
    stepper.predict_toggle.value = True
    for _ in range(5):
        stepper.next_button.click()  # the question for the next step
        view, svg = shown(stepper)
        active, = with_class(svg, "active-node")
        assert active.find(f"{SVG}title").text == stepper.shown_step.node.name
        assert inside(rect_box(active), view)
        stepper.prediction_box.value = "0"
