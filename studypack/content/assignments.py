"""Assignments: a quiz for a class, the students' saved answers, and grading them with a key.

`build_assignment()` picks questions (filtered by topic or id, shuffled and counted by a seed)
and splits them in two:

- the **student** part (`assignment.json` beside `quiz.ipynb`): ids, kinds, prompts, option
  texts and units only. Nothing that tells what is right travels with it: no `correct`
  flags, feedback, explanations, answers or tolerances, in any encoding;
- the **key** (`key.json`, kept by the instructor): the full questions, the numbers and
  answers drawn for generated questions, the assignment id and a hash of the student part.

A student's answers are saved by `ResponsesFile` as `responses.json`::

    {"format_version": 1, "assignment_id": "...", "questions_hash": "<sha256>",
     "student": "Ada Lovelace", "answers": {"<question id>": <answer>, ...},
     "saved_at": "<ISO 8601 UTC>"}

An answer is an option index (single choice), a list of option indexes (multiple choice) or a
number (numeric); unanswered questions are left out. `grade_files()` checks each responses
file against the key (its id and hash, known question ids, answers that fit their questions)
and scores the good ones with `grading.score`; a bad file is reported and skipped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np
import yaml
from pydantic import ValidationError

from .atomic import write_text_atomically
from .files import building_folder, notebook_text
from .generators import GeneratedQuestion, format_number, generate, shuffle_options
from .grading import Score, parse_number, score
from .interface_text import interface_text
from .loader import QUIZZES_FOLDER
from .model import QUESTION_ADAPTER, TOPICS_CONTEXT, GeneratedNumericQuestion

FORMAT_VERSION = 1
STUDENT_FOLDER, INSTRUCTOR_FOLDER = "student", "instructor"
ASSIGNMENT_FILE, NOTEBOOK_FILE, RESPONSES_FILE = "assignment.json", "quiz.ipynb", "responses.json"
KEY_FILE = "key.json"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CHOICE_KINDS = ("single_choice", "multiple_choice")


class AssignmentError(ValueError):
    """A request or file that cannot be used; the message says what to do."""


# ---- what the student gets ----

@dataclass(frozen=True)
class StudentQuestion:
    """A question as the student sees it: text only, nothing that says what is right."""

    id: str
    kind: str
    prompt: str
    options: tuple[str, ...] = ()
    unit: Optional[str] = None

    def as_dict(self) -> dict:
        data = {"id": self.id, "kind": self.kind, "prompt": self.prompt}
        if self.kind in CHOICE_KINDS:
            data["options"] = list(self.options)
        if self.unit:
            data["unit"] = self.unit
        return data


@dataclass(frozen=True)
class Assignment:
    """The student part of an assignment (what assignment.json holds)."""

    id: str
    title: str
    questions: tuple[StudentQuestion, ...]
    questions_hash: str
    language: str = "en"  # of the questions' text, and of the words around them

    def as_dict(self) -> dict:
        return {"format_version": FORMAT_VERSION, "assignment_id": self.id, "title": self.title,
                "language": self.language, "questions_hash": self.questions_hash,
                "questions": [question.as_dict() for question in self.questions]}


def questions_hash(questions: Iterable[StudentQuestion]) -> str:
    """sha256 of the student questions: a responses file names it, so edits are detected."""
    canonical = json.dumps([question.as_dict() for question in questions], sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---- choosing and building ----

def quiz_question_ids(quiz_file: Path) -> list[str]:
    """The ids written in one questions file, in file order (the file was validated already)."""
    data = yaml.safe_load(quiz_file.read_text(encoding="utf-8")) or []
    return [item["id"] for item in data if isinstance(item, dict) and "id" in item]


def resolve_quiz_file(quiz: str, pack_root: Path) -> Path:
    """QUIZ as given on the command line: a questions YAML file, or a stem in quizzes/."""
    as_path = Path(quiz)
    if as_path.suffix in (".yaml", ".yml") or as_path.is_file():
        if not as_path.is_file():
            raise AssignmentError(f"no questions file {quiz}")
        return as_path.resolve()
    candidate = pack_root / QUIZZES_FOLDER / f"{quiz}.yaml"
    if candidate.is_file():
        return candidate
    available = sorted(path.stem for path in (pack_root / QUIZZES_FOLDER).glob("*.yaml"))
    raise AssignmentError(f"no quiz {quiz!r} in {pack_root / QUIZZES_FOLDER}; available: "
                          f"{', '.join(available) or '(none)'} (or give a path to a YAML file)")


def select_questions(questions: Sequence, *, topics: Sequence[str] = (),
                     ids: Sequence[str] = (), count: Optional[int] = None, seed: int = 0,
                     vocabulary: Sequence[str] = ()) -> list:
    """The questions to assign: those with any of `topics` and among `ids` (each filter only
    when given), in an order shuffled by `seed`, the first `count` of them."""
    known_ids = {question.id for question in questions}
    unknown = [question_id for question_id in ids if question_id not in known_ids]
    if unknown:
        raise AssignmentError(f"no question with id {', '.join(map(repr, unknown))} in this "
                              f"quiz; its ids: {', '.join(sorted(known_ids))}")
    unknown = [topic for topic in topics if topic not in vocabulary]
    if unknown:
        raise AssignmentError(f"unknown topic {', '.join(map(repr, unknown))}; topics: "
                              f"{', '.join(vocabulary)}")
    chosen = [question for question in questions
              if (not ids or question.id in ids)
              and (not topics or set(question.topics) & set(topics))]
    if not chosen:
        raise AssignmentError("no question matches the --topic/--ids filters")
    order = np.random.default_rng(seed).permutation(len(chosen))
    chosen = [chosen[index] for index in order]
    if count is not None:
        if count < 1:
            raise AssignmentError(f"--count must be at least 1 (got {count})")
        if count > len(chosen):
            raise AssignmentError(f"--count {count} but only {len(chosen)} question(s) match")
        chosen = chosen[:count]
    return chosen


def _student_question(question, instance: Optional[GeneratedQuestion]) -> StudentQuestion:
    if instance is not None:
        return StudentQuestion(question.id, question.kind, instance.prompt)
    options = tuple(option.text for option in getattr(question, "options", None) or ())
    return StudentQuestion(question.id, question.kind, question.prompt, options,
                           getattr(question, "unit", None))


def _key_entry(question, instance: Optional[GeneratedQuestion]) -> dict:
    entry = {"id": question.id, "question": question.model_dump(mode="json")}
    if instance is not None:  # the drawn numbers and the engine's answer, fixed for grading
        entry["instance"] = {"seed": instance.seed, "numbers": instance.numbers,
                             "answer": instance.answer, "prompt": instance.prompt,
                             "explanation": instance.explanation,
                             "tolerance": instance.tolerance}
    return entry


def build_assignment(questions: Sequence, *, quiz_name: str, title: str, seed: int,
                     language: str,
                     progress: Callable[[Iterable], Iterable] = iter) -> tuple[Assignment, dict]:
    """(the student part, the key as JSON data) for `questions` (already selected).

    Generated questions get their numbers from `seed`. The assignment id is derived from the
    quiz, the seed and the questions, so the same choice gives the same assignment.
    """
    student, key_questions = [], []
    for question in progress(questions):
        question = shuffle_options(question, seed)
        instance = (generate(question, seed)
                    if isinstance(question, GeneratedNumericQuestion) else None)
        student.append(_student_question(question, instance))
        key_questions.append(_key_entry(question, instance))
    digest = questions_hash(student)
    assignment = Assignment(f"{quiz_name}-seed{seed}-{digest[:8]}", title, tuple(student), digest,
                            language)
    key = {"format_version": FORMAT_VERSION, "assignment_id": assignment.id, "title": title,
           "quiz": quiz_name, "seed": seed, "language": language, "questions_hash": digest,
           "questions": key_questions}
    return assignment, key


def student_notebook(assignment: Assignment) -> str:
    """quiz.ipynb: an intro and one cell showing the form; no outputs, no extra metadata."""
    instructions = interface_text(assignment.language)["assignment notebook intro"]
    intro = (f"# {assignment.title}\n\n"
             + instructions.format(count=len(assignment.questions), responses=RESPONSES_FILE))
    code = ("from studypack.widgets.assignment import AssignmentForm\n"
            "from studypack.content.assignments import open_assignment\n\n"
            f'AssignmentForm(*open_assignment("{ASSIGNMENT_FILE}", "{RESPONSES_FILE}"))')
    return notebook_text([("markdown", intro), ("code", code)])


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_assignment(out: Path, assignment: Assignment, key: dict, force: bool = False) -> Path:
    """OUT/student/{quiz.ipynb, assignment.json} and OUT/instructor/key.json, all or nothing."""
    with building_folder(out, force) as folder:
        student = folder / STUDENT_FOLDER
        instructor = folder / INSTRUCTOR_FOLDER
        student.mkdir()
        instructor.mkdir()
        (student / ASSIGNMENT_FILE).write_text(_json_text(assignment.as_dict()), encoding="utf-8")
        (student / NOTEBOOK_FILE).write_text(student_notebook(assignment), encoding="utf-8")
        (instructor / KEY_FILE).write_text(_json_text(key), encoding="utf-8")
    return Path(out)


# ---- answers: one check for the student's form and the grader ----

def answer_problem(question: StudentQuestion, answer: Any) -> Optional[str]:
    """What is wrong with `answer` to `question` (None if it fits the question's kind)."""
    if answer is None:
        return None  # not answered
    if question.kind == "single_choice":
        return _index_problem(answer, len(question.options))
    if question.kind == "multiple_choice":
        if not isinstance(answer, list):
            return f"expected a list of option indexes, got {json.dumps(answer)}"
        if len(set(map(repr, answer))) != len(answer):
            return f"an option is listed twice in {json.dumps(answer)}"
        problems = [_index_problem(index, len(question.options)) for index in answer]
        return next((problem for problem in problems if problem), None)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        return f"expected a number, got {json.dumps(answer)}"
    try:
        parse_number(answer)
    except ValueError as error:
        return f"expected a number: {error}"
    return None


def _index_problem(index: Any, count: int) -> Optional[str]:
    if isinstance(index, bool) or not isinstance(index, int):
        return f"expected an option index (0 to {count - 1}), got {json.dumps(index)}"
    if not 0 <= index < count:
        return f"option index {index} is out of range (0 to {count - 1})"
    return None


def open_assignment(assignment_path, responses_path) -> tuple[Assignment, "ResponsesFile"]:
    """The student part read from assignment.json, and where to save the answers.

    Relative paths are taken from the current folder (a notebook's own folder), then fixed,
    so the form keeps saving to the same file.
    """
    assignment_path = Path(assignment_path).resolve()
    try:
        data = json.loads(assignment_path.read_text(encoding="utf-8"))
        assignment = _assignment_from(data)
    except FileNotFoundError:
        raise AssignmentError(f"{assignment_path} is missing: it comes with the notebook; ask "
                              "your instructor for a fresh copy") from None
    except (ValueError, KeyError, TypeError) as error:
        raise AssignmentError(f"{assignment_path} is damaged ({error}); ask your instructor "
                              "for a fresh copy") from None
    return assignment, ResponsesFile(Path(responses_path).resolve(), assignment)


def _assignment_from(data: dict) -> Assignment:
    questions = tuple(StudentQuestion(item["id"], item["kind"], item["prompt"],
                                      tuple(item.get("options", ())), item.get("unit"))
                      for item in data["questions"])
    if questions_hash(questions) != data["questions_hash"]:
        raise ValueError("its questions were changed")
    return Assignment(data["assignment_id"], data["title"], questions, data["questions_hash"],
                      data.get("language", "en"))


class ResponsesFile:
    """A student's answers on disk (responses.json); each save replaces the file whole."""

    def __init__(self, path, assignment: Assignment):
        self.path = Path(path)
        self.assignment = assignment
        self._questions = {question.id: question for question in assignment.questions}

    def save(self, student: str, answers: dict[str, Any]) -> dict:
        """Write the student's name and answers (unanswered ones left out); returns the record."""
        if not isinstance(student, str) or not student.strip():
            raise ValueError("type your name before saving")
        kept = {}
        for question_id, answer in answers.items():
            if question_id not in self._questions:
                raise ValueError(f"no question {question_id!r} in this assignment")
            problem = answer_problem(self._questions[question_id], answer)
            if problem:
                raise ValueError(f"{question_id}: {problem}")
            if answer is not None:
                kept[question_id] = answer
        record = {"format_version": FORMAT_VERSION, "assignment_id": self.assignment.id,
                  "questions_hash": self.assignment.questions_hash, "student": student.strip(),
                  "answers": kept,
                  "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_text_atomically(self.path, _json_text(record))
        return record

    def load(self) -> Optional[dict]:
        """The last saved record for this assignment, or None (none yet, or not usable)."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("assignment_id") != self.assignment.id:
            return None
        return record


# ---- the key ----

@dataclass(frozen=True)
class KeyQuestion:
    """A question of the key: what the student saw, and what `grading.score` grades with."""

    student: StudentQuestion
    scorable: Any  # a question model, or the GeneratedQuestion drawn for the assignment

    @property
    def id(self) -> str:
        return self.student.id


@dataclass(frozen=True)
class AnswerKey:
    assignment_id: str
    title: str
    questions_hash: str
    questions: tuple[KeyQuestion, ...]

    def question(self, question_id: str) -> Optional[KeyQuestion]:
        return next((q for q in self.questions if q.id == question_id), None)


def read_key(path) -> AnswerKey:
    """The instructor's key.json, checked; AssignmentError says what is wrong with it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssignmentError(f"no key file {path}: give the instructor/{KEY_FILE} that "
                              "`studypack assign` wrote") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise AssignmentError(f"{path} is not a readable JSON key ({error})") from None
    try:
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format_version is {data.get('format_version')!r}, "
                             f"expected {FORMAT_VERSION}")
        questions = tuple(_key_question(entry) for entry in data["questions"])
        digest = questions_hash(question.student for question in questions)
        if digest != data["questions_hash"]:
            raise ValueError("its questions do not match its questions_hash (was it edited?)")
        return AnswerKey(data["assignment_id"], data.get("title", ""), digest, questions)
    except (AttributeError, KeyError, TypeError, ValueError, ValidationError) as error:
        problem = f"missing field {error}" if isinstance(error, KeyError) else str(error)
        raise AssignmentError(f"{path} is not a valid key ({problem.splitlines()[0]}): use the "
                              f"instructor/{KEY_FILE} that `studypack assign` wrote") from None


def _key_question(entry: dict) -> KeyQuestion:
    source = entry["question"]
    # the pack's topic vocabulary does not matter for grading: accept the question's own
    model = QUESTION_ADAPTER.validate_python(
        source, context={TOPICS_CONTEXT: tuple(source.get("topics") or ())})
    instance = entry.get("instance")
    if isinstance(model, GeneratedNumericQuestion):
        if not isinstance(instance, dict) or not all(
                isinstance(instance.get(name), (int, float)) for name in ("answer", "tolerance")):
            raise ValueError(f"{model.id}: a generated question needs its drawn instance "
                             "(numbers, answer, tolerance)")
        scorable = GeneratedQuestion(question=model, **instance)
    else:
        scorable = model
    drawn = scorable if isinstance(scorable, GeneratedQuestion) else None
    return KeyQuestion(_student_question(model, drawn), scorable)


# ---- grading ----

@dataclass
class StudentResult:
    student: str
    file: Path
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
    skipped: list[tuple[Path, list[str]]] = field(default_factory=list)  # file, its problems
    # (file, student, the file where the student was first seen): graded, but worth a look
    duplicates: list[tuple[Path, str, Path]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.skipped and not self.duplicates


def read_responses(path: Path, key: AnswerKey) -> tuple[str, dict[str, Any]]:
    """(student name, answers) from one responses file; ValueError lists every problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError([f"not a readable JSON file ({error})"]) from None
    if not isinstance(data, dict):
        raise ValueError(["expected a JSON object with assignment_id, student and answers"])
    problems = []
    if data.get("format_version") != FORMAT_VERSION:
        problems.append(f"format_version is {json.dumps(data.get('format_version'))}, "
                        f"expected {FORMAT_VERSION}")
    if data.get("assignment_id") != key.assignment_id:
        problems.append(f"it is for assignment {json.dumps(data.get('assignment_id'))}, "
                        f"not {key.assignment_id!r}")
    elif data.get("questions_hash") != key.questions_hash:
        problems.append("its questions_hash does not match the key: the assignment's "
                        "questions were changed")
    student = data.get("student")
    if student is None or (isinstance(student, str) and not student.strip()):
        student = Path(path).stem
    elif not isinstance(student, str):
        problems.append(f"student must be a name, got {json.dumps(student)}")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        problems.append(f"answers must be an object of question id → answer, "
                        f"got {json.dumps(answers)}")
        answers = {}
    for question_id, answer in answers.items():
        question = key.question(question_id)
        if question is None:
            problems.append(f"answers: no question {question_id!r} in this assignment")
            continue
        problem = answer_problem(question.student, answer)
        if problem:
            problems.append(f"answers: {question_id}: {problem}")
    if problems:
        raise ValueError(problems)
    return str(student).strip(), answers


def _normalised(question: KeyQuestion, answer: Any) -> Any:
    """An answer as `grading.score` takes it (a number typed as text becomes a number)."""
    if answer is None or question.student.kind in CHOICE_KINDS:
        return answer
    return parse_number(answer)


def grade_files(key: AnswerKey, paths: Sequence[Path],
                progress: Callable[[Iterable], Iterable] = iter) -> GradeReport:
    """Score every usable responses file; report (and skip) the others."""
    report = GradeReport(key)
    first_file_of: dict[str, Path] = {}
    for path in progress(paths):
        try:
            student, answers = read_responses(path, key)
        except ValueError as error:
            report.skipped.append((Path(path), list(error.args[0])))
            continue
        same = student.casefold()
        if same in first_file_of:
            report.duplicates.append((Path(path), student, first_file_of[same]))
        else:
            first_file_of[same] = Path(path)
        scores = {question.id: score(question.scorable,
                                     _normalised(question, answers.get(question.id)))
                  for question in key.questions}
        report.results.append(StudentResult(student, Path(path), answers, scores))
    return report


def _points(value: float) -> str:
    """Points with up to 4 decimals: 1, 0.5, 0.1667."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def grades_csv(report: GradeReport) -> str:
    """One row per student: student, file, total, max, percent, then points per question."""
    ids = [question.id for question in report.key.questions]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "file", "total", "max", "percent", *ids])
    for result in report.results:
        writer.writerow([result.student, result.file.name, _points(result.total),
                         _points(result.max_points), f"{result.percent:.1f}",
                         *(_points(result.scores[question_id].points) for question_id in ids)])
    return out.getvalue()


@dataclass(frozen=True)
class QuestionStats:
    number: int
    id: str
    kind: str
    answered: int
    right: int
    mean_points: float
    common_wrong: str  # the most chosen wrong option ("B ×3") or number, or "" if none


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
    """The wrong options chosen (as letters), or the wrong number given."""
    if question.student.kind in CHOICE_KINDS:
        chosen = [answer] if question.student.kind == "single_choice" else answer
        correct = {option.index for option in result.feedback if option.correct}
        return [LETTERS[index] for index in chosen if index not in correct]
    if result.correct:
        return []
    return [format_number(parse_number(answer))]


def stats_table(stats: Sequence[QuestionStats], students: int) -> str:
    """The per-question statistics as an aligned text table."""
    header = ("#", "question", "kind", "answered", "right", "mean", "most common wrong")
    rows = [(str(s.number), s.id, s.kind, f"{s.answered}/{students}", f"{s.right}/{students}",
             f"{s.mean_points:.2f}", s.common_wrong or "-") for s in stats]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in (header, *rows)]
    return "\n".join(lines) + "\n"


def write_grades_csv(path, report: GradeReport) -> Path:
    return write_text_atomically(path, grades_csv(report))
