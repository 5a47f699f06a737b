"""local-derivative, topological-order, scalar-backward: the machinery under `backward()`.

The last two are checked on seeded graphs of `Value`s (shared subexpressions, a value used
twice, a deep chain) rather than on arrays, so each has its own `custom_check`.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ...engine import Tensor, Value, topological_order as engine_order
from ..checking import ATOL, RTOL, _describe_value, call_learner, exercise_seed
from ..messages import say
from ..model import CheckReport, Exercise, Mistake

CHAIN_DEPTH = 150  # the deepest graph checked: far below Python's ~1000 nested calls


# ---- local-derivative: out = a / (1 + b²), elementwise ----

def damp_backward(a, b, grad_out):
    """The reference: the engine differentiates a / (1 + b²) itself."""
    a, b = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    (a / (1 + b ** 2)).backward(np.asarray(grad_out, dtype=float))
    return a.grad, b.grad


def _damp_cases(rng: np.random.Generator) -> list[tuple]:
    """A vector, one row, a batch and a column; values of both signs (|b| up to ~3)."""
    shapes = [(5,), (1, 4), (3, 5), (4, 1)]
    return [tuple(rng.normal(0.0, 1.5, shape) for _ in range(3)) for shape in shapes]


def _damp_with(grad_b_local):
    """A mistaken variant: the right ∂/∂a, and `grad_b_local(a, b)` as ∂out/∂b."""
    return lambda a, b, g: (g / (1 + b ** 2), g * grad_b_local(a, b))


LOCAL_DERIVATIVE = Exercise(
    id="local-derivative", function_name="damp_backward",
    signature="damp_backward(a, b, grad_out) -> (grad_a, grad_b)", outputs=("grad_a", "grad_b"),
    reference=damp_backward, cases=_damp_cases,
    mistakes=(
        Mistake("dropped-upstream", lambda a, b, g: (1 / (1 + b ** 2),
                                                    -2 * a * b / (1 + b ** 2) ** 2)),
        Mistake("operands-swapped", lambda a, b, g: tuple(reversed(damp_backward(a, b, g)))),
        Mistake("flipped-sign", _damp_with(lambda a, b: 2 * a * b / (1 + b ** 2) ** 2)),
        Mistake("missing-inner-derivative", _damp_with(lambda a, b: -a / (1 + b ** 2) ** 2)),
        Mistake("missing-factor-2", _damp_with(lambda a, b: -a * b / (1 + b ** 2) ** 2)),
        Mistake("denominator-not-squared", _damp_with(lambda a, b: -2 * a * b / (1 + b ** 2))),
    ),
    stub=("def damp_backward(a, b, grad_out):\n"
          "    # out = a / (1 + b**2), elementwise; a, b, grad_out have the same shape\n"
          "    # return (grad_a, grad_b): dL/da and dL/db\n"
          "    raise NotImplementedError\n"),
    solution=("def damp_backward(a, b, grad_out):\n"
              "    denominator = 1 + b ** 2\n"
              "    grad_a = grad_out / denominator                # ∂out/∂a = 1/(1+b²)\n"
              "    grad_b = grad_out * -2 * a * b / denominator ** 2  # ∂out/∂b\n"
              "    return grad_a, grad_b\n"),
)


# ---- seeded graphs of Values, shared by topological-order and scalar-backward ----

def _shared_graph(rng):
    """e = a·b is used three times, and c twice."""
    a, b, c = (Value(rng.normal(0.0, 1.0), label) for label in "abc")
    e = a * b
    d = e + c
    return (d * e + e.tanh()) * c


def _square_graph(rng):
    """x·x lists the same Value twice among its inputs."""
    x = Value(rng.normal(0.0, 1.0), "x")
    y = x * x
    return y + x.sigmoid() * y


def _chain_graph(rng):
    """A deep chain, tanh and a weight per level, with the input re-used at the end."""
    x = Value(rng.uniform(-1.0, 1.0), "x")
    node = x
    for level in range(CHAIN_DEPTH // 2):
        node = (node * Value(rng.uniform(0.5, 1.5), f"w{level}")).tanh()
    return node + x


def _random_graph(rng):
    """Twelve steps, each combining the previous result with a leaf or (now and then) an
    earlier result, so some results feed several others without the paths multiplying out."""
    leaves = [Value(rng.normal(0.0, 1.0), f"p{i}") for i in range(5)]
    results = [leaves[0] * leaves[1]]
    for step in range(12):
        pool = results[:-1] if step % 4 == 3 and len(results) > 1 else leaves
        other = pool[int(rng.integers(len(pool)))]
        combine = _COMBINATIONS[int(rng.integers(len(_COMBINATIONS)))]
        results.append(combine(results[-1], other))
    return results[-1]


_COMBINATIONS = (lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
                 lambda a, b: a.tanh() + b)


def _single_leaf(rng):
    return Value(rng.normal(0.0, 1.0), "alone")


# (the key of its name in interface.yaml, how to build it)
GRAPHS = (("checker graph shared", _shared_graph),
          ("checker graph square", _square_graph),
          ("checker graph random", _random_graph),
          ("checker graph chain", _chain_graph),
          ("checker graph leaf", _single_leaf))


def _graph_name(key: str) -> str:
    """'a graph where one value is used three times', in the check's language."""
    return say(key, depth=CHAIN_DEPTH)


def _graph_seeds(exercise: Exercise) -> list[int]:
    """One seed per graph, fixed per exercise: every check sees the same graphs."""
    rng = np.random.default_rng(exercise_seed(exercise))
    return [int(seed) for seed in rng.integers(0, 2 ** 31, len(GRAPHS))]


def _build(builder, seed: int) -> Value:
    """The same graph every time for the same seed."""
    return builder(np.random.default_rng(seed))


# ---- topological-order ----

def topological_order(root):
    """The reference: the engine's own order."""
    return engine_order(root)


def _order_without_visited(root):
    order = []

    def visit(node):
        for parent in node._parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order


def _preorder(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            order.append(node)
            for parent in node._parents:
                visit(parent)
    visit(root)
    return order


def _order_problem(order, root, graph_name: str):
    """(mistake name, details) for the first thing wrong with `order`, or None if it is right."""
    expected = engine_order(root)
    members = set(expected)
    if len(set(order)) != len(order):
        twice = next(node for node in order if order.count(node) > 1)
        return "listed-twice", say("checker listed twice", graph=graph_name, node=twice.name,
                                   count=order.count(twice))
    foreign = [node for node in order if node not in members]
    if foreign:
        return "foreign-nodes", say("checker foreign node", graph=graph_name, node=foreign[0].name)
    listed = set(order)
    missing = [node for node in expected if node not in listed]
    if missing:
        names = ", ".join(node.name for node in missing[:3]) + (" …" if len(missing) > 3 else "")
        return "missing-nodes", say("checker missing nodes", graph=graph_name, count=len(missing),
                                    total=len(expected), names=names)
    if len(order) > 1 and order[0] is root:
        return "reversed", say("checker starts with root", graph=graph_name, root=root.name)
    position = {node: index for index, node in enumerate(order)}
    for node in order:
        for parent in node._parents:
            if position[parent] > position[node]:
                return "input-after-node", say("checker input after node", graph=graph_name,
                                               node=node.name, parent=parent.name)
    return None


def _check_topological_order(exercise: Exercise, function) -> CheckReport:
    for (graph_key, builder), seed in zip(GRAPHS, _graph_seeds(exercise)):
        root = _build(builder, seed)
        order, failed = call_learner(exercise, function, (root,), copy_args=False)
        if failed:
            return _on_graph(failed, graph_key)
        if not isinstance(order, (list, tuple)) or not all(isinstance(n, Value) for n in order):
            return CheckReport(exercise.id, "type", say("checker expected nodes",
                                                        value=_describe_contents(order)))
        problem = _order_problem(list(order), root, _graph_name(graph_key))
        if problem:
            name, details = problem
            return CheckReport(exercise.id, "wrong", exercise.diagnosis(name), details, name)
    return CheckReport(exercise.id, "passed", None, say("checker passed graphs", count=len(GRAPHS)))


def _on_graph(report: CheckReport, graph_key: str) -> CheckReport:
    """A report of the learner's code failing on a graph, saying which graph, if it has no
    details of its own (the line that raised)."""
    if report.details:
        return report
    return dataclasses.replace(report, details=say("checker on graph",
                                                   graph=_graph_name(graph_key)))


def _describe_contents(result) -> str:
    if isinstance(result, (list, tuple)):
        strangers = [item for item in result if not isinstance(item, Value)]
        if strangers:
            return say("checker holding", kind=type(result).__name__,
                       value=_describe_value(strangers[0]))
    return _describe_value(result)


TOPOLOGICAL_ORDER = Exercise(
    id="topological-order", function_name="topological_order",
    signature="topological_order(root) -> list[Value]", outputs=("order",),
    reference=topological_order, cases=lambda rng: [],
    mistakes=(
        Mistake("listed-twice", _order_without_visited),
        Mistake("reversed", lambda root: engine_order(root)[::-1]),
        Mistake("missing-nodes", lambda root: [*dict.fromkeys(root._parents), root]),
        Mistake("input-after-node", lambda root: _preorder(root)[::-1]),
        Mistake("foreign-nodes", lambda root: [Value(node.data) for node in engine_order(root)]),
        Mistake("endless-recursion", lambda root: _endless(root)),
    ),
    stub=("def topological_order(root):\n"
          "    # every Value root depends on, each once, each after all of node._parents;\n"
          "    # root last\n"
          "    raise NotImplementedError\n"),
    solution=("def topological_order(root):\n"
              "    order, visited = [], set()\n"
              "\n"
              "    def visit(node):\n"
              "        if node in visited:              # shared nodes: list each once\n"
              "            return\n"
              "        visited.add(node)\n"
              "        for parent in node._parents:     # first everything node depends on ...\n"
              "            visit(parent)\n"
              "        order.append(node)               # ... then node itself\n"
              "\n"
              "    visit(root)\n"
              "    return order\n"),
    custom_check=_check_topological_order,
)


def _endless(node):
    """The classic slip: recursing on the node itself instead of on its inputs."""
    return [*_endless(node), node]


# ---- scalar-backward ----

def backward(root):
    """The reference: every .grad set to ∂root/∂node by the engine's own pass."""
    root.zero_grad()
    root.backward()


def _backward_variant(*, accumulate=True, reverse=True, seed_root=True, zero=True,
                      upstream=True, local=True):
    """The solution with one classic slip switched on."""
    def wrong(root):
        order = engine_order(root)
        if zero:
            for node in order:
                node.grad = 0.0
        if seed_root:
            root.grad = 1.0
        for node in (reversed(order) if reverse else order):
            for parent, local_grad in zip(node._parents, node._local_grads):
                step = (local_grad if local else 1.0) * (node.grad if upstream else 1.0)
                parent.grad = parent.grad + step if accumulate else step
    return wrong


def _graph_with_stale_grads(builder, seed: int, stale: bool) -> Value:
    """The graph, its .grad holding leftovers of an earlier pass when `stale`."""
    root = _build(builder, seed)
    if stale:
        rng = np.random.default_rng(seed + 1)
        for node in engine_order(root):
            node.grad = float(rng.normal(0.0, 1.0))
    return root


def _backward_cases(exercise: Exercise):
    """(graph name's key, builder, seed, stale): each graph fresh, then again with stale grads."""
    seeds = _graph_seeds(exercise)
    return [(name, builder, seed, stale) for stale in (False, True)
            for (name, builder), seed in zip(GRAPHS, seeds)]


def _grads_after(compute, builder, seed: int, stale: bool) -> list:
    root = _graph_with_stale_grads(builder, seed, stale)
    with np.errstate(all="ignore"):
        compute(root)
    return [node.grad for node in engine_order(root)]


def _same_grads(got: list, want: list) -> bool:
    return bool(np.allclose(np.array(got, dtype=float), np.array(want, dtype=float),
                            rtol=RTOL, atol=ATOL, equal_nan=False))


def _check_scalar_backward(exercise: Exercise, function) -> CheckReport:
    cases = _backward_cases(exercise)
    received, expected = [], []
    for key, builder, seed, stale in cases:
        root = _graph_with_stale_grads(builder, seed, stale)
        _, failed = call_learner(exercise, function, (root,), copy_args=False)
        if failed:
            return _on_graph(failed, key)
        grads = [node.grad for node in engine_order(root)]
        strange = [g for g in grads if not isinstance(g, (int, float, np.floating))
                   or isinstance(g, bool)]
        if strange:
            return CheckReport(exercise.id, "type", say(
                "checker grad not number", value=_describe_value(strange[0]),
                graph=_graph_name(key)))
        received.append(grads)
        expected.append(_grads_after(backward, builder, seed, stale))
    wrong = [k for k in range(len(cases)) if not _same_grads(received[k], expected[k])]
    if not wrong:
        return CheckReport(exercise.id, "passed", None, say("checker passed graphs", count=len(cases)))
    if all(cases[k][3] for k in wrong):  # right on every fresh graph, wrong only on stale ones
        return CheckReport(exercise.id, "wrong", exercise.diagnosis("grads-not-zeroed"),
                           _first_wrong_grad(exercise, cases, received, expected,
                                             wrong[0]).diagnosis, "grads-not-zeroed")
    for mistake in exercise.mistakes:
        if mistake.name == "endless-recursion":
            continue
        if all(_same_grads(received[k], _grads_after(mistake.wrong, *cases[k][1:]))
               for k in range(len(cases))):
            return CheckReport(exercise.id, "wrong", exercise.diagnosis(mistake.name),
                               say("checker matches mistake graphs", count=len(cases)),
                               mistake.name)
    return _first_wrong_grad(exercise, cases, received, expected, wrong[0])


def _first_wrong_grad(exercise, cases, received, expected, k) -> CheckReport:
    key, builder, seed, stale = cases[k]
    nodes = engine_order(_build(builder, seed))
    index = next(i for i, (got, want) in enumerate(zip(received[k], expected[k]))
                 if not _same_grads([got], [want]))
    node = nodes[index].name
    term = node if node.isidentifier() else f"({node})"
    return CheckReport(exercise.id, "wrong", say(
        "checker wrong grad stale" if stale else "checker wrong grad", graph=_graph_name(key),
        node=node, got=f"{received[k][index]:.6g}", term=term,
        expected=f"{expected[k][index]:.6g}"), say("checker graph details", graph=k + 1,
                                                   count=len(cases)))


SCALAR_BACKWARD = Exercise(
    id="scalar-backward", function_name="backward",
    signature="backward(root) -> None (fills .grad of every Value in root's graph)",
    outputs=("grad",), reference=backward, cases=lambda rng: [],
    mistakes=(
        Mistake("assigned-not-accumulated", _backward_variant(accumulate=False)),
        Mistake("forward-order", _backward_variant(reverse=False)),
        Mistake("root-not-seeded", _backward_variant(seed_root=False)),
        Mistake("grads-not-zeroed", _backward_variant(zero=False)),
        Mistake("dropped-upstream", _backward_variant(upstream=False)),
        Mistake("dropped-local", _backward_variant(local=False)),
        Mistake("endless-recursion", lambda root: _endless(root)),
    ),
    # the engine's order comes in under its own name: importing it as `topological_order`
    # would replace the learner's answer to the last exercise in the notebook
    stub=("from studypack.engine import topological_order as engine_order  # or use yours\n"
          "\n"
          "def backward(root):\n"
          "    # set node.grad = d(root)/d(node) for every node of the graph, using\n"
          "    # node._parents and node._local_grads (d node / d parent, same order)\n"
          "    raise NotImplementedError\n"),
    solution=("from studypack.engine import topological_order as engine_order\n"
              "\n"
              "def backward(root):\n"
              "    order = engine_order(root)           # or your topological_order(root)\n"
              "    for node in order:\n"
              "        node.grad = 0.0                  # forget any earlier pass\n"
              "    root.grad = 1.0                      # d(root)/d(root)\n"
              "    for node in reversed(order):         # node.grad is complete: pass it on\n"
              "        for parent, local in zip(node._parents, node._local_grads):\n"
              "            parent.grad += local * node.grad  # +=: a value may feed several\n"),
    custom_check=_check_scalar_backward,
)

EXERCISES = [LOCAL_DERIVATIVE, TOPOLOGICAL_ORDER, SCALAR_BACKWARD]
