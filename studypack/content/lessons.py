"""The pack's lessons: the numbered notebooks in notebooks/, with the titles they open with."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .loader import LESSONS_FOLDER, _resolve_root

# Lessons are numbered (00_start_here, 01_forward_pass_and_loss, ...); other notebooks
# (flashcards, quiz, notes, engine_tour) are tools, not steps of the course.
_LESSON_FILE = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
_HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Lesson:
    name: str   # the notebook's file name without .ipynb, as recorded by record_lesson_visit
    title: str  # the notebook's first level-1 heading, or its name


def list_lessons(root=None) -> list[Lesson]:
    """The numbered lesson notebooks under `root`/notebooks, in order."""
    folder = _resolve_root(root) / LESSONS_FOLDER
    if not folder.is_dir():
        return []
    return [Lesson(path.stem, _title(path)) for path in sorted(folder.iterdir())
            if _LESSON_FILE.match(path.name)]


def _title(path: Path) -> str:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem  # an unreadable notebook still appears, under its file name
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            match = _HEADING.search(source if isinstance(source, str) else "".join(source))
            if match:
                return match.group(1).strip()
    return path.stem
