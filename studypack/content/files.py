"""Files and folders on disk: finding a pack's root, and writing outputs that are never half-written.

Every output of the `studypack` command is written to a temporary file (or folder) beside its
target and renamed into place once complete (see `atomic`), so an interrupted run leaves the
old output or the new one, never a mix.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence, Union

from .loader import CARDS_FOLDER, QUIZZES_FOLDER, default_root
from .atomic import (existing_mode, fsync_directory, make_folder, remove_stale_temps,
                     temp_path)

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


def _entries(folder: Path, limit: int = 10_000) -> Iterator[str]:
    """Everything under `folder` as relative POSIX paths, folders ending in "/" (symlinks are
    listed, not followed); a folder that cannot be read is listed as "<path>/ (unreadable)"."""
    stack = [""]
    while stack and limit > 0:
        relative = stack.pop()
        try:
            children = sorted(os.scandir(folder / relative), key=lambda entry: entry.name)
        except OSError:
            yield f"{relative} (unreadable)"
            continue
        for child in children:
            limit -= 1
            name = f"{relative}{child.name}"
            if child.is_dir(follow_symlinks=False):
                yield name + "/"
                stack.append(name + "/")
            else:
                yield name


def check_output_folder(target: PathLike, force: bool = False,
                        replaceable: Optional[Callable[[str], bool]] = None) -> Path:
    """`target` as a Path, or OutputExistsError: a file; a folder with files when `force` is
    not set; with `force`, a folder holding anything `replaceable` (a relative path, folders
    ending in "/") does not accept: `force` replaces an earlier output, never other files."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise OutputExistsError(f"{target} is a file, not a folder: choose another output folder")
    if not target.is_dir():
        return target
    if not force:
        if any(target.iterdir()):
            raise OutputExistsError(f"{target} exists and is not empty: choose a new folder, or "
                                    "pass --force to replace it")
        return target
    foreign = []
    for entry in _entries(target):
        if not (replaceable or (lambda _: False))(entry):
            foreign.append(entry)
            if len(foreign) > 5:
                break
    if foreign:
        shown = ", ".join(foreign[:5]) + (" and more" if len(foreign) > 5 else "")
        raise OutputExistsError(
            f"{target} holds files that are not part of the output --force replaces ({shown}): "
            "--force never deletes them, so move them elsewhere, or choose a new folder")
    return target


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the
    OS or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False  # a libc without the wrapper (glibc < 2.28, some musl)
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap_in(built: Path, target: Path) -> Optional[Path]:
    """Put `built` at `target`; returns where the previous `target` went (None if none).

    Where the OS can swap two folders atomically, a kill at any moment leaves the old folder or
    the new one at `target`. Elsewhere (a folder is there, no swap) there is an instant between
    two renames when `target` is missing; the old folder then waits beside it, named by
    `temp_path`.
    """
    if not target.is_dir():
        os.replace(built, target)
        return None
    if _exchange(built, target):
        return built
    old = temp_path(target)
    os.replace(target, old)
    os.replace(built, target)
    return old


def _settle(built: Path, target: Path) -> None:
    """Give the built files and folders the modes of those they replace; fsync them all."""
    for entry in [".", *_entries(built)]:
        relative = entry.rstrip("/")
        path = built / relative
        if path.is_symlink():
            continue
        mode = existing_mode(target / relative) if target.is_dir() else None
        if mode is not None and (target / relative).is_dir() == path.is_dir():
            os.chmod(path, mode)
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        elif path.is_dir():
            fsync_directory(path)


@contextlib.contextmanager
def building_folder(target: PathLike, force: bool = False,
                    replaceable: Optional[Callable[[str], bool]] = None) -> Iterator[Path]:
    """Yield an empty folder beside `target` to build the output in; on success it replaces
    `target` in one step, keeping the modes of the files and folders it replaces.

    `force` and `replaceable` are as in `check_output_folder`: what the old folder holds must
    all be replaceable (checked before and, once swapped out, again: a file that arrived in
    between puts the old folder back). If the block raises, `target` is left as it was.
    """
    if Path(target).is_symlink():  # replace the folder it points to, not the link
        target = Path(target).resolve()
    target = check_output_folder(target, force, replaceable)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(target)
        built = make_folder(temp_path(target))
    except OSError as error:  # name the folder asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(target)) from error
    try:
        yield built
        _settle(built, target)
        old = _swap_in(built, target)
        fsync_directory(target.parent)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    if old is None:
        return
    try:
        check_output_folder(old, force, replaceable)
    except OutputExistsError:  # a file arrived in the old folder meanwhile: put it back
        if not _exchange(old, target):
            discarded = temp_path(target)
            os.replace(target, discarded)
            os.replace(old, target)
            old = discarded
        shutil.rmtree(old, ignore_errors=True)
        check_output_folder(target, force, replaceable)  # raises, naming the files
        raise
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


# ---- reading files handed in by others ----

def read_json_file(path: PathLike, max_bytes: int) -> object:
    """Parsed JSON from a regular file of at most `max_bytes`; ValueError says, in a few
    words, why the file cannot be used. Never follows a symlink, never blocks on a FIFO or a
    device, never reads without limit, and refuses NaN/Infinity, numbers that overflow and
    nesting too deep to parse."""
    path = Path(path)
    if path.is_symlink():
        raise ValueError("a symbolic link: not followed (put the file itself there)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise ValueError(f"cannot be read ({error.strerror or error})") from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes:,} bytes: not a file this command writes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text (a binary file?)") from None
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("not a readable JSON file (nested too deeply)") from None
    except ValueError as error:
        raise ValueError(f"not a readable JSON file ({str(error)[:200]})") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:20]}… overflows" if len(text) > 20 else f"{text} overflows")
    return value


def json_files_under(folder: Path) -> Iterator[tuple[Path, Optional[str]]]:
    """(path, problem) for the .json files under `folder`, sorted, problem None when the
    file can be read. Hidden files and folders (.ipynb_checkpoints, ._* from macOS) and
    __MACOSX/ are left out; symlinks are not followed; an unreadable folder is a problem."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name, reverse=True)
        except OSError as error:
            yield current, f"a folder that cannot be read ({error.strerror or error})"
            continue
        files = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__MACOSX":
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.name.lower().endswith(".json"):
                files.append((path, "a symbolic link: not followed (put the file itself "
                                    "there)" if entry.is_symlink() else None))
        yield from reversed(files)
