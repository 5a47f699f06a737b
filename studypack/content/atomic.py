"""Files that are never half-written: write beside the target, fsync, then rename into place.

A crash (or a full disk, or Ctrl+C in a notebook) leaves the old file or the new one, whole.
The temporary file sits in the target's folder because a rename is only atomic within one
file system. It is named `.<name>.<pid>-<random>.tmp`: a later write to the same target
removes the ones whose process is gone (a run that was killed), and nothing else.

Permissions are the user's: a new file gets 0666 minus the umask (as `open()` would give;
`tempfile.mkstemp` would give 0600), a replaced file keeps its mode.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
from pathlib import Path
from typing import Optional, Union

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
