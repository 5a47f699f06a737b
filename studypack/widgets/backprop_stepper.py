"""Walk through a backward pass one chain-rule step at a time (lesson 03's inspector)."""
from __future__ import annotations

from html import escape

import ipywidgets as widgets
import numpy as np

from studypack.content.interface_text import interface_text
from studypack.engine import topological_order
from studypack.engine.graph import local_rule, local_rule_latex, operand_term
from studypack.viz.graph import (HIGHLIGHT, RECEIVER, GraphDrawing, format_number,
                                 graph_view_html, table_html)
from studypack.widgets.look import NEUTRAL, RIGHT, WRONG, NumberBox, RunHint, verdict_html

# a prediction counts as right within 1% of the answer, or within 0.001 of it near zero
RELATIVE_TOLERANCE = 1e-2
ABSOLUTE_TOLERANCE = 1e-3


def graph_widget() -> widgets.HTML:
    """An `HTML` widget for `graph_view_html`: the graph as inline SVG (themed by JupyterLab's
    CSS variables) as wide as the page, never scrolling sideways."""
    return widgets.HTML(layout=widgets.Layout(width="auto", overflow="hidden")).add_class(
        "studypack-graph-box")


class BackpropStepper(RunHint, widgets.VBox):
    """Step through `root.backward_steps()`: each Next applies one chain-rule step.

    `root` is an already computed expression (Values; Tensors work too, shown by shape).
    The steps are recorded once; the gradients shown are those after `current_step` steps,
    found by adding up the recorded contributions, so Previous and Reset are instant. On the
    graph the current step's node (orange) passes its gradient back along the orange edge to
    the operand receiving it (green); at step 0 the output, where the pass starts, is orange.
    A graph too wide for the page is seen through a window that follows the step, under an
    overview of the whole graph. With `predict_toggle` on, Next first asks for the step's
    *contribution* (what it adds to the operand's gradient); Check (or Enter) grades what was
    typed and reveals the step.
    Note: recording the steps zeroes the graph's gradients and leaves backward()'s in `.grad`.
    """

    run_hint = "the backprop stepper"

    def __init__(self, root):
        root.zero_grad()  # record the pass from zero: grads may hold an earlier pass's values
        self.root = root
        self.steps = list(root.backward_steps())
        self.nodes = topological_order(root)
        self.is_tensor = isinstance(root.data, np.ndarray)
        self.current_step = 0    # how many steps are applied
        self.gradients = {}      # node -> its gradient after those steps (set by _render)
        self.awaiting_prediction = False
        self.predictions_made = self.predictions_right = 0
        self._graded = None      # (step, text typed) of the last prediction graded
        self._text = interface_text()
        self._drawing = GraphDrawing(root)
        self._output = root.label or "L"
        self._uses = {node: 0 for node in self.nodes}  # how many times each node is an operand
        for node in self.nodes:
            for parent in node._parents:
                self._uses[parent] += 1
        self._arrival = []  # for each step: which contribution to its parent it is (1, 2, ...)
        seen = {}
        for step in self.steps:
            seen[step.parent] = seen.get(step.parent, 0) + 1
            self._arrival.append(seen[step.parent])

        self.status = widgets.HTML()
        auto = dict(layout=widgets.Layout(width="auto"))
        self.previous_button = widgets.Button(description="◀ Previous", **auto)
        self.next_button = widgets.Button(description="Next ▶", button_style="primary", **auto)
        self.reset_button = widgets.Button(description="⟲ Reset", **auto)
        self.predict_toggle = widgets.ToggleButton(
            description="Predict first", disabled=self.is_tensor, **auto,
            tooltip="Before each step, type what it adds to the operand's gradient")
        self.prediction_box = NumberBox(description="adds:",
                                        style={"description_width": "initial"})
        self.check_button = widgets.Button(description="Check", **auto)
        self.feedback = widgets.HTML()
        self.graph_view = graph_widget()
        self.rule_panel = widgets.HTMLMath(layout=widgets.Layout(flex="1 1 300px",
                                                                 min_width="260px"))
        self.gradient_table = widgets.HTML()
        self._prediction_row = widgets.VBox([
            widgets.HBox([self.prediction_box, self.check_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.feedback])

        self.next_button.on_click(self._next)
        self.previous_button.on_click(self._previous)
        self.reset_button.on_click(self._reset)
        self.check_button.on_click(self._check)
        self.prediction_box.on_submit(self._check)
        self.predict_toggle.observe(self._predict_toggled, names="value")
        table_box = widgets.Box([self.gradient_table], layout=widgets.Layout(
            flex="0 1 auto", max_width="100%", max_height="320px", overflow="auto"))
        super().__init__([
            self.status,
            widgets.HBox([self.previous_button, self.next_button, self.reset_button,
                          self.predict_toggle], layout=widgets.Layout(flex_flow="row wrap")),
            self._prediction_row,
            self.graph_view,
            widgets.Box([self.rule_panel, table_box],
                        layout=widgets.Layout(flex_flow="row wrap", width="100%")),
        ])
        self._render()

    # ---- state ----
    def gradients_after(self, count: int) -> dict:
        """Every node's gradient after the first `count` steps, from the recorded contributions
        (the seed ∂out/∂out = 1 first, then each contribution in order, as backward() does)."""
        if self.is_tensor:
            gradients = {node: np.zeros_like(node.data) if node.requires_grad else None
                         for node in self.nodes}
            gradients[self.root] = np.ones_like(self.root.data)
        else:
            gradients = dict.fromkeys(self.nodes, 0.0)
            gradients[self.root] = 1.0
        for step in self.steps[:count]:
            gradients[step.parent] = gradients[step.parent] + step.contribution
        return gradients

    @property
    def shown_step(self):
        """The step on screen: the one just applied, or the one waiting for a prediction."""
        if self.awaiting_prediction:
            return self.steps[self.current_step]
        return self.steps[self.current_step - 1] if self.current_step else None

    # ---- controls ----
    def _next(self, _button=None) -> None:
        if self.awaiting_prediction:
            self.feedback.value = verdict_html(
                NEUTRAL, "Type a number and press Check first (or switch predicting off).")
            return
        if self.current_step == len(self.steps):
            return
        if self.predict_toggle.value:
            self.awaiting_prediction = True
            self.prediction_box.clear()
            self.feedback.value = ""
        else:
            self.current_step += 1
        self._render()

    def _check(self, _source=None) -> None:
        """Grade what is typed in the box (from the Check button, or Enter in the box)."""
        typed = self.prediction_box.value.strip()
        if not self.awaiting_prediction:
            if self._graded != (self.current_step - 1, typed):  # not a repeat of a check
                self.feedback.value = verdict_html(
                    NEUTRAL, "Press Next to get the next step to predict.")
            return
        try:
            guess = self.prediction_box.number()
        except ValueError:
            self.feedback.value = verdict_html(
                NEUTRAL, self._text["type a number"].format(typed=typed))
            return
        if guess is None:
            self.feedback.value = verdict_html(NEUTRAL, self._text["type a number first"])
            return
        step = self.steps[self.current_step]
        answer = step.contribution
        right = abs(guess - answer) <= max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * abs(answer))
        self.predictions_made += 1
        self.predictions_right += right
        self._graded = (self.current_step, typed)
        self.feedback.value = verdict_html(RIGHT if right else WRONG, (
            f"{'Right' if right else 'Not quite'}: this step adds {format_number(answer)} = "
            f"{format_number(step.upstream_grad)} × {format_number(step.local_grad)} "
            f"(you typed {typed}). Score: {self.predictions_right} of {self.predictions_made}."))
        self.awaiting_prediction = False
        self.current_step += 1
        self._render()

    def _previous(self, _button=None) -> None:
        if self.awaiting_prediction:  # cancel the question, stay where we are
            self.awaiting_prediction = False
        elif self.current_step > 0:
            self.current_step -= 1
        self.feedback.value = ""
        self._render()

    def _reset(self, _button=None) -> None:
        self.current_step = 0
        self.awaiting_prediction = False
        self.predictions_made = self.predictions_right = 0
        self.feedback.value = ""
        self._render()

    def _predict_toggled(self, change) -> None:
        if not change["new"]:
            self.awaiting_prediction = False
        self.feedback.value = ""
        self._render()

    # ---- drawing ----
    def _render(self) -> None:
        """Show the state. Only what changed reaches the page (an unchanged value is not sent
        again, so the rule panel is typeset again only when its text changes)."""
        total, step = len(self.steps), self.shown_step
        self.gradients = gradients = self.gradients_after(self.current_step)
        self.graph_view.value = graph_view_html(
            self._drawing, highlight_node=step.node if step else self.root,
            highlight_edge=(step.parent, step.node) if step else None, grads=gradients)
        self.gradient_table.value = self._table(gradients, step)
        self.rule_panel.value = self._explanation(step, gradients)
        if self.awaiting_prediction:
            status = (f"step {self.current_step + 1} of {total}: predict what it adds to "
                      f"∂{self._output}/∂{step.parent.name}, then press Check")
        elif self.current_step == total:
            status = f"done: all gradients computed ({total} steps)"
        elif step is None:
            status = f"step 0 of {total}: press Next to start the backward pass at {self._output}"
        else:
            status = (f"step {self.current_step} of {total}: {step.node.name} passed its "
                      f"gradient back to {step.parent.name}")
        self.status.value = f"<b>{escape(status)}</b>"
        self.next_button.disabled = self.current_step == total or self.awaiting_prediction
        self.previous_button.disabled = self.current_step == 0 and not self.awaiting_prediction
        self.check_button.disabled = self.prediction_box.disabled = not self.awaiting_prediction
        self._prediction_row.layout.display = "flex" if self.predict_toggle.value else "none"

    def _table(self, gradients, step) -> str:
        """Every node, output first (the order the backward pass visits them); the node passing
        its gradient back (at step 0 the output) is marked orange, the one receiving it green."""
        rows, marked = [], {}
        active = step.node if step is not None else self.root
        for row, node in enumerate(reversed(self.nodes)):
            rows.append([node.name, node.op or "input", format_number(node.data),
                         format_number(gradients[node])])
            if step is not None and node is step.parent:
                marked[row] = RECEIVER
            elif node is active:
                marked[row] = HIGHLIGHT
        headers = ["node", "op", "data", f"∂{self._output}/∂node so far"]
        return table_html(headers, rows, marked)

    def _explanation(self, step, gradients) -> str:
        out = _latex_name(self._output)
        if step is None:
            return (f"The backward pass starts at the output: "
                    f"$\\frac{{\\partial {out}}}{{\\partial {out}}} = 1$. Each step then passes a "
                    f"gradient from a node back to one of its operands.")
        node, parent = _latex_name(step.node.name), _latex_name(step.parent.name)
        d_out_parent = rf"\frac{{\partial {out}}}{{\partial {parent}}}"
        d_out_node = rf"\frac{{\partial {out}}}{{\partial {node}}}"
        d_node_parent = rf"\frac{{\partial {node}}}{{\partial {parent}}}"
        intro = ("The orange node passes its gradient back along the orange edge to the green "
                 "operand: upstream gradient × local derivative = contribution.")
        chain = f"$${d_out_parent} \\mathrel{{+}}= {d_out_node} \\times {d_node_parent}$$"
        if self.is_tensor:
            return (f"{intro}{chain}<p>Local rule: {escape(step.rule)}. The contribution has shape "
                    f"{escape(format_number(step.contribution))}.</p>")
        if self.awaiting_prediction:
            return (f"{intro}{chain}<p><b>Your turn:</b> the upstream gradient is "
                    f"${d_out_node} = {_latex_number(step.upstream_grad)}$. Work out the local "
                    f"derivative ${d_node_parent}$ from the values on the graph, multiply, and "
                    f"type the result (what this step adds to ${d_out_parent}$).</p>")
        before = self.gradients_after(self.current_step - 1)[step.parent]
        uses = self._uses[step.parent]
        sofar = (f"<p>So far ${d_out_parent}$: ${_latex_number(before)} \\to "
                 f"{_latex_number(gradients[step.parent])}$")
        if uses > 1:
            sofar += (f" (contribution {self._arrival[self.current_step - 1]} of {uses}: "
                      f"${parent}$ is used {uses} times, and the gradients from every use "
                      f"add up)")
        return f"{intro}{chain}{_revealed_step(step, d_out_parent, d_node_parent)}{sofar}</p>"


def _revealed_step(step, d_out_parent: str, d_node_parent: str) -> str:
    """The step's numbers (upstream × local = contribution) and its local rule, in LaTeX."""
    # \underset, not \underbrace: a brace is a stretchy glyph that MathJax builds of clipped parts
    numbers = (f"$${d_out_parent} \\mathrel{{+}}= "
               f"\\underset{{\\text{{upstream}}}}{{{_latex_number(step.upstream_grad)}}} "
               f"\\times \\underset{{\\text{{local}}}}"
               f"{{{_latex_number(step.local_grad, wrap=True)}}} = "
               f"{_latex_number(step.contribution)}$$")
    rule, value = _local_rule_latex(step.node, step.index), _latex_number(step.local_grad)
    if rule != value:  # a constant rule (1, -1) needs no "= number"
        rule += f" = {value}"
    return f"{numbers}<p>Local rule: ${d_node_parent} = {rule}$</p>"


def _latex(name: str) -> str:
    """A node's name as LaTeX: its special characters escaped; a longer name upright."""
    special = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\hat{\ }",
               "#": r"\#", "%": r"\%", "&": r"\&", "$": r"\$", "~": r"\sim "}
    latex = "".join(special.get(char, char) for char in name)
    if not (len(name) == 1 and name.isalpha()):  # one letter stays an italic variable
        latex = rf"\mathrm{{{latex}}}"
    if operand_term(name) != name:  # ∂L/∂(y − target), not ∂L/∂y − target
        latex = rf"\left({latex}\right)"
    return latex


def _latex_name(name: str) -> str:
    """A node's name inside $...$ in HTML: LaTeX-escaped, then HTML-escaped."""
    return escape(_latex(name), quote=False)


def _latex_number(x, wrap: bool = False) -> str:
    """4 significant digits in LaTeX; `wrap` puts a negative number in parentheses (after ×)."""
    text = format_number(x)
    if "e" in text:  # 1.2e-05 -> 1.2 \times 10^{-5}
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if wrap and text.startswith("-") else text


def _local_rule_latex(node, index: int) -> str:
    """∂node/∂(operand `index`) in LaTeX with the operands' names (e.g. ∂(a*b)/∂a = b), from
    the engine's rule table, HTML-escaped; ops it has no LaTeX for show the engine's words."""
    rule = local_rule_latex(node.op, index, [_latex(parent.name) for parent in node._parents])
    if rule is None:  # Σw·x+b, the tensor ops and ops of your own: the text rule
        rule = rf"\text{{{local_rule(node.op, index, [p.name for p in node._parents])}}}"
    return escape(rule, quote=False)
