"""The lesson notebooks as committed: one notation, no claim the review found false, the facts
it asked for, clean executed outputs, and checked cells marked with nbval's cell tags."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) + ["engine_tour.ipynb"]
MATH = re.compile(r"\$\$.*?\$\$|\$.*?\$", re.S)


def cells(notebook: str, kind: str) -> list:
    return [cell for cell in json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
            if cell["cell_type"] == kind]


def prose(notebook: str) -> str:
    return "\n".join("".join(cell["source"]) for cell in cells(notebook, "markdown"))


def math(notebook: str) -> str:
    return "\n".join(MATH.findall(prose(notebook)))


def test_there_are_ten_lessons_and_the_engine_tour():
    assert [name[:2] for name in LESSONS[:-1]] == [f"{n:02d}" for n in range(10)]


def test_start_here_defines_the_pack_notation():
    text = prose("00_start_here.ipynb")
    table = text[text.index("## Notation"):]
    for symbol, meaning in [(r"$\hat y$", "prediction"), ("$y$", "target"), ("$L$", "loss"),
                            (r"$\eta$", "learning rate"), ("$D$", "depth"),
                            (r"$\lambda$", "curvature")]:
        row = next((line for line in table.splitlines() if line.startswith(f"| {symbol}")), "")
        assert meaning in row, (symbol, meaning)


@pytest.mark.parametrize("notebook", LESSONS)
def test_every_lesson_follows_the_notation(notebook):
    formulas = math(notebook)
    # L is the loss: a curvature is λ, a depth D
    for curvature_or_depth_as_l in (r"\\frac\{L\}\{2\}", r"\\frac\{2\}\{L\}", r"[12]/L\b",
                                    r"\\eta\s*L\b", r"=\s*Lx\b", r"\\kappa = L/", r"h_L\b",
                                    r"\^\{L\s*-\s*1\}", r"l = 1, \\dots, L\b", r"\\mathcal\{L\}"):
        assert not re.search(curvature_or_depth_as_l, formulas), curvature_or_depth_as_l
    # y is the target, ŷ the prediction: no prediction called y next to a "target"
    assert not re.search(r"(?<!\\hat )y = \\tanh", formulas)
    assert r"\text{target}" not in formulas


@pytest.mark.parametrize("notebook", LESSONS)
def test_no_lesson_repeats_a_claim_the_review_found_false(notebook):
    text = " ".join(prose(notebook).split()).lower()
    for false_claim in ("is the likelihood",            # cross-entropy: the NEGATIVE LOG-likelihood
                        "0 for perfect predictions",    # not cross-entropy at finite logits
                        "one weighted sum",             # linear layers collapse to an affine map
                        "overshoots the minimum, so the loss grows",
                        "loss bounces", "loss bounce",  # the iterate bounces; the loss still falls
                        "two things set"):              # sigmoid's 1/4 is one reason of several
        assert false_claim not in text, false_claim


def test_lesson_1_says_what_cross_entropy_is():
    text = " ".join(prose("01_forward_pass_and_loss.ipynb").split())
    assert "negative log-likelihood" in text
    assert "affine map" in text
    assert "supervised learning" in text
    assert "never exactly 0" in text


def test_lessons_0_and_4_tell_the_bouncing_iterate_from_a_growing_loss():
    for notebook in ("00_start_here.ipynb", "04_gradient_descent_and_learning_rate.ipynb"):
        text = " ".join(prose(notebook).split())
        assert re.search(r"yet the loss (can )?still falls?\b", text), notebook
        assert "neither converging nor diverging" in text or "stays at 6.25" in text, notebook


def test_lesson_6_uses_d_for_depth_and_says_how_deep():
    text = " ".join(prose("06_when_gradients_misbehave.ipynb").split())
    assert r"\partial h_D" in text and "g^{D-1}" in text
    assert "depth of 20 or more" in text
    assert "first/last ratio stays below 1" in text
    assert "one reason, though not the only one" in text


@pytest.mark.parametrize("fact", ["Cauchy", "1847", "LeCun", "1989", "ZIP code", "Hochreiter",
                                  "1991", "vanishing and exploding gradients",
                                  "recurrent neural networks", "transformers",
                                  "supervised learning"])
def test_lesson_6_history_and_uses(fact):
    assert fact.lower() in " ".join(prose("06_when_gradients_misbehave.ipynb").split()).lower()


LEAF = re.compile(r"Value\((-?\d+(?:\.\d+)?), label=\"(\w+)\"\)")


@pytest.mark.parametrize("notebook", ["02_chain_rule_and_graphs.ipynb",
                                      "03_backward_pass_step_by_step.ipynb", "engine_tour.ipynb"])
def test_the_leaves_of_each_graph_have_different_values(notebook):
    # a product sends each operand the OTHER operand: equal inputs and weights hide which
    for cell in cells(notebook, "code"):
        leaves = LEAF.findall("".join(cell["source"]))
        values = [float(value) for value, _ in leaves]
        assert len(values) == len(set(values)), leaves


@pytest.mark.parametrize("notebook", LESSONS)
def test_committed_outputs_are_clean(notebook):
    code = cells(notebook, "code")
    raw = (NOTEBOOKS / notebook).read_text(encoding="utf-8")
    counts = [cell["execution_count"] for cell in code]
    assert counts == list(range(1, len(code) + 1))                     # top to bottom, once
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error"
            assert output.get("name") != "stderr", "".join(output.get("text", ""))
    for path in ("/work/", "/tmp/", "/home/", "/root/", "/Users/", "C:\\\\"):
        assert path not in raw
    assert "# NBVAL" not in raw                      # nbval's cell tags, not comments
    assert any("nbval-check-output" in cell["metadata"].get("tags", []) for cell in code)
    # (each lesson's first cell records the visit: tests/test_progress_lessons.py)


EVERY_NOTEBOOK = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("notebook", EVERY_NOTEBOOK)
def test_before_the_cells_run_a_learner_sees_sentences_not_reprs_or_anyones_progress(notebook):
    """A saved notebook shows, for each widget, the sentence its `RunHint` gives (not
    `FlashcardDeck(children=(…`); it holds no widget state, so no one's progress (visits,
    dates, ratings) is shown before the learner's own cells run; no nbval comments."""
    saved = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))
    assert "widgets" not in saved["metadata"], "saved widget state: someone's progress"
    for cell in cells(notebook, "code"):
        source = "".join(cell["source"])
        assert "# NBVAL" not in source, "use nbval's cell tags, not comments"
        for output in cell["outputs"]:
            data = output.get("data", {})
            assert WIDGET_VIEW not in data, source[:80]
            shown = "".join(data.get("text/plain", ""))
            assert "(children=" not in shown and "Layout(" not in shown, shown[:120]
            if shown.startswith("Run this cell"):
                assert shown.endswith(".") and len(shown) < 120, shown
