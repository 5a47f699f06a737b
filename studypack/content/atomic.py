"""Files that are never half-written: write beside the target, fsync, then rename into place.

A crash (or a full disk, or Ctrl+C in a notebook) leaves the old file or the new one, whole.
The temporary file sits in the target's folder because a rename is only atomic within one
file system.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Union

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


def write_bytes_atomically(path: PathLike, data: bytes) -> Path:
    """Write `data` to `path` through `.<name>.<random>.tmp` beside it; returns the path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:  # name the file asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())  # on disk before the rename makes it visible
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
