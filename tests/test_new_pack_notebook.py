"""The notebook `studypack new` writes keeps the learner's progress, as the built-in ones do.

It is executed for real (nbclient, a kernel of this environment) in the new pack's notebooks/
folder with a throwaway STUDYPACK_HOME; an extra cell then drives the widgets the notebook
made (flip and rate a card, finish the quiz) as a learner's clicks would.
"""
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from studypack.exchange.scaffold import NOTEBOOK_NAME, new_pack
from studypack.progress import ProgressStore

# what a learner's clicks do, on the widgets the notebook's cells displayed
DRIVE_THE_WIDGETS = """\
from studypack.widgets.flashcards import FlashcardDeck
from studypack.widgets.quiz import Quiz

deck = next(value for value in Out.values() if isinstance(value, FlashcardDeck))
quiz = next(value for value in Out.values() if isinstance(value, Quiz))
print("quiz seed", quiz.seed)
card = deck.current_card.id
deck.flip_button.click()
deck.rating_buttons["good"].click()
quiz.finish()
print("rated", card)
"""


def _run(notebook_path: Path) -> str:
    """Execute the notebook plus the driving cell; the driving cell's printed text."""
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(DRIVE_THE_WIDGETS))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook_path.parent)}}).execute()
    return "".join(output.get("text", "") for output in notebook.cells[-1].outputs)


def test_the_new_packs_notebook_saves_ratings_and_quiz_attempts(tmp_path, monkeypatch):
    home = tmp_path / "progress"
    monkeypatch.setenv("STUDYPACK_HOME", str(home))  # the kernel inherits it
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    pack = new_pack(tmp_path / "photosynthesis", title="Photosynthesis", topics=["light"])
    notebook = pack / "notebooks" / NOTEBOOK_NAME

    first = _run(notebook)
    assert "quiz seed 0" in first and "rated how-to-write-a-card" in first, first
    store = ProgressStore(directory=home)
    assert store.path.is_file()
    assert store.reviewed_today() == ["how-to-write-a-card"]
    attempts = store.quiz_attempts("photosynthesis")  # the pack's name: apart from other packs
    assert [(a.score, a.max_score) for a in attempts] == [(0, 1)]

    # a later session reads that progress back: the quiz draws its next attempt
    second = _run(notebook)
    assert "quiz seed 1" in second, second
    assert len(store.quiz_attempts("photosynthesis")) == 2
