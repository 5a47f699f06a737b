"""The pack's lessons: the numbered notebooks in notebooks/, with the titles they open with."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .loader import LESSONS_FOLDER, _resolve_root
from .reading import UnreadableFile, list_folder, read_text_file

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
    root = _resolve_root(root)
    try:
        paths = list_folder(root / LESSONS_FOLDER) or []
    except UnreadableFile as error:
        raise OSError(f"{root / LESSONS_FOLDER}: {error.message}") from None
    return [Lesson(path.stem, _title(path, root)) for path in paths
            if _LESSON_FILE.match(path.name)]


def _title(path: Path, root: Path) -> str:
    try:  # through the loader's reader: a FIFO or /dev/zero named 01_x.ipynb cannot hang it
        cells = json.loads(read_text_file(path, root)).get("cells", [])
    except (OSError, UnreadableFile, ValueError, RecursionError, AttributeError):
        return path.stem  # an unreadable notebook still appears, under its file name
    if not isinstance(cells, list):
        return path.stem
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                source = "".join(source)
            match = _HEADING.search(source) if isinstance(source, str) else None
            if match:
                return match.group(1).strip()
    return path.stem
