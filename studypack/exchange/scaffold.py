"""A new, empty-but-working pack: `new_pack()` writes the folders and one sample of each item.

The pack validates as written, so a teacher starts from something that works and changes it
step by step (`studypack validate` after each change). Its topics are its own, listed in
pack.yaml; the sample card, question and note link to each other and to the notebook.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import yaml
from pydantic import ValidationError

from studypack.content.loader import (CARDS_FOLDER, LESSONS_FOLDER, NOTES_FOLDER, PACK_FILE,
                                      QUIZZES_FOLDER)
from studypack.content.model import PackSettings
from studypack.content.notebooks import notebook_text
from studypack.progress.atomic import building_folder

from .items import slug

NOTEBOOK_NAME = "study.ipynb"

_CARDS = """\
# Flashcards: a YAML list; every card has a stable id (never rename it), topics from pack.yaml,
# a difficulty (easy, medium, hard), and a front and back in Markdown with $...$ math.
# Check your changes with: studypack validate

- id: how-to-write-a-card
  topics: [{topic}]
  difficulty: easy
  front: What goes on the back of a flashcard?
  back: >-
    The answer, in a sentence or two. Markdown works (**bold**, lists) and so does math,
    e.g. $a^2 + b^2 = c^2$.
"""

_QUESTIONS = """\
# Quiz questions: a YAML list. kind is single_choice, multiple_choice or numeric (with answer
# and tolerance); every option says why it is right or wrong in its feedback.
# Check your changes with: studypack validate

- id: how-many-correct-options
  topics: [{topic}]
  difficulty: easy
  kind: single_choice
  prompt: How many options of a single-choice question are correct?
  options:
    - text: Exactly one
      correct: true
      feedback: Right. For several correct options, use kind multiple_choice.
    - text: At least one
      correct: false
      feedback: That is multiple_choice, which gives partial credit.
  explanation: >-
    A single-choice question has exactly one option with correct: true; studypack refuses the
    file otherwise and says which question is wrong.
"""

_NOTE = """\
---
id: getting-started
title: Getting started
topics: [{topic}]
difficulty: easy
lesson: {notebook}
cards: [how-to-write-a-card]
questions: [how-many-correct-options]
---
## Writing this pack

Cards live in `flashcards/`, questions in `quizzes/`, notes like this one in `notes/` (one
Markdown file per note, named after its id). Topics are listed in `pack.yaml`.

Run `studypack validate` after each change: it lists every problem as
`file:line: id: field: message`.
"""

_README = """\
# {title}

A studypack content pack: flashcards, quiz questions and notes, checked by `studypack validate`.

- `pack.yaml`: the pack's name, title and topics
- `flashcards/`, `quizzes/`, `notes/`: the content
- `notebooks/{notebook}`: review the cards and take the quiz

Commands (run inside this folder):

    studypack validate
    studypack assign questions --count 5 --out ../assignment-1
    studypack export anki --out {name}.apkg
"""


def _study_notebook(title: str) -> str:
    """Cards and quiz keeping the learner's progress, as the built-in notebooks do."""
    setup = ("from pathlib import Path\n"
             "from studypack.content import load_pack\n"
             "from studypack.progress import ProgressStore\n\n"
             'LEARNER = "default"  # progress is kept per learner name: use your own if you '
             "share a computer\n"
             "pack = load_pack(Path.cwd().parent)  # this notebook is in the pack's notebooks/\n"
             "store = ProgressStore(LEARNER)")
    return notebook_text([
        ("markdown", f"# {title}\n\nReview the cards, then take the quiz. Your ratings and "
                     "quiz attempts are saved as you go."),
        ("code", setup),
        ("code", "from studypack.widgets.flashcards import FlashcardDeck\n\n"
                 "FlashcardDeck(pack.cards, store=store)"),
        ("code", "from studypack.widgets.quiz import Quiz\n\n"
                 "quiz_id = pack.settings.name  # attempts are kept apart from other packs'\n"
                 "Quiz(pack.questions, store=store, quiz_id=quiz_id,\n"
                 "     seed=len(store.quiz_attempts(quiz_id)))")])


def new_pack(folder, title: Optional[str] = None, topics: Sequence[str] = ()) -> Path:
    """Create the pack in `folder` (which must not exist or be empty); returns its path."""
    folder = Path(folder)
    name = slug(folder.resolve().name)
    try:
        settings = PackSettings(name=name, title=title or folder.resolve().name,
                                topics=list(topics) or ["basics"])
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, detail['loc']))}: "
                             f"{detail.get('ctx', {}).get('error', detail['msg'])}"
                             for detail in error.errors())
        raise ValueError(f"cannot name the pack's settings: {problems}") from None
    topic = settings.topics[0]
    with building_folder(folder) as root:
        for sub in (CARDS_FOLDER, QUIZZES_FOLDER, NOTES_FOLDER, LESSONS_FOLDER):
            (root / sub).mkdir()
        pack_yaml = ("# The pack: its name (Anki ids derive from it: keep it), title and topics.\n"
                     + yaml.safe_dump(settings.model_dump(), sort_keys=False, allow_unicode=True))
        files = {PACK_FILE: pack_yaml,
                 f"{CARDS_FOLDER}/cards.yaml": _CARDS.format(topic=topic),
                 f"{QUIZZES_FOLDER}/questions.yaml": _QUESTIONS.format(topic=topic),
                 f"{NOTES_FOLDER}/getting-started.md": _NOTE.format(topic=topic,
                                                                    notebook=NOTEBOOK_NAME),
                 f"{LESSONS_FOLDER}/{NOTEBOOK_NAME}": _study_notebook(settings.title),
                 "README.md": _README.format(title=settings.title, name=name,
                                             notebook=NOTEBOOK_NAME)}
        for relative, text in files.items():
            (root / relative).write_text(text, encoding="utf-8")
    return folder
