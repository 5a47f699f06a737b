import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from studypack import Value
from helpers import assert_close, numeric_grad_scalar

moderate = st.floats(-3, 3, allow_nan=False)
positive = st.floats(0.1, 5)

UNARY = {
    "exp": (lambda v: v.exp(), math.exp, moderate),
    "log": (lambda v: v.log(), math.log, positive),
    "tanh": (lambda v: v.tanh(), math.tanh, moderate),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), moderate),
    "softplus": (lambda v: v.softplus(), lambda x: math.log1p(math.exp(x)), moderate),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0),
             moderate.filter(lambda x: abs(x) > 1e-3)),
    "neg": (lambda v: -v, lambda x: -x, moderate),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_ops_match_finite_differences(name, data):
    op, reference, inputs = UNARY[name]
    x = data.draw(inputs)
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(reference(x))
    assert_close(v.grad, numeric_grad_scalar(reference, x))


BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


@pytest.mark.parametrize("name", BINARY)
@given(a=moderate, b=moderate)
def test_binary_ops_match_finite_differences(name, a, b):
    assume(abs(b) > 0.1)
    f = BINARY[name]
    va, vb = Value(a), Value(b)
    out = f(va, vb)
    out.backward()
    assert out.data == pytest.approx(f(a, b))
    assert_close(va.grad, numeric_grad_scalar(lambda x: f(x, b), a))
    assert_close(vb.grad, numeric_grad_scalar(lambda x: f(a, x), b))


@pytest.mark.parametrize("name", BINARY)
@given(a=moderate, number=moderate)
def test_reflected_ops_with_plain_numbers(name, a, number):
    assume(abs(a) > 0.1 and abs(number) > 0.1)
    f = BINARY[name]
    v = Value(a)
    out = f(number, v)  # the number on the left: Value's reflected op
    out.backward()
    assert isinstance(out, Value)
    assert out.data == pytest.approx(f(number, a))
    assert_close(v.grad, numeric_grad_scalar(lambda x: f(number, x), a))


@given(x=st.floats(0.2, 4), exponent=st.sampled_from([-3, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3]))
def test_power_with_number_exponents(x, exponent):
    v = Value(x)
    (v ** exponent).backward()
    assert_close(v.grad, numeric_grad_scalar(lambda t: t ** exponent, x))


@given(x=st.floats(-4, 4).filter(lambda x: abs(x) > 0.1), exponent=st.integers(-3, 4))
def test_integer_powers_of_negative_numbers(x, exponent):
    v = Value(x)
    (v ** exponent).backward()
    assert_close(v.grad, numeric_grad_scalar(lambda t: t ** exponent, x))


@given(x=moderate, base=st.floats(0.5, 4))
def test_number_to_the_power_of_a_value(x, base):
    v = Value(x)
    (base ** v).backward()
    assert_close(v.grad, numeric_grad_scalar(lambda t: base ** t, x))


@given(x=moderate)
def test_a_value_used_twice_gets_both_gradients(x):
    v = Value(x)
    (v * v + v).backward()
    assert v.grad == pytest.approx(2 * x + 1)


@given(a=moderate, b=moderate, c=moderate)
def test_composite_expression_matches_finite_differences(a, b, c):
    def f(x, y, z):
        return ((x * y + z ** 2).tanh() * 3 - (y - z).sigmoid() / 2 + (x * z).relu()).exp()

    def plain(x, y, z):
        return math.exp(3 * math.tanh(x * y + z * z) - 0.5 / (1 + math.exp(-(y - z)))
                        + max(x * z, 0.0))
    assume(abs(a * c) > 1e-3)
    va, vb, vc = Value(a), Value(b), Value(c)
    f(va, vb, vc).backward()
    assert_close(va.grad, numeric_grad_scalar(lambda t: plain(t, b, c), a), rtol=1e-4)
    assert_close(vb.grad, numeric_grad_scalar(lambda t: plain(a, t, c), b), rtol=1e-4)
    assert_close(vc.grad, numeric_grad_scalar(lambda t: plain(a, b, t), c), rtol=1e-4)


def test_a_chain_of_100000_nodes_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("x", [1000.0, -1000.0, 800.0, -800.0])
def test_saturated_inputs_give_finite_values_and_gradients(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for op in (lambda v: v.tanh(), lambda v: v.sigmoid(), lambda v: v.softplus()):
            v = Value(x)
            out = op(v)
            out.backward()
            assert math.isfinite(out.data) and math.isfinite(v.grad)


def test_backward_twice_accumulates_into_leaves_only():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    L = c + a
    L.backward()
    first = (a.grad, b.grad, c.grad)
    L.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert c.grad == first[2]  # an intermediate holds the latest pass's gradient
    L.zero_grad()
    assert (a.grad, b.grad, c.grad, L.grad) == (0.0, 0.0, 0.0, 0.0)


@st.composite
def expressions(draw):
    """A random expression graph over three leaves, with shared subexpressions."""
    leaves = [Value(draw(st.floats(-2, 2)), label=name) for name in "abc"]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["+", "-", "*", "tanh", "sigmoid", "relu", "**2"]))
        x = draw(st.sampled_from(nodes))
        y = draw(st.sampled_from(nodes))
        nodes.append({"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
                      "tanh": x.tanh, "sigmoid": x.sigmoid, "relu": x.relu,
                      "**2": lambda: x ** 2}[kind]())
    return leaves, nodes[-1]


@given(expressions())
def test_replaying_backward_steps_reproduces_backward_exactly(case):
    leaves, root = case
    root.backward()
    expected = {id(node): node.grad for node in leaves}
    root.zero_grad()

    steps = list(root.backward_steps())
    replayed = {id(root): 1.0}
    for step in steps:
        # the upstream gradient is complete when the step runs
        assert step.upstream_grad == replayed[id(step.node)]
        assert step.contribution == step.local_grad * step.upstream_grad
        replayed[id(step.parent)] = replayed.get(id(step.parent), 0.0) + step.contribution
    for leaf in leaves:
        assert replayed.get(id(leaf), 0.0) == expected[id(leaf)] == leaf.grad


def test_backward_steps_describe_each_chain_rule_application():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b
    L.label = "L"
    steps = list(L.backward_steps())
    assert [(s.parent.label, s.local_grad, s.contribution) for s in steps] == [
        ("a", -3.0, -3.0), ("b", 2.0, 2.0)]
    assert steps[0].formula == "∂L/∂a += ∂L/∂L × ∂L/∂a = 1 × -3 = -3"
    assert steps[0].rule == "∂L/∂a = b"
    bias = Value(1.0, label="b")
    x, w = Value(2.0, label="x"), Value(-1.0, label="w")
    neuron = (x * w + bias).tanh()  # a variable named b must not be confused with "the other operand"
    rules = [step.rule for step in neuron.backward_steps()]
    assert "∂(x*w)/∂x = w" in rules and "∂(x*w)/∂w = x" in rules
    assert rules[0] == "∂tanh(x*w + b)/∂(x*w + b) = 1 - tanh(x*w + b)²"


def test_names_describe_unlabelled_nodes():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert (a * b + a ** 2).tanh().name == "tanh(a*b + a**2)"
    assert ((a - b) * a).name == "(a - b)*a"


def test_weighted_sum_is_one_node_with_the_neuron_gradients():
    w = [Value(0.5), Value(-2.0)]
    x = [Value(3.0), 4.0]  # a Value input and a plain number
    bias = Value(1.0)
    out = Value.weighted_sum(w, x, bias)
    assert out.data == 0.5 * 3.0 - 2.0 * 4.0 + 1.0
    out.backward()
    assert [w[0].grad, w[1].grad, x[0].grad, bias.grad] == [3.0, 4.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        Value.weighted_sum(w, [1.0], bias)


@pytest.mark.parametrize("make, error, message", [
    # only what has no value at all (numpy's NaN) raises; limits such as 1/0 are ±inf
    (lambda: Value(-1.0).log(), ValueError, r"log\(-1\) is undefined: log needs an input ≥ 0"),
    (lambda: Value(-8.0) ** 0.5, ValueError, "no real fractional power"),
    (lambda: Value(0.0) / Value(0.0), ZeroDivisionError, "0/0 is undefined"),
    (lambda: Value(-0.0) / 0.0, ZeroDivisionError, "0/0 is undefined"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, "plain number"),
    (lambda: Value("3"), TypeError, "real number"),
    (lambda: (-2) ** Value(1.0), ValueError, "number ≥ 0 as the base"),
])
def test_mistakes_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


# (expression, its value, the gradient of each operand): the IEEE float64 values numpy and
# PyTorch give, where plain Python floats would raise ZeroDivisionError or OverflowError
IEEE_CASES = [
    (lambda a, b: a / b, 1.0, 1e-170, 1e170, (1e170, -math.inf)),
    (lambda a, b: a / b, 1e-160, 1e-170, 1e10, (1e170, -1e180)),  # b² would underflow to 0
    (lambda a, b: a / b, 1.0, 0.0, math.inf, (math.inf, -math.inf)),
    (lambda a, b: a / b, -2.0, 0.0, -math.inf, (math.inf, math.inf)),
    (lambda a, b: a / b, 1.0, -0.0, -math.inf, (-math.inf, -math.inf)),
    (lambda a: a ** 400, 10.0, None, math.inf, (math.inf,)),
    (lambda a: a ** 401, -10.0, None, -math.inf, (math.inf,)),
    (lambda a: a ** -1, 0.0, None, math.inf, (-math.inf,)),
    (lambda a: a ** -1, -0.0, None, -math.inf, (-math.inf,)),
    (lambda a: a ** -2, 1e-170, None, math.inf, (-math.inf,)),
    (lambda a: a ** 0, 0.0, None, 1.0, (0.0,)),
    (lambda a: a ** 0.5, 0.0, None, 0.0, (math.inf,)),
    (lambda a: a ** 1.5, 0.0, None, 0.0, (0.0,)),
    (lambda a: a ** 2, -3.0, None, 9.0, (-6.0,)),
    (lambda a: 2.0 ** a, 5000.0, None, math.inf, (math.inf,)),
    (lambda a: 0.0 ** a, 2.0, None, 0.0, (0.0,)),
    (lambda a: 0.0 ** a, 0.0, None, 1.0, (0.0,)),
    (lambda a: 0.0 ** a, -1.0, None, math.inf, (-math.inf,)),
    (lambda a: a.exp(), 1000.0, None, math.inf, (math.inf,)),
    (lambda a: a.log(), 0.0, None, -math.inf, (math.inf,)),
    (lambda a: a.tanh(), 1000.0, None, 1.0, (0.0,)),
    (lambda a: a.sigmoid(), -1000.0, None, 0.0, (0.0,)),
    (lambda a: a.softplus(), 1000.0, None, 1000.0, (1.0,)),
    (lambda a: a * 1e200, 1e200, None, math.inf, (1e200,)),
]


@pytest.mark.parametrize("f, a, b, value, grads", IEEE_CASES)
def test_results_too_large_or_divided_by_zero_follow_ieee_like_numpy(f, a, b, value, grads):
    operands = [Value(a)] + ([] if b is None else [Value(b)])
    out = f(*operands)
    out.backward()
    assert out.data == value
    assert [v.grad for v in operands] == list(grads)
    if b is not None:  # the same numbers numpy's float64 gives (its warnings aside)
        with np.errstate(all="ignore"):
            assert out.data == f(np.float64(a), np.float64(b))


def test_repr_shows_label_data_and_grad():
    a = Value(2.0, label="a")
    assert repr(a) == "Value(a: data=2, grad=0)"


def test_local_rules_in_latex_use_the_operands_names():
    from studypack.engine.graph import local_rule_latex
    assert local_rule_latex("*", 0, ["x", "w"]) == "w"
    assert local_rule_latex("/", 1, ["a", "b"]) == r"-\frac{a}{b^2}"
    assert local_rule_latex("**2", 0, ["u"]) == r"2\,u"
    assert local_rule_latex("**3", 0, ["u"]) == r"3\,u^{2}"
    assert local_rule_latex("@", 0, ["A", "B"]) is None  # no LaTeX form: callers show the text
