"""Where a pack is: a folder holding flashcards/ or quizzes/, found from a path or from here.

The `studypack` command works on the nearest pack from the current folder upwards (else this
checkout's own, `loader.default_root`), or the one a file it is given sits in.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

from .loader import CARDS_FOLDER, QUIZZES_FOLDER, default_root

PathLike = Union[str, os.PathLike]


def is_pack_root(folder: Path) -> bool:
    """A pack root holds flashcards/ or quizzes/ (or both)."""
    return (folder / CARDS_FOLDER).is_dir() or (folder / QUIZZES_FOLDER).is_dir()


def pack_root_of(path: PathLike) -> Optional[Path]:
    """The pack holding `path` (a pack folder, or any file or folder inside one), or None."""
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if folder.is_dir() and is_pack_root(folder):
            return folder
    return None


def find_pack_root(start: Optional[PathLike] = None) -> Path:
    """The nearest pack from `start` (default: the current folder) upwards, else the checkout's."""
    return pack_root_of(Path.cwd() if start is None else start) or default_root()
