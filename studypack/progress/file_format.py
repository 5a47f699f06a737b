"""What a valid progress file is: decoding and checking the JSON a :class:`ProgressStore` keeps.

A progress file is valid when it decodes as strict JSON (UTF-8, finite numbers, integers of
at most 20 digits, at most ``MAX_DEPTH`` levels, at most ``MAX_FILE_BYTES``) and every field
holds what the store and fsrs later assume (see ``parse``). Anything else is damaged
(:class:`DamagedFile`, saying where): the store moves such a file aside. The store also
checks what it is about to write with ``parse``, so it never writes what it would refuse.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from numbers import Real
from typing import Any

from fsrs import Card, Rating

from studypack.progress.scheduling import card_from_stored, parse_time, review_log_from_stored

#: The progress file format this code reads and writes.
FORMAT_VERSION = 1

#: A progress file larger than this is treated as damaged rather than read into memory (a
#: learner's file grows by about 300 bytes a review: 100 MB is decades of daily study).
MAX_FILE_BYTES = 100 * 1024 * 1024

#: JSON nested deeper than this is damaged: the format itself needs 4 levels, and a quiz
#: answer is a number, a text or a list of them.
MAX_DEPTH = 16

# The keys of format version 1 (any other top-level key is kept as it is). "exercises" came
# later within version 1: a file without it is read as no exercise solved yet, and an older
# studypack keeps it as one of the "other" keys, so neither version loses the other's data.
FORMAT_KEYS = ("format_version", "learner", "cards", "reviews", "quiz_attempts", "lessons",
               "exercises")

# The content contract's id pattern (cards and exercises have stable ids of this form).
_CARD_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# A lone surrogate can come from a JSON escape ("\ud800"), and can never be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Review:
    """One flashcard review: which card, the rating given, and when (UTC)."""

    card_id: str
    rating: Rating
    when: datetime


@dataclass(frozen=True)
class QuizAttempt:
    """One completed quiz: the answers given (question id -> answer) and the score."""

    quiz_id: str
    answers: dict[str, Any]
    score: float
    max_score: float
    when: datetime

    @property
    def fraction(self) -> float:
        """The score as a fraction of the maximum, in [0, 1]."""
        return self.score / self.max_score


@dataclass
class Snapshot:
    """A parsed progress file."""

    cards: dict[str, Card]
    reviews: list[Review]
    attempts: list[QuizAttempt]
    lessons: dict[str, datetime]
    #: Exercise id -> when the learner's code first passed its check.
    exercises: dict[str, datetime] = field(default_factory=dict)


class DamagedFile(Exception):
    """The file is not a progress file we can read; the message says why."""


def empty_data(learner: str) -> dict[str, Any]:
    """The data of a learner with no progress yet."""
    return {"format_version": FORMAT_VERSION, "learner": learner, "cards": {}, "reviews": [],
            "quiz_attempts": [], "lessons": {}, "exercises": {}}


def encode(data: dict[str, Any]) -> str:
    """The text of a progress file holding ``data``."""
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def decode(raw: bytes) -> Any:
    """The JSON document in ``raw``, refusing what JSON's grammar allows but no progress file
    holds: NaN and Infinity, numbers beyond a float, integers of hundreds of digits, nesting
    deep enough to exhaust the stack. :class:`DamagedFile` if it cannot."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse("a non-number"),
                          parse_int=_int_of_few_digits, parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise DamagedFile(f"not valid JSON ({str(error)[:200]})") from None


def newer_format(data: Any) -> int | None:
    """The format version of ``data`` if a newer studypack wrote it, else None."""
    version = data.get("format_version") if isinstance(data, dict) else None
    return version if type(version) is int and version > FORMAT_VERSION else None


def is_number(value: Any) -> bool:
    """True for a finite int or float (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def check_card_id(card_id: Any) -> None:
    """ValueError unless ``card_id`` is a content id."""
    if not isinstance(card_id, str) or not _CARD_ID.fullmatch(card_id):
        raise ValueError(
            f"card id {card_id!r} is not a content id (lowercase kebab-case, e.g. 'what-is-backpropagation')"
        )


def check_exercise_id(exercise_id: Any) -> None:
    """ValueError unless ``exercise_id`` is an exercise's id (e.g. 'mse-backward')."""
    if not isinstance(exercise_id, str) or not _CARD_ID.fullmatch(exercise_id):
        raise ValueError(f"exercise id {exercise_id!r} is not an exercise's id (lowercase "
                         "kebab-case, e.g. 'mse-backward')")


def keep_time(times: dict[str, str], key: str, when: datetime, latest: bool) -> None:
    """Store ``when`` under ``key`` in ``times`` (a file's name -> ISO time section) unless the
    time already there is later (``latest``) or earlier (not ``latest``): another notebook
    may have recorded a time meanwhile, and the one kept must not depend on who wrote last."""
    previous = times.get(key)
    if previous is None or (parse_time(previous) < when if latest else when < parse_time(previous)):
        times[key] = when.isoformat()


def new_quiz_attempt(quiz_id: str, answers: Mapping[str, Any], score: float, max_score: float,
                     when: datetime) -> QuizAttempt:
    """A quiz attempt as it will read back from the file; TypeError or ValueError saying
    what is wrong if it cannot be stored."""
    if not isinstance(quiz_id, str) or not quiz_id:
        raise ValueError(f"quiz_id must be a non-empty string, got {quiz_id!r}")
    if not isinstance(answers, Mapping) or not all(isinstance(key, str) and key for key in answers):
        raise TypeError("answers must map question ids (non-empty strings) to answers")
    answers = dict(answers)
    problem = json_value_problem(answers, MAX_DEPTH - 4)  # answers sit 4 levels down
    if problem:
        raise TypeError(f"answers must be JSON values (text, numbers, lists): {problem}")
    try:
        # Round-trip now so a bad answer fails here, not halfway through a file write,
        # and the attempt returned equals the one a later read gives back.
        answers = json.loads(json.dumps(answers, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise TypeError(f"answers must be JSON values (text, numbers, lists): {error}") from None
    if not (is_number(max_score) and max_score > 0):
        raise ValueError(f"max_score must be a positive number, got {max_score!r}")
    if not (is_number(score) and 0 <= score <= max_score):
        raise ValueError(f"score must be a number from 0 to max_score ({max_score}), got {score!r}")
    # Plain Python numbers: numpy scalars (e.g. float32) are not all JSON-serialisable.
    score, max_score = (v if isinstance(v, int) else float(v) for v in (score, max_score))
    return QuizAttempt(quiz_id, answers, score, max_score, when)


def stored_quiz_attempt(attempt: QuizAttempt) -> dict[str, Any]:
    """The file's form of ``attempt``."""
    return {"quiz": attempt.quiz_id, "answers": attempt.answers, "score": attempt.score,
            "max_score": attempt.max_score, "when": attempt.when.isoformat()}


def json_value_problem(value: Any, depth_left: int = MAX_DEPTH) -> str | None:
    """Why ``value`` cannot be written back as a progress file's JSON (None if it can): too
    deep, a lone surrogate in a text, a number that is not finite or beyond 64 bits, or a
    value JSON has no form for. Iterative, so deep nesting cannot exhaust the stack."""
    pending = [(value, depth_left)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return f"a text holds a lone surrogate ({item[:40]!r})"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -2**63 <= item < 2**63:
                return f"an integer does not fit in 64 bits ({str(item)[:20]}...)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"a number is not finite ({item})"
        elif isinstance(item, (dict, list)):
            if depth <= 0:
                return f"values are nested more than {MAX_DEPTH} levels deep"
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                pending += [(key, depth - 1), (child, depth - 1)]
        else:
            return f"{type(item).__name__} is not a JSON value"
    return None


def parse(data: Any) -> Snapshot:
    """Check a decoded file against format version 1, every field against what the store and
    fsrs later assume, and parse it; :class:`DamagedFile` saying where, if not."""
    if not isinstance(data, dict):
        raise DamagedFile(f"expected a JSON object at the top level, got {type(data).__name__}")
    # Free-form values are checked as JSON; the rest field by field below (a full walk of
    # every review would double the time each read takes).
    _check_json({key: value for key, value in data.items() if key not in FORMAT_KEYS}, "")
    version = data.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise DamagedFile(f"format_version is {version!r}, expected {FORMAT_VERSION}")
    for key, kind in (("learner", str), ("cards", dict), ("reviews", list),
                      ("quiz_attempts", list), ("lessons", dict)):
        if not isinstance(data.get(key), kind):
            raise DamagedFile(f"{key!r} is missing or not a {kind.__name__}")
    cards = {}
    for card_id, stored in data["cards"].items():
        where = f"cards[{card_id!r}]"
        _checked(check_card_id, card_id, where)
        cards[card_id] = _checked(card_from_stored, stored, where)
    reviews = []
    for index, entry in enumerate(data["reviews"]):
        where = f"reviews[{index}]"
        if not (isinstance(entry, dict) and "fsrs" in entry):
            raise DamagedFile(f"{where}: expected {{'card': <id>, 'fsrs': <review log>}}")
        _check_json({key: value for key, value in entry.items() if key != "fsrs"}, where, 2)
        _checked(check_card_id, entry.get("card"), f"{where}.card")
        log = _checked(review_log_from_stored, entry["fsrs"], f"{where}.fsrs")
        reviews.append(Review(entry["card"], log.rating, log.review_datetime))
    attempts = []
    for index, entry in enumerate(data["quiz_attempts"]):
        where = f"quiz_attempts[{index}]"
        _check_json(entry, where, 2)
        if not isinstance(entry, dict):
            raise DamagedFile(f"{where}: expected an object")
        quiz, answers = entry.get("quiz"), entry.get("answers")
        score, max_score = entry.get("score"), entry.get("max_score")
        if not (isinstance(quiz, str) and quiz and isinstance(answers, dict)
                and is_number(score) and is_number(max_score) and 0 <= score <= max_score
                and max_score > 0):
            raise DamagedFile(f"{where}: needs quiz, answers, and 0 <= score <= max_score")
        when = _checked(parse_time, entry.get("when"), f"{where}.when")
        attempts.append(QuizAttempt(quiz, answers, score, max_score, when))
    lessons = {}
    _check_json(list(data["lessons"]), "lessons", 1)
    for name, when in data["lessons"].items():
        if not name:
            raise DamagedFile("lessons: a lesson name is empty")
        lessons[name] = _checked(parse_time, when, f"lessons[{name!r}]")
    return Snapshot(cards, reviews, attempts, lessons, _parse_exercises(data))


def _parse_exercises(data: dict[str, Any]) -> dict[str, datetime]:
    """The "exercises" section (id -> time of the first pass); none in a file from before it."""
    stored = data.get("exercises", {})
    if not isinstance(stored, dict):
        raise DamagedFile(f"'exercises' is not a dict (got {type(stored).__name__})")
    exercises = {}
    for exercise_id, when in stored.items():
        where = f"exercises[{exercise_id!r}]"
        _checked(check_exercise_id, exercise_id, where)
        exercises[exercise_id] = _checked(parse_time, when, where)
    return exercises


def _check_json(value: Any, where: str, depth: int = 0) -> None:
    """:class:`DamagedFile` if `value`, found `depth` levels down, cannot be written as JSON."""
    problem = json_value_problem(value, MAX_DEPTH - depth)
    if problem:
        raise DamagedFile(f"{where}: {problem}" if where else problem)


def _checked(parser: Callable[[Any], Any], stored: Any, where: str) -> Any:
    """``parser(stored)``, with its ValueError turned into :class:`DamagedFile` saying where."""
    try:
        return parser(stored)
    except ValueError as error:
        raise DamagedFile(f"{where}: {error}") from None


def _refuse(what: str):
    def refuse(text: str):
        raise ValueError(f"{what} {text[:20]!r}")
    return refuse


def _int_of_few_digits(text: str) -> int:
    # Python's own limit (4,300 digits) is far above any number a progress file holds.
    if len(text) > 20:
        return _refuse("an integer of more than 20 digits:")(text)
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _refuse("a number too large for a float:")(text)
