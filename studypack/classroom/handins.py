"""What a class hands in: finding the responses files, reading them warily, grading them.

`find_hand_ins()` takes the files and folders the instructor names. A folder stands for every
`.json` file under it, whatever its name and however deep: one folder per student with a
`responses.json` each (as an LMS zip or nbgrader's `submitted/<student>/<assignment>/`
unpack), or renamed files side by side. A file is a responses file by its content (`kind`,
or the fields of one), so the assignment.json and key.json lying beside are left alone.

`grade_files()` reads each one with limits (size, depth, NaN, overflowing numbers, lone
surrogates, symlinks, FIFOs), checks it against the key and scores it with
`grading.score`; a file that cannot be used is skipped with its reasons, the others are
graded. `grades_csv()` writes names so a spreadsheet shows them as text, never as a formula.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from studypack.content.generators import format_number
from studypack.content.grading import Score, option_label, parse_number, score
from studypack.content.model import NumericQuestion
from studypack.progress.atomic import write_text_atomically

from .assignments import (ASSIGNMENT_KIND, CHOICE_KINDS, FORMAT_VERSION, KEY_KIND,
                          MAX_RESPONSES_BYTES, RESPONSES_KIND, AnswerKey, KeyQuestion,
                          answer_problem, shown)

PathLike = Union[str, os.PathLike]


# ---- finding them ----

@dataclass(frozen=True)
class HandIn:
    """A file to grade: `path`, and `label`, its name in the CSV and messages (the path from
    the folder given, e.g. `ada/responses.json`, or the file as given)."""

    path: Path
    label: str
    problem: Optional[str] = None  # why it cannot even be opened (a symlink, a bad folder)
    in_folder: bool = False  # found in a folder (not named by the instructor)


def find_hand_ins(paths: Sequence[Path]) -> list[HandIn]:
    """The files given, a folder standing for the .json files under it; each file once."""
    found, seen = [], set()
    for given in map(Path, paths):
        if given.is_dir() and not given.is_symlink():
            found += [HandIn(path, path.relative_to(given).as_posix() if path != given
                             else str(given), problem, in_folder=True)
                      for path, problem in json_files_under(given)]
        else:
            found.append(HandIn(given, str(given)))
    unique = []
    for hand_in in found:
        identity = Path(hand_in.path).absolute()
        if identity not in seen:
            seen.add(identity)
            unique.append(hand_in)
    return unique


def file_kind(data: Any) -> Optional[str]:
    """"responses", "assignment" or "key" for the JSON of one of our files, else None. Files
    written before `kind` existed are told apart by their fields."""
    if not isinstance(data, dict):
        return None
    kind = data.get("kind")
    if kind in (RESPONSES_KIND, ASSIGNMENT_KIND, KEY_KIND):
        return {RESPONSES_KIND: "responses", ASSIGNMENT_KIND: "assignment",
                KEY_KIND: "key"}[kind]
    if "questions" in data:
        return "key" if any(isinstance(q, dict) and "question" in q
                            for q in data["questions"] or ()) else "assignment"
    if {"answers", "student", "assignment_id"} & set(data):
        return "responses"
    return None


# ---- reading one ----

def read_responses(path: Path, key: AnswerKey, data: Any = None) -> tuple[Optional[str],
                                                                           dict[str, Any]]:
    """(student name or None if not given, answers) from one responses file; ValueError
    lists every problem."""
    if data is None:
        try:
            data = read_json_file(path, MAX_RESPONSES_BYTES)
        except ValueError as error:
            raise ValueError([str(error)]) from None
    if not isinstance(data, dict):
        raise ValueError(["expected a JSON object with assignment_id, student and answers"])
    problems = []
    version = data.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        problems.append(f"format_version is {shown(version)}, expected {FORMAT_VERSION}")
    if data.get("assignment_id") != key.assignment_id:
        problems.append(f"it is for assignment {shown(data.get('assignment_id'))}, "
                        f"not {key.assignment_id!r}")
    elif data.get("questions_hash") != key.questions_hash:
        problems.append("its questions_hash does not match the key: the assignment's "
                        "questions were changed")
    student = data.get("student")
    if isinstance(student, str) and not student.strip():
        student = None
    if student is not None:
        problems += _name_problems(student)
    answers = data.get("answers")
    if not isinstance(answers, dict):
        problems.append(f"answers must be an object of question id → answer, "
                        f"got {shown(answers)}")
        answers = {}
    for question_id, answer in answers.items():
        question = key.question(question_id)
        if question is None:
            problems.append(f"answers: no question {shown_id(question_id)} in this "
                            "assignment")
            continue
        problem = answer_problem(question.student, answer)
        if problem:
            problems.append(f"answers: {question_id}: {problem}")
    if problems:
        raise ValueError(problems[:20] + ([f"and {len(problems) - 20} more problems"]
                                          if len(problems) > 20 else []))
    return (student.strip() if student else None), answers


def shown_id(text: str, limit: int = 60) -> str:
    """An id as Python quotes it ('who-knows'), escapes kept, cut to `limit` characters."""
    quoted = repr(text)
    return quoted if len(quoted) <= limit else quoted[:limit - 1] + "…"


def _name_problems(student: Any) -> list[str]:
    if not isinstance(student, str):
        return [f"student must be a name, got {shown(student)}"]
    if len(student) > 200:
        return [f"student must be a name, got {len(student):,} characters"]
    try:
        student.encode("utf-8")
    except UnicodeEncodeError:
        return [f"student {shown(student)} holds a lone surrogate, which is not text"]
    return []


def _fallback_name(hand_in: HandIn) -> str:
    """A student's name when the file gives none: the student's folder in a class folder
    (`ada/week3/responses.json` → ada), else the file's name without .json."""
    parts = Path(hand_in.label).parts
    return parts[0] if hand_in.in_folder and len(parts) > 1 else Path(hand_in.path).stem


# ---- grading ----

@dataclass
class StudentResult:
    student: str
    file: str  # the hand-in's label
    answers: dict[str, Any]
    scores: dict[str, Score]

    @property
    def total(self) -> float:
        return sum(result.points for result in self.scores.values())

    @property
    def max_points(self) -> float:
        return sum(result.max_points for result in self.scores.values())

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.max_points if self.max_points else 0.0


@dataclass
class GradeReport:
    key: AnswerKey
    results: list[StudentResult] = field(default_factory=list)
    skipped: list[tuple[HandIn, list[str]]] = field(default_factory=list)  # file, problems
    # (file, student, the file where the student was first seen): graded, but worth a look
    duplicates: list[tuple[HandIn, str, HandIn]] = field(default_factory=list)
    # files in the folders given that are not answers (the assignment, the key, other JSON)
    ignored: list[tuple[HandIn, str]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.skipped and not self.duplicates


def _normalised(question: KeyQuestion, answer: Any) -> Any:
    """An answer as `grading.score` takes it (a number typed as text becomes a number)."""
    if answer is None or question.student.kind in CHOICE_KINDS:
        return answer
    return parse_number(answer)


def _not_answers(hand_in: HandIn, data: Any) -> Optional[str]:
    """Why a file is not a student's answers (None if it may be), by its content."""
    kind = file_kind(data)
    if kind in ("assignment", "key"):
        return f"the {kind} file, not a student's answers"
    if kind is None and hand_in.in_folder and isinstance(data, dict):
        return "not a responses file (no answers, student or assignment_id)"
    return None


def grade_files(key: AnswerKey, hand_ins: Sequence[HandIn],
                progress: Callable[[Iterable], Iterable] = iter) -> GradeReport:
    """Score every usable responses file; report (and skip) the others. Never raises for
    what a file holds."""
    report = GradeReport(key)
    first_file_of: dict[str, HandIn] = {}
    for hand_in in progress(hand_ins):
        try:
            if hand_in.problem:
                raise ValueError([hand_in.problem])
            try:
                data = read_json_file(hand_in.path, MAX_RESPONSES_BYTES)
            except ValueError as error:
                raise ValueError([str(error)]) from None
            reason = _not_answers(hand_in, data)
            if reason and hand_in.in_folder:
                report.ignored.append((hand_in, reason))
                continue
            if reason:
                raise ValueError([reason])
            student, answers = read_responses(hand_in.path, key, data)
        except ValueError as error:
            report.skipped.append((hand_in, list(error.args[0])))
            continue
        student = student or _fallback_name(hand_in)
        same = student.casefold()
        if same in first_file_of:
            report.duplicates.append((hand_in, student, first_file_of[same]))
        else:
            first_file_of[same] = hand_in
        scores = {question.id: score(question.scorable,
                                     _normalised(question, answers.get(question.id)))
                  for question in key.questions}
        report.results.append(StudentResult(student, hand_in.label, answers, scores))
    return report


# ---- the CSV and the table ----

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_text(text: str) -> str:
    """`text` as a spreadsheet shows it, never run as a formula (OWASP's CSV injection advice:
    a cell starting with = + - @ tab or CR gets a leading apostrophe)."""
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def _points(value: float) -> str:
    """Points with up to 4 decimals: 1, 0.5, 0.1667."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def grades_csv(report: GradeReport) -> str:
    """One row per student: student, file, total, max, percent, then points per question."""
    ids = [question.id for question in report.key.questions]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "file", "total", "max", "percent", *map(spreadsheet_text, ids)])
    for result in report.results:
        writer.writerow([spreadsheet_text(result.student), spreadsheet_text(result.file),
                         _points(result.total), _points(result.max_points),
                         f"{result.percent:.1f}",
                         *(_points(result.scores[question_id].points) for question_id in ids)])
    return out.getvalue()


def write_grades_csv(path, report: GradeReport) -> Path:
    return write_text_atomically(path, grades_csv(report))


@dataclass(frozen=True)
class QuestionStats:
    number: int
    id: str
    kind: str
    answered: int
    right: int
    mean_points: float
    # the most chosen wrong option ("B ×3") or number ("0.5 (forgot-mean) ×3" when a known
    # mistake gives it), or "" if none
    common_wrong: str


def question_stats(report: GradeReport) -> list[QuestionStats]:
    """Per question: how many answered, how many got it right, the most common wrong answer."""
    stats = []
    for number, question in enumerate(report.key.questions, 1):
        answered = right = 0
        points, wrong = 0.0, Counter()
        for result in report.results:
            result_score = result.scores[question.id]
            points += result_score.points
            answer = result.answers.get(question.id)
            if answer is None:
                continue
            answered += 1
            right += result_score.correct
            wrong.update(_wrong_choices(question, answer, result_score))
        common = ""
        if wrong:
            (label, times), = wrong.most_common(1)
            common = f"{label} ×{times}"
        mean = points / len(report.results) if report.results else 0.0
        stats.append(QuestionStats(number, question.id, question.student.kind, answered, right,
                                   mean, common))
    return stats


def _wrong_choices(question: KeyQuestion, answer: Any, result: Score) -> list[str]:
    """The wrong options chosen (as letters), or the wrong number given: a number a known
    mistake gives is named by it, e.g. `0.5 (forgot-mean)`, so its answers count together."""
    if question.student.kind in CHOICE_KINDS:
        chosen = [answer] if question.student.kind == "single_choice" else answer
        correct = {option.index for option in result.feedback if option.correct}
        return [option_label(index) for index in chosen if index not in correct]
    if result.correct:
        return []
    typed = parse_number(answer)
    if not result.mistake:
        return [format_number(typed)]
    return [_mistake_label(question.scorable, result.mistake, typed)]


# how `grading.score` names the mistakes of a numeric question: by their place in its list
_LISTED_MISTAKE = re.compile(r"mistakes\[(\d+)\]")


def _mistake_label(scorable: Any, mistake: str, typed: float) -> str:
    """`<the number the mistake gives> (<its name>)`: a generated question's mistake by its
    name, a numeric question's by its place (`mistake 2`, counted from 1 as in the file)."""
    listed = _LISTED_MISTAKE.fullmatch(mistake)
    if listed and isinstance(scorable, NumericQuestion):
        index = int(listed.group(1))
        return f"{format_number(scorable.mistakes[index].answer)} (mistake {index + 1})"
    # a key written before mistakes were kept lacks their numbers: show the one typed
    value = (getattr(scorable, "mistakes", None) or {}).get(mistake, typed)
    return f"{format_number(value)} ({mistake})"


def stats_table(stats: Sequence[QuestionStats], students: int) -> str:
    """The per-question statistics as an aligned text table."""
    header = ("#", "question", "kind", "answered", "right", "mean", "most common wrong")
    rows = [(str(s.number), s.id, s.kind, f"{s.answered}/{students}", f"{s.right}/{students}",
             f"{s.mean_points:.2f}", s.common_wrong or "-") for s in stats]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in (header, *rows)]
    return "\n".join(lines) + "\n"


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
