"""LayerView, driven through its controls: what it shows is what the engine's backward() gives."""
import io
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from screen_checks import assert_fits_a_narrow_cell, assert_readable_in_a_narrow_cell
from studypack import Tensor, losses
from studypack.nn import Linear
from studypack.viz.matrix_panels import MatrixPanels
from studypack.widgets import LayerView
from studypack.widgets.layer_view import MAX_BATCH, N_INPUTS, N_UNITS, STEPS, layer_pass

# a numpy overflow or invalid value while colouring the panels is a bug here, not noise
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def engine_gradients(view: LayerView) -> dict:
    """The same batch and network through the engine: Tensor.backward() fills every grad."""
    n = view.batch_size_slider.value
    X = Tensor(view.X_all[:n], requires_grad=True)
    W = Tensor(view.layer.weight.data, requires_grad=True)
    b = Tensor(view.layer.bias.data, requires_grad=True)
    Z = X @ W + b
    A = Z.tanh()
    logits = A @ Tensor(view.next_layer.weight.data) + Tensor(view.next_layer.bias.data)
    loss = losses.cross_entropy(logits, view.labels_all[:n])
    loss.backward()
    return {"Z": Z.data, "A": A.data, "dA": A.grad, "delta": Z.grad, "dW": W.grad,
            "db": b.grad, "loss": loss.item()}


@pytest.mark.parametrize("batch_size", range(1, MAX_BATCH + 1))
def test_the_gradients_shown_are_the_engines_for_every_batch_size(batch_size):
    view = LayerView(batch_size=1 if batch_size > 1 else 2)
    view.batch_size_slider.value = batch_size
    expected = engine_gradients(view)
    for name in ("Z", "A", "dA", "delta", "dW", "db"):
        assert view.shown[name].shape == expected[name].shape, name
        np.testing.assert_allclose(view.shown[name], expected[name], rtol=1e-12, atol=1e-15,
                                   err_msg=name)
        # and what the heatmap's cells hold (a vector is drawn as one row)
        drawn = view.panels.drawn(name)
        np.testing.assert_allclose(drawn, np.atleast_2d(expected[name]), rtol=1e-12,
                                   atol=1e-15, err_msg=name)
    assert view.layer_pass.loss == pytest.approx(expected["loss"], rel=1e-12)


@settings(max_examples=8)
@given(seed=st.integers(0, 10_000), batch_size=st.integers(1, MAX_BATCH))
def test_any_seeded_network_shows_the_engines_gradients(seed, batch_size):
    view = LayerView(batch_size=batch_size, seed=seed)
    expected = engine_gradients(view)
    for name in ("delta", "dW", "db"):
        np.testing.assert_allclose(view.shown[name], expected[name], rtol=1e-10, atol=1e-14)


@settings(max_examples=30)
@given(n=st.integers(1, 9), n_in=st.integers(1, 6), n_out=st.integers(1, 6),
       n_classes=st.integers(2, 5), seed=st.integers(0, 2**32 - 1))
def test_the_layer_formulas_agree_with_the_engine_for_any_shapes(n, n_in, n_out, n_classes,
                                                                  seed):
    rng = np.random.default_rng(seed)
    X, labels = rng.normal(size=(n, n_in)), rng.integers(0, n_classes, size=n)
    layer, next_layer = Linear(n_in, n_out, "tanh", seed=rng), Linear(n_out, n_classes, seed=rng)
    by_hand = layer_pass(X, labels, layer, next_layer)
    Z = Tensor(X) @ layer.weight + layer.bias
    loss = losses.cross_entropy(next_layer(Z.tanh()), labels)
    layer.zero_grad()
    loss.backward()
    assert by_hand.loss == pytest.approx(loss.item(), rel=1e-12)
    for mine, engine in ((by_hand.delta, Z.grad), (by_hand.dW, layer.weight.grad),
                         (by_hand.db, layer.bias.grad)):
        assert mine.shape == engine.shape
        np.testing.assert_allclose(mine, engine, rtol=1e-10, atol=1e-14)
    assert by_hand.dW.shape == (n_in, n_out) and by_hand.db.shape == (n_out,)


@pytest.mark.parametrize("batch_size", [1, 3, MAX_BATCH])
def test_dW_is_the_sum_over_the_batch_of_the_shares_the_sample_slider_shows(batch_size):
    view = LayerView(batch_size=batch_size)
    shares = []
    for example in range(batch_size):
        view.sample_slider.value = example
        shares.append(view.shown["share"])
        expected = np.outer(view.X_all[example], engine_gradients(view)["delta"][example])
        np.testing.assert_allclose(view.shown["share"], expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.sum(shares, axis=0), engine_gradients(view)["dW"],
                               rtol=1e-12, atol=1e-15)
    # and the written sum for ∂L/∂W[0, 0] adds up to the entry
    terms = [float(t) for t in re.findall(r"\(([+-]\d+\.\d+)\)", view.sum_view.value)]
    assert len(terms) == batch_size
    assert sum(terms) == pytest.approx(view.shown["dW"][0, 0], abs=1e-4 * batch_size)
    assert f"{view.shown['dW'][0, 0]:+.4f}" in view.sum_view.value


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_titles_carry_the_shapes(batch_size):
    view = LayerView()
    view.batch_size_slider.value = batch_size
    n, i, o = batch_size, N_INPUTS, N_UNITS
    expected = {"X": (n, i), "W": (i, o), "Z": (n, o), "A": (n, o), "dA": (n, o),
                "delta": (n, o), "dW": (i, o), "share": (i, o)}
    for name, shape in expected.items():
        assert f"{shape}" in view.titles[name], (name, view.titles[name])
        assert view.shown[name].shape == shape
    assert f"({o},)" in view.titles["b"] and f"({o},)" in view.titles["db"]
    assert "Xᵀδ" in view.titles["dW"]


def test_no_label_runs_off_the_picture_or_overlaps_another_at_any_setting():
    view = LayerView()
    for batch_size in range(1, MAX_BATCH + 1):
        view.batch_size_slider.value = batch_size
        for example in range(batch_size):
            view.sample_slider.value = example
            for step in (0, len(STEPS)):  # all labels hidden, then all shown
                view.go_to(step)
                assert view.panels.label_problems() == [], (batch_size, example, step)


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")  # too small, on purpose
def test_labels_that_do_not_fit_are_found():
    panels = MatrixPanels([[("M", "M", (2, 2)), ("N", "N", (2, 2))]], width=2.0)
    panels.show("M", np.ones((2, 2)), "a detail much too long for so narrow a figure")
    panels.png()
    problems = panels.label_problems()
    assert "M detail runs off the picture" in problems
    assert any(problem.startswith("M detail overlaps N") for problem in problems)


def test_the_sample_slider_follows_the_batch_size():
    view = LayerView(batch_size=MAX_BATCH)
    view.sample_slider.value = MAX_BATCH - 1
    view.batch_size_slider.value = 2
    assert view.sample_slider.max == 1 and view.sample_slider.value == 1
    assert "k = 1:" in view.titles["share"]
    view.batch_size_slider.value = 5
    assert view.sample_slider.max == 4 and view.sample_slider.value == 1


def test_stepping_reveals_the_forward_then_the_backward_pass_in_order():
    view = LayerView()
    assert view.step == len(STEPS) and view.next_button.disabled
    view.go_to(0)
    assert set(view.shown) == {"X", "W", "b"} and view.previous_button.disabled
    assert view.panels.drawn("delta") is None and view.panels.drawn("X") is not None
    assert "?" in view.titles["delta"]
    seen, revealed = set(view.shown), []
    for step in range(1, len(STEPS) + 1):
        view.next_button.click()
        assert view.step == step
        assert f"step {step} of {len(STEPS)}" in view.caption.value
        revealed.append(sorted(set(view.shown) - seen))
        seen = set(view.shown)
    assert revealed == [["Z"], ["A"], ["dA"], ["delta"], ["dW", "share"], ["db"]]
    assert [direction for direction, *_ in STEPS] == ["forward"] * 2 + ["backward"] * 4
    assert set(view.shown) == {"X", "W", "b", "Z", "A", "dA", "delta", "dW", "share", "db"}
    assert view.next_button.disabled and not view.previous_button.disabled
    view.previous_button.click()
    assert "db" not in view.shown and "dW" in view.shown


def test_the_picture_is_drawn_and_changes_with_the_batch():
    view = LayerView(batch_size=2)
    before = view.image.value
    picture = Image.open(io.BytesIO(before)).convert("L")
    assert picture.getextrema()[0] < 100, "blank figure"
    view.batch_size_slider.value = 5
    assert view.image.value != before


def test_the_picture_is_shown_at_half_its_pixels_never_stretched():
    view = LayerView()
    width = Image.open(io.BytesIO(view.image.value)).size[0]
    assert width == 1120  # 7 inches at 160 dpi: text of 9.5 pt is 21 px, 10.5 px shown
    assert view.image.layout.width == f"{width // 2}px"
    assert view.image.layout.max_width == "100%"  # narrower on a narrow page, never wider
    assert_readable_in_a_narrow_cell(view.image, view.panels.figure.figure)
    assert_fits_a_narrow_cell(view)


def picture_height(view) -> int:
    return Image.open(io.BytesIO(view.image.value)).size[1]


def test_a_small_batch_leaves_no_empty_space_under_the_panels():
    view = LayerView(batch_size=MAX_BATCH)
    heights = {}
    for n in (6, 5, 4, 3, 2, 1):
        view.batch_size_slider.value = n
        heights[n] = picture_height(view)
    # a row of panels is as tall as its tallest matrix: W and ∂L/∂W have 3 rows
    assert heights[1] == heights[2] == heights[3] < heights[4] < heights[5] < heights[6]
    assert heights[1] < 0.7 * heights[6]  # three rows of cells fewer in each row of panels
    # and what is left out was empty: the last rows of the picture are white
    bottom = np.asarray(Image.open(io.BytesIO(view.image.value)).convert("L"))[-6:]
    assert (bottom == 255).all()


def fresh_view(batch_size, example, step) -> LayerView:
    view = LayerView(batch_size=batch_size)
    view.sample_slider.value = example
    view.go_to(step)
    return view


@settings(max_examples=6, deadline=None)
@given(moves=st.lists(st.tuples(st.integers(1, MAX_BATCH), st.integers(0, MAX_BATCH - 1),
                                st.integers(0, len(STEPS))), min_size=2, max_size=5))
def test_each_picture_is_what_a_fresh_view_draws(moves):
    """Only the changed panels and labels are redrawn: the result must be pixel for pixel
    what drawing everything from scratch gives."""
    view = LayerView()
    for batch_size, example, step in moves:
        example = min(example, batch_size - 1)
        view.batch_size_slider.value = batch_size
        view.sample_slider.value = example
        view.go_to(step)
        assert view.image.value == fresh_view(batch_size, example, step).image.value


def test_the_legend_shows_the_frames_colours_and_reads_in_both_themes():
    legend = LayerView().legend.value
    assert "border:3px solid #1565c0" in legend and "blue frame: what the step reads" in legend
    assert "border:3px solid #e65100" in legend and "orange frame: what it computes" in legend
    assert "color:" not in legend  # its words take the theme's text colour


def test_a_batch_size_outside_the_slider_is_refused():
    with pytest.raises(ValueError, match="batch_size must be from 1 to 6"):
        LayerView(batch_size=0)
    with pytest.raises(ValueError, match="batch_size must be from 1 to 6"):
        LayerView(batch_size=MAX_BATCH + 1)


def test_a_matrix_larger_than_its_panel_is_refused():
    panels = MatrixPanels([[("M", "M", (2, 2))]])
    with pytest.raises(ValueError, match=r"panel 'M' holds at most \(2, 2\), got shape \(3, 2\)"):
        panels.show("M", np.zeros((3, 2)), "M")


def test_saved_notebooks_show_a_sentence_not_the_widget_tree():
    assert repr(LayerView()) == ("Run this cell to start the layer view: a dense layer's "
                                 "matrices, forward and backward.")
