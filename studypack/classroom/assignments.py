"""Assignments: a quiz for a class, the students' saved answers, and grading them with a key.

`build_assignment()` picks questions (filtered by topic or id, shuffled and counted by a seed)
and splits them in two:

- the **student** part (`assignment.json` beside `quiz.ipynb`): ids, kinds, prompts, option
  texts and units only. Nothing that tells what is right travels with it: no `correct`
  flags, feedback, explanations, answers or tolerances, in any encoding;
- the **key** (`key.json`, kept by the instructor): the full questions, the numbers and
  answers drawn for generated questions (and the wrong answer each of their known mistakes
  gives, so a key grades the same whatever becomes of the template), the assignment id and
  a hash of the student part.

A student's answers are saved by `ResponsesFile` as `responses.json`::

    {"kind": "studypack-responses", "format_version": 1, "assignment_id": "...",
     "questions_hash": "<sha256>", "student": "Ada Lovelace",
     "answers": {"<question id>": <answer>, ...}, "saved_at": "<ISO 8601 UTC>"}

Each file names what it is in `kind` (assignment.json and key.json too), so `grade` finds the
responses among whatever a class hands in, whatever the files are called.

An answer is an option index (single choice), a list of option indexes (multiple choice) or a
number (numeric); unanswered questions are left out. `handins.grade_files()` checks each
responses file against the key (its id and hash, known question ids, answers that fit their
questions) and scores the good ones; a bad file is reported and skipped.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np
from pydantic import ValidationError

from studypack.content.generators import GeneratedQuestion, generate, shuffle_options
from studypack.content.grading import parse_number
from studypack.content.interface_text import interface_text
from studypack.content.loader import QUIZZES_FOLDER
from studypack.content.model import QUESTION_ADAPTER, TOPICS_CONTEXT, GeneratedNumericQuestion
from studypack.content.notebooks import notebook_text
from studypack.content.reading import parse_yaml, read_text_file
from studypack.progress.atomic import building_folder, make_folder, write_text_atomically

FORMAT_VERSION = 1
STUDENT_FOLDER, INSTRUCTOR_FOLDER = "student", "instructor"
ASSIGNMENT_FILE, NOTEBOOK_FILE, RESPONSES_FILE = "assignment.json", "quiz.ipynb", "responses.json"
KEY_FILE = "key.json"
ASSIGNMENT_KIND, KEY_KIND, RESPONSES_KIND = ("studypack-assignment", "studypack-key",
                                             "studypack-responses")
# what `assign --force` may replace: the assignment's own files, and the keys it kept
OWN_FILES = {f"{STUDENT_FOLDER}/", f"{INSTRUCTOR_FOLDER}/", f"{STUDENT_FOLDER}/{ASSIGNMENT_FILE}",
             f"{STUDENT_FOLDER}/{NOTEBOOK_FILE}", f"{INSTRUCTOR_FOLDER}/{KEY_FILE}"}
KEPT_KEY = re.compile(rf"{INSTRUCTOR_FOLDER}/key-[A-Za-z0-9._-]+\.json")
MAX_RESPONSES_BYTES = 1_000_000  # a real one is a few kB, even for hundreds of questions
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
        return {"kind": ASSIGNMENT_KIND, "format_version": FORMAT_VERSION,
                "assignment_id": self.id, "title": self.title,
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
    # the pack's own safe reader and fast parser: a 50,000-question file takes seconds, not a minute
    data = parse_yaml(read_text_file(quiz_file, quiz_file.parent.parent)).data or []
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
                             "tolerance": instance.tolerance, "mistakes": instance.mistakes}
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
    key = {"kind": KEY_KIND, "format_version": FORMAT_VERSION, "assignment_id": assignment.id,
           "title": title,
           "quiz": quiz_name, "seed": seed, "language": language, "questions_hash": digest,
           "questions": key_questions}
    return assignment, key


def student_notebook(assignment: Assignment) -> str:
    """quiz.ipynb: an intro and one cell showing the form; no outputs, no extra metadata."""
    instructions = interface_text(assignment.language)["assignment notebook intro"]
    intro = (f"# {assignment.title}\n\n"
             + instructions.format(count=len(assignment.questions), responses=RESPONSES_FILE))
    code = ("from studypack.widgets.assignment import AssignmentForm\n"
            "from studypack.classroom.assignments import open_assignment\n\n"
            f'AssignmentForm(*open_assignment("{ASSIGNMENT_FILE}", "{RESPONSES_FILE}"))')
    return notebook_text([("markdown", intro), ("code", code)])


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def is_own_file(relative: str) -> bool:
    """Whether `assign --force` may replace this path of an output folder (folders end in /)."""
    return relative in OWN_FILES or KEPT_KEY.fullmatch(relative) is not None


def write_assignment(out: Path, assignment: Assignment, key: dict, force: bool = False) -> Path:
    """OUT/student/{quiz.ipynb, assignment.json} and OUT/instructor/key.json, all or nothing.

    With `force`, an earlier assignment in OUT is replaced in one step (files keep their
    modes); a folder holding anything else (handed-in answers, grades) is refused. A replaced
    key for other questions is kept as instructor/key-<its assignment id>.json, with the keys
    kept before: answers handed in for it can still be graded.
    """
    key_text = _json_text(key)
    with building_folder(out, force, replaceable=is_own_file) as folder:
        student = make_folder(folder / STUDENT_FOLDER)
        instructor = make_folder(folder / INSTRUCTOR_FOLDER)
        (student / ASSIGNMENT_FILE).write_text(_json_text(assignment.as_dict()), encoding="utf-8")
        (student / NOTEBOOK_FILE).write_text(student_notebook(assignment), encoding="utf-8")
        (instructor / KEY_FILE).write_text(key_text, encoding="utf-8")
        _keep_earlier_keys(Path(out) / INSTRUCTOR_FOLDER, instructor, key_text)
    return Path(out)


def _keep_earlier_keys(old: Path, new: Path, key_text: str) -> None:
    if not old.is_dir():
        return
    for kept in old.iterdir():
        if KEPT_KEY.fullmatch(f"{INSTRUCTOR_FOLDER}/{kept.name}") and kept.is_file():
            shutil.copy2(kept, new / kept.name)
    previous = old / KEY_FILE
    if not previous.is_file() or previous.read_bytes() == key_text.encode("utf-8"):
        return
    data = previous.read_bytes()
    try:
        name = f"key-{json.loads(data)['assignment_id']}.json"
    except (ValueError, TypeError, KeyError):
        name = ""
    if not KEPT_KEY.fullmatch(f"{INSTRUCTOR_FOLDER}/{name}") or (
            (new / name).exists() and (new / name).read_bytes() != data):
        name = f"key-{hashlib.sha256(data).hexdigest()[:12]}.json"
    shutil.copy2(previous, new / name)


# ---- answers: one check for the student's form and the grader ----

def answer_problem(question: StudentQuestion, answer: Any) -> Optional[str]:
    """What is wrong with `answer` to `question` (None if it fits the question's kind)."""
    if answer is None:
        return None  # not answered
    if question.kind == "single_choice":
        return _index_problem(answer, len(question.options))
    if question.kind == "multiple_choice":
        if not isinstance(answer, list):
            return f"expected a list of option indexes, got {shown(answer)}"
        problems = [_index_problem(index, len(question.options)) for index in answer]
        if not any(problems) and len(set(answer)) != len(answer):
            return f"an option is listed twice in {shown(answer)}"
        return next((problem for problem in problems if problem), None)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        return f"expected a number, got {shown(answer)}"
    if isinstance(answer, str) and len(answer) > 100:
        return f"expected a number, got {shown(answer)}"
    try:
        parse_number(answer)
    except (ValueError, OverflowError):
        return f"expected a number, got {shown(answer)}"
    return None


def _index_problem(index: Any, count: int) -> Optional[str]:
    if isinstance(index, bool) or not isinstance(index, int):
        return f"expected an option index (0 to {count - 1}), got {shown(index)}"
    if not 0 <= index < count:
        return f"option index {shown(index)} is out of range (0 to {count - 1})"
    return None


def shown(value: Any, limit: int = 60) -> str:
    """`value` as JSON for a message: ASCII (no lone surrogate can break the printing) and
    cut to `limit` characters (a crafted file may hold a megabyte in one field)."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (ValueError, RecursionError):  # a number too long for str(), nesting too deep
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
        record = {"kind": RESPONSES_KIND, "format_version": FORMAT_VERSION,
                  "assignment_id": self.assignment.id,
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
        questions = tuple(key_question(entry) for entry in data["questions"])
        digest = questions_hash(question.student for question in questions)
        if digest != data["questions_hash"]:
            raise ValueError("its questions do not match its questions_hash (was it edited?)")
        return AnswerKey(data["assignment_id"], data.get("title", ""), digest, questions)
    except (AttributeError, KeyError, TypeError, ValueError, ValidationError) as error:
        problem = f"missing field {error}" if isinstance(error, KeyError) else str(error)
        raise AssignmentError(f"{path} is not a valid key ({problem.splitlines()[0]}): use the "
                              f"instructor/{KEY_FILE} that `studypack assign` wrote") from None


def key_question(entry: dict) -> KeyQuestion:
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
        # a key written before mistakes were kept has none: grading draws them again
        mistakes = instance.get("mistakes", {})
        if not isinstance(mistakes, dict) or not all(
                _finite(value) for value in mistakes.values()):
            raise ValueError(f"{model.id}: the drawn instance's mistakes must map each "
                             "mistake's name to the number it gives")
        scorable = GeneratedQuestion(question=model, **instance)
    else:
        scorable = model
    drawn = scorable if isinstance(scorable, GeneratedQuestion) else None
    return KeyQuestion(_student_question(model, drawn), scorable)


def _finite(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))
