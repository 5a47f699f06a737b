"""Hostile or careless content: every case gets one-line `file:line: id: field: message`
problems, quickly, never a traceback, a hang, a read without end or another file's content."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from studypack.content import ContentValidationError, load_pack, validate_pack
from studypack.content import reading
from test_content_loader import FILES, write_pack

CHECKOUT = Path(__file__).resolve().parents[1]
SECRET = "TOP-SECRET-CONTENT-42"


def alias_bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """The "billion laughs": each level lists the previous one `width` times."""
    lines = [f'{indent}l0: &l0 ["lol"]']
    for level in range(1, levels):
        lines.append(f"{indent}l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    lines = ["- &m0 {id: x}"]
    for level in range(1, 9):
        lines.append(f"- &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * 9)}]}}")
    return "\n".join(lines) + "\n"


# Each hostile text as it would sit in each kind of file (a list file, a mapping file, a
# note's front matter, pack.yaml).
def in_list(text: str) -> str:
    return "- " + text.replace("\n", "\n  ").rstrip() + "\n"


PLACES = {
    "cards": lambda text: {"cards": in_list(text)},
    "questions": lambda text: {"questions": in_list(text)},
    "it_cards": lambda text: {"it_cards": "what-is-backpropagation:\n  " +
                              text.replace("\n", "\n  ").rstrip() + "\n"},
    "it_questions": lambda text: {"it_questions": text},
    "note": lambda text: {"note": "---\nid: forward-pass-and-loss\n" + text + "---\nBody.\n"},
    "it_note": lambda text: {"it_note": "---\n" + text + "---\nCorpo.\n"},
    "pack": lambda text: {"extra": {"pack.yaml": text}},
}
FILE_OF = {**FILES, "pack": "pack.yaml"}


def problems_within(root, seconds: float = 5.0):
    started = time.perf_counter()
    errors = validate_pack(root)
    assert time.perf_counter() - started < seconds
    for error in errors:
        text = str(error)
        assert "\n" not in text and "Traceback" not in text and len(text) < 1000
        text.encode("utf-8")  # printable: no lone surrogate
    return errors


def assert_one_problem_in(errors, file: str, *words: str, has_line: bool = False):
    """The one problem in `file`, with `words` in its message (and a line if `has_line`)."""
    mine = [error for error in errors if error.file == file]
    assert len(mine) == 1, "\n".join(map(str, errors))
    assert mine[0].line >= 1 if has_line else mine[0].line >= 0
    for word in words:
        assert word in mine[0].message, str(mine[0])
    return mine[0]


# ---- YAML ----

@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("bomb", [alias_bomb(), alias_bomb(levels=30, width=2),
                                  "a: &a [x]\nb: *a\n", "k: &k x\nl: [*k, *k]\n"])
def test_aliases_are_refused_at_once(tmp_path, place, bomb):
    errors = problems_within(write_pack(tmp_path, **PLACES[place](bomb)))
    assert_one_problem_in(errors, FILE_OF[place], "alias", has_line=True)
    with pytest.raises(ContentValidationError):
        load_pack(tmp_path, language="it")


def test_a_merge_key_bomb_is_refused(tmp_path):
    errors = problems_within(write_pack(tmp_path, cards=merge_bomb()))
    assert_one_problem_in(errors, FILES["cards"], "alias")


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("depth", [65, 500, 999, 1001, 100_000])
@pytest.mark.parametrize("style", ["flow-list", "flow-map", "block-list", "block-map"])
def test_deep_nesting_is_one_clear_error(tmp_path, place, depth, style):
    if style.startswith("block") and depth > 1001:
        depth = 2000  # indentation grows quadratically with depth
    if style == "flow-list":
        text = "x: " + "[" * depth + "]" * depth + "\n"
    elif style == "flow-map":
        text = "x: " + "{a: " * depth + "b" + "}" * depth + "\n"
    elif style == "block-list":
        text = "x:\n" + "".join("  " * level + "-\n" for level in range(1, depth))
    else:
        text = "x:\n" + "".join("  " * level + f"k{level}:\n" for level in range(1, depth))
    errors = problems_within(write_pack(tmp_path, **PLACES[place](text)))
    assert_one_problem_in(errors, FILE_OF[place], "nested", has_line=True)


@pytest.mark.parametrize("escape,name", [(r"\ud800", "U+D800"), (r"\udfff", "U+DFFF"),
                                         (r"\U0000DC80", "U+DC80"), (r"\0", "U+0000"),
                                         (r"\x1b", "U+001B"), (r"\a", "U+0007")])
@pytest.mark.parametrize("field", ["id", "front", "back"])
def test_unprintable_escapes_name_file_line_id_and_field(tmp_path, escape, name, field):
    card = {"id": "bad-card", "topics": "[loss]", "difficulty": "easy", "front": "Front",
            "back": "Back"}
    card[field] = f'"{card[field]}{escape}"'
    text = "".join(f"{'- ' if i == 0 else '  '}{key}: {value}\n"
                   for i, (key, value) in enumerate(card.items()))
    errors = problems_within(write_pack(tmp_path, cards=write_cards_after_base(text)))
    error = assert_one_problem_in(errors, FILES["cards"], name)
    assert error.line == 11 + list(card).index(field) and error.field == field
    if field != "id":
        assert error.id == "bad-card"
    with pytest.raises(ContentValidationError) as raised:
        load_pack(tmp_path)
    str(raised.value).encode("utf-8")


def write_cards_after_base(text: str) -> str:
    from test_content_loader import CARDS
    return CARDS + text


@pytest.mark.parametrize("escape", [r"\ud800", r"\0"])
def test_unprintable_text_in_translations_and_notes(tmp_path, escape):
    write_pack(tmp_path, it_cards=f'what-is-backpropagation:\n  front: "Che{escape}"\n',
               it_note=f'---\ntitle: "Passo{escape}"\n---\nCorpo.\n',
               extra={"pack.yaml": f'name: "x{escape}"\n'})
    errors = problems_within(tmp_path)
    assert "translations/it/flashcards.yaml:2: what-is-backpropagation: front: " in \
        "\n".join(map(str, errors))
    assert "translations/it/notes/forward-pass-and-loss.md:2: forward-pass-and-loss: title: " \
        in "\n".join(map(str, errors))
    assert any(str(error).startswith("pack.yaml:1: : name: ") or
               str(error).startswith("pack.yaml:1: name: ") for error in errors)


def test_a_subprocess_validate_of_a_surrogate_id_prints_it_escaped(tmp_path):
    write_pack(tmp_path, cards=r'- id: "\ud800abc"' + "\n  topics: [loss]\n")
    result = run_validate(tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "flashcards/cards.yaml:1: \\ud800abc: id: a lone surrogate" in result.stdout


@pytest.mark.parametrize("text,words", [
    (b"- id: caf\xe9\n", ["not UTF-8", "save it as UTF-8"]),
    (b"- id: a\n- id: b\x00c\n", ["U+0000"]),
    (b"- id: a\n  front: \x1b[31mred\n", ["U+001B"]),
    (b"- !!python/object/apply:os.system ['echo hi']\n", ["constructor", "tag"]),
    (b"- !!python/name:os.system\n", ["constructor"]),
    (b"- <<: {id: x}\n", ["merge keys"]),
    (b"- a\n---\n- b\n", ["second document"]),
    (b"- " + b"k" * 200_000 + b": 1\n", ["YAML"]),
])
def test_careless_bytes_are_one_line_each(tmp_path, text, words):
    write_pack(tmp_path)
    (tmp_path / "flashcards/more.yaml").write_bytes(text)
    errors = problems_within(tmp_path)
    assert_one_problem_in(errors, "flashcards/more.yaml", *words)


def test_a_byte_order_mark_is_fine(tmp_path):
    from test_content_loader import CARDS
    write_pack(tmp_path)
    (tmp_path / FILES["cards"]).write_bytes(b"\xef\xbb\xbf" + CARDS.encode())
    assert validate_pack(tmp_path) == []


def test_a_huge_id_is_not_echoed_in_full(tmp_path):
    errors = problems_within(write_pack(tmp_path, extra={
        "flashcards/more.yaml": "- id: " + "a" * 3_000_000 + "\n"}))
    assert all(len(str(error)) < 1000 for error in errors) and errors


# ---- files in the pack's folders ----

def put(root, name, make):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    make(path)


@pytest.fixture
def outside_file(tmp_path):
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(f"- id: {SECRET}\n  {SECRET}: [\n")
    return secret


PACK_NAMES = ["flashcards/cards.yaml", "flashcards/extra.yaml", "quizzes/questions.yaml",
              "notes/forward-pass-and-loss.md", "notes/extra.md", "pack.yaml",
              "translations/it/flashcards.yaml", "translations/it/quizzes.yaml",
              "translations/it/notes/forward-pass-and-loss.md"]


@pytest.mark.parametrize("name", PACK_NAMES)
def test_a_symlink_out_of_the_pack_is_refused_without_its_content(tmp_path, outside_file, name):
    root = write_pack(tmp_path / "pack")
    put(root, name, lambda path: path.symlink_to(outside_file))
    errors = problems_within(root)
    assert SECRET not in "\n".join(map(str, errors))
    assert_one_problem_in(errors, name, "outside the pack")


def test_a_symlinked_folder_out_of_the_pack_is_refused_too(tmp_path, outside_file):
    root = write_pack(tmp_path / "pack")
    put(root, "flashcards", lambda path: path.symlink_to(outside_file.parent))
    errors = problems_within(root)
    assert SECRET not in "\n".join(map(str, errors))
    assert "flashcards/secret.yaml: is a symbolic link to a file outside the pack" in \
        "\n".join(map(str, errors))


def test_a_symlink_inside_the_pack_is_followed(tmp_path):
    root = write_pack(tmp_path)
    (root / "flashcards/cards.yaml").rename(root / "cards-source.yaml")
    (root / "flashcards/cards.yaml").symlink_to(root / "cards-source.yaml")
    assert validate_pack(root) == []


@pytest.mark.parametrize("name", PACK_NAMES)
@pytest.mark.parametrize("kind", ["dev-zero", "dev-null", "fifo", "socket", "folder",
                                  "loop", "broken-link"])
def test_special_files_are_refused_without_blocking(tmp_path, name, kind):
    root = write_pack(tmp_path / "pack")
    makers = {
        "dev-zero": lambda path: path.symlink_to("/dev/zero"),
        "dev-null": lambda path: path.symlink_to("/dev/null"),
        "fifo": os.mkfifo,
        "socket": make_socket,
        "folder": lambda path: path.mkdir(),
        "loop": lambda path: path.symlink_to(path),
        "broken-link": lambda path: path.symlink_to(path.parent / "nowhere"),
    }
    put(root, name, makers[kind])
    errors = problems_within(root)
    assert_one_problem_in(errors, name)


def make_socket(path):
    import socket
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError:  # a path too long for AF_UNIX: a FIFO blocks the same way
        os.mkfifo(path)
    finally:
        server.close()


def test_a_fifo_that_appears_after_the_check_does_not_block(tmp_path, monkeypatch):
    """The race: stat says "regular file", then a FIFO replaces it before open()."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(reading.os, "stat", lambda path, *a, **k: real_stat(tmp_path / "x.yaml")
                        if str(path).endswith("fifo") else real_stat(path, *a, **k))
    (tmp_path / "x.yaml").write_text("x")
    with pytest.raises(reading.UnreadableFile, match="not a regular file"):
        reading.read_text_file(fifo, tmp_path)


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"- x\n" * 1000)
    with pytest.raises(reading.UnreadableFile, match="larger than"):
        reading.read_text_file(big, tmp_path, max_bytes=100)
    assert reading.read_text_file(big, tmp_path, max_bytes=4000).startswith("- x")


@pytest.mark.parametrize("folder", ["flashcards", "quizzes", "notes", "translations",
                                    "translations/it", "translations/it/notes"])
def test_an_unreadable_folder_is_reported_not_taken_as_empty(tmp_path, monkeypatch, folder):
    root = write_pack(tmp_path)
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == root / folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(reading.os, "scandir", scandir)
    errors = problems_within(root)
    assert_one_problem_in(errors, folder + "/", "cannot be read", "Permission denied")


@pytest.mark.parametrize("name", PACK_NAMES)
def test_an_unreadable_file_is_reported(tmp_path, monkeypatch, name):
    root = write_pack(tmp_path)
    put(root, name, lambda path: path.write_text("- id: x\n"))
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        if Path(path) == root / name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(reading.os, "open", refusing_open)
    errors = problems_within(root)
    assert_one_problem_in(errors, name, "cannot be read", "Permission denied")


DROP_READ_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                      "--inh-caps=-dac_override,-dac_read_search", "--"]


@pytest.mark.parametrize("unreadable", ["quizzes", "flashcards/cards.yaml",
                                        "translations/it/notes"])
def test_unreadable_for_real_without_the_power_to_override(tmp_path, unreadable):
    """chmod 000 for real; as root (Docker, CI), in a process without the capabilities
    that let root read anything, so that the permission bits apply to it too."""
    root = write_pack(tmp_path / "pack")
    (root / unreadable).chmod(0o000)
    code = ("import sys; from studypack.content import validate_pack; "
            "[print(e) for e in validate_pack(sys.argv[1])]")
    command = [sys.executable, "-c", code, str(root)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("as root, needs setpriv to drop the capability to read anything")
        command = DROP_READ_OVERRIDE + command
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                cwd=CHECKOUT)
    finally:
        (root / unreadable).chmod(0o755)
    if "setpriv:" in result.stderr:
        pytest.skip(f"setpriv cannot drop capabilities here: {result.stderr.strip()}")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    suffix = "/" if (root / unreadable).is_dir() else ""
    assert f"{unreadable}{suffix}: cannot be read: Permission denied" in result.stdout, \
        result.stdout


def test_lesson_titles_never_block_on_a_fifo(tmp_path):
    from studypack.content.lessons import list_lessons
    root = write_pack(tmp_path)
    os.mkfifo(root / "notebooks/02_a_fifo.ipynb")
    (root / "notebooks/03_zero.ipynb").symlink_to("/dev/zero")
    (root / "notebooks/04_deep.ipynb").write_text("[" * 100_000)
    assert [lesson.title for lesson in list_lessons(root)] == [
        "01_forward_pass_and_loss", "02_a_fifo", "03_zero", "04_deep"]


# ---- the command, in a real process ----

def run_validate(root):
    return subprocess.run([sys.executable, "-m", "studypack.cli", "validate", str(root)],
                          capture_output=True, text=True, timeout=60, cwd=root)


def test_validate_in_a_subprocess_on_a_pack_full_of_traps(tmp_path, outside_file):
    root = write_pack(tmp_path / "pack", cards=alias_bomb(), it_cards="x: " + "[" * 100_000,
                      extra={"pack.yaml": "topics: [" * 600})
    os.mkfifo(root / "flashcards/fifo.yaml")
    (root / "flashcards/zero.yaml").symlink_to("/dev/zero")
    (root / "flashcards/secret.yaml").symlink_to(outside_file)
    (root / "quizzes/folder.yaml").mkdir()
    (root / "quizzes/bad.yaml").write_bytes(b"- id: \xff\n")
    started = time.perf_counter()
    result = run_validate(root)
    assert time.perf_counter() - started < 30
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    for file in ("flashcards/cards.yaml", "flashcards/fifo.yaml", "flashcards/zero.yaml",
                 "flashcards/secret.yaml", "quizzes/folder.yaml", "quizzes/bad.yaml",
                 "pack.yaml", "translations/it/flashcards.yaml"):
        assert sum(line.strip().startswith(file + ":") for line in lines) == 1, result.stdout
    assert SECRET not in result.stdout + result.stderr


# ---- big packs ----

def test_validation_time_grows_linearly(tmp_path):
    sys.path.insert(0, str(CHECKOUT / "benchmarks"))
    from bench_validate import write_question_pack

    def seconds(count):
        root = write_question_pack(tmp_path / str(count), count)
        started = time.perf_counter()
        assert validate_pack(root) == []
        return time.perf_counter() - started

    seconds(200)  # warm-up: imports, pydantic's first validations
    small, large = min(seconds(1000) for _ in range(2)), seconds(8000)
    assert large < 8 * small * 2.5 + 0.5, (small, large)  # linear, with room for a busy CI


# ---- Markdown ----

PATHOLOGICAL = ["`", "``", "$", "$$", "\\", "*", "_", "[", "]", "(", ")", "!", "<", ">",
                "&", "#", "\n", " ", "a", "**", "__", "~", "|", "-", "<script>", "\\$"]


@pytest.mark.parametrize("unit", ["`", "`a", "$", "$a ", "\\$", "$$a", "*", "_", "*a ",
                                  "**_", "`$*_[", "$\\", "[", "[a](", "![", "<", "&#",
                                  "$`", "`$", "\n\n$", "$ $"])
def test_rendering_20000_characters_is_fast(unit):
    from studypack.content.markdown import markdown_inline, markdown_to_html
    text = unit * (20_000 // len(unit))
    started = time.perf_counter()
    markdown_to_html(text)
    markdown_inline(text)
    # ~cubic took minutes on 20,000 backticks; markdown-it itself needs ~1 s for 20,000 "!["
    # on a busy 2-core machine
    assert time.perf_counter() - started < 6.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PATHOLOGICAL), min_size=1, max_size=40),
       st.integers(min_value=0, max_value=2**32 - 1))
def test_random_pathological_mixes_render_fast_and_escaped(units, seed):
    import random
    from studypack.content.markdown import markdown_inline, markdown_to_html
    generator = random.Random(seed)
    text = "".join(generator.choice(units) for _ in range(20_000))[:20_000]
    for render in (markdown_to_html, markdown_inline):
        started = time.perf_counter()
        shown = render(text)
        assert time.perf_counter() - started < 6.0
        assert "<script" not in shown


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PATHOLOGICAL + ["<b>", "<img src=x onerror=1>", "é", "x"]),
                max_size=60).map("".join))
def test_raw_html_never_survives(text):
    from studypack.content.markdown import markdown_inline, markdown_to_html
    for render in (markdown_to_html, markdown_inline):
        shown = render(text)
        assert "<script" not in shown and "<img" not in shown and "<b>" not in shown
