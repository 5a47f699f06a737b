"""The SVG drawing of a computational graph: content, layout, highlighting, escaping."""
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from helpers import micrograd_neuron as neuron
from studypack import Tensor, Value
from studypack.viz.graph import (CAMERA_HEIGHT, CAMERA_WIDTH, HIGHLIGHT, HtmlCell, GraphDrawing,
                                 camera_window, format_number, graph_svg, graph_view_html,
                                 table_html)

SVG = "{http://www.w3.org/2000/svg}"




def boxes(svg: str) -> dict:
    """name -> (x, y, width, height, texts, attributes of the box's group) for each value."""
    found = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if "sp-node" not in group.get("class", "").split():
            continue
        rect = group.find(f"{SVG}rect")
        texts = [t.text for t in group.iter(f"{SVG}text")]
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        found[group.find(f"{SVG}title").text] = (x, y, w, h, texts, group.attrib)
    return found


def edge_paths(svg: str) -> list:
    """(start point, end point, attributes) of each operand edge (its curve, before the
    arrowhead; the arrows from ops to their results are left out)."""
    result = []
    for path in ET.fromstring(svg).iter(f"{SVG}path"):
        classes = path.get("class", "").split()
        if "sp-edge" not in classes or "sp-link" in classes:
            continue
        curve = path.get("d").rsplit("M", 1)[0]  # the arrowhead is the last subpath
        numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*", curve)]
        result.append(((numbers[0], numbers[1]), (numbers[-2], numbers[-1]), path.attrib))
    return result


def classes(attributes) -> set:
    return set(attributes.get("class", "").split())


def test_every_value_shows_name_data_and_grad_with_4_significant_digits():
    o = neuron()
    o.backward()
    drawn = boxes(graph_svg(o))
    assert set(drawn) == {"x1", "x2", "w1", "w2", "b", "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n", "o"}
    assert drawn["o"][4] == ["o", "data", "0.7071", "grad", "1"]
    assert drawn["b"][4] == ["b", "data", "6.881", "grad", "0.5"]
    assert drawn["x1"][4] == ["x1", "data", "2", "grad", "-1.5"]
    assert drawn["n"][4][2] == f"{o._parents[0].data:.4g}"


def test_ops_are_drawn_as_ovals_with_their_symbols():
    o = neuron()
    root = ET.fromstring(graph_svg(o))
    ovals = list(root.iter(f"{SVG}ellipse"))
    assert len(ovals) == 5  # two products, two sums, one tanh
    symbols = sorted(t.text for t in root.findall(f"{SVG}text"))
    assert symbols == sorted(["×", "×", "+", "+", "tanh"])


def test_leaves_left_output_right_and_operands_left_of_results():
    o = neuron()
    drawn = boxes(graph_svg(o))
    right_edge = {name: x + w for name, (x, _, w, *_) in drawn.items()}
    assert max(right_edge, key=right_edge.get) == "o"
    for result, operands in [("x1*w1", ["x1", "w1"]), ("x2*w2", ["x2", "w2"]),
                             ("n", ["x1*w1 + x2*w2", "b"]), ("o", ["n"])]:
        for operand in operands:
            assert right_edge[operand] < drawn[result][0]
    # the bias sits next to where it is used, not in the inputs' column
    assert drawn["b"][0] == drawn["x1*w1 + x2*w2"][0] > drawn["x1"][0]


def test_boxes_do_not_overlap():
    for root in (neuron(), _two_layer_net()):
        drawn = list(boxes(graph_svg(root)).values())
        for i, (x, y, w, h, *_) in enumerate(drawn):
            for x2, y2, w2, h2, *_ in drawn[i + 1:]:
                overlap_x = x < x2 + w2 and x2 < x + w
                overlap_y = y < y2 + h2 and y2 < y + h
                assert not (overlap_x and overlap_y)


def test_the_neuron_is_drawn_without_crossing_edges():
    # every edge goes from one column to the next: two edges cross iff their ends swap order
    edges = edge_paths(graph_svg(neuron()))
    assert len(edges) == 9
    for (s1, e1, _) in edges:
        for (s2, e2, _) in edges:
            if s1[0] == s2[0] and e1[0] == e2[0] and s1 != s2:
                assert (s1[1] - s2[1]) * (e1[1] - e2[1]) >= 0


def test_first_operand_drawn_above_the_second():
    y, target = Value(0.8, label="y"), Value(1.0, label="target")
    loss = (y - target) ** 2
    drawn = boxes(graph_svg(loss))
    assert drawn["y"][1] < drawn["target"][1]


def test_value_used_twice_gets_two_edges():
    a = Value(3.0, label="a")
    square = a * a
    assert len(edge_paths(graph_svg(square))) == 2


def test_grads_mapping_replaces_grad_and_missing_nodes_show_a_dash():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    c.backward()
    drawn = boxes(graph_svg(c, grads={c: 1.0, a: 123.456}))
    assert drawn["a"][4][-1] == "123.5"
    assert drawn["b"][4][-1] == "—"
    assert "grad" not in boxes(graph_svg(c, show_grad=False))["a"][4]


def test_highlighted_node_edge_and_receiver_stand_out():
    o = neuron()
    n = o._parents[0]
    b = n._parents[1]
    svg = graph_svg(o, highlight_node=n, highlight_edge=(b, n))
    drawn = boxes(svg)
    assert "active-node" in classes(drawn["n"][5])
    assert "receiver-node" in classes(drawn["b"][5])
    assert classes(drawn["x1"][5]) == {"sp-node", "sp-leaf"}
    assert classes(drawn["o"][5]) == {"sp-node", "sp-root"}
    highlighted = [e for e in edge_paths(svg) if "active-edge" in classes(e[2])]
    assert len(highlighted) == 1
    (start, end, attributes), = highlighted
    bx, by, bw, bh, *_ = drawn["b"]
    assert start == pytest.approx((bx + bw, by + bh / 2), abs=0.11)
    assert end[0] < drawn["n"][0]
    root = ET.fromstring(svg)
    assert [e.get("class") for e in root.iter(f"{SVG}ellipse")].count("sp-op active-op") == 1
    assert len([e for e in root.iter() if "active-node" in classes(e.attrib)]) == 1


def test_colours_are_theme_variables_with_fallbacks():
    svg = graph_svg(neuron(), highlight_node=neuron())
    style = ET.fromstring(svg).find(f"{SVG}style").text
    # every colour is a JupyterLab variable (a fallback inside it for an SVG shown as image)
    assert re.findall(r"#[0-9a-f]{3,6}", re.sub(r"var\(--jp-[a-z0-9-]+,\s*#[0-9a-f]+\)", "",
                                               style)) == []
    assert "var(--jp-ui-font-color1" in style and "var(--jp-layout-color1" in style
    assert HIGHLIGHT in style
    assert 'fill="' not in svg and 'stroke="' not in svg  # no colour literal on any element


def test_labels_are_escaped():
    a = Value(1.0, label='<script>alert("x")</script>')
    b = Value(2.0, label="b & c")
    c = a + b
    svg = graph_svg(c)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "b &amp; c" in svg
    names = set(boxes(svg))  # parsed back, the text is the label itself
    assert '<script>alert("x")</script>' in names and "b & c" in names


def test_long_names_are_shortened_with_the_full_name_as_tooltip():
    a = Value(1.0, label="a_very_long_label_for_a_value")
    (_, _, _, _, texts, _), = boxes(graph_svg(a)).values()
    assert texts[0].endswith("…") and len(texts[0]) <= 16


def test_tensor_graphs_show_shapes():
    x = Tensor(np.ones((8, 2)), label="x")
    w = Tensor(np.full((2, 3), 0.5), requires_grad=True, label="W")
    loss = (x @ w).tanh().mean()
    loss.label = "loss"
    loss.backward()
    drawn = boxes(graph_svg(loss))
    assert drawn["x"][4] == ["x", "data", "(8, 2)", "grad", "—"]
    assert drawn["W"][4] == ["W", "data", "(2, 3)", "grad", "(2, 3)"]
    assert drawn["loss"][4][2] == f"{loss.item():.4g}"


def test_a_lone_value_and_a_40_node_graph_are_drawn():
    ET.fromstring(graph_svg(Value(1.0)))
    net = _two_layer_net(hidden=3)
    drawing = GraphDrawing(net)
    assert 30 <= len(drawing.nodes) <= 45
    svg = drawing.svg(highlight_node=net)
    assert len(boxes(svg)) == len(drawing.nodes)
    assert drawing.width > 0 and drawing.height > 0


def test_format_number():
    assert format_number(0.070650824) == "0.07065"
    assert format_number(-3.0) == "-3"
    assert format_number(None) == "—"
    assert format_number(np.array([2.5])) == "2.5"
    assert format_number(np.zeros((3, 4))) == "(3, 4)"


def test_table_html_escapes_cells_and_marks_rows_in_both_themes():
    html = table_html(["name", "value"], [["<b>", "1.5"], ["x", "2"]], {1: HIGHLIGHT})
    assert "&lt;b&gt;" in html and "<b>" not in html
    rows = html.split("<tr")
    assert HIGHLIGHT not in rows[2] and HIGHLIGHT in rows[3]
    # a bar on the left and a faint tint, the text in the theme's colour: no white on pale
    assert f"box-shadow:inset 4px 0 0 {HIGHLIGHT}" in rows[3]
    assert "color:var(--jp-ui-font-color1" in rows[3] and "transparent" in rows[3]
    assert '<td class="number">1.5</td>' in html and "white-space:nowrap" in html
    assert "<i>ok</i>" in table_html(["a"], [[HtmlCell("<i>ok</i>")]])


# ---- the camera --------------------------------------------------------------------------

def test_camera_window_centres_on_the_focus_and_stays_inside_the_graph():
    graph, window = (2000, 400), (700, 480)
    assert camera_window((900, 100, 1100, 200), graph, window) == (650, 0, 700, 400)
    assert camera_window((0, 100, 120, 200), graph, window) == (0, 0, 700, 400)  # left edge
    assert camera_window((1900, 10, 2000, 60), graph, window) == (1300, 0, 700, 400)
    # a focus wider than the window widens it, never beyond the graph
    assert camera_window((100, 0, 1000, 50), graph, window) == (100, 0, 900, 400)
    assert camera_window((-5, 0, 2005, 50), graph, window) == (0, 0, 2000, 400)
    # a tall graph: the window moves down too
    assert camera_window((0, 900, 100, 1000), (2000, 1200), window) == (0, 710, 700, 480)


def test_a_graph_that_fits_is_shown_whole_and_scales_with_the_page():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b + a ** 2).tanh()
    L.label = "L"  # lesson 02's graph
    small = GraphDrawing(L)
    assert small.width <= CAMERA_WIDTH and small.height <= CAMERA_HEIGHT
    html = graph_view_html(small, highlight_node=a)
    svg = ET.fromstring(html)
    assert svg.get("class") == "studypack-graph" and svg.get("width") == "100%"
    assert svg.get("viewBox") == f"0 0 {small.width:.0f} {small.height:.0f}"
    assert "studypack-graph-overview" not in html
    assert len(boxes(html)) == 6


def test_a_wide_graph_gets_a_window_and_an_overview_marking_it():
    net = _two_layer_net()
    drawing = GraphDrawing(net)
    html = graph_view_html(drawing, highlight_node=net)
    view = ET.fromstring(html)
    overview, main = view.findall(f"{SVG}svg")
    assert view.get("class") == "studypack-graph-view"
    assert overview.get("class") == "studypack-graph-overview"
    x, y, w, h = (float(v) for v in main.get("viewBox").split())
    assert (w, h) == (CAMERA_WIDTH, pytest.approx(min(drawing.height, CAMERA_HEIGHT), abs=0.5))
    assert x + w == pytest.approx(drawing.width, abs=0.5)  # the output is at the right end
    window = overview.find(f"{SVG}rect[@class='sp-window']")
    assert [float(window.get(k)) for k in ("x", "y", "width", "height")] == pytest.approx(
        [x, y, w, h], abs=0.6)
    # the overview has a mark per node, the output marked as the active one
    marks = [r.get("class") for r in overview.iter(f"{SVG}rect")]
    assert marks.count("sp-ov-active") == 1 and len(marks) == len(drawing.nodes) + 2
    # boxes far outside the window are left out of the page's update
    assert 0 < len(boxes(html)) < len(drawing.nodes)
    assert len(html) < len(drawing.svg(highlight_node=net))


def test_the_focus_holds_the_node_its_oval_the_edge_and_the_operand():
    o = neuron()
    n = o._parents[0]
    b = n._parents[1]
    drawing = GraphDrawing(o)
    left, top, right, bottom = drawing.focus_box(n, (b, n))
    for node in (n, b):
        x0, y0, x1, y1 = drawing.node_box(node)
        assert left < x0 and top < y0 and x1 < right and y1 < bottom
    assert drawing.node_box(n)[0] < drawing._box_left[drawing.nodes.index(n)]  # the oval


def _two_layer_net(hidden=2):
    """2 inputs -> `hidden` tanh neurons -> 1 tanh output, squared error; elementary ops."""
    rng = np.random.default_rng(0)
    xs = [Value(1.0, label="x1"), Value(-2.0, label="x2")]
    hs = []
    for j in range(hidden):
        z = Value(float(rng.normal()), label=f"b{j}")
        for i, x in enumerate(xs):
            z = z + x * Value(float(rng.normal()), label=f"w{j}{i}")
        hs.append(z.tanh())
    out = Value(0.0, label="c")
    for j, h in enumerate(hs):
        out = out + h * Value(float(rng.normal()), label=f"v{j}")
    loss = (out.tanh() - Value(1.0, label="target")) ** 2
    loss.label = "L"
    return loss
