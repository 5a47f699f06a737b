"""ex-more's exercises: local-derivative, topological-order, scalar-backward,
numerical-gradient, two-layer-backward and train-mlp-moons.

Beyond the catalog-wide tests (tests/test_exercises.py): other *right* answers pass too (any
valid order, any way of writing the pass), the custom checks turn each kind of bad result into
a report, the diagnoses are chosen by the kind of mistake rather than by one exact variant, and
every check is deterministic and fast.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from studypack.engine import Value, topological_order as engine_order
from studypack.exercises import check, get_exercise
from studypack.exercises.catalog import graphs, networks, numerical
from studypack.exercises.checking import _cases

MINE = ["local-derivative", "topological-order", "scalar-backward", "numerical-gradient",
        "two-layer-backward", "train-mlp-moons"]
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _learner_function(source: str, name: str, **extra):
    namespace = {"np": np, **extra}
    exec(compile(source, f"<cell {name}>", "exec"), namespace)
    return namespace[name]


def _diagnosis(exercise_id: str, mistake: str) -> str:
    return get_exercise(exercise_id).diagnosis(mistake)


# ---- every exercise: reference, solution, each mistake, stub, determinism, time ----

@pytest.mark.parametrize("exercise_id", MINE)
def test_reference_and_worked_solution_pass(exercise_id):
    exercise = get_exercise(exercise_id)
    assert check(exercise_id, exercise.reference).passed
    extra = {}
    if exercise_id == "train-mlp-moons":  # its solution calls the learner's previous answer
        extra["two_layer_backward"] = networks._numpy_two_layer_backward
    solution = _learner_function(exercise.solution, exercise.function_name, **extra)
    report = check(exercise_id, solution)
    assert report.passed, report


@pytest.mark.parametrize("exercise_id, mistake", [(e, m.name) for e in MINE
                                                  for m in get_exercise(e).mistakes])
def test_each_mistake_is_named_with_its_sentence(exercise_id, mistake):
    exercise = get_exercise(exercise_id)
    wrong = next(m.wrong for m in exercise.mistakes if m.name == mistake)
    report = check(exercise_id, wrong)
    assert report.status == ("error" if mistake == "endless-recursion" else "wrong")
    assert (report.mistake, report.diagnosis) == (mistake, exercise.diagnosis(mistake))


@pytest.mark.parametrize("exercise_id", MINE)
def test_the_stub_is_not_done_yet(exercise_id):
    exercise = get_exercise(exercise_id)
    report = check(exercise_id, _learner_function(exercise.stub, exercise.function_name))
    assert report.status == "not-done" and report.diagnosis.startswith("not done yet")


@pytest.mark.parametrize("exercise_id", MINE)
def test_checks_are_deterministic(exercise_id):
    exercise = get_exercise(exercise_id)
    for function in (exercise.reference, exercise.mistakes[0].wrong):
        assert check(exercise_id, function) == check(exercise_id, function)


def _median_ms(exercise_id, function, repeats=5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        check(exercise_id, function)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@pytest.mark.parametrize("exercise_id", MINE)
def test_checking_takes_at_most_200_ms(exercise_id):
    exercise = get_exercise(exercise_id)
    right = _median_ms(exercise_id, exercise.reference)
    wrong = max(_median_ms(exercise_id, m.wrong, 3) for m in exercise.mistakes)
    print(f"{exercise_id}: right {right:.1f} ms, slowest mistake {wrong:.1f} ms")
    assert right <= 200 and wrong <= 200


def test_lessons_are_notebooks_of_the_pack():
    for exercise_id in MINE:
        assert (NOTEBOOKS / get_exercise(exercise_id).lesson).is_file(), exercise_id


# ---- local-derivative ----

def test_local_derivative_names_a_slip_in_one_output_only():
    """Right ∂L/∂a, wrong ∂L/∂b: the mistake is named from grad_b alone."""
    def learner(a, b, grad_out):
        return grad_out / (1 + b ** 2), grad_out * -a / (1 + b ** 2) ** 2
    report = check("local-derivative", learner)
    assert report.mistake == "missing-inner-derivative"


def test_local_derivative_cases_have_both_signs_and_several_shapes():
    cases = _cases(get_exercise("local-derivative"))
    assert len({case[0].shape for case in cases}) >= 3
    assert all((case[1] < 0).any() and (case[1] > 0).any() for case in cases if case[1].size > 2)


# ---- topological-order ----

def _kahn_order(root, rng=None):
    """Another right answer: Kahn's algorithm, leaves first, ties broken at random."""
    nodes = engine_order(root)
    waiting = {node: len(set(node._parents)) for node in nodes}
    users = {node: set() for node in nodes}
    for node in nodes:
        for parent in set(node._parents):
            users[parent].add(node)
    ready = [node for node in nodes if waiting[node] == 0]
    order = []
    while ready:
        index = int(rng.integers(len(ready))) if rng is not None else 0
        node = ready.pop(index)
        order.append(node)
        for user in users[node]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return order


def _iterative_order(root):
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._parents if parent not in visited)
    return order


@pytest.mark.parametrize("answer", [_kahn_order, _iterative_order,
                                    lambda root: tuple(engine_order(root))],
                         ids=["kahn", "explicit-stack", "tuple"])
def test_any_valid_order_passes(answer):
    assert check("topological-order", answer).passed


@given(st.integers(0, 2 ** 31 - 1), st.integers(0, 4))
@settings(max_examples=60, deadline=None)
def test_order_property_on_random_graphs(seed, graph_index):
    """Every valid order is accepted; moving a node before one of its inputs is named."""
    root = graphs.GRAPHS[graph_index][1](np.random.default_rng(seed))
    order = _kahn_order(root, np.random.default_rng(seed))
    assert graphs._order_problem(order, root, "g") is None
    with_parents = [i for i, node in enumerate(order) if node._parents]
    if with_parents:
        i = with_parents[seed % len(with_parents)]
        node = order.pop(i)
        first_input = min(order.index(parent) for parent in node._parents)
        order.insert(first_input, node)
        problem = graphs._order_problem(order, root, "g")
        expected = "reversed" if order[0] is root else "input-after-node"
        assert problem is not None and problem[0] == expected


def test_order_kinds_of_wrong_result_are_reports():
    def returns_names(root):
        return [node.name for node in engine_order(root)]
    report = check("topological-order", returns_names)
    assert report.status == "type" and "list of the graph's Value nodes" in report.diagnosis
    report = check("topological-order", lambda root: (node for node in engine_order(root)))
    assert report.status == "type" and "generator" in report.diagnosis
    report = check("topological-order", lambda root: None)
    assert report.status == "type" and "forget to `return`" in report.diagnosis


def test_order_without_the_root_or_with_a_node_twice():
    report = check("topological-order", lambda root: engine_order(root)[:-1])
    assert report.mistake == "missing-nodes" and "missing" in report.details
    report = check("topological-order", lambda root: engine_order(root) + [root])
    assert report.mistake == "listed-twice" and "2 times" in report.details


def test_order_crash_is_reported_with_the_learners_line():
    source = ("def topological_order(root):\n"
              "    order = []\n"
              "    order.append(root.children)\n"
              "    return order\n")
    report = check("topological-order", _learner_function(source, "topological_order"))
    assert report.status == "error"
    assert report.diagnosis.startswith("your code raised AttributeError at line 3")


def test_a_recursive_solution_fits_the_deepest_graph():
    import sys
    chain = graphs._chain_graph(np.random.default_rng(0))
    depth = {}  # the longest path from a leaf to each node, in ops
    for node in engine_order(chain):
        depth[node] = max((depth[parent] + 1 for parent in node._parents), default=0)
    assert graphs.CHAIN_DEPTH <= depth[chain] <= graphs.CHAIN_DEPTH + 1
    depth = depth[chain]
    assert 3 * depth < sys.getrecursionlimit()  # with room for a notebook's own frames


# ---- scalar-backward ----

def test_calling_the_engines_own_backward_is_named_as_not_zeroing():
    """The engine keeps adding into leaves: right on fresh graphs, wrong on stale ones."""
    report = check("scalar-backward", lambda root: root.backward())
    assert report.mistake == "grads-not-zeroed"
    assert "earlier pass" in report.details


def test_any_correct_way_of_writing_the_pass_passes():
    def pull_style(root):  # each node gathers its gradient from the nodes it feeds
        order = engine_order(root)
        for node in order:
            node.grad = 0.0
        root.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad = parent.grad + float(np.float64(local) * node.grad)
    assert check("scalar-backward", pull_style).passed


def test_backward_kinds_of_wrong_result_are_reports():
    def sets_none(root):
        for node in engine_order(root):
            node.grad = None
    report = check("scalar-backward", sets_none)
    assert report.status == "type" and "plain number" in report.diagnosis

    def two_slips(root):  # upstream dropped AND assignment: no single mistake explains it
        order = engine_order(root)
        for node in order:
            node.grad = 0.0
        root.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad = local
    report = check("scalar-backward", two_slips)
    assert report.status == "wrong" and report.mistake is None
    assert "∂root/∂" in report.diagnosis and ".grad of" in report.diagnosis


def test_backward_names_the_first_node_whose_grad_is_wrong():
    def intermediates_cleared(root):  # right leaves, but intermediate results left at 0
        graphs.backward(root)
        for node in engine_order(root):
            if node._parents and node is not root:
                node.grad = 0.0
    report = check("scalar-backward", intermediates_cleared)
    assert report.status == "wrong" and report.mistake is None
    assert report.diagnosis.startswith("on a graph where one value is used three times, "
                                       "the .grad of a*b is 0, but ∂root/∂(a*b) is ")


def test_backward_graphs_use_a_value_twice():
    root = graphs._square_graph(np.random.default_rng(1))
    assert any(len(set(node._parents)) < len(node._parents) for node in engine_order(root))


# ---- numerical-gradient ----

def test_numerical_gradient_other_right_answers_pass():
    def flat_view(f, x, eps=1e-5):
        x = x.astype(float).copy()
        flat, grad = x.reshape(-1), np.empty(x.size)
        for i in range(x.size):
            keep = flat[i]
            flat[i] = keep + eps
            above = f(x)
            flat[i] = keep - eps
            grad[i] = (above - f(x)) / (2 * eps)
            flat[i] = keep
        return grad.reshape(x.shape)
    assert check("numerical-gradient", flat_view).passed


def test_numerical_gradient_a_forward_difference_is_caught_on_every_kind_of_case():
    """The test functions are curved enough that ε·f″/2 exceeds the tolerance."""
    for f, x, *eps in _cases(get_exercise("numerical-gradient")):
        eps = eps[0] if eps else 1e-5
        exact = f.exact_gradient(x)
        error = np.abs(numerical._forward_difference(f, x, eps) - exact)
        assert (error > 1e-8 + 1e-6 * np.abs(exact)).any()
        central = np.abs(numerical._central(f, x, eps) - exact)
        assert (central < 0.1 * (1e-8 + 1e-6 * np.abs(exact))).all()  # far inside the tolerance


def test_numerical_gradient_returning_a_scalar_names_the_shape():
    report = check("numerical-gradient", lambda f, x, eps=1e-5: np.array(0.5))
    assert report.status == "shape" and "expected" in report.diagnosis


# ---- two-layer-backward ----

def test_two_layer_slip_in_one_gradient_is_named():
    reference = networks.two_layer_backward

    def bias_two_unsummed(x, W1, b1, W2, b2, y):
        grad_W1, grad_b1, grad_W2, _ = reference(x, W1, b1, W2, b2, y)
        prediction = np.tanh(x @ W1 + b1) @ W2 + b2
        return grad_W1, grad_b1, grad_W2, 2 * (prediction - y) / y.size
    assert check("two-layer-backward", bias_two_unsummed).mistake == "bias-not-summed"


def test_two_layer_cases_cover_batch_one_several_outputs_and_no_square_weights():
    cases = _cases(get_exercise("two-layer-backward"))
    assert {len(case[0]) == 1 for case in cases} == {True, False}
    assert {case[5].shape[1] > 1 for case in cases} == {True, False}
    for x, W1, b1, W2, b2, y in cases:
        assert W1.shape[0] != W1.shape[1] and W2.shape[0] != W2.shape[1]


# ---- train-mlp-moons ----

def test_training_report_says_accuracy_and_loss():
    report = check("train-mlp-moons", networks.train_mlp)
    assert report.passed and report.details.startswith("training accuracy 9")
    assert "after 500 steps (loss " in report.details and " took " not in report.details


def test_slow_training_is_told_its_time(monkeypatch):
    monkeypatch.setattr(networks, "SLOW_SECONDS", 0.0)
    report = check("train-mlp-moons", networks.train_mlp)
    assert report.passed and "; it took " in report.details and "under 1 s" in report.details


@pytest.mark.parametrize("bad, status, words", [
    (lambda *a: None, "type", "(params, losses)"),
    (lambda *a: ((np.zeros((2, 16)),) * 3, [0.0] * 500), "type", "(W1, b1, W2, b2)"),
    (lambda *a: ((np.zeros((2, 16)), np.zeros(16), np.zeros((16, 1)), np.zeros(1)), [0.0]),
     "type", "one loss per step (500)"),
    (lambda *a: ((np.zeros((16, 2)), np.zeros(16), np.zeros((16, 1)), np.zeros(1)),
                 [0.0] * 500), "shape", "W1 has shape (16, 2), expected (2, 16)"),
], ids=["none", "three-params", "losses-length", "W1-transposed"])
def test_training_bad_results_are_reports(bad, status, words):
    report = check("train-mlp-moons", bad)
    assert report.status == status and words in report.diagnosis


def test_training_with_too_large_a_learning_rate_is_named_diverged():
    """The class, not one variant: any run that ends in inf/NaN."""
    def reckless(x, y, hidden_units, learning_rate, steps, seed):
        return networks.train_mlp(x, y, hidden_units, learning_rate * 50, steps, seed)
    assert check("train-mlp-moons", reckless).mistake == "diverged"


def test_training_that_ignores_the_seed_and_uses_constant_weights_is_symmetric():
    def constant(x, y, hidden_units, learning_rate, steps, seed):
        trainer = networks._trainer(networks._numpy_two_layer_backward, init=0.3)
        return trainer(x, y, hidden_units, learning_rate, steps, seed)
    assert check("train-mlp-moons", constant).mistake == "symmetric-init"
