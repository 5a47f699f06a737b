"""One symbol per idea: momentum is μ everywhere (as in PyTorch's docs and the exercises), β is
only Adam's β₁, β₂ (or their β^t in the bias correction), and the start page's notation table
names every symbol the lessons use, with both meanings of λ."""
import json
import re
from pathlib import Path

import pytest

from studypack.widgets.lr_explorer import LearningRateExplorer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# Adam's betas always carry an index or a power: \beta_1, \beta^t, β₁, β₂, β^(t+1), β⁰, βᵗ.
# A bare β (\beta v, 1/(1-\beta), β = 0.5) can only be SGD's momentum, which is μ.
BARE_BETA = re.compile(r"\\beta(?![_^a-zA-Z])|β(?![₁₂^⁰ᵗ])")


def content_files() -> list[Path]:
    patterns = ["flashcards/*.yaml", "quizzes/*.yaml", "notes/*.md", "exercises/*.yaml",
                "translations/*/flashcards.yaml", "translations/*/quizzes.yaml",
                "translations/*/exercises.yaml", "translations/*/notes/*.md",
                "translations/*/interface.yaml"]
    return sorted(path for pattern in patterns for path in ROOT.glob(pattern))


def bare_betas(text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 30] for m in BARE_BETA.finditer(text)]


def test_the_bare_beta_pattern_tells_momentum_from_adam():
    for adam in (r"$\beta_1 = 0.9$", r"$1-\beta^t$", "1 − β^(t+1)", "1 − β⁰ = 0", "m/(1 − β₁ᵗ)",
                 "β₂ = 0.999", r"\beta_2 v"):
        assert not bare_betas(adam), adam
    for momentum in (r"$v \leftarrow \beta v + g$", r"$1/(1-\beta)$", "β = 0.5", "momentum β",
                     r"$2(1+\beta)/\lambda$", r"$\sqrt{\beta}$"):
        assert bare_betas(momentum), momentum


@pytest.mark.parametrize("path", content_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_card_question_note_or_exercise_calls_momentum_beta(path):
    assert not bare_betas(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_no_notebook_calls_momentum_beta(notebook):
    """Text, code and what the code printed: a β there would be momentum's."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        shown = "".join(cell["source"]) + "".join(
            "".join(output.get("text", "")) for output in cell.get("outputs", []))
        assert not bare_betas(shown), (notebook, bare_betas(shown))


def test_the_explorer_names_momentum_mu():
    explorer = LearningRateExplorer(learning_rate=0.09, momentum=0.5)
    assert explorer.momentum_slider.description == "momentum μ"
    assert "$\\mu = 0.50$" in explorer.threshold.value
    assert "$2(1+\\mu)/\\lambda_{\\max} = 0.15$" in explorer.threshold.value
    assert not bare_betas(explorer.threshold.value)


def notation_rows() -> dict:
    cells = json.loads((NOTEBOOKS / "00_start_here.ipynb").read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    table = text[text.index("## Notation"):]
    return {line.split(" | ")[0][2:]: line for line in table.splitlines()
            if line.startswith("| $")}


@pytest.mark.parametrize("symbol, meanings", [
    (r"$\mu$", ["momentum", r"v \leftarrow \mu v + g", r"w \leftarrow w - \eta v"]),
    (r"$\delta$", ["error signal", r"\partial L/\partial Z", "Kronecker"]),
    ("$X$, $W$, $Z$, $A$", ["pre-activations", "activations", "$(n, i)$", "$(i, o)$"]),
    ("$p$", ["probabilities", "one-hot", "p - y"]),
    (r"$m$, $v$, $\beta_1$, $\beta_2$", ["Adam", r"\beta_1 = 0.9", r"\beta_2 = 0.999",
                                         "not momentum's velocity"]),
    (r"$\lambda$", ["curvature", "weight-decay strength", "lesson 9"]),
    ("$y$", ["target", "one-hot"]),
])
def test_the_notation_table_defines_the_new_lessons_symbols(symbol, meanings):
    row = notation_rows().get(symbol, "")
    for meaning in meanings:
        assert meaning in row, (symbol, meaning, row)


def test_the_lessons_table_lists_every_lesson_and_the_exercises():
    cells = json.loads((NOTEBOOKS / "00_start_here.ipynb").read_text(encoding="utf-8"))["cells"]
    first = "".join(cells[0]["source"])
    table = first[first.index("## The lessons"):]
    for notebook in sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))[1:] + [
            "engine_tour.ipynb", "exercises.ipynb"]:
        assert f"| [{notebook}]({notebook}) |" in table, notebook
