"""Files and folders on disk: finding a pack's root, and writing outputs that are never half-written.

Every output of the `studypack` command is written to a temporary file (or folder) beside its
target and renamed into place once complete (see `atomic`), so an interrupted run leaves the
old output or the new one, never a mix.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Optional, Sequence, Union

from .loader import CARDS_FOLDER, QUIZZES_FOLDER, default_root
from .atomic import fsync_directory

PathLike = Union[str, os.PathLike]


class OutputExistsError(FileExistsError):
    """The output folder exists and holds files: nothing is overwritten without `force`."""


# ---- packs ----

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


def check_output_folder(target: PathLike, force: bool = False) -> Path:
    """`target` as a Path, or OutputExistsError if it holds files and `force` is not set."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise OutputExistsError(f"{target} is a file, not a folder: choose another output folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise OutputExistsError(f"{target} exists and is not empty: choose a new folder, or "
                                "pass --force to replace it")
    return target


@contextlib.contextmanager
def building_folder(target: PathLike, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder beside `target`; on success it replaces `target`.

    If the block raises, the temporary folder is removed and `target` is left as it was.
    """
    target = check_output_folder(target, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as error:  # name the folder asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(target)) from error
    try:
        yield temp
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    old = None
    if target.exists():  # an empty folder, or one --force allows replacing: set it aside first
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
        os.replace(target, old / target.name)
    os.replace(temp, target)
    fsync_directory(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---- notebooks ----

def notebook_text(cells: Sequence[tuple[str, str]]) -> str:
    """An nbformat 4.4 notebook without outputs, from ("markdown" | "code", source) pairs.

    Written as JSON the way Jupyter writes it (`nbformat` would do the same, but importing
    it costs a second: the command must start fast). 4.4 has no random cell ids, so the
    same cells always give the same file.
    """
    def cell(kind: str, source: str) -> dict:
        lines = source.splitlines(keepends=True)
        if kind == "markdown":
            return {"cell_type": "markdown", "metadata": {}, "source": lines}
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": lines}

    notebook = {"cells": [cell(kind, source) for kind, source in cells],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                            "name": "python3"},
                             "language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 4}
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
