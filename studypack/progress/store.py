"""A learner's progress: flashcard schedules, reviews, quiz attempts, lessons visited and
exercises solved.

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
      "lessons": {"<lesson name>": "<ISO 8601 UTC of the last visit>", ...},
      "exercises": {"<exercise id>": "<ISO 8601 UTC of the first pass>", ...}
    }

("exercises" was added later; a file without it reads as no exercise solved yet.)

Card schedules and review logs are kept in fsrs's own dictionary form so that a later fsrs
release can read them (and its optimizer could be fitted to the review logs).

Every read checks every field against what the store and fsrs later assume (see
:mod:`studypack.progress.file_format`). A file that fails is damaged: it is moved aside
unchanged with a :class:`ProgressFileWarning` and the learner starts fresh. The store never
writes what it would refuse to read. When the OS refuses (full disk, no permission, a folder
in the file's place) or another notebook holds the lock too long, :class:`ProgressError`
names the file, says what to do, and gives a ``reason`` the widgets explain in the learner's
language.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any

import platformdirs
from filelock import FileLock, Timeout
from fsrs import Card, Rating

from studypack.progress.atomic import fsync_directory, write_text_atomically
from studypack.progress.file_format import (
    FORMAT_VERSION,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    DamagedFile,
    QuizAttempt,
    Review,
    Snapshot,
    check_card_id,
    check_exercise_id,
    decode,
    empty_data,
    encode,
    keep_time,
    new_quiz_attempt,
    newer_format,
    parse,
    stored_quiz_attempt,
)
from studypack.progress.scheduling import (
    CardScheduler,
    as_utc,
    card_from_stored,
    now_utc,
    parse_rating,
)

__all__ = [
    "ENV_VAR",
    "FORMAT_VERSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "InvalidLearnerName",
    "ProgressError",
    "ProgressFileWarning",
    "ProgressStore",
    "ProgressSummary",
    "QuizAttempt",
    "Review",
    "UnsupportedProgressVersion",
    "best_attempts",
    "default_data_dir",
    "reviewed_on_day",
    "validate_learner_name",
]

#: Environment variable naming the directory that holds progress files.
ENV_VAR = "STUDYPACK_HOME"

# ASCII only, no dots or separators: the name becomes a file name on every OS the pack runs
# on, and a dot-free name can never collide with the "<name>.corrupt-..." copies.
_LEARNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# Names Windows reserves for devices, whatever the extension.
_WINDOWS_DEVICE_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{prefix}{digit}" for prefix in ("com", "lpt") for digit in range(1, 10)
}


class ProgressError(Exception):
    """The progress file cannot be read or saved; the message names the file and says what to do.

    ``reason`` lets a widget say the same in the learner's language: ``"locked"`` (another
    notebook held the file past the timeout), ``"disk full"``, ``"no permission"``,
    ``"not a file"`` (e.g. a folder where the file should be), ``"newer version"`` or
    ``"other"``. ``path`` is the progress file.
    """

    def __init__(self, message: str, reason: str = "other", path: Path | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.path = path


class UnsupportedProgressVersion(ProgressError):
    """The progress file has a newer format than this studypack understands; it is left as is."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message, "newer version", path)


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
    #: Exercise id -> time of the first pass (UTC).
    exercises_solved: dict[str, datetime] = field(default_factory=dict)


def best_attempts(attempts: Iterable[QuizAttempt]) -> dict[str, QuizAttempt]:
    """Quiz id -> the attempt with the highest fraction of the maximum (the first, on ties)."""
    best: dict[str, QuizAttempt] = {}
    for attempt in attempts:
        current = best.get(attempt.quiz_id)
        if current is None or attempt.fraction > current.fraction:
            best[attempt.quiz_id] = attempt
    return best


def reviewed_on_day(reviews: Iterable[Review], now: datetime | None = None,
                    tz: tzinfo | None = None) -> list[str]:
    """Ids of the distinct cards reviewed on ``now``'s calendar day in ``tz`` (None: this
    computer's local time zone), in order of first review."""
    now = _now_or(now, "now")
    # astimezone(None) means the computer's local time zone.
    today = now.astimezone(tz).date()
    seen: dict[str, None] = {}
    for review in reviews:
        if review.when.astimezone(tz).date() == today:
            seen.setdefault(review.card_id)
    return list(seen)


def summarize(snapshot: Snapshot, learner: str, scheduler: CardScheduler,
              card_ids: Iterable[str] | None, now: datetime, tz: tzinfo | None) -> ProgressSummary:
    """The figures of a progress overview, from one parsed file (see ProgressStore.summary)."""
    deck = list(snapshot.cards) if card_ids is None else list(card_ids)
    cards = {cid: snapshot.cards.get(cid) for cid in deck}
    return ProgressSummary(
        learner=learner,
        cards_due=len(scheduler.due_queue(cards, now, include_new=False)),
        cards_new=sum(card is None for card in cards.values()),
        reviewed_today=len(reviewed_on_day(snapshot.reviews, now, tz)),
        retention=scheduler.retention_estimate(snapshot.cards.values(), now),
        best_scores=best_attempts(snapshot.attempts),
        lessons_visited=snapshot.lessons,
        exercises_solved=snapshot.exercises,
    )


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
        check_card_id(card_id)
        rating, when = parse_rating(rating), _now_or(when, "when")
        result: list[Card] = []

        def change(data: dict[str, Any]) -> None:
            stored = data["cards"].get(card_id)
            current = card_from_stored(stored) if stored is not None else None
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
        now, cards = _now_or(now, "now"), self._read().cards
        return self.scheduler.due_queue({cid: cards.get(cid) for cid in card_ids}, now,
                                        include_new=include_new)

    def retention_estimate(self, now: datetime | None = None) -> float | None:
        """Mean predicted recall of the reviewed cards at ``now``, in [0, 1]; None if none."""
        return self.scheduler.retention_estimate(self._read().cards.values(), _now_or(now, "now"))

    def review_history(self, card_id: str | None = None) -> list[Review]:
        """All reviews (of one card, if given), oldest first as recorded."""
        return [r for r in self._read().reviews if card_id is None or r.card_id == card_id]

    def reviewed_today(self, now: datetime | None = None, tz: tzinfo | None = None) -> list[str]:
        """Ids of the distinct cards reviewed on ``now``'s day, in order of first review.

        "Today" is the calendar day in ``tz``, by default this computer's local time zone —
        a learner's day, not UTC's.
        """
        return reviewed_on_day(self._read().reviews, now, tz)

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
        attempt = new_quiz_attempt(quiz_id, answers, score, max_score, _now_or(when, "when"))
        self._update(lambda data: data["quiz_attempts"].append(stored_quiz_attempt(attempt)))
        return attempt

    def quiz_attempts(self, quiz_id: str | None = None) -> list[QuizAttempt]:
        """All quiz attempts (of one quiz, if given), oldest first as recorded."""
        return [a for a in self._read().attempts if quiz_id is None or a.quiz_id == quiz_id]

    def best_score(self, quiz_id: str) -> QuizAttempt | None:
        """The attempt with the highest fraction of the maximum (the first, on ties); None if unattempted."""
        return best_attempts(self._read().attempts).get(quiz_id)

    def best_scores(self) -> dict[str, QuizAttempt]:
        """Quiz id -> best attempt, for every quiz attempted."""
        return best_attempts(self._read().attempts)

    # -- lessons ------------------------------------------------------------------------

    def record_lesson_visit(self, name: str, when: datetime | None = None) -> None:
        """Record that the learner opened a lesson (e.g. ``"01_forward_pass_and_loss"``)."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"lesson name must be a non-empty string, got {name!r}")
        when = _now_or(when, "when")
        self._update(lambda data: keep_time(data["lessons"], name, when, latest=True))

    def lessons_visited(self) -> dict[str, datetime]:
        """Lesson name -> time of the last visit (UTC)."""
        return self._read().lessons

    # -- exercises ----------------------------------------------------------------------

    def record_exercise_solved(self, exercise_id: str, when: datetime | None = None) -> None:
        """Record that the learner's code passed an exercise's check (e.g. ``"mse-backward"``);
        solving it again later keeps the first time."""
        check_exercise_id(exercise_id)
        when = _now_or(when, "when")
        self._update(lambda data: keep_time(data.setdefault("exercises", {}), exercise_id, when,
                                            latest=False))

    def exercises_solved(self) -> dict[str, datetime]:
        """Exercise id -> time of the first pass (UTC)."""
        return self._read().exercises

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
        now = _now_or(now, "now")
        return summarize(self._read(), self.learner, self.scheduler, card_ids, now, tz)

    # -- file handling --------------------------------------------------------------------

    def _locked(self):
        return _locked(self.path, self.lock_path, self.lock_timeout)

    def _read(self) -> Snapshot:
        try:
            if not self.path.exists():
                return parse(empty_data(self.learner))
            # Reads take the lock too: on Windows a file open for reading cannot be replaced,
            # so an unlocked reader could make another notebook's write fail.
            with self._locked():
                return self._load_locked()[1]
        except OSError as error:
            raise _os_error(error, "read", self.path) from error

    def _update(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Read-modify-write under the lock, so concurrent changes are applied in turn."""
        try:
            with self._locked():
                data = self._load_locked()[0]
                change(data)
                data["format_version"], data["learner"] = FORMAT_VERSION, self.learner
                try:  # never write what the next read would set aside as damaged
                    parse(data)
                except DamagedFile as problem:
                    raise ValueError(f"refusing to write {self.path}: {problem}") from None
                _remove_stale_temp_files(self.directory, self.learner)
                write_text_atomically(self.path, encode(data))
        except OSError as error:
            raise _os_error(error, "save", self.path) from error

    def _load_locked(self) -> tuple[dict[str, Any], Snapshot]:
        """The file's data and its parsed form (empty if no file). Call with the lock held.

        A damaged file is moved aside with a warning and empty progress returned; a file
        from a newer studypack raises :class:`UnsupportedProgressVersion` and is not touched;
        something else in the file's place (a folder, a device) raises :class:`ProgressError`.
        """
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return self._fresh()
        if not stat.S_ISREG(status.st_mode):  # reading a FIFO or a device could block forever
            raise ProgressError(f"{self.path} is not a file (a folder or a device is in its "
                                f"place): {_ADVICE['not a file']}", "not a file", self.path)
        try:
            if status.st_size > MAX_FILE_BYTES:
                raise DamagedFile(f"{status.st_size} bytes, more than a progress file holds")
            data = decode(self.path.read_bytes())
            version = newer_format(data)
            if version is not None:
                raise UnsupportedProgressVersion(
                    f"{self.path} was written by a newer studypack (progress format {version}; "
                    f"this version understands up to {FORMAT_VERSION}). It has been left "
                    "unchanged: upgrade studypack (pip install -U studypack) to read and update it",
                    self.path)
            return data, parse(data)
        except DamagedFile as problem:
            return self._set_aside(str(problem))

    def _fresh(self) -> tuple[dict[str, Any], Snapshot]:
        data = empty_data(self.learner)
        return data, parse(data)

    def _set_aside(self, problem: str) -> tuple[dict[str, Any], Snapshot]:
        """Move a damaged progress file aside (never overwrite it) and start from empty."""
        target = _move_aside(self.path, self.learner)
        warnings.warn(
            f"progress file {self.path} is damaged ({problem}); it was moved to {target} "
            f"unchanged and progress for {self.learner!r} starts fresh",
            ProgressFileWarning,
            stacklevel=5,
        )
        return self._fresh()


@contextlib.contextmanager
def _locked(path: Path, lock_path: Path, timeout: float):
    """Hold the learner's inter-process lock (``ProgressError`` "locked" after ``timeout`` s)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise ProgressError(
            f"could not lock {path} within {timeout} s: another notebook or "
            "process is using this learner's progress; try again when it has finished",
            "locked", path) from None
    try:
        yield
    finally:
        lock.release()


def _now_or(when: datetime | None, name: str) -> datetime:
    """``when`` in UTC (it must be timezone-aware), or the current time if None."""
    return now_utc() if when is None else as_utc(when, name)


def _move_aside(path: Path, learner: str) -> Path:
    """Rename a damaged file to ``<learner>.corrupt-<UTC time>[-n].json`` next to it (never
    over another), durably; returns the new path."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.parent / f"{learner}.corrupt-{stamp}.json"
    counter = 1
    while target.exists():  # two damaged files within one second: keep both
        counter += 1
        target = path.parent / f"{learner}.corrupt-{stamp}-{counter}.json"
    os.replace(path, target)
    fsync_directory(path.parent)
    return target


def _remove_stale_temp_files(directory: Path, learner: str) -> None:
    """Delete temporary files left by a writer that was killed mid-write. Call with the lock held.

    Only a lock holder writes a temporary file, so while we hold the lock any that exist are
    leftovers. (The learner name has no dots, so this never matches another learner's.)
    """
    for stale in directory.glob(f".{learner}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _os_error(error: OSError, doing: str, path: Path) -> ProgressError:
    """A :class:`ProgressError` naming the file, saying why the OS refused and what to do."""
    reason = _OS_REASONS.get(error.errno, "other")
    return ProgressError(f"could not {doing} the progress file {path} "
                         f"({error.strerror or error}): {_ADVICE[reason]}", reason, path)


# What the OS said, as a reason a widget can explain, and the advice that goes with it.
_OS_REASONS = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk full", errno.EACCES: "no permission",
               errno.EPERM: "no permission", errno.EROFS: "no permission",
               errno.EISDIR: "not a file", errno.ENOTDIR: "not a file"}
_ADVICE = {
    "disk full": "free some disk space, then try again",
    "no permission": ("make sure you may read and write it and its folder, or set "
                      f"{ENV_VAR} to a folder of your own, then try again"),
    "not a file": "move what is there out of the way (progress is saved under that name), "
                  "then try again",
    "other": "check that the disk and folder are usable, then try again",
}
