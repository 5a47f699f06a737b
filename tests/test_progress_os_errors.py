"""When the OS refuses: a full disk, no permission, a folder or a device where the progress
file should be, a lock another process holds. Every such failure is a `ProgressError` that
names the file and says what to do, and nothing already saved is changed.

The helpers here (`disk_full`, `os_refuses`, `lock_held_by_another_process`,
`no_callback_errors`) simulate these for the widget tests too: tests run as root, where
chmod does not stop a write, so the OS calls themselves are made to fail.
"""
import contextlib
import errno
import logging
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from studypack.progress.store import ProgressError, ProgressStore

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def os_refuses(monkeypatch, call: str, code: int, message: str) -> None:
    """Make every `os.<call>` (e.g. "replace", "open") fail as the OS does with errno `code`."""
    def refuse(*args, **kwargs):
        raise OSError(code, message)

    monkeypatch.setattr(os, call, refuse)


def disk_full(monkeypatch) -> None:
    """A full disk: writing the new progress file fails with ENOSPC (undo: monkeypatch.undo())."""
    os_refuses(monkeypatch, "replace", errno.ENOSPC, "No space left on device")


@contextlib.contextmanager
def lock_held_by_another_process(store):
    """Another process (a second notebook, say) holds the learner's lock until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
         "lock.acquire(); print('locked', flush=True); sys.stdin.read()",
         str(store.lock_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        store.directory.mkdir(parents=True, exist_ok=True)
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.fixture
def no_callback_errors(caplog):
    """Fail if a widget callback raised: ipywidgets only logs it, and the click looks dead."""
    caplog.set_level(logging.WARNING)
    yield
    raised = [r for r in caplog.get_records("call") if "Exception in callback" in r.getMessage()]
    assert not raised, raised[0].getMessage()


@pytest.fixture
def store(tmp_path):
    return ProgressStore("alice", directory=tmp_path / "data")


def saved_state(store):
    """The learner's file as bytes (None if absent), to prove a failure changed nothing."""
    return store.path.read_bytes() if store.path.is_file() else None


@pytest.mark.parametrize("call, code, reason, advice", [
    ("replace", errno.ENOSPC, "disk full", "free some disk space"),
    ("replace", errno.EDQUOT, "disk full", "free some disk space"),
    ("replace", errno.EROFS, "no permission", "STUDYPACK_HOME"),
    ("replace", errno.EACCES, "no permission", "STUDYPACK_HOME"),
    ("fsync", errno.EIO, "other", "try again"),
])
def test_a_failed_save_names_the_file_says_what_to_do_and_changes_nothing(
        store, monkeypatch, call, code, reason, advice):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = saved_state(store)
    os_refuses(monkeypatch, call, code, os.strerror(code))
    for save in (lambda: store.record_review("what-is-backpropagation", "good", T0),
                 lambda: store.record_quiz_attempt("quiz", {"q": 1}, 1, 1, T0),
                 lambda: store.record_lesson_visit("02_chain_rule_and_graphs", T0),
                 lambda: store.record_exercise_solved("mse-backward", T0)):
        with pytest.raises(ProgressError) as raised:
            save()
        error = raised.value
        assert error.reason == reason and error.path == store.path
        message = str(error)
        assert str(store.path) in message and advice in message and "\n" not in message
    monkeypatch.undo()
    assert saved_state(store) == before
    assert sorted(p.name for p in store.directory.iterdir()) == ["alice.json", "alice.json.lock"]


def test_an_unreadable_file_names_the_file(store, monkeypatch):
    store.record_lesson_visit("01_forward_pass_and_loss", T0)
    before = saved_state(store)
    real_read_bytes = Path.read_bytes

    def refuse(path):
        if path == store.path:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    for use in (store.lessons_visited, lambda: store.record_lesson_visit("x", T0)):
        with pytest.raises(ProgressError, match="could not (read|save)") as raised:
            use()
        assert raised.value.reason == "no permission" and str(store.path) in str(raised.value)
    monkeypatch.undo()
    assert saved_state(store) == before


def test_a_folder_that_cannot_be_created_names_the_file(tmp_path, monkeypatch):
    store = ProgressStore("alice", directory=tmp_path / "not-yet" / "data")
    os_refuses(monkeypatch, "mkdir", errno.EROFS, "Read-only file system")
    with pytest.raises(ProgressError, match="Read-only file system") as raised:
        store.record_lesson_visit("01_forward_pass_and_loss", T0)
    assert raised.value.reason == "no permission" and str(store.path) in str(raised.value)


@pytest.mark.parametrize("make", ["folder", "fifo", "device"])
def test_something_else_in_the_files_place_is_reported_not_read_or_replaced(store, make):
    store.directory.mkdir(parents=True)
    if make == "folder":
        store.path.mkdir()
        (store.path / "keep.txt").write_text("mine")
    elif make == "fifo":
        os.mkfifo(store.path)  # reading it would block forever
    else:
        store.path.symlink_to("/dev/zero")  # reading it would never end
    uses = [store.lessons_visited, lambda: store.summary(["what-is-backpropagation"]),
            lambda: store.record_review("what-is-backpropagation", "good", T0)]
    for use in uses:
        result = {}
        worker = threading.Thread(target=lambda: result.update(
            error=pytest.raises(ProgressError, use).value), daemon=True)
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "blocked on a special file"
        error = result["error"]
        assert error.reason == "not a file"
        assert str(store.path) in str(error) and "move" in str(error)
    assert not list(store.directory.glob("alice.corrupt-*"))
    if make == "folder":
        assert (store.path / "keep.txt").read_text() == "mine"


def test_a_damaged_file_that_cannot_be_moved_aside_is_left_alone(store, monkeypatch):
    store.directory.mkdir(parents=True)
    store.path.write_bytes(b"{damaged")
    os_refuses(monkeypatch, "replace", errno.EACCES, "Permission denied")
    with pytest.raises(ProgressError, match="Permission denied"):
        store.record_lesson_visit("01_forward_pass_and_loss", T0)
    monkeypatch.undo()
    assert store.path.read_bytes() == b"{damaged"


def test_a_lock_held_by_another_process_past_the_timeout(tmp_path):
    store = ProgressStore("alice", directory=tmp_path, lock_timeout=0.2)
    with lock_held_by_another_process(store):
        with pytest.raises(ProgressError, match="another notebook") as raised:
            store.record_lesson_visit("01_forward_pass_and_loss", T0)
    assert raised.value.reason == "locked" and str(store.path) in str(raised.value)
    assert not store.path.exists()
    store.record_lesson_visit("01_forward_pass_and_loss", T0)  # released: works again
    assert store.lessons_visited()
