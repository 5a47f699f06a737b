"""What each `studypack` subcommand does: parse nothing, call the layers below, print, return.

`run_<command>(args)` takes the parsed arguments (see `studypack.cli.build_parser`) and
returns the exit code; a user mistake is a `CommandError`. Modules load inside each command,
so that `studypack --help` and a subprocess start fast.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Iterable, Optional

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A user mistake: printed as `studypack <cmd>: error: <message>`, never as a traceback."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


# ---- small shared helpers ----

def _progress(iterable: Iterable, description: str, quiet: bool, total: Optional[int] = None):
    """A tqdm bar on stderr for loops that may take over a second (not when piped or --quiet)."""
    from tqdm import tqdm

    return tqdm(iterable, desc=description, total=total, file=sys.stderr, leave=False,
                delay=1.0, disable=quiet or not sys.stderr.isatty())


def _note(args, message: str) -> None:
    """A progress message on stderr (stdout holds the results), unless --quiet."""
    if not args.quiet:
        print(message, file=sys.stderr)


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(Path(path).resolve()) if relative.startswith("..") else relative


def _print_content_errors(errors, root: Path, stream=None) -> None:
    """`file:line: id: field: message` lines, the file as a path from the current folder."""
    from dataclasses import replace

    for error in errors:
        print(replace(error, file=_display(root / error.file)), file=stream or sys.stdout)


def _existing(path: str, what: str) -> Path:
    result = Path(path)
    if not result.exists():
        raise CommandError(f"no {what} {path}: check the path")
    return result


def _pack_root(args, near: Optional[str] = None) -> Path:
    """--pack if given, else the pack holding `near`, else the nearest pack from here."""
    from studypack.content.pack_root import find_pack_root, is_pack_root, pack_root_of

    if getattr(args, "pack", None):
        root = _existing(args.pack, "pack folder")
        if not is_pack_root(root):
            raise CommandError(f"{args.pack} is not a pack: it has no flashcards/ or quizzes/ "
                               "folder (studypack new PACK makes one)")
        return root.resolve()
    if near is not None and pack_root_of(near) is not None:
        return pack_root_of(near)
    return find_pack_root()


def _load_pack(args, root: Path):
    """The pack in --language, or CommandError (exit 1) after printing its problems."""
    from studypack.content import ContentValidationError, load_pack

    try:
        return load_pack(root, language=getattr(args, "language", "en"))
    except ContentValidationError as error:
        _print_content_errors(error.errors, root, sys.stderr)
        raise CommandError(f"the pack in {_display(root)} has {len(error.errors)} problem(s), "
                           "listed above: fix them first (studypack validate lists them)",
                           EXIT_INVALID) from None


def _topics(args, pack) -> list[str]:
    unknown = [topic for topic in args.topic or () if topic not in pack.settings.topics]
    if unknown:
        raise CommandError(f"unknown topic {', '.join(map(repr, unknown))}; this pack's topics: "
                           f"{', '.join(pack.settings.topics)}")
    return list(args.topic or ())


def _split_ids(values: Optional[list[str]]) -> list[str]:
    """--ids a,b --ids c → [a, b, c]."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _refuse_existing_output(args, why: str = "") -> None:
    """Stop before any work when --out exists and --force was not given (exit 2)."""
    if args.out and Path(args.out).exists() and not args.force:
        raise CommandError(f"{args.out} exists: choose another --out, or pass --force to "
                           f"replace it{why}")


def _write_output(args, text: str) -> None:
    """Text to --out (atomically; an existing file only with --force) or to stdout."""
    from studypack.progress.atomic import write_text_atomically

    if not args.out:
        sys.stdout.write(text)
        return
    _refuse_existing_output(args)
    write_text_atomically(Path(args.out), text)
    _note(args, f"wrote {args.out}")


# ---- validate ----

def run_validate(args) -> int:
    from studypack.content import validate_pack
    from studypack.content.pack_root import find_pack_root, pack_root_of
    from studypack.exercises.texts import exercise_text_errors

    roots = []
    for path in args.paths or ():
        root = pack_root_of(_existing(path, "file or folder"))
        if root is None:
            raise CommandError(f"{path} is not in a pack: no flashcards/ or quizzes/ folder "
                               "there or above")
        roots.append(root)
    roots = list(dict.fromkeys(roots)) or [find_pack_root()]
    total = 0
    for root in _progress(roots, "validating", args.quiet):
        # the content, then the exercises' texts (English and translations), if it has any
        errors = validate_pack(root) + exercise_text_errors(root)
        _print_content_errors(errors, root)
        total += len(errors)
        _note(args, f"{_display(root)}: " + (f"{len(errors)} problem(s)" if errors
                                             else "no problems"))
    return EXIT_INVALID if total else EXIT_OK


# ---- assign ----

EXERCISES = "exercises"  # `studypack assign exercises`: the coding exercises, not a quiz


def run_assign(args) -> int:
    from studypack.classroom.assignments import (INSTRUCTOR_FOLDER, KEY_FILE, STUDENT_FOLDER,
                                                 AssignmentError, is_own_file, write_assignment)
    from studypack.progress.atomic import OutputExistsError, check_output_folder

    if args.nbgrader is not None:
        return _assign_for_nbgrader(args)
    if args.name is not None:
        raise CommandError("--name names an nbgrader assignment: use it with --nbgrader "
                           "COURSE_DIR (with --out, the folder is the assignment)")
    if args.quiz == EXERCISES:
        raise CommandError("the coding exercises are assigned for nbgrader only: give "
                           "--nbgrader COURSE_DIR --name NAME instead of --out (a quiz file "
                           "named exercises.yaml: give its path, quizzes/exercises.yaml)")
    try:
        check_output_folder(args.out, args.force, is_own_file)  # before any work
        assignment, key = _quiz_assignment(args)
        write_assignment(Path(args.out), assignment, key, force=args.force)
    except (AssignmentError, OutputExistsError) as error:
        raise CommandError(str(error)) from None
    out = Path(args.out)
    print(f"assignment {assignment.id}: {len(assignment.questions)} questions\n"
          f"  hand out: {_display(out / STUDENT_FOLDER)}/ (quiz.ipynb, assignment.json)\n"
          f"  keep:     {_display(out / INSTRUCTOR_FOLDER / KEY_FILE)}\n"
          f"  grade:    studypack grade {_display(out / INSTRUCTOR_FOLDER / KEY_FILE)} "
          f"RESPONSES... --csv grades.csv")
    return EXIT_OK


def _quiz_assignment(args):
    """(student part, key) of the quiz QUIZ as --topic/--ids/--count/--seed choose it."""
    from studypack.classroom.assignments import (AssignmentError, build_assignment,
                                                 quiz_question_ids, resolve_quiz_file,
                                                 select_questions)
    from studypack.content.loader import QUIZZES_FOLDER

    root = _pack_root(args, near=args.quiz if Path(args.quiz).exists() else None)
    quiz_file = resolve_quiz_file(args.quiz, root)
    if quiz_file.parent.resolve() != (root / QUIZZES_FOLDER).resolve():
        raise AssignmentError(f"{args.quiz} is not in the quizzes/ folder of the pack "
                              f"{_display(root)}: put it there (or give --pack)")
    pack = _load_pack(args, root)
    in_quiz = quiz_question_ids(quiz_file)
    questions = select_questions([pack.question(i) for i in in_quiz], topics=_topics(args, pack),
                                 ids=_split_ids(args.ids), count=args.count, seed=args.seed,
                                 vocabulary=pack.settings.topics)
    return build_assignment(
        questions, quiz_name=quiz_file.stem, title=args.title or f"Quiz: {quiz_file.stem}",
        seed=args.seed, language=args.language,
        progress=lambda items: _progress(items, "drawing questions", args.quiet))


def _assign_for_nbgrader(args) -> int:
    """COURSE_DIR/source/NAME/quiz.ipynb (or exercises.ipynb), for nbgrader."""
    from studypack.classroom.assignments import AssignmentError
    from studypack.classroom.nbgrader import (EXERCISES_NOTEBOOK, QUIZ_NOTEBOOK, SOURCE_FOLDER,
                                              check_assignment_name, quiz_cells,
                                              source_notebook, write_source_assignment)
    from studypack.progress.atomic import OutputExistsError, check_output_folder

    if args.name is None:
        raise CommandError("--nbgrader needs --name NAME: the assignment's name in nbgrader "
                           "(e.g. --name week4)")
    course = Path(args.nbgrader)
    target = course / SOURCE_FOLDER / args.name
    notebook = EXERCISES_NOTEBOOK if args.quiz == EXERCISES else QUIZ_NOTEBOOK
    try:
        check_assignment_name(args.name)
        if course.exists() and not course.is_dir():
            raise AssignmentError(f"{args.nbgrader} is a file: give the course folder nbgrader "
                                  "runs in (it holds source/)")
        if target.exists() and not args.force and (not target.is_dir() or any(target.iterdir())):
            raise AssignmentError(f"{_display(target)} exists: choose another --name, or pass "
                                  f"--force to replace its {notebook} (nothing else there is "
                                  "deleted)")
        check_output_folder(target, args.force, lambda entry: entry == notebook)  # before work
        if args.quiz == EXERCISES:
            cells, what = _exercise_cells(args)
        else:
            assignment, key = _quiz_assignment(args)
            cells, what = quiz_cells(assignment, key), f"{len(assignment.questions)} questions"
        try:
            text = source_notebook(cells)
        except AssignmentError as error:  # content nbgrader would cut: exit 1, as invalid
            raise CommandError(str(error), EXIT_INVALID) from None
        written = write_source_assignment(course, args.name, notebook, text, force=args.force)
    except (AssignmentError, OutputExistsError) as error:
        raise CommandError(str(error)) from None
    points = sum(cell[3] for cell in cells if cell[0] == "tests")
    again = " --force" if (course / "release" / args.name).exists() else ""
    print(f"nbgrader source assignment {args.name}: {what}, {points:g} points\n"
          f"  written: {_display(written)}\n"
          f"  next:    cd {_display(course)} && nbgrader generate_assignment {args.name}{again}")
    return EXIT_OK


def _exercise_cells(args) -> tuple[list, str]:
    from studypack.exercises.assignment import choose_exercises, exercise_cells

    for option, given in (("--topic", args.topic), ("--count", args.count)):
        if given is not None:
            raise CommandError(f"{option} chooses quiz questions: pick exercises with --ids")
    try:
        exercises = choose_exercises(_split_ids(args.ids))
    except ValueError as error:
        raise CommandError(str(error)) from None
    title = args.title or f"Exercises: {args.name}"
    return (exercise_cells(exercises, title, language=args.language),
            f"{len(exercises)} exercises")


# ---- grade ----

def run_grade(args) -> int:
    from studypack.classroom.assignments import AssignmentError, read_key
    from studypack.classroom.handins import (find_hand_ins, grade_files, question_stats,
                                             stats_table, write_grades_csv)

    csv_path = Path(args.csv)
    if csv_path.is_dir():
        raise CommandError(f"--csv {args.csv} is a folder: give a file name, e.g. "
                           f"{Path(args.csv) / 'grades.csv'}")
    if csv_path.exists() and not args.force:
        raise CommandError(f"{args.csv} exists: choose another --csv, or pass --force to "
                           "replace it")
    try:
        key = read_key(_existing(args.key, "key file"))
    except AssignmentError as error:
        raise CommandError(str(error), EXIT_INVALID) from None
    given = [_existing(path, "responses file or folder") for path in args.responses]
    hand_ins = find_hand_ins(given)
    report = grade_files(key, hand_ins, progress=lambda items: _progress(
        items, "grading", args.quiet, len(hand_ins)))
    for hand_in, problems in report.skipped:
        for problem in problems:
            print(f"{_display(hand_in.path)}: {problem}", file=sys.stderr)
        print(f"{_display(hand_in.path)}: skipped", file=sys.stderr)
    for hand_in, student, first in report.duplicates:
        print(f"{_display(hand_in.path)}: student {student!r} also handed in "
              f"{_display(first.path)}; both are graded: remove one", file=sys.stderr)
    for hand_in, reason in report.ignored:
        if not reason.startswith("the "):  # the assignment and key files go without saying
            print(f"{_display(hand_in.path)}: ignored: {reason}", file=sys.stderr)
    if not report.results:
        raise CommandError(f"no responses file could be graded in {' '.join(args.responses)}"
                           f"; {args.csv} was not written", EXIT_INVALID)
    write_grades_csv(csv_path, report)
    print(stats_table(question_stats(report), len(report.results)), end="")
    _note(args, f"graded {len(report.results)} student(s) into {args.csv}"
          + (f"; skipped {len(report.skipped)} file(s)" if report.skipped else ""))
    return EXIT_OK if report.clean else EXIT_INVALID


# ---- export ----

def _selected(args, items, pack):
    topics = _topics(args, pack)
    return [item for item in items if not topics or set(item.topics) & set(topics)]


def run_export_anki(args) -> int:
    from studypack.progress.atomic import write_bytes_atomically
    from studypack.exchange.anki import anki_package
    from studypack.exchange.items import ExportProblem

    _refuse_existing_output(args, " (Anki updates the notes it already has)")
    out = Path(args.out)
    root = _pack_root(args)
    pack = _load_pack(args, root)
    cards = _selected(args, pack.cards, pack)
    try:
        data = anki_package(cards, pack.settings, pack.language, progress=lambda items:
                            _progress(items, "cards", args.quiet, len(cards)))
    except ExportProblem as problem:
        _export_refused(problem, args.out)
    write_bytes_atomically(out, data)
    print(f"wrote {len(cards)} cards to {args.out} (deck {pack.settings.title!r}, "
          f"{pack.language}): import it in Anki with File → Import")
    return EXIT_OK


def _export_refused(problem, out: Optional[str]) -> None:
    """Print each item an export cannot write, then stop with exit 1 (nothing written)."""
    for line in problem.problems:
        print(line, file=sys.stderr)
    where = f"{out} was not written" if out else "nothing was written"
    raise CommandError(f"{len(problem.problems)} text(s) listed above cannot be exported; "
                       f"{where}", EXIT_INVALID) from None


def run_export_jupyterquiz(args) -> int:
    from studypack.exchange.items import ExportProblem
    from studypack.exchange.jupyterquiz import jupyterquiz_questions

    _refuse_existing_output(args)
    root = _pack_root(args)
    pack = _load_pack(args, root)
    questions = _selected(args, pack.questions, pack)
    try:
        data = jupyterquiz_questions(questions, seed=args.seed, progress=lambda items:
                                     _progress(items, "questions", args.quiet, len(questions)))
    except ExportProblem as problem:
        _export_refused(problem, args.out)
    _write_output(args, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    generated = sum(question.kind == "generated_numeric" for question in questions)
    _note(args, f"exported {len(data)} questions" + (
        f" ({generated} generated, with the numbers of seed {args.seed})" if generated else ""))
    return EXIT_OK


# ---- import ----

MAX_INPUT_BYTES = 64 * 1024 * 1024  # far above any real quiz or deck; stops /dev/zero-like input


def _read_input(args) -> str:
    """The input file's text (UTF-8, a BOM allowed), or a one-line CommandError (exit 1)."""
    import stat

    path = _existing(args.file, "input file")
    try:
        kind = os.stat(path).st_mode
        if stat.S_ISDIR(kind):
            raise CommandError(f"{args.file} is a folder: give the file to import")
        if not stat.S_ISREG(kind):  # a FIFO or a device would block or never end
            raise CommandError(f"{args.file} is not a regular file: give the file to import",
                               EXIT_INVALID)
        with open(path, "rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror or error}",
                           EXIT_INVALID) from None
    if len(data) > MAX_INPUT_BYTES:
        raise CommandError(f"{args.file} is over {MAX_INPUT_BYTES // 2**20} MiB: split it into "
                           "smaller files", EXIT_INVALID)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(f"{args.file} is not UTF-8 text (byte {error.start + 1} cannot be "
                           "read): save it as UTF-8", EXIT_INVALID) from None


def _read_json(args):
    text = _read_input(args)
    try:
        return json.loads(text)
    except RecursionError:
        raise CommandError(f"{args.file} is nested too deeply to be a quiz or a deck",
                           EXIT_INVALID) from None
    except ValueError as error:
        raise CommandError(f"{args.file} is not valid JSON: {error}", EXIT_INVALID) from None


def run_import(args) -> int:
    from studypack.content import ContentValidationError, load_pack
    from studypack.content.model import DIFFICULTIES
    from studypack.exchange import (ImportProblem, import_jupytercards, import_jupyterquiz,
                                    import_markdown, item_problems, items_yaml)

    _refuse_existing_output(args)
    root = _pack_root(args, near=args.out)  # the pack the items go into
    try:
        pack = load_pack(root)
        taken = {item.id for item in (pack.questions if args.format == "jupyterquiz"
                                      else pack.cards)}
    except ContentValidationError:
        pack, taken = None, set()  # ids unknown: the import is still checked on its own
    vocabulary = pack.settings.topics if pack else _settings_topics(root)
    if not args.topic:
        raise CommandError("--topic is required (repeat it for several): this pack's topics: "
                           f"{', '.join(vocabulary)}")
    unknown = [topic for topic in args.topic if topic not in vocabulary]
    if unknown:
        raise CommandError(f"unknown topic {', '.join(map(repr, unknown))}; this pack's topics: "
                           f"{', '.join(vocabulary)}")
    if args.difficulty not in DIFFICULTIES:
        raise CommandError(f"--difficulty must be one of {', '.join(DIFFICULTIES)}")
    convert = {"jupyterquiz": import_jupyterquiz, "jupytercards": import_jupytercards,
               "markdown": import_markdown}[args.format]
    data = _read_input(args) if args.format == "markdown" else _read_json(args)
    try:
        result = convert(data, args.topic, args.difficulty, taken)
    except ImportProblem as problem:
        for line in problem.problems:
            print(f"{args.file}: {line}", file=sys.stderr)
        raise CommandError(f"nothing imported from {args.file}: fix the problems above",
                           EXIT_INVALID) from None
    kind = "question" if args.format == "jupyterquiz" else "card"
    invalid = {}
    for error in item_problems(result.items, kind, vocabulary, args.out or "<stdout>"):
        invalid.setdefault(error.id, []).append(f"{error.field}: {error.message}")
    result.left_out += [f"{item_id}: {'; '.join(reasons)}" for item_id, reasons in invalid.items()]
    result.items = [item for item in result.items if item["id"] not in invalid]
    for note in result.notes:
        print(f"{args.file}: note: {note}", file=sys.stderr)
    for line in result.left_out:
        print(f"{args.file}: {line} (left out)", file=sys.stderr)
    if not result.items:
        why = (f"every {kind} was left out (listed above)" if result.left_out
               else f"it holds no {kind}s")
        raise CommandError(f"nothing imported from {args.file}: {why}; nothing written",
                           EXIT_INVALID)
    name = Path(args.file).name.encode("utf-8", "backslashreplace").decode("utf-8")
    header = (f"Imported from {name} by `studypack import {args.format}`.\n"
              "Review the text, then run `studypack validate`.")
    if result.left_out:
        header += "\nLeft out (not imported):" + "".join(f"\n  {line}"
                                                       for line in result.left_out)
    _write_output(args, items_yaml(result.items, header))
    _note(args, f"imported {len(result.items)} {kind}s" + (
        f"; left out {len(result.left_out)}, listed above" if result.left_out else ""))
    return EXIT_INVALID if result.left_out else EXIT_OK


def _settings_topics(root: Path) -> list[str]:
    """The topics a pack allows, even when its content has problems."""
    from studypack.content.loader import read_pack_settings

    return list(read_pack_settings(root).topics)


# ---- new ----

def run_new(args) -> int:
    from studypack.exchange.scaffold import new_pack
    from studypack.progress.atomic import OutputExistsError

    try:
        folder = new_pack(args.pack_folder, title=args.title, topics=args.topic or ())
    except OutputExistsError as error:
        raise CommandError(str(error).replace(", or pass --force to replace it", "")) from None
    except ValueError as error:
        raise CommandError(str(error)) from None
    print(f"created the pack {_display(folder)}/ (pack.yaml, flashcards/, quizzes/, notes/, "
          f"notebooks/, README.md)\nnext: cd {_display(folder)} && studypack validate")
    return EXIT_OK
