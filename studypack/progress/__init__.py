"""The learner's progress: flashcard schedules (FSRS), quiz attempts, lessons visited and exercises solved.

`ProgressStore(learner)` keeps one JSON file per learner (`store`), whose format and checks
are in `file_format`; `CardScheduler` wraps the fsrs package (`scheduling`); `atomic` writes
files and folders that are never half-written (used by classroom/ and exchange/ too).
Nothing here imports widgets.
"""
from .scheduling import RATING_NAMES, CardScheduler
from .store import (ProgressError, ProgressFileWarning, ProgressStore, ProgressSummary,
                    QuizAttempt, default_data_dir)

__all__ = ["CardScheduler", "ProgressError", "ProgressFileWarning", "ProgressStore",
           "ProgressSummary", "QuizAttempt", "RATING_NAMES", "default_data_dir"]
