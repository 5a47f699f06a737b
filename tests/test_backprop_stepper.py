"""BackpropStepper driven through its buttons: state, what is shown, predict mode, escaping."""
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from helpers import micrograd_neuron as neuron
from studypack import Tensor, Value
from studypack.engine import topological_order
from studypack.viz.graph import HIGHLIGHT, RECEIVER
from studypack.widgets.backprop_stepper import BackpropStepper
from studypack.widgets.look import COLOUR, RIGHT, WRONG




def by_label(root) -> dict:
    return {node.label: node for node in topological_order(root)}


def shown_gradients(stepper) -> dict:
    return {node.label: grad for node, grad in stepper.gradients.items()}


def test_starts_at_step_zero_with_only_the_seed_gradient():
    stepper = BackpropStepper(neuron())
    assert stepper.current_step == 0
    assert len(stepper.steps) == 9
    assert "step 0 of 9" in stepper.status.value
    grads = shown_gradients(stepper)
    assert grads.pop("o") == 1.0
    assert set(grads.values()) == {0.0}
    assert stepper.previous_button.disabled and not stepper.next_button.disabled


def test_every_step_matches_the_engine_run_independently():
    stepper = BackpropStepper(neuron())
    reference = neuron()  # a separate graph: the engine's own pass, paused after each step
    nodes = by_label(reference)
    engine_steps = reference.backward_steps()
    for k in range(1, 10):
        engine_step = next(engine_steps)
        stepper.next_button.click()
        assert stepper.current_step == k
        shown = stepper.shown_step
        assert shown.node.label == engine_step.node.label
        assert shown.parent.label == engine_step.parent.label
        for label, grad in shown_gradients(stepper).items():
            assert grad == nodes[label].grad  # bit for bit
    assert "done: all gradients computed" in stepper.status.value
    assert stepper.next_button.disabled
    # the lecture's numbers
    grads = shown_gradients(stepper)
    assert grads["x1"] == pytest.approx(-1.5) and grads["w1"] == pytest.approx(1.0)
    assert grads["x2"] == pytest.approx(0.5) and grads["w2"] == pytest.approx(0.0)
    assert grads["n"] == pytest.approx(0.5)


def test_final_gradients_equal_backward():
    root = neuron()
    stepper = BackpropStepper(root)
    for _ in stepper.steps:
        stepper.next_button.click()
    reference = neuron()
    reference.backward()
    expected = {label: node.grad for label, node in by_label(reference).items()}
    assert shown_gradients(stepper) == expected


def test_each_step_redraws_the_graph_with_the_step_highlighted():
    stepper = BackpropStepper(neuron())
    first = stepper.graph_view.value
    stepper.next_button.click()
    second = stepper.graph_view.value
    assert second != first
    svg = second
    ET.fromstring(svg)  # well-formed
    assert 'class="sp-node active-node"' in svg and 'class="sp-node receiver-node"' in svg
    assert svg.count('class="sp-edge active-edge"') == 1
    # first step: o = tanh(n) passes 1 × (1 - o²) = 0.5 to n
    assert "<title>n</title>" in svg
    assert ">0.5</text>" in svg


def test_rule_panel_shows_upstream_local_and_contribution():
    stepper = BackpropStepper(neuron())
    stepper.next_button.click()  # ∂o/∂n += 1 × 0.5
    text = stepper.rule_panel.value
    assert r"\underset{\text{upstream}}{1}" in text
    assert r"\underset{\text{local}}{0.5} = 0.5" in text
    assert r"\tanh^2(n)" in text
    for _ in range(5):  # ... down to x1*w1 = x1 × w1, whose local derivative for x1 is w1 = -3
        stepper.next_button.click()
    step = stepper.shown_step
    assert (step.node.label, step.parent.label) == ("x1*w1", "x1")
    text = stepper.rule_panel.value
    assert (r"\underset{\text{upstream}}{0.5} \times "
            r"\underset{\text{local}}{(-3)} = -1.5") in text
    assert r"= \mathrm{w1} = -3" in text


def test_previous_and_reset_go_back_without_rerunning_the_engine():
    stepper = BackpropStepper(neuron())
    images, grads = [stepper.graph_view.value], [shown_gradients(stepper)]
    for _ in range(4):
        stepper.next_button.click()
        images.append(stepper.graph_view.value)
        grads.append(shown_gradients(stepper))
    stepper.previous_button.click()
    assert stepper.current_step == 3
    assert stepper.graph_view.value == images[3] and shown_gradients(stepper) == grads[3]
    stepper.reset_button.click()
    assert stepper.current_step == 0
    assert stepper.graph_view.value == images[0] and shown_gradients(stepper) == grads[0]
    stepper.previous_button.click()  # at the start: nothing to undo
    assert stepper.current_step == 0


def test_gradient_table_lists_every_node_and_highlights_the_receiving_one():
    stepper = BackpropStepper(neuron())
    stepper.next_button.click()
    table = stepper.gradient_table.value
    assert table.count("<tr") == 1 + 10
    rows = table.split("</tr>")
    receiving_row, = (row for row in rows if RECEIVER in row)
    assert ">n<" in receiving_row and ">0.5<" in receiving_row
    passing_row, = (row for row in rows if HIGHLIGHT in row)
    assert ">o<" in passing_row
    # readable in the dark theme: the text keeps the theme's colour, the row gets a bar
    assert "color:var(--jp-ui-font-color1" in receiving_row
    assert "box-shadow:inset 4px 0 0" in receiving_row
    assert "background:white" not in table and "#fff" not in table


def test_gradients_from_two_paths_add_up_and_the_panel_says_so():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b + a ** 2).tanh()
    L.label = "L"
    stepper = BackpropStepper(L)
    contributions = []
    for _ in stepper.steps:
        stepper.next_button.click()
        if stepper.shown_step.parent is a:
            contributions.append(stepper.shown_step.contribution)
            after = stepper.gradients[a]
    assert len(contributions) == 2
    assert after == contributions[0] + contributions[1]
    dL_dd = 1 - math.tanh(-2.0) ** 2
    assert after == pytest.approx(dL_dd * (-3.0 + 2 * 2.0))
    assert "contribution 2 of 2" in stepper.rule_panel.value


def test_predict_mode_asks_first_then_reveals():
    stepper = BackpropStepper(neuron())
    stepper.predict_toggle.value = True
    assert stepper._prediction_row.layout.display == "flex"
    stepper.next_button.click()
    assert stepper.awaiting_prediction and stepper.current_step == 0
    assert "predict" in stepper.status.value and "Your turn" in stepper.rule_panel.value
    assert r"\underset" not in stepper.rule_panel.value  # the answer is not shown yet
    assert not stepper.check_button.disabled and stepper.prediction_box.value == ""
    stepper.next_button.click()  # Next again does not skip the question
    assert stepper.current_step == 0
    stepper.prediction_box.value = "0.3"  # the answer is 1 × 0.5
    stepper.check_button.click()
    assert "Not quite" in stepper.feedback.value and "0.5" in stepper.feedback.value
    assert COLOUR[WRONG] in stepper.feedback.value and "✘" in stepper.feedback.value
    assert stepper.current_step == 1 and not stepper.awaiting_prediction
    stepper.next_button.click()  # n = (x1*w1 + x2*w2) + b passes 0.5 × 1 = 0.5 back
    assert stepper.prediction_box.value == ""  # a new question starts with an empty box
    stepper.prediction_box.value = "0,504"  # within 1%, with a decimal comma
    stepper.check_button.click()
    assert "Right" in stepper.feedback.value and "1 of 2" in stepper.feedback.value
    assert COLOUR[RIGHT] in stepper.feedback.value and "✔" in stepper.feedback.value
    assert "(you typed 0,504)" in stepper.feedback.value  # as typed
    assert stepper.current_step == 2


def test_an_empty_box_grades_nothing_and_garbage_says_what_to_type():
    stepper = BackpropStepper(neuron())
    stepper.predict_toggle.value = True
    stepper.next_button.click()
    stepper.check_button.click()  # nothing typed
    assert "Type a number first" in stepper.feedback.value
    assert stepper.awaiting_prediction and stepper.predictions_made == 0
    stepper.prediction_box.value = "half"  # typed, then Enter
    assert "Please type a number" in stepper.feedback.value and "half" in stepper.feedback.value
    assert stepper.awaiting_prediction and stepper.predictions_made == 0
    stepper.prediction_box.value = "   "
    stepper.check_button.click()
    assert "Type a number first" in stepper.feedback.value and stepper.predictions_made == 0


def test_enter_checks_and_the_check_button_after_it_does_not_grade_twice():
    stepper = BackpropStepper(neuron())
    stepper.predict_toggle.value = True
    stepper.next_button.click()
    stepper.prediction_box.value = "1/2"  # Enter (or leaving the box) sends the value: checks
    assert stepper.predictions_made == 1 and stepper.current_step == 1
    verdict = stepper.feedback.value
    assert "Right" in verdict and "(you typed 1/2)" in verdict
    stepper.check_button.click()  # the same answer again: neither graded nor a message
    assert stepper.predictions_made == 1 and stepper.feedback.value == verdict
    stepper.next_button.click()
    stepper.prediction_box.value = "1/2"  # the same text for the next question is graded
    assert stepper.predictions_made == 2 and "2 of 2" in stepper.feedback.value


def test_predict_tolerance_is_absolute_near_zero():
    stepper = BackpropStepper(neuron())
    stepper.predict_toggle.value = True
    while not (stepper.current_step < len(stepper.steps)
               and stepper.steps[stepper.current_step].contribution == 0.0):
        stepper.next_button.click()
        stepper.prediction_box.value = "0"
        stepper.check_button.click()
    stepper.next_button.click()  # a step contributing exactly 0 (w2 gets 0.5 × x2 = 0)
    stepper.prediction_box.value = "0.0009"
    stepper.check_button.click()
    assert "Right" in stepper.feedback.value


def test_odd_predictions_give_a_message_not_an_error():
    stepper = BackpropStepper(neuron())
    stepper.check_button.click()  # nothing asked yet
    assert "Next" in stepper.feedback.value
    stepper.predict_toggle.value = True
    stepper.next_button.click()
    stepper.prediction_box.value = "nan"
    stepper.check_button.click()
    assert "Please type a number" in stepper.feedback.value and stepper.awaiting_prediction
    stepper.predict_toggle.value = False  # switching off cancels the question
    assert not stepper.awaiting_prediction and stepper.current_step == 0
    assert stepper._prediction_row.layout.display == "none"


def test_before_the_cell_runs_the_notebook_shows_a_sentence():
    assert repr(BackpropStepper(neuron())) == "Run this cell to start the backprop stepper."


def test_names_are_escaped_everywhere_they_are_shown():
    a = Value(2.0, label="<script>alert(1)</script>")
    b = Value(3.0, label="b_{1}$")
    c = a * b
    c.label = "<i>c</i>"
    stepper = BackpropStepper(c)
    stepper.next_button.click()
    for shown in (stepper.rule_panel.value, stepper.gradient_table.value, stepper.status.value,
                  stepper.graph_view.value):
        assert "<script>" not in shown and "<i>" not in shown
    assert "&lt;script&gt;" in stepper.rule_panel.value
    assert r"\mathrm{b\_\{1\}\$}" in stepper.rule_panel.value  # LaTeX's specials escaped
    assert ">b_{1}$<" in stepper.gradient_table.value


def test_recording_starts_from_zero_even_after_an_earlier_backward():
    root = neuron()
    root.backward()
    root.backward()  # leaves now hold twice the gradient
    stepper = BackpropStepper(root)
    for _ in stepper.steps:
        stepper.next_button.click()
    assert shown_gradients(stepper)["x1"] == pytest.approx(-1.5)


def test_a_tensor_graph_steps_through_with_shapes():
    x = Tensor(np.array([[1.0, 2.0], [3.0, -1.0]]), label="x")
    w = Tensor(np.array([[0.5], [-0.25]]), requires_grad=True, label="W")
    loss = (x @ w).tanh().mean()
    loss.label = "loss"
    stepper = BackpropStepper(loss)
    assert stepper.predict_toggle.disabled
    for _ in stepper.steps:
        stepper.next_button.click()
    assert "done" in stepper.status.value
    reference_w = Tensor(w.data, requires_grad=True)
    (Tensor(x.data) @ reference_w).tanh().mean().backward()
    np.testing.assert_array_equal(stepper.gradients[w], reference_w.grad)
    assert "(2, 1)" in stepper.graph_view.value


# ---- every op and graph shape can be described and stepped through ----------------------

def _tensor(shape, requires_grad=True, low=0.5):
    size = int(np.prod(shape, dtype=int))
    return Tensor(np.linspace(low, low + 1.5, size).reshape(shape), requires_grad=requires_grad)


def _value_graphs():
    x, y = Value(3.0, label="x"), Value(-2.0, label="y")
    yield "2.0 ** x", 2.0 ** x
    yield "0.0 ** x", 0.0 ** x
    yield "x ** 0 at 0", Value(0.0, label="z") ** 0
    yield "x ** 0.5 at 0", Value(0.0, label="z") ** 0.5
    yield "x ** -1", x ** -1
    yield "x / tiny", x / 1e-170
    yield "x / 0", x / 0.0
    yield "huge power", Value(10.0, label="t") ** 400
    yield "log 0", Value(0.0, label="z").log()
    yield "mix", ((x * y + x ** 2).tanh() - y / x + (-y).exp().log() + x.relu()
                  + y.sigmoid() + x.softplus() + 1.5 ** y)
    yield "neuron", Value.weighted_sum([x, y], [Value(0.5), 2.0], Value(1.0)).tanh()


def _tensor_graphs():
    s = Tensor(2.0, requires_grad=True)  # 0-d
    m = _tensor((2, 3))
    v = _tensor((3,))
    yield "0-d reshape(1)", s.reshape(1).sum()
    yield "0-d [None]", s[None].sum()
    yield "0-d .T", s.T
    yield "0-d .T * 2", s.T * 2.0
    yield "0-d [()]", s[()] * s
    yield "x ** tensor", (v ** _tensor((3,))).sum()
    yield "2.0 ** tensor", (2.0 ** v).sum()
    yield "0.0 ** tensor", (0.0 ** v).sum()
    yield "tensor ** 0", (v ** 0).sum()
    yield "division", (m / v - 1.0 / m).mean()
    yield "negative-axis transpose", (m.transpose(-1, 0) @ v[:2]).sum()
    yield "axis forms", (m.sum(axis=np.int64(-1)).sum() + m.mean(axis=(0, -1))
                         + m.max(axis=[1, 0]) + m.softmax(axis=(0, 1)).sum()
                         + m.log_softmax(axis=np.int64(0)).sum())
    yield "indexing", (m[0, 1:] * m[np.array([1, 1])].sum(axis=0)[:2]).sum()
    yield "matmul and linear", Tensor.linear(m, _tensor((3, 2)), _tensor((2,)),
                                             "tanh").sum()
    yield "functions", (m.exp().log() + m.tanh() + m.relu() + m.sigmoid()
                        + m.softplus() - m).sum()
    yield "a leaf used directly", v.sum()


def _loss_graphs():
    from studypack import losses
    logits = _tensor((3, 1), low=-1.0)
    yield "mse with a target that needs grad", losses.mse(logits, _tensor((3,)))
    yield "bce with a target that needs grad", losses.binary_cross_entropy(
        logits, Tensor([0.0, 1.0, 0.5], requires_grad=True))
    yield "hinge", losses.hinge(logits, Tensor([1.0, -1.0, 1.0], requires_grad=True))
    yield "cross_entropy", losses.cross_entropy(_tensor((2, 3)), [0, 2])
    predictions = [Value(0.3, label="p"), Value(-0.2, label="q")]
    targets = [Value(1.0, label="t"), Value(0.0, label="u")]
    yield "value mse", losses.mse(predictions, targets)
    yield "value bce", losses.binary_cross_entropy(predictions, targets)
    yield "value cross_entropy", losses.cross_entropy(predictions, [1])


def _custom_op_graph():
    x = _tensor((2,))
    # from_op with a vector-Jacobian product and no local derivatives at all
    return Tensor.from_op(x.data * 2.0, (x,), "double", vjp=lambda g: (g * 2.0,)).sum()


ALL_GRAPHS = [*_value_graphs(), *_tensor_graphs(), *_loss_graphs(),
              ("from_op with only a vjp", _custom_op_graph())]


@pytest.mark.parametrize("name, root", ALL_GRAPHS, ids=[name for name, _ in ALL_GRAPHS])
def test_every_step_of_every_op_has_a_rule_and_a_formula(name, root):
    root.zero_grad()
    steps = list(root.backward_steps())
    assert steps or not root._parents
    for step in steps:
        assert step.rule.startswith("∂") and " = " in step.rule
        assert step.formula.startswith("∂L/∂")
        assert "?" not in step.rule, f"{name}: op {step.node.op!r} has no rule"


@pytest.mark.parametrize("name, root", ALL_GRAPHS, ids=[name for name, _ in ALL_GRAPHS])
def test_the_stepper_walks_through_every_graph_with_next(name, root):
    stepper = BackpropStepper(root)
    expected = {node: (None if node.grad is None else np.copy(node.grad))
                for node in topological_order(root)}  # backward()'s gradients
    for count in range(1, len(stepper.steps) + 1):
        stepper.next_button.click()
        assert stepper.current_step == count
        assert stepper.rule_panel.value and stepper.graph_view.value
    assert f"done: all gradients computed ({len(stepper.steps)} steps)" in stepper.status.value
    assert stepper.next_button.disabled
    for node, gradient in stepper.gradients.items():
        if expected[node] is not None and (node.grad is not None):
            np.testing.assert_array_equal(gradient, expected[node])
    stepper.reset_button.click()
    assert stepper.current_step == 0


def test_the_layout_wraps_at_1024_instead_of_squeezing_or_cutting():
    stepper = BackpropStepper(neuron())
    assert "studypack-graph-box" in stepper.graph_view._dom_classes
    assert stepper.graph_view.layout.overflow == "hidden"  # never a sideways scrollbar
    panels = stepper.children[-1]
    assert panels.layout.flex_flow == "row wrap" and stepper.rule_panel in panels.children
    assert stepper.rule_panel.layout.width is None and stepper.rule_panel.layout.min_width
    for control in (stepper.previous_button, stepper.next_button, stepper.reset_button,
                    stepper.predict_toggle, stepper.check_button):
        assert control.layout.width == "auto"  # as wide as its words: never cut off
    assert stepper.prediction_box.style.description_width == "initial"
