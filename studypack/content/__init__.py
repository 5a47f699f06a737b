"""The pack: flashcards, quiz questions and notes, their translations, and scoring one answer.

The format is defined once, by the pydantic models in `model` (published as JSON Schemas in
schema/); `load_pack()` reads and checks the YAML and Markdown files; `generate()` makes a fresh
instance of a generated numeric question; `score()` grades one answer; `lessons` lists the
pack's lesson notebooks; `interface_text` gives the widgets' own words. Nothing here imports
the learner's progress (`studypack.progress`), the classroom, the exchange formats or widgets.

Moved names: `ProgressStore` and the rest of the learner's state now live in
`studypack.progress`, and the modules that left content (`content.assignments`,
`content.interchange`, ...) in `studypack.progress`, `studypack.classroom` and
`studypack.exchange`. The old imports still work, with a DeprecationWarning naming the new
one; they import the new home only when used, so content itself depends on none of them.
"""
import importlib
import importlib.abc
import importlib.util
import sys
import warnings

from .generators import TEMPLATES, GeneratedQuestion, Template, generate, placeholders_in
from .grading import OptionFeedback, Score, parse_number, score
from .loader import (ContentError, ContentValidationError, Pack, default_root, load_pack,
                     validate_pack)
from .model import (DIFFICULTIES, LANGUAGES, QUESTION_KINDS, TOPICS, Card, CardTranslation,
                    GeneratedNumericQuestion, MultipleChoiceQuestion, Note, NoteFrontMatter,
                    NoteTranslation, NumericQuestion, Option, OptionTranslation, Question,
                    QuestionTranslation, SingleChoiceQuestion, json_schemas, parse_question,
                    write_json_schemas)

__all__ = [
    "Card", "CardTranslation", "ContentError", "ContentValidationError", "DIFFICULTIES",
    "GeneratedNumericQuestion", "GeneratedQuestion", "LANGUAGES", "MultipleChoiceQuestion",
    "Note", "NoteFrontMatter", "NoteTranslation", "NumericQuestion", "Option",
    "OptionFeedback", "OptionTranslation", "Pack", "QUESTION_KINDS", "Question",
    "QuestionTranslation", "Score", "SingleChoiceQuestion", "TEMPLATES", "TOPICS", "Template",
    "default_root", "generate", "json_schemas", "load_pack", "parse_number", "parse_question",
    "placeholders_in", "score", "validate_pack", "write_json_schemas",
]

# ---- old imports, kept working for users (deprecated) ----

_MOVED_NAMES = dict.fromkeys(
    ("CardScheduler", "ProgressError", "ProgressFileWarning", "ProgressStore", "ProgressSummary",
     "QuizAttempt", "RATING_NAMES", "default_data_dir"), "studypack.progress")

# old module → its new home(s); a module that was split forwards to each part
_MOVED_MODULES = {
    "progress": ("studypack.progress.store",),
    "progress_format": ("studypack.progress.file_format",),
    "scheduling": ("studypack.progress.scheduling",),
    "atomic": ("studypack.progress.atomic",),
    "assignments": ("studypack.classroom.assignments",),  # in every student notebook handed out
    "handins": ("studypack.classroom.handins",),
    "interchange": ("studypack.exchange.items", "studypack.exchange.anki",
                    "studypack.exchange.jupyterquiz", "studypack.exchange.jupytercards",
                    "studypack.exchange.markdown_import"),
    "jupyterquiz_import": ("studypack.exchange.jupyterquiz",),
    "html_markdown": ("studypack.exchange.html_markdown",),
    "scaffold": ("studypack.exchange.scaffold",),
    "files": ("studypack.content.pack_root", "studypack.progress.atomic",
              "studypack.content.notebooks", "studypack.classroom.handins"),
}


def _deprecated(message: str) -> None:
    """A DeprecationWarning attributed to the user's line (the caller of `__getattr__` or of
    the import; `warnings` skips the import machinery's frames), so that Python's default
    filters show it in __main__ and in notebooks."""
    warnings.warn(message, DeprecationWarning, stacklevel=3)


def __getattr__(name: str):
    home = _MOVED_NAMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _deprecated(f"`from studypack.content import {name}` is deprecated: "
                f"use `from {home} import {name}`")
    return getattr(importlib.import_module(home), name)


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `studypack.content.<old module>` as a module forwarding to its new home."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package != __name__ or name not in _MOVED_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return None  # a plain module, filled in by exec_module

    def exec_module(self, module) -> None:
        homes = _MOVED_MODULES[module.__name__.rpartition(".")[2]]
        _deprecated(f"{module.__name__} is deprecated: import from {' or '.join(homes)}")
        parts = [importlib.import_module(home) for home in homes]

        def forward(attribute: str):
            for part in parts:
                if hasattr(part, attribute):
                    return getattr(part, attribute)
            raise AttributeError(f"module {module.__name__!r} has no attribute {attribute!r}")

        module.__getattr__ = forward
        module.__all__ = sorted({name for part in parts for name in getattr(part, "__all__", ())})


if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModuleFinder())
