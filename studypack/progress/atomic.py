"""Files and folders that are never half-written: build beside the target, fsync, rename.

A crash (or a full disk, or Ctrl+C in a notebook) leaves the old file or the new one, whole.
The temporary file sits in the target's folder because a rename is only atomic within one
file system. It is named `.<name>.<pid>-<random>.tmp`: a later write to the same target
removes the ones whose process is gone (a run that was killed), and nothing else. A folder
output (`building_folder`: an assignment, a new pack) is built the same way beside its target
and swapped in whole.

Permissions are the user's: a new file gets 0666 minus the umask (as `open()` would give;
`tempfile.mkstemp` would give 0600), a replaced file keeps its mode.

Why here: the learner's progress file is what must never be half-written (DESIGN puts atomic
files in progress/). The instructor's outputs (classroom/: keys, grades) and other tools'
files (exchange/: a new pack's folder) are written through it too. Both sit above progress,
so the arrows stay one way; exchange uses this module only, nothing else of progress
(tests/test_layout.py holds it to that). It needs nothing but the standard library.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import sys
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

PathLike = Union[str, os.PathLike]


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable, where the OS supports it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a directory; its renames need no directory fsync
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to fsync a directory; the data itself is synced
    finally:
        os.close(fd)


# ---- temporary names, and cleaning up after a killed run ----

def temp_path(target: Path) -> Path:
    """A fresh name beside `target` for building it: `.<name>.<pid>-<8 hex>.tmp`."""
    return target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def _process_is_gone(pid: int) -> bool:
    if os.name != "posix":
        return False  # no safe liveness check (os.kill would terminate): keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, another user's
    return False


def remove_stale_temps(target: Path) -> None:
    """Remove what killed runs left while building `target` (temp files or folders named by
    `temp_path` whose process no longer exists); never anything else."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)-[0-9a-f]{{8}}\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        match = pattern.fullmatch(name)
        if not match or int(match.group(1)) == os.getpid() or \
                not _process_is_gone(int(match.group(1))):
            continue
        stale = target.parent / name
        with contextlib.suppress(OSError):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
            else:
                stale.unlink()


# ---- modes ----

def existing_mode(path: Path) -> Optional[int]:
    """The permission bits of the file or folder at `path` (of a symlink's target), or None."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


def make_folder(path: Path, mode: Optional[int] = None) -> Path:
    """mkdir with the umask applied (0777 minus it, like `mkdir`), or exactly `mode`."""
    os.mkdir(path, 0o777)
    if mode is not None:
        os.chmod(path, mode)
    return path


# ---- writing ----

def _create_temp_file(path: Path) -> tuple[int, Path]:
    """An open new file beside `path` with the umask applied (O_EXCL: never an existing one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = temp_path(path)
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def write_bytes_atomically(path: PathLike, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file beside it; returns the path.

    An existing file keeps its permission bits; a new one gets the umask's.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path)
        mode = existing_mode(path)
        fd, temp_name = _create_temp_file(path)
    except OSError as error:  # name the file asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(fd, "wb") as temp:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(temp.fileno(), mode)
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())  # on disk before the rename makes it visible
        if mode is not None and not hasattr(os, "fchmod"):
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:  # including KeyboardInterrupt in a notebook
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_directory(path.parent)
    return path


def write_text_atomically(path: PathLike, text: str) -> Path:
    """`write_bytes_atomically` for UTF-8 text, with the line ends given (no translation)."""
    return write_bytes_atomically(path, text.encode("utf-8"))


# ---- output folders: built beside the target, swapped in whole ----

class OutputExistsError(FileExistsError):
    """The output folder exists and holds files: nothing is overwritten without `force`."""


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
