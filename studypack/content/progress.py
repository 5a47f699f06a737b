"""A learner's progress: flashcard schedules, reviews, quiz attempts and lessons visited.

Each learner has one JSON file, ``<learner>.json``, in a data directory chosen by, in order:
the ``directory=`` argument, the ``STUDYPACK_HOME`` environment variable, or the per-user
data directory of the operating system (``platformdirs.user_data_dir("studypack")``, e.g.
``~/.local/share/studypack`` on Linux).

Several notebooks may be open at once for the same learner, each with its own
:class:`ProgressStore`. So that none of them loses another's updates, every change re-reads
the file and writes it back while holding an inter-process lock (``<learner>.json.lock``),
and the store keeps no copy of the data between calls. Writes are atomic: a crash leaves
either the old file or the new one, never half of one.

File format (``format_version`` 1)::

    {
      "format_version": 1,
      "learner": "alice",
      "cards": {"<card id>": <fsrs Card.to_dict()>, ...},
      "reviews": [{"card": "<card id>", "fsrs": <fsrs ReviewLog.to_dict()>}, ...],
      "quiz_attempts": [{"quiz": "<quiz id>", "answers": {"<question id>": <answer>, ...},
                         "score": 2.5, "max_score": 3, "when": "<ISO 8601 UTC>"}, ...],
      "lessons": {"<lesson name>": "<ISO 8601 UTC of the last visit>", ...}
    }

Card schedules and review logs are kept in fsrs's own dictionary form so that a later fsrs
release can read them (and its optimizer could be fitted to the review logs).
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from numbers import Real
from pathlib import Path
from typing import Any

import platformdirs
from filelock import FileLock, Timeout
from fsrs import Card, Rating, ReviewLog

from studypack.content.atomic import fsync_directory, write_text_atomically
from studypack.content.scheduling import CardScheduler, as_utc, now_utc, parse_rating

__all__ = [
    "ENV_VAR",
    "FORMAT_VERSION",
    "InvalidLearnerName",
    "ProgressError",
    "ProgressFileWarning",
    "ProgressStore",
    "ProgressSummary",
    "QuizAttempt",
    "Review",
    "UnsupportedProgressVersion",
    "default_data_dir",
    "validate_learner_name",
]

#: The progress file format this code reads and writes.
FORMAT_VERSION = 1

#: Environment variable naming the directory that holds progress files.
ENV_VAR = "STUDYPACK_HOME"

# The content contract's id pattern (cards are content items with stable ids).
_CARD_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# ASCII only, no dots or separators: the name becomes a file name on every OS the pack runs
# on, and a dot-free name can never collide with the "<name>.corrupt-..." copies.
_LEARNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# Names Windows reserves for devices, whatever the extension.
_WINDOWS_DEVICE_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{prefix}{digit}" for prefix in ("com", "lpt") for digit in range(1, 10)
}


class ProgressError(Exception):
    """The progress file cannot be used (locked too long, or written by a newer studypack)."""


class UnsupportedProgressVersion(ProgressError):
    """The progress file has a newer format than this studypack understands; it is left as is."""


class InvalidLearnerName(ValueError):
    """A learner name that cannot safely be used as a file name."""


class ProgressFileWarning(UserWarning):
    """A damaged progress file was moved aside and progress started again from empty."""


def default_data_dir() -> Path:
    """Where progress files live when no ``directory=`` is given.

    ``$STUDYPACK_HOME`` if set (and not empty), else the operating system's per-user data
    directory for studypack.
    """
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    # appauthor=False: on Windows the default would nest the app name twice.
    return Path(platformdirs.user_data_dir("studypack", appauthor=False))


def validate_learner_name(name: str) -> str:
    """The file-name form of a learner name (lower case), or :class:`InvalidLearnerName`.

    Names are case-insensitive (``"Alice"`` is ``"alice"``) because macOS and Windows file
    systems are: otherwise two names would share a file on one OS and not on another.
    """
    if not isinstance(name, str):
        raise InvalidLearnerName(f"learner name must be a string, got {type(name).__name__}")
    if not _LEARNER_NAME.fullmatch(name):
        raise InvalidLearnerName(
            f"learner name {name!r} cannot be used as a file name: use 1 to 64 ASCII letters, "
            "digits, '-' or '_', starting with a letter or digit (e.g. 'alice' or 'study-group-2')"
        )
    if name.lower() in _WINDOWS_DEVICE_NAMES:
        raise InvalidLearnerName(
            f"learner name {name!r} is reserved for a device on Windows; choose another name"
        )
    return name.lower()


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


@dataclass(frozen=True)
class ProgressSummary:
    """Everything a progress overview shows, read from one consistent snapshot of the file."""

    learner: str
    #: Studied cards due for review now (never-studied cards are counted in ``cards_new``).
    cards_due: int
    #: Cards of the deck the learner has never reviewed.
    cards_new: int
    #: Distinct cards reviewed since local midnight.
    reviewed_today: int
    #: Mean predicted recall of the studied cards, in [0, 1]; None before the first review.
    retention: float | None
    best_scores: dict[str, QuizAttempt] = field(default_factory=dict)
    #: Lesson name -> time of the last visit (UTC).
    lessons_visited: dict[str, datetime] = field(default_factory=dict)


class _Corrupt(Exception):
    """Raised while parsing: the file is not a progress file we can read; says why."""


@dataclass
class _Snapshot:
    """A parsed progress file."""

    cards: dict[str, Card]
    reviews: list[Review]
    attempts: list[QuizAttempt]
    lessons: dict[str, datetime]


def _empty_data(learner: str) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "learner": learner,
        "cards": {},
        "reviews": [],
        "quiz_attempts": [],
        "lessons": {},
    }


def _parse_time(text: Any, where: str) -> datetime:
    if not isinstance(text, str):
        raise _Corrupt(f"{where}: expected an ISO 8601 time, got {text!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise _Corrupt(f"{where}: {error}") from None
    if moment.tzinfo is None:
        raise _Corrupt(f"{where}: time {text!r} has no timezone")
    return moment.astimezone(timezone.utc)


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _parse(data: Any) -> _Snapshot:
    """Check a decoded file against format version 1 and parse it; :class:`_Corrupt` if not."""
    if not isinstance(data, dict):
        raise _Corrupt(f"expected a JSON object at the top level, got {type(data).__name__}")
    for key, kind in (("learner", str), ("cards", dict), ("reviews", list),
                      ("quiz_attempts", list), ("lessons", dict)):
        if not isinstance(data.get(key), kind):
            raise _Corrupt(f"{key!r} is missing or not a {kind.__name__}")
    cards = {}
    for card_id, card_dict in data["cards"].items():
        try:
            card = Card.from_dict(card_dict)
        except Exception as error:  # fsrs raises KeyError/TypeError/ValueError on bad input
            raise _Corrupt(f"cards[{card_id!r}]: not an fsrs card ({error!r})") from None
        if card.due.tzinfo is None or (card.last_review is not None and card.last_review.tzinfo is None):
            raise _Corrupt(f"cards[{card_id!r}]: a time has no timezone")
        cards[card_id] = card
    reviews = []
    for index, entry in enumerate(data["reviews"]):
        if not (isinstance(entry, dict) and isinstance(entry.get("card"), str)):
            raise _Corrupt(f"reviews[{index}]: expected {{'card': <id>, 'fsrs': <review log>}}")
        try:
            log = ReviewLog.from_dict(entry["fsrs"])
        except Exception as error:
            raise _Corrupt(f"reviews[{index}]: not an fsrs review log ({error!r})") from None
        reviews.append(Review(entry["card"], log.rating,
                              _parse_time(entry["fsrs"].get("review_datetime"), f"reviews[{index}]")))
    attempts = []
    for index, entry in enumerate(data["quiz_attempts"]):
        where = f"quiz_attempts[{index}]"
        if not isinstance(entry, dict):
            raise _Corrupt(f"{where}: expected an object")
        quiz, answers = entry.get("quiz"), entry.get("answers")
        score, max_score = entry.get("score"), entry.get("max_score")
        if not (isinstance(quiz, str) and isinstance(answers, dict)
                and _is_number(score) and _is_number(max_score) and 0 <= score <= max_score
                and max_score > 0):
            raise _Corrupt(f"{where}: needs quiz, answers, and 0 <= score <= max_score")
        attempts.append(QuizAttempt(quiz, answers, score, max_score,
                                    _parse_time(entry.get("when"), where)))
    lessons = {name: _parse_time(when, f"lessons[{name!r}]")
               for name, when in data["lessons"].items()}
    return _Snapshot(cards, reviews, attempts, lessons)


class ProgressStore:
    """One learner's progress, kept in ``<directory>/<learner>.json``.

    The store holds no data in memory: each call reads the file (and each change writes it)
    under the file lock, so several stores — in several notebooks — can share one learner.

    Times passed as ``when`` or ``now`` must be timezone-aware; they default to the current
    time and are stored in UTC.
    """

    def __init__(
        self,
        learner: str = "default",
        *,
        directory: str | os.PathLike[str] | None = None,
        scheduler: CardScheduler | None = None,
        lock_timeout: float = 30.0,
    ) -> None:
        self.learner = validate_learner_name(learner)
        # Resolved now, so that a notebook changing its working directory later does not
        # silently switch to another progress file.
        base = Path(directory).expanduser() if directory is not None else default_data_dir()
        self.directory = base.resolve()
        self.path = self.directory / f"{self.learner}.json"
        self.lock_path = self.directory / f"{self.learner}.json.lock"
        self.scheduler = scheduler if scheduler is not None else CardScheduler()
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"ProgressStore(learner={self.learner!r}, path={str(self.path)!r})"

    # -- flashcards ---------------------------------------------------------------------

    def record_review(
        self, card_id: str, rating: Rating | int | str, when: datetime | None = None
    ) -> Card:
        """Record that the learner rated a card (Again/Hard/Good/Easy) and reschedule it.

        ``rating`` is an ``fsrs.Rating``, 1-4, or ``"again"``/``"hard"``/``"good"``/``"easy"``.
        Returns the card's new schedule; ``.due`` is when it should next be shown.
        """
        _check_card_id(card_id)
        rating = parse_rating(rating)
        when = now_utc() if when is None else as_utc(when, "when")
        result: list[Card] = []

        def change(data: dict[str, Any]) -> None:
            stored = data["cards"].get(card_id)
            current = Card.from_dict(stored) if stored is not None else None
            card, log = self.scheduler.review(card_id, current, rating, when)
            data["cards"][card_id] = card.to_dict()
            data["reviews"].append({"card": card_id, "fsrs": log.to_dict()})
            result.append(card)

        self._update(change)
        return result[0]

    def card_schedule(self, card_id: str) -> Card | None:
        """The card's fsrs schedule (``.due``, ``.stability``, ...), or None if never reviewed."""
        return self._read().cards.get(card_id)

    def due_cards(
        self, card_ids: Iterable[str], now: datetime | None = None, *, include_new: bool = True
    ) -> list[str]:
        """Which of ``card_ids`` (the deck, in deck order) to study now, in study order.

        Reviewed cards that are due come first, most overdue first; then, if ``include_new``,
        never-reviewed cards in deck order.
        """
        now = now_utc() if now is None else as_utc(now, "now")
        cards = self._read().cards
        return self.scheduler.due_queue({cid: cards.get(cid) for cid in card_ids}, now,
                                        include_new=include_new)

    def retention_estimate(self, now: datetime | None = None) -> float | None:
        """Mean predicted recall of the reviewed cards at ``now``, in [0, 1]; None if none."""
        now = now_utc() if now is None else as_utc(now, "now")
        return self.scheduler.retention_estimate(self._read().cards.values(), now)

    def review_history(self, card_id: str | None = None) -> list[Review]:
        """All reviews (of one card, if given), oldest first as recorded."""
        return [r for r in self._read().reviews if card_id is None or r.card_id == card_id]

    def reviewed_today(self, now: datetime | None = None, tz: tzinfo | None = None) -> list[str]:
        """Ids of the distinct cards reviewed on ``now``'s day, in order of first review.

        "Today" is the calendar day in ``tz``, by default this computer's local time zone —
        a learner's day, not UTC's.
        """
        return _reviewed_on_day(self._read(), now, tz)

    # -- quizzes ------------------------------------------------------------------------

    def record_quiz_attempt(
        self,
        quiz_id: str,
        answers: Mapping[str, Any],
        score: float,
        max_score: float,
        when: datetime | None = None,
    ) -> QuizAttempt:
        """Record a completed quiz: ``answers`` maps question ids to the learner's answers.

        Answers must be JSON values (text, numbers, lists of them, None). ``score`` may be
        fractional (partial credit) and must lie in [0, max_score].
        """
        if not isinstance(quiz_id, str) or not quiz_id:
            raise ValueError(f"quiz_id must be a non-empty string, got {quiz_id!r}")
        if not isinstance(answers, Mapping) or not all(
            isinstance(key, str) and key for key in answers
        ):
            raise TypeError("answers must map question ids (non-empty strings) to answers")
        answers = dict(answers)
        try:
            # Round-trip now so a bad answer fails here, not halfway through a file write,
            # and the attempt returned equals the one a later read gives back.
            answers = json.loads(json.dumps(answers, allow_nan=False))
        except (TypeError, ValueError) as error:
            raise TypeError(f"answers must be JSON values (text, numbers, lists): {error}") from None
        if not (_is_number(max_score) and max_score > 0):
            raise ValueError(f"max_score must be a positive number, got {max_score!r}")
        if not (_is_number(score) and 0 <= score <= max_score):
            raise ValueError(f"score must be a number from 0 to max_score ({max_score}), got {score!r}")
        # Plain Python numbers: numpy scalars (e.g. float32) are not all JSON-serialisable.
        score, max_score = (v if isinstance(v, int) else float(v) for v in (score, max_score))
        when = now_utc() if when is None else as_utc(when, "when")
        entry = {"quiz": quiz_id, "answers": answers, "score": score,
                 "max_score": max_score, "when": when.isoformat()}
        self._update(lambda data: data["quiz_attempts"].append(entry))
        return QuizAttempt(quiz_id, answers, score, max_score, when)

    def quiz_attempts(self, quiz_id: str | None = None) -> list[QuizAttempt]:
        """All quiz attempts (of one quiz, if given), oldest first as recorded."""
        return [a for a in self._read().attempts if quiz_id is None or a.quiz_id == quiz_id]

    def best_score(self, quiz_id: str) -> QuizAttempt | None:
        """The attempt with the highest fraction of the maximum (the first, on ties); None if unattempted."""
        return _best_scores(self._read().attempts).get(quiz_id)

    def best_scores(self) -> dict[str, QuizAttempt]:
        """Quiz id -> best attempt, for every quiz attempted."""
        return _best_scores(self._read().attempts)

    # -- lessons ------------------------------------------------------------------------

    def record_lesson_visit(self, name: str, when: datetime | None = None) -> None:
        """Record that the learner opened a lesson (e.g. ``"01_forward_pass_and_loss"``)."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"lesson name must be a non-empty string, got {name!r}")
        when = now_utc() if when is None else as_utc(when, "when")

        def change(data: dict[str, Any]) -> None:
            previous = data["lessons"].get(name)
            # Keep the latest visit: another notebook may have recorded a later one meanwhile.
            if previous is None or _parse_time(previous, "lesson") < when:
                data["lessons"][name] = when.isoformat()

        self._update(change)

    def lessons_visited(self) -> dict[str, datetime]:
        """Lesson name -> time of the last visit (UTC)."""
        return self._read().lessons

    # -- overview -----------------------------------------------------------------------

    def summary(
        self,
        card_ids: Iterable[str] | None = None,
        now: datetime | None = None,
        tz: tzinfo | None = None,
    ) -> ProgressSummary:
        """The figures for a progress overview, from one read of the file.

        ``card_ids`` is the deck; without it only cards already reviewed are counted (so
        ``cards_new`` is 0).
        """
        now = now_utc() if now is None else as_utc(now, "now")
        snapshot = self._read()
        deck = list(snapshot.cards) if card_ids is None else list(card_ids)
        cards = {cid: snapshot.cards.get(cid) for cid in deck}
        return ProgressSummary(
            learner=self.learner,
            cards_due=len(self.scheduler.due_queue(cards, now, include_new=False)),
            cards_new=sum(card is None for card in cards.values()),
            reviewed_today=len(_reviewed_on_day(snapshot, now, tz)),
            retention=self.scheduler.retention_estimate(snapshot.cards.values(), now),
            best_scores=_best_scores(snapshot.attempts),
            lessons_visited=snapshot.lessons,
        )

    # -- file handling --------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.lock_path, timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise ProgressError(
                f"could not lock {self.path} within {self.lock_timeout} s: another notebook or "
                "process is using this learner's progress; try again when it has finished"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _read(self) -> _Snapshot:
        if not self.path.exists():
            return _parse(_empty_data(self.learner))
        # Reads take the lock too: on Windows a file open for reading cannot be replaced,
        # so an unlocked reader could make another notebook's write fail.
        with self._locked():
            return _parse(self._load_locked())

    def _update(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Read-modify-write under the lock, so concurrent changes are applied in turn."""
        with self._locked():
            data = self._load_locked()
            change(data)
            self._remove_stale_temp_files()
            self._write_atomically(data)

    def _remove_stale_temp_files(self) -> None:
        """Delete temporary files left by a writer that was killed mid-write. Call with the lock held.

        Only a lock holder writes a temporary file, so while we hold the lock any that exist
        are leftovers. (The learner name has no dots, so this never matches another learner's.)
        """
        for stale in self.directory.glob(f".{self.learner}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _load_locked(self) -> dict[str, Any]:
        """The file's current data (empty if none). Call with the lock held.

        A damaged file is moved aside with a warning and empty progress returned; a file
        from a newer studypack raises :class:`UnsupportedProgressVersion` and is not touched.
        """
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _empty_data(self.learner)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            return self._set_aside(f"not valid JSON ({error})")
        version = data.get("format_version") if isinstance(data, dict) else None
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise UnsupportedProgressVersion(
                f"{self.path} was written by a newer studypack (progress format {version}; this "
                f"version understands up to {FORMAT_VERSION}). It has been left unchanged: "
                "upgrade studypack (pip install -U studypack) to read and update it"
            )
        try:
            if version != FORMAT_VERSION:
                raise _Corrupt(f"format_version is {version!r}, expected {FORMAT_VERSION}")
            _parse(data)
        except _Corrupt as problem:
            return self._set_aside(str(problem))
        return data

    def _set_aside(self, problem: str) -> dict[str, Any]:
        """Move a damaged progress file aside (never overwrite it) and start from empty."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.directory / f"{self.learner}.corrupt-{stamp}.json"
        counter = 1
        while target.exists():  # two damaged files within one second: keep both
            counter += 1
            target = self.directory / f"{self.learner}.corrupt-{stamp}-{counter}.json"
        os.replace(self.path, target)
        fsync_directory(self.directory)
        warnings.warn(
            f"progress file {self.path} is damaged ({problem}); it was moved to {target} "
            f"unchanged and progress for {self.learner!r} starts fresh",
            ProgressFileWarning,
            stacklevel=5,
        )
        return _empty_data(self.learner)

    def _write_atomically(self, data: dict[str, Any]) -> None:
        """Replace the file with ``data`` so that a crash leaves the old or the new file whole."""
        data["format_version"] = FORMAT_VERSION
        data["learner"] = self.learner
        write_text_atomically(
            self.path, json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n")


def _check_card_id(card_id: Any) -> None:
    if not isinstance(card_id, str) or not _CARD_ID.fullmatch(card_id):
        raise ValueError(
            f"card id {card_id!r} is not a content id (lowercase kebab-case, e.g. 'what-is-backpropagation')"
        )


def _best_scores(attempts: Iterable[QuizAttempt]) -> dict[str, QuizAttempt]:
    best: dict[str, QuizAttempt] = {}
    for attempt in attempts:
        current = best.get(attempt.quiz_id)
        if current is None or attempt.fraction > current.fraction:
            best[attempt.quiz_id] = attempt
    return best


def _reviewed_on_day(snapshot: _Snapshot, now: datetime | None, tz: tzinfo | None) -> list[str]:
    now = now_utc() if now is None else as_utc(now, "now")
    # astimezone(None) means the computer's local time zone.
    today = now.astimezone(tz).date()
    seen: dict[str, None] = {}
    for review in snapshot.reviews:
        if review.when.astimezone(tz).date() == today:
            seen.setdefault(review.card_id)
    return list(seen)
