"""What the command writes is never lost and readable as the umask says: `assign --force`
replaces only an assignment's own files, in one step, and a run killed at any moment leaves
the old output or the new one (and temp files the next run removes)."""
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import studypack

pytestmark = pytest.mark.skipif(os.name != "posix", reason="umask, fork and SIGKILL are POSIX")


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """A small pack (`studypack new`): fast to load in the many runs below."""
    folder = tmp_path_factory.mktemp("force")
    studypack("new", "pack", cwd=folder, expect=0)
    return folder / "pack"


def tree(folder: Path) -> dict:
    """relative path → (mode, bytes or "dir") for everything under `folder`."""
    result = {}
    for path in sorted(folder.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        result[path.relative_to(folder).as_posix()] = (
            mode, "dir" if path.is_dir() else path.read_bytes())
    return result


# ---- what --force may replace ----

def test_force_refuses_a_folder_with_handed_in_files_and_deletes_nothing(pack, tmp_path):
    studypack("assign", "questions", "--seed", "1", "--out", tmp_path / "w", cwd=pack, expect=0)
    (tmp_path / "w/student/responses.json").write_text('{"student": "Ada"}')
    (tmp_path / "w/grades.csv").write_text("student,total\nAda,1\n")
    (tmp_path / "w/instructor/notes.txt").write_text("mine")
    before = tree(tmp_path / "w")
    result = studypack("assign", "questions", "--seed", "2", "--out", tmp_path / "w", "--force",
                       cwd=pack, expect=2)
    assert "grades.csv" in result.stderr and "student/responses.json" in result.stderr
    assert "instructor/notes.txt" in result.stderr and "never deletes" in result.stderr
    assert tree(tmp_path / "w") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_force_replaces_the_assignment_and_keeps_every_earlier_key(pack, tmp_path):
    out = tmp_path / "w"
    keys = []
    for seed in ("1", "2", "2", "3"):
        studypack("assign", "questions", "--seed", seed, "--out", out, "--force", cwd=pack,
                  expect=0)
        keys.append(json.loads((out / "instructor/key.json").read_text()))
    assert keys[-1]["seed"] == 3
    kept = sorted(p.name for p in (out / "instructor").iterdir())
    assert kept == sorted(["key.json", f"key-{keys[0]['assignment_id']}.json",
                           f"key-{keys[1]['assignment_id']}.json"])  # seed 2 twice: one copy
    for old in keys[:2]:
        assert json.loads((out / f"instructor/key-{old['assignment_id']}.json").read_text()) \
            == old
    # an earlier key still grades what was handed in for it
    studypack("assign", "questions", "--seed", "1", "--out", tmp_path / "again", cwd=pack,
              expect=0)
    assert (tmp_path / "again/instructor/key.json").read_bytes() == \
        (out / f"instructor/key-{keys[0]['assignment_id']}.json").read_bytes()


# ---- the user's permissions ----

def run_with_umask(mask: int, *args, cwd):
    result = subprocess.run([sys.executable, "-m", "studypack.cli", *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=120,
                            preexec_fn=lambda: os.umask(mask))
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o027, 0o077])
def test_outputs_respect_the_umask(pack, tmp_path, mask):
    run_with_umask(mask, "assign", "questions", "--out", tmp_path / "w", cwd=pack)
    run_with_umask(mask, "new", tmp_path / "newpack", cwd=tmp_path)
    key = tmp_path / "w/instructor/key.json"
    record = json.loads(key.read_text())
    hand_in = tmp_path / "in/ada.json"
    hand_in.parent.mkdir()
    hand_in.write_text(json.dumps({"format_version": 1, "assignment_id": record["assignment_id"],
                                   "questions_hash": record["questions_hash"],
                                   "student": "Ada", "answers": {}}))
    run_with_umask(mask, "grade", key, hand_in.parent, "--csv", tmp_path / "g.csv",
                   cwd=tmp_path)
    run_with_umask(mask, "export", "anki", "--out", tmp_path / "deck.apkg", cwd=pack)
    written = [tmp_path / "w", *(tmp_path / "w").rglob("*"), tmp_path / "newpack",
               *(tmp_path / "newpack").rglob("*"), tmp_path / "g.csv", tmp_path / "deck.apkg"]
    for path in written:
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert stat.S_IMODE(path.stat().st_mode) == expected, (path, oct(mask))


def test_force_keeps_the_modes_it_finds(pack, tmp_path):
    out = tmp_path / "w"
    studypack("assign", "questions", "--seed", "1", "--out", out, cwd=pack, expect=0)
    os.chmod(out / "instructor/key.json", 0o600)
    os.chmod(out / "instructor", 0o700)
    os.chmod(out / "student/quiz.ipynb", 0o644)
    os.chmod(out, 0o750)
    studypack("assign", "questions", "--seed", "2", "--out", out, "--force", cwd=pack, expect=0)
    modes = {name: stat.S_IMODE((out / name).stat().st_mode)
             for name in ("", "instructor", "instructor/key.json", "student/quiz.ipynb")}
    assert modes == {"": 0o750, "instructor": 0o700, "instructor/key.json": 0o600,
                     "student/quiz.ipynb": 0o644}
    csv_file = tmp_path / "g.csv"
    csv_file.write_text("old")
    os.chmod(csv_file, 0o640)
    record = json.loads((out / "instructor/key.json").read_text())
    (tmp_path / "a.json").write_text(json.dumps({
        "format_version": 1, "assignment_id": record["assignment_id"],
        "questions_hash": record["questions_hash"], "student": "Ada", "answers": {}}))
    studypack("grade", out / "instructor/key.json", tmp_path / "a.json", "--csv", csv_file,
              "--force", cwd=tmp_path, expect=0)
    assert csv_file.read_text().startswith("student,file")
    assert stat.S_IMODE(csv_file.stat().st_mode) == 0o640


# ---- killed at every step ----

# Runs the command in a forked child that SIGKILLs itself just before its k-th file operation,
# for k = 1, 2, ... until a run completes; after each, prints what is on disk as JSON. Only
# the test wraps the OS functions: the product has no test hooks.
HARNESS = textwrap.dedent('''
    import builtins, hashlib, io, json, os, shutil, signal, stat, sys
    from pathlib import Path
    import studypack.cli, studypack.progress.atomic as files
    from studypack.cli import main

    work, target, pristine = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    argv = sys.argv[4:]

    def snapshot():
        if not target.exists():
            return None
        if target.is_file():
            return hashlib.sha256(target.read_bytes()).hexdigest()
        return {p.relative_to(target).as_posix(): [stat.S_IMODE(p.stat().st_mode),
                hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"]
                for p in sorted(target.rglob("*"))}

    def leftovers():
        return sorted(p.name for p in target.parent.iterdir() if p.name.startswith("."))

    def restore():
        for p in target.parent.iterdir():
            if p.name.startswith(".") or p.name == target.name:
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        if pristine.is_dir():
            shutil.copytree(pristine, target)
        else:
            shutil.copy2(pristine, target)

    NAMES = ["open", "mkdir", "replace", "rename", "fsync", "unlink", "rmdir", "chmod",
             "fchmod", "scandir", "listdir"]

    def run(kill_at):
        pid = os.fork()
        if pid == 0:
            count = [0]
            def wrap(function):
                def wrapped(*args, **kwargs):
                    count[0] += 1
                    if count[0] == kill_at:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return function(*args, **kwargs)
                return wrapped
            for name in NAMES:
                setattr(os, name, wrap(getattr(os, name)))
            builtins.open = io.open = wrap(io.open)
            shutil.copy2 = wrap(shutil.copy2)
            files._exchange = wrap(files._exchange)
            os.chdir(work)
            sys.stdout = sys.stderr = open(os.devnull, "w")
            os._exit(main(argv))
        _, status = os.waitpid(pid, 0)
        return os.WIFSIGNALED(status), os.WEXITSTATUS(status) if os.WIFEXITED(status) else None

    restore()
    old = snapshot()
    killed, code = run(0)
    new = snapshot()
    print(json.dumps({"old": old, "new": new, "code": code}), flush=True)
    for kill_at in range(1, 2000):
        restore()
        killed, code = run(kill_at)
        state = snapshot()
        print(json.dumps({"k": kill_at, "killed": killed, "code": code,
                          "state": "old" if state == old else "new" if state == new else state,
                          "leftovers": leftovers()}), flush=True)
        if not killed:
            break
        if leftovers():  # a later run removes what this one left, and succeeds
            killed, code = run(0)
            print(json.dumps({"after": kill_at, "code": code, "leftovers": leftovers(),
                              "state": "new" if snapshot() == new else "other"}), flush=True)
''')


def killed_at_every_step(tmp_path, target: Path, argv: list, cwd: Path):
    pristine = tmp_path / "pristine"
    if target.is_dir():
        import shutil
        shutil.copytree(target, pristine)
    else:
        pristine.write_bytes(target.read_bytes())
    script = tmp_path / "harness.py"
    script.write_text(HARNESS)
    result = subprocess.run([sys.executable, script, cwd, target, pristine, *map(str, argv)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    first, *lines = [json.loads(line) for line in result.stdout.splitlines()]
    return first, lines


def check_every_kill(first, lines):
    assert first["code"] == 0 and first["old"] != first["new"]
    runs = [line for line in lines if "k" in line]
    afters = [line for line in lines if "after" in line]
    assert not runs[-1]["killed"] and runs[-1]["state"] == "new" and runs[-1]["leftovers"] == []
    assert len(runs) > 10
    states = [run["state"] for run in runs]
    assert set(states) == {"old", "new"}, [s for s in states if s not in ("old", "new")]
    assert states.index("new") > 0 and "old" not in states[states.index("new"):]
    assert afters and all(a["code"] == 0 and a["leftovers"] == [] and a["state"] == "new"
                          for a in afters)


def test_assign_force_killed_at_any_step_leaves_the_old_or_the_new(pack, tmp_path):
    out = tmp_path / "w"
    studypack("assign", "questions", "--seed", "1", "--out", out, cwd=pack, expect=0)
    first, lines = killed_at_every_step(
        tmp_path, out, ["assign", "questions", "--seed", "2", "--out", out, "--force"], pack)
    check_every_kill(first, lines)
    kept = [name for name in first["new"] if name.startswith("instructor/key-")]
    assert len(kept) == 1  # the replaced key is in the new folder


def test_grade_killed_at_any_step_leaves_the_old_or_the_new_csv(pack, tmp_path):
    out = tmp_path / "w"
    studypack("assign", "questions", "--out", out, cwd=pack, expect=0)
    record = json.loads((out / "instructor/key.json").read_text())
    (tmp_path / "in").mkdir()
    (tmp_path / "in/ada.json").write_text(json.dumps({
        "format_version": 1, "assignment_id": record["assignment_id"],
        "questions_hash": record["questions_hash"], "student": "Ada", "answers": {}}))
    (tmp_path / "out").mkdir()
    grades = tmp_path / "out/grades.csv"
    grades.write_text("student,total\nsomeone,1\n")
    first, lines = killed_at_every_step(
        tmp_path, grades, ["grade", out / "instructor/key.json", tmp_path / "in", "--csv",
                           grades, "--force"], tmp_path)
    check_every_kill(first, lines)
