"""What both engines share: the order of a backward pass and the record of one chain-rule step."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def topological_order(root) -> list:
    """Every node `root` depends on (itself included), each listed after all of its parents.

    Depth-first with an explicit stack of parent iterators rather than recursion, so a
    100,000-node chain works.
    """
    # parents are visited right to left so that, reversed for the backward pass, the
    # left operand's branch comes first (the order people read an expression in)
    order, visited = [], {root}
    stack = [(root, reversed(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, reversed(parent._parents)))
                break
        else:  # all of node's parents are listed: node can follow them
            stack.pop()
            order.append(node)
    return order


# The local derivative of each op with respect to each of its operands, as text for people.
# {x} stands for the operand of a function, {a} and {b} for the two operands of an op, {n}
# for a number exponent and {base} for a number base; they are filled in with the operands'
# own names. Capitals ({X}, {A}, {B}) put a compound name in parentheses, for where an
# operator follows or precedes it.
LOCAL_RULES = {
    "+": ("1", "1"),
    "-": ("1", "-1"),
    "*": ("{b}", "{a}"),
    "/": ("1/{B}", "-{A}/{B}²"),
    "neg": ("-1",),
    "**": ("{n}·{X}^{n_minus_1}",),
    "pow": ("{B}·{A}^({B} - 1)", "{A}^{B}·ln({a})"),
    "b**": ("{base}^{X}·ln({base})",),
    "exp": ("exp({x})",),
    "log": ("1/{X}",),
    "tanh": ("1 - tanh({x})²",),
    "relu": ("1 if {x} > 0 else 0",),
    "sigmoid": ("σ({x})·(1 - σ({x}))",),
    "softplus": ("σ({x})",),
    "Σw·x+b": ("x (for each weight), w (for each input), 1 (for the bias)",),
    "@": ("∂L/∂out @ {B}ᵀ", "{A}ᵀ @ ∂L/∂out"),
    "x@W+b": ("∂L/∂out @ {B}ᵀ", "{A}ᵀ @ ∂L/∂out", "Σ over the batch of ∂L/∂out"),
    "f(x@W+b)": ("(∂L/∂out ⊙ f′) @ {B}ᵀ", "{A}ᵀ @ (∂L/∂out ⊙ f′)",
                 "Σ over the batch of ∂L/∂out ⊙ f′"),
    "binary_cross_entropy": ("(σ(z) - y)/n for each logit z", "-z/n for each target y"),
    "cross_entropy": ("(softmax(z) - onehot(class))/n for each row of logits z",),
    "sum": ("∂L/∂out copied back over the summed axes",),
    "mean": ("∂L/∂out / n copied back over the averaged axes",),
    "max": ("∂L/∂out at the maximum (shared between ties), 0 elsewhere",),
    "reshape": ("∂L/∂out reshaped back to {x}'s shape",),
    "transpose": ("∂L/∂out transposed back",),
    "index": ("∂L/∂out scattered back into the indexed positions",),
    "softmax": ("s·(∂L/∂out - Σ s·∂L/∂out), s = softmax({x})",),
    "log_softmax": ("∂L/∂out - softmax({x})·Σ ∂L/∂out",),
}


# The scalar ops' rules in LaTeX (for typeset formulas), with the same placeholders; {power}
# is the exponent n - 1 as a superscript, left out when it is 1.
LOCAL_RULES_LATEX = {
    "+": ("1", "1"),
    "-": ("1", "-1"),
    "*": ("{b}", "{a}"),
    "/": (r"\frac{{1}}{{{b}}}", r"-\frac{{{a}}}{{{b}^2}}"),
    "neg": ("-1",),
    "**": (r"{n}\,{x}{power}",),
    "b**": (r"{base}^{{{x}}} \ln {base}",),
    "exp": (r"e^{{{x}}}",),
    "log": (r"\frac{{1}}{{{x}}}",),
    "tanh": (r"1 - \tanh^2({x})",),
    "relu": (r"\begin{{cases}} 1 & {x} > 0 \\ 0 & \text{{otherwise}} \end{{cases}}",),
    "sigmoid": (r"\sigma({x})\,(1 - \sigma({x}))",),
    "softplus": (r"\sigma({x})",),
}


def local_rule(op: str, index: int, operand_names=("a", "b")) -> str:
    """The text of ∂out/∂operand for operand `index` of `op`, written with the operands'
    names: `local_rule("*", 0, ["x1", "w1"])` is `w1`. An op of your own (`Tensor.from_op`)
    has no rule here: its text says the op's own derivative is used."""
    rule = _fill_rule(LOCAL_RULES, op, index, operand_names)
    return f"{op}′, the derivative given with the op" if rule is None else rule


def local_rule_latex(op: str, index: int, operand_names=("a", "b")) -> str | None:
    """The same rule in LaTeX, `operand_names` being LaTeX already; None for ops with no
    LaTeX form (tensor ops, fused neurons), whose `local_rule` text can be shown instead."""
    return _fill_rule(LOCAL_RULES_LATEX, op, index, operand_names)


def _fill_rule(rules_by_op: dict, op: str, index: int, operand_names) -> str | None:
    first = operand_names[0]
    second = operand_names[1] if len(operand_names) > 1 else "b"
    names = {"a": first, "x": first, "b": second,
             "A": operand_term(first), "X": operand_term(first), "B": operand_term(second)}
    if op.startswith("**"):  # a number exponent is part of the op's name, e.g. "**2"
        exponent = float(op[2:])
        op, names["n"], names["n_minus_1"] = "**", f"{exponent:g}", f"{exponent - 1:g}"
        names["power"] = "" if exponent - 1 == 1 else f"^{{{exponent - 1:g}}}"
    elif op.endswith("**"):  # a number base is part of the op's name, e.g. "2**" for 2**x
        op, names["base"] = "b**", op[:-2]
    elif op.endswith("(x@W+b)"):  # a dense layer fused with its activation, e.g. relu(x@W+b)
        op = "f(x@W+b)"
    rules = rules_by_op.get(op)
    if rules is None:
        return None
    return rules[min(index, len(rules) - 1)].format(**names)


def _number(x: Any) -> str:
    """A scalar as 4 significant digits; an array as its shape."""
    if x is None:  # a re-arrangement (reshape, transpose, ...) has no local factor
        return "—"
    shape = getattr(x, "shape", ())
    if shape:
        return f"[array {tuple(shape)}]"
    return f"{float(x):.4g}"


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """One application of the chain rule: `parent.grad += upstream_grad × local_grad`.

    `node` is the op's result and `parent` the operand (the `index`-th) receiving gradient.
    `upstream_grad` is ∂L/∂node (complete when the step runs: nodes go in reverse
    topological order), `local_grad` is ∂node/∂parent and `contribution` what is added to
    `parent.grad`. For Tensors of ops that are not elementwise (`@`, `sum`, `reshape`, ...)
    `local_grad` is the factor the rule names (e.g. the other matrix), or None for pure
    re-arrangements; `formula` says how it combines with the upstream gradient.
    """

    node: Any
    parent: Any
    index: int
    local_grad: Any
    upstream_grad: Any
    contribution: Any

    @property
    def rule(self) -> str:
        """∂node/∂parent for this op, as text, e.g. `∂(a*b)/∂a = b`."""
        return (f"∂{operand_term(self.node.name)}/∂{operand_term(self.parent.name)} = "
                f"{local_rule(self.node.op, self.index, self._operand_names())}")

    def _operand_names(self) -> list:
        return [parent.name for parent in self.node._parents]

    @property
    def formula(self) -> str:
        """The step with its numbers, e.g. `∂L/∂a += ∂L/∂(a*b) × ∂(a*b)/∂a = 1 × -3 = -3`."""
        node, parent = operand_term(self.node.name), operand_term(self.parent.name)
        rule = local_rule(self.node.op, self.index, self._operand_names())
        scalar = not any(getattr(x, "shape", ()) for x in
                         (self.upstream_grad, self.local_grad, self.contribution))
        if scalar and self.local_grad is not None and "∂L/∂out" not in rule:
            return (f"∂L/∂{parent} += ∂L/∂{node} × ∂{node}/∂{parent} = "
                    f"{_number(self.upstream_grad)} × {_number(self.local_grad)} "
                    f"= {_number(self.contribution)}")
        if "∂L/∂out" not in rule:  # elementwise: upstream times the local derivative
            rule = f"∂L/∂out ⊙ ({rule})"
        return (f"∂L/∂{parent} += {rule}, out = {node}: "
                f"{_number(self.upstream_grad)} → {_number(self.contribution)}")


def describe(node, depth: int = 3) -> str:
    """A short name for a node: its label, a leaf's value, or its expression (`a*b`, `tanh(…)`)."""
    if node.label:
        return node.label
    if not node._parents:
        return _leaf_text(node.data)
    if depth == 0:
        return "…"
    args = [describe(parent, depth - 1) for parent in node._parents]
    if node.op in ("+", "-"):
        return f"{args[0]} {node.op} {_grouped(args[1])}"
    if node.op in ("*", "/", "@"):
        return f"{_grouped(args[0])}{node.op}{_grouped(args[1])}"
    if node.op == "neg":
        return f"-{args[0]}"
    if node.op.startswith("**"):
        return f"{operand_term(args[0])}{node.op}"
    if node.op.endswith("**"):  # number ** x: the base is part of the op's name
        return f"{node.op}{operand_term(args[0])}"
    if node.op == "pow":
        return f"{operand_term(args[0])}**{operand_term(args[1])}"
    if node.op == "Σw·x+b" or node.op.endswith("x@W+b"):
        return node.op
    return f"{node.op}({', '.join(args)})"


def _leaf_text(data) -> str:
    shape = getattr(data, "shape", ())
    if shape:
        return f"tensor{tuple(shape)}"
    return f"{float(data):g}"


def _grouped(expression: str) -> str:
    """Parenthesise a sum or difference used as an operand of a tighter op."""
    return f"({expression})" if " " in expression and not _is_call(expression) else expression


def operand_term(name: str) -> str:
    """`name` ready to stand as one operand: compound expressions get parentheses."""
    if name.isidentifier() or _is_number(name) or name == "…" or _is_call(name):
        return name
    return f"({name})"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_call(text: str) -> bool:
    """True for `f(...)` whose opening parenthesis closes only at the very end."""
    head, paren, _ = text.partition("(")
    if not paren or not head.isidentifier() or not text.endswith(")"):
        return False
    depth = 0
    for position, char in enumerate(text[len(head):], start=len(head)):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position != len(text) - 1:
            return False
    return True
