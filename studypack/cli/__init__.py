"""The `studypack` command: validate content, assign and grade quizzes, export and import.

Thin by design: this module builds the parser and runs a subcommand; what each one does is in
`commands` (it calls content, progress, classroom and exchange, prints, and returns an exit
code). Modules load lazily so that `studypack --help` and a subprocess start fast.

Exit codes (the same for every subcommand):
  0  done
  1  the content or data is invalid: content problems, an input that cannot be read or
     converted, responses files that were skipped (the rest are still graded), items
     left out by `import` (the rest is still written)
  2  the command line cannot be carried out: unknown option, missing argument, a file or
     folder that does not exist, an unknown topic or id, an output that exists (see --force)
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

from .commands import (EXIT_INVALID, EXIT_OK, EXIT_USAGE, CommandError, run_assign,  # noqa: F401
                       run_export_anki, run_export_jupyterquiz, run_grade, run_import, run_new,
                       run_validate)

EXIT_CODES = """\
exit codes: 0 done; 1 content or data invalid; 2 command line cannot be carried out
(unknown option, missing file, unknown topic or id, output exists without --force)"""


# ---- the parser ----

def _command(subparsers, name: str, help_text: str, example: str, **kwargs):
    return subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog=f"example:\n{example}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def _common(parser, pack: bool = True, language: bool = False) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars or messages on stderr")
    if pack:
        parser.add_argument("--pack", metavar="DIR",
                            help="the pack's root folder (default: the nearest folder with "
                                 "flashcards/ or quizzes/ from here upwards, else this checkout)")
    if language:
        from studypack.content.model import LANGUAGES

        parser.add_argument("--language", default="en", choices=LANGUAGES,
                            help="the language of the text (default: en)")


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studypack", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Check study content, assign and grade quizzes, export and import "
                    "flashcards and questions.",
        epilog=f"Run `studypack COMMAND --help` for a command's options and an example.\n\n"
               f"{EXIT_CODES}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = _command(commands, "validate", "check every card, question, note and translation",
                        "  studypack validate                 # the pack you are in\n"
                        "  studypack validate ../other-pack   # prints file:line: id: field: "
                        "message per problem")
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="a pack folder, or a file in one (default: the pack you are in)")
    _common(validate, pack=False)
    validate.set_defaults(run=run_validate)

    assign = _command(
        commands, "assign", "write a student notebook (no answer key) and an instructor key, "
                            "or an nbgrader source assignment",
        "  studypack assign questions --topic loss --count 5 --seed 7 --out week3\n"
        "  # hand out week3/student/, keep week3/instructor/key.json; the same seed gives\n"
        "  # the same assignment. Students' answers are saved to student/responses.json.\n"
        "  # --force replaces an earlier assignment in DIR in one step (a kill leaves the\n"
        "  # old one or the new one): only its own files, keeping their permissions, and\n"
        "  # the replaced key as instructor/key-<its id>.json. It refuses a DIR holding\n"
        "  # anything else (handed-in answers, grades.csv): it never deletes those.\n"
        "  studypack assign questions --topic loss --count 5 --seed 7 --nbgrader course "
        "--name quiz3\n"
        "  studypack assign exercises --ids mse-backward,linear-backward --nbgrader course "
        "--name week4\n"
        "  # write course/source/NAME/quiz.ipynb (or exercises.ipynb) for nbgrader: then\n"
        "  # cd course && nbgrader generate_assignment NAME, and nbgrader autograde grades it.\n"
        "  # `exercises` means the coding exercises (--ids picks them; default: all); a quiz\n"
        "  # file named exercises.yaml is assigned by its path, quizzes/exercises.yaml.")
    assign.add_argument("quiz", metavar="QUIZ",
                        help="a questions YAML file, or the name of one in the pack's quizzes/ "
                             "(e.g. questions); `exercises` for the coding exercises "
                             "(--nbgrader only)")
    assign.add_argument("--topic", action="append", help="only questions with this topic "
                                                         "(repeat for several)")
    assign.add_argument("--ids", action="append", metavar="ID[,ID...]",
                        help="only these question ids, or exercise ids (comma-separated or "
                             "repeated)")
    assign.add_argument("--count", type=int, metavar="N", help="pick N of the matching "
                                                               "questions (drawn by the seed)")
    assign.add_argument("--seed", type=_non_negative, default=0,
                        help="shuffles questions and options and draws generated numbers "
                             "(default: 0; exercises do not use it)")
    assign.add_argument("--title", help="shown at the top of the notebook")
    where = assign.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="DIR", help="the folder to create")
    where.add_argument("--nbgrader", metavar="COURSE_DIR",
                       help="write an nbgrader source assignment in this course folder "
                            "(COURSE_DIR/source/NAME/), for nbgrader generate_assignment")
    assign.add_argument("--name", metavar="NAME",
                        help="with --nbgrader: the assignment's name in nbgrader (letters, "
                             "digits, - and _; e.g. week4)")
    assign.add_argument("--force", action="store_true",
                        help="replace an earlier assignment in DIR, or the notebook of an "
                             "earlier source/NAME (never other files: see below)")
    _common(assign, language=True)
    assign.set_defaults(run=run_assign)

    grade = _command(
        commands, "grade", "score students' responses files against a key",
        "  studypack grade week3/instructor/key.json handed-in/ --csv grades.csv\n"
        "  # a folder stands for every .json file under it, whatever its name: a folder per\n"
        "  # student with responses.json in each (an LMS zip unpacked, nbgrader's submitted/)\n"
        "  # or renamed files. Responses are told by their content; assignment.json and\n"
        "  # key.json are left alone, hidden files and __MACOSX/ too. The CSV names each file\n"
        "  # by its path in the folder given. A malformed, tampered or hostile file is\n"
        "  # reported (FILE: what is wrong) and skipped; the others are graded, and the exit\n"
        "  # code is then 1 (also when a student handed in twice). Symlinks are not followed.")
    grade.add_argument("key", metavar="KEY", help="the instructor/key.json of the assignment")
    grade.add_argument("responses", nargs="+", metavar="RESPONSES",
                       help="students' responses files (or folders of them)")
    grade.add_argument("--csv", required=True, metavar="FILE",
                       help="write one row per student: total, max, percent, points per "
                            "question (names starting = + - @ get a leading ' so a "
                            "spreadsheet shows them as text)")
    grade.add_argument("--force", action="store_true",
                       help="replace FILE if it exists (keeping its permissions)")
    _common(grade, pack=False)
    grade.set_defaults(run=run_grade)

    export = _command(commands, "export", "export cards to Anki or questions to jupyterquiz",
                      "  studypack export anki --out backprop.apkg\n"
                      "  studypack export jupyterquiz --out quiz.json")
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    anki = _command(formats, "anki", "the flashcards as an Anki deck (.apkg)",
                    "  studypack export anki --language de --out backprop-de.apkg\n"
                    "  # model, deck and note ids are stable: importing again updates the\n"
                    "  # notes instead of duplicating them")
    anki.add_argument("--out", required=True, metavar="FILE.apkg")
    anki.add_argument("--topic", action="append", help="only cards with this topic")
    anki.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _common(anki, language=True)
    anki.set_defaults(run=run_export_anki)
    quiz = _command(formats, "jupyterquiz", "the questions as jupyterquiz JSON",
                    "  studypack export jupyterquiz --topic loss --out loss-quiz.json\n"
                    "  # then in a notebook: from jupyterquiz import display_quiz; "
                    "display_quiz('loss-quiz.json')\n"
                    "  # generated questions are exported with the numbers drawn by --seed")
    quiz.add_argument("--out", metavar="FILE.json", help="default: standard output")
    quiz.add_argument("--topic", action="append", help="only questions with this topic")
    quiz.add_argument("--seed", type=_non_negative, default=0,
                      help="draws the numbers of generated questions (default: 0)")
    quiz.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _common(quiz, language=True)
    quiz.set_defaults(run=run_export_jupyterquiz)

    importer = _command(commands, "import", "convert jupyterquiz, jupytercards or Markdown "
                                            "to the pack's YAML",
                        "  studypack import jupytercards cards.json --topic loss "
                        "--out flashcards/imported.yaml\n"
                        "  studypack import markdown notes.md --topic loss   # YAML on stdout")
    sources = importer.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for name, what, example in (
            ("jupyterquiz", "jupyterquiz questions JSON → questions YAML",
             "studypack import jupyterquiz quiz.json --topic loss "
             "--out quizzes/imported.yaml"),
            ("jupytercards", "jupytercards JSON ([{\"front\", \"back\"}]) → cards YAML",
             "studypack import jupytercards cards.json --topic loss "
             "--out flashcards/imported.yaml"),
            ("markdown", "Markdown (each heading a front, its text the back) → cards YAML",
             "studypack import markdown glossary.md --topic loss --difficulty easy")):
        source = _command(sources, name, what, f"  {example}\n  # ids come from the text; "
                                               "the result is validated before it is written")
        source.add_argument("file", metavar="FILE")
        source.add_argument("--topic", action="append",
                            help="required: a topic of the pack (repeat for several)")
        source.add_argument("--difficulty", default="medium", help="easy, medium (default) "
                                                                   "or hard")
        source.add_argument("--out", metavar="FILE.yaml", help="default: standard output")
        source.add_argument("--force", action="store_true", help="replace FILE if it exists")
        _common(source)
        source.set_defaults(run=run_import)

    new = _command(commands, "new", "create a new pack that validates out of the box",
                   "  studypack new photosynthesis --title 'Photosynthesis' --topic light "
                   "--topic chlorophyll\n  cd photosynthesis && studypack validate")
    new.add_argument("pack_folder", metavar="PACK", help="the folder to create")
    new.add_argument("--title", help="the pack's title (default: the folder name)")
    new.add_argument("--topic", action="append",
                     help="a topic of the new pack, kebab-case (repeat; default: basics)")
    _common(new, pack=False)
    new.set_defaults(run=run_new)
    return parser


def _robust_streams() -> None:
    """Text the terminal cannot show (a lone surrogate from a crafted file, Unicode on an
    ASCII console) is printed as a backslash escape instead of crashing the command."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Optional[list[str]] = None) -> int:
    """Run the command; returns the exit code (see the module docstring)."""
    _robust_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    name = args.command + (f" {args.format}" if getattr(args, "format", None) else "")
    try:
        return args.run(args)
    except CommandError as error:
        print(f"studypack {name}: error: {error}", file=sys.stderr)
        return error.code
    except OSError as error:  # the disk or the OS refused: say which file and why
        where = f"{error.filename}: " if error.filename else ""
        print(f"studypack {name}: error: {where}{error.strerror or error}; nothing was written "
              "there: choose another place or check its permissions", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"studypack {name}: interrupted; nothing half-written was left", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
