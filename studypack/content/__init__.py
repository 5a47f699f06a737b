"""Study content: flashcards, quiz questions and notes, their translations, and answer scoring.

The format is defined once, by the pydantic models in `model` (published as JSON Schemas in
schema/); `load_pack()` reads and checks the YAML and Markdown files; `generate()` makes a fresh
instance of a generated numeric question; `score()` grades one answer; `ProgressStore` keeps
a learner's progress (card schedules by FSRS, quiz attempts, lessons visited) in one JSON
file. Nothing here imports widgets.
"""
from .generators import TEMPLATES, GeneratedQuestion, Template, generate, placeholders_in
from .grading import OptionFeedback, Score, parse_number, score
from .loader import (ContentError, ContentValidationError, Pack, default_root, load_pack,
                     validate_pack)
from .progress import (ProgressError, ProgressFileWarning, ProgressStore, ProgressSummary,
                       QuizAttempt, default_data_dir)
from .model import (DIFFICULTIES, LANGUAGES, QUESTION_KINDS, TOPICS, Card, CardTranslation,
                    GeneratedNumericQuestion, MultipleChoiceQuestion, Note, NoteFrontMatter,
                    NoteTranslation, NumericQuestion, Option, OptionTranslation, Question,
                    QuestionTranslation, SingleChoiceQuestion, json_schemas, parse_question,
                    write_json_schemas)
from .scheduling import RATING_NAMES, CardScheduler

__all__ = [
    "Card", "CardScheduler", "CardTranslation", "ContentError", "ContentValidationError", "DIFFICULTIES",
    "GeneratedNumericQuestion", "GeneratedQuestion", "LANGUAGES", "MultipleChoiceQuestion",
    "Note", "NoteFrontMatter", "NoteTranslation", "NumericQuestion", "Option",
    "OptionFeedback", "OptionTranslation", "Pack", "ProgressError", "ProgressFileWarning",
    "ProgressStore", "ProgressSummary",
    "QUESTION_KINDS", "Question", "QuizAttempt", "RATING_NAMES",
    "QuestionTranslation", "Score", "SingleChoiceQuestion", "TEMPLATES", "TOPICS", "Template",
    "default_data_dir", "default_root", "generate", "json_schemas", "load_pack", "parse_number", "parse_question",
    "placeholders_in", "score", "validate_pack", "write_json_schemas",
]
