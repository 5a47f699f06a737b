"""The exercises' words: titles, lessons, statements, hints and each mistake's diagnosis.

They are content, so data: `exercises/exercises.yaml` in the checkout, one entry per exercise
id, read once per process through the pack's safe reader and validated with pydantic. A
broken file raises `ExerciseTextsError` with one line: `exercises/exercises.yaml:LINE: ID:
FIELD: message`. `text_problems(exercises)` lists what the catalog needs and the file lacks
(an exercise without an entry, a mistake without its diagnosis) and entries for no exercise.

Translations: `translations/<lang>/exercises.yaml`, the same ids with every field but `lesson`
(see `ExerciseTextsChecker`). `exercise_texts(id, language)` gives the English texts with the
translated fields over them: what a translation lacks stays English at runtime, while
`exercise_text_errors()` (for `studypack validate`) reports it as missing.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Annotated, Iterable

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..content.collector import ProblemCollector, _relative, _shortened
from ..content.loader import EXERCISES_FILE, TRANSLATIONS_FOLDER, default_root
from ..content.model import LANGUAGES, SOURCE_LANGUAGE, Id, LessonFile, Text
from ..content.problems import ContentError, _describe
from ..content.reading import UnreadableFile, parse_yaml, read_text_file

TEXTS_FILE = Path("exercises") / "exercises.yaml"


class ExerciseTextsError(ValueError):
    """exercises.yaml cannot be used; the message is one line naming file, line, id and field
    (one line per problem for a translation); `errors` holds them as ContentErrors."""

    def __init__(self, message: str, errors: list[ContentError] = ()):
        super().__init__(message)
        self.errors = list(errors) or [ContentError(message, 0, "", "", "")]


class ExerciseTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: Text
    lesson: LessonFile = Field(description="The lesson notebook this exercise practises.")
    statement: Text = Field(description="Markdown with $math$: what to compute.")
    hints: Annotated[list[Text], Field(min_length=2, max_length=3)] = Field(
        description="Gentle first, nearly the answer last.")
    mistakes: dict[Id, Text] = Field(default_factory=dict,
                                     description="Mistake name -> the diagnosis sentence.")


def exercise_texts(exercise_id: str, language: str = SOURCE_LANGUAGE) -> ExerciseTexts:
    """The texts of one exercise in `language` (a pack language code): the English ones with
    the translation's fields over them (English where the translation has none)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; available: {', '.join(LANGUAGES)}")
    texts = all_texts()
    if exercise_id not in texts:
        raise ExerciseTextsError(f"{TEXTS_FILE}: {exercise_id}: no entry: add its title, lesson, "
                                 f"statement, hints and mistakes")
    english = texts[exercise_id]
    translated = _translations(language).get(exercise_id) if language != SOURCE_LANGUAGE else None
    if not translated:
        return english
    update = dict(translated)
    update["mistakes"] = {**english.mistakes, **translated.get("mistakes", {})}
    if "hints" in update:
        update["hints"] = list(update["hints"])
    return english.model_copy(update=update)


@functools.cache
def _translations(language: str) -> dict[str, dict]:
    """The usable fields of a language's exercises.yaml ({} without one), read once per
    process; a translation with problems (other than missing parts) raises."""
    root = default_root()
    checker = ExerciseTextsChecker(root)
    fields = checker.check_translation(language, all_texts())
    if checker.errors:
        errors = checker.sorted_errors()
        raise ExerciseTextsError("\n".join(str(error) for error in errors), errors)
    return fields


@functools.cache
def all_texts() -> dict[str, ExerciseTexts]:
    root = default_root()
    return load_texts(root / TEXTS_FILE, root)


def load_texts(path: Path, root: Path) -> dict[str, ExerciseTexts]:
    """Every entry of the file at `path` (inside `root`), validated; ExerciseTextsError if not."""
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    try:
        document = parse_yaml(read_text_file(path, root))
    except UnreadableFile as error:
        _raise(ContentError(str(shown), error.line, "", "", error.message))
    except FileNotFoundError:
        _raise(ContentError(str(shown), 0, "", "", "missing: the exercises' texts live there"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        _raise(ContentError(str(shown), mark.line + 1 if mark is not None else 0, "", "",
                            problem))
    if not isinstance(document.data, dict):
        _raise(ContentError(str(shown), 1, "", "", "expected a mapping of exercise ids to "
                            "their texts"))
    texts = {}
    for exercise_id, entry in document.data.items():
        try:
            texts[exercise_id] = ExerciseTexts.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            location = [exercise_id, *first["loc"]]
            field = ".".join(str(step) for step in first["loc"]) or "(entry)"
            _raise(ContentError(str(shown), document.line_at(location), str(exercise_id),
                                field, first["msg"]))
    return texts


def _raise(error: ContentError):
    raise ExerciseTextsError(str(error), [error]) from None


def text_problems(exercises: Iterable) -> list[str]:
    """What is missing between the catalog and the file, one line each ([] when complete)."""
    return [str(error) for error in catalog_text_errors(exercises)]


def catalog_text_errors(exercises: Iterable) -> list[ContentError]:
    """`text_problems` as ContentErrors (file exercises/exercises.yaml, the id, the field)."""
    texts, problems, ids = all_texts(), [], set()

    def problem(exercise_id: str, field: str, message: str) -> None:
        problems.append(ContentError(str(TEXTS_FILE), 0, exercise_id, field, message))

    for exercise in exercises:
        ids.add(exercise.id)
        if exercise.id not in texts:
            problem(exercise.id, "", "no entry for this exercise")
            continue
        for mistake in exercise.mistakes:
            if mistake.name not in texts[exercise.id].mistakes:
                problem(exercise.id, "mistakes", f"no diagnosis for {mistake.name!r}")
        named = {mistake.name for mistake in exercise.mistakes}
        for name in texts[exercise.id].mistakes:
            if name not in named:
                problem(exercise.id, "mistakes", f"{name!r} is no mistake of this exercise")
    for exercise_id in texts:
        if exercise_id not in ids:
            problem(exercise_id, "", "no exercise has this id")
    return problems


# ---- translations: translations/<lang>/exercises.yaml ----

TRANSLATED_FIELDS = ("title", "statement", "hints", "mistakes")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_MATH_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$", re.DOTALL)


def _spans(text: str) -> tuple[int, list[str]]:
    """(how many $math$ spans, the sorted `code` spans) of a text: what a translation keeps."""
    codes = _CODE_SPAN.findall(text)
    return len(_MATH_SPAN.findall(_CODE_SPAN.sub("", text))), sorted(codes)


class ExerciseTextsChecker(ProblemCollector):
    """Checks one language's exercises.yaml against the English texts: the English ids, in
    any order; per entry title, statement, hints (as many as English) and mistakes (the same
    names), not `lesson`; non-empty printable text keeping English's $math$ spans (how many)
    and `code` spans (which). Missing parts go to `missing`, not `errors`: at run time
    English fills them, while `studypack validate` reports both.
    """

    def __init__(self, root: Path):
        super().__init__(root)
        self.missing: list[ContentError] = []

    def _add_missing(self, *where_and_message) -> None:
        self.add(*where_and_message)
        self.missing.append(self.errors.pop())

    def problems(self) -> list[ContentError]:
        """The errors and the missing parts, by file and line."""
        return sorted(self.errors + self.missing, key=lambda error: (error.file, error.line))

    def check_translation(self, language: str,
                          english: dict[str, ExerciseTexts]) -> dict[str, dict]:
        """{id: {field: translated value}} of the fields without problems; {} without file."""
        path = self.root / TRANSLATIONS_FOLDER / language / EXERCISES_FILE
        if not os.path.lexists(path):
            return {}
        file = _relative(path, self.root)
        document = self._read_yaml(path)
        if document is None:
            return {}
        if not isinstance(document.data, dict):
            self.add(file, document.line_at(()), "", "", "expected a mapping from exercise id "
                     f"to its translated texts, got {_describe(document.data)}")
            return {}
        found, lines = {}, {}
        for key_node, value_node in document.node.value:
            exercise_id, line = key_node.value, document.line(key_node)
            if key_node.tag != "tag:yaml.org,2002:str":
                self.add(file, line, str(exercise_id), "", "exercise ids are text, but YAML "
                         "reads this key as another type: use the English id exactly")
            elif exercise_id in lines:
                self.add(file, line, exercise_id, "", f"written twice (first at line "
                         f"{lines[exercise_id]}); YAML would keep only this one: remove one")
            elif self._report_node_problems(document, value_node, file, exercise_id):
                lines[exercise_id] = line
            elif exercise_id not in english:
                lines[exercise_id] = line
                self.add(file, line, exercise_id, "", f"no exercise with this id in "
                         f"{TEXTS_FILE}: translations are keyed by the English id")
            else:
                lines[exercise_id] = line
                found[exercise_id] = self._check_entry(document, file, exercise_id,
                                                       english[exercise_id])
        previous = None  # the last English id the file has: where a missing one goes
        for exercise_id in english:
            if exercise_id in lines:
                previous = exercise_id
                continue
            where = f"after {previous!r}" if previous else "at the top"
            self._add_missing(file, lines[previous] if previous else 1, exercise_id, "",
                              f"missing: add its title, statement, hints and mistakes "
                              f"{where}, translating {TEXTS_FILE}")
        return found

    def _check_entry(self, document, file: str, exercise_id: str,
                     english: ExerciseTexts) -> dict:
        entry, fields = document.data[exercise_id], {}
        if not isinstance(entry, dict):
            self.add(file, document.line_at((exercise_id,)), exercise_id, "", "expected the "
                     f"fields {', '.join(TRANSLATED_FIELDS)}, got {_describe(entry)}")
            return fields

        def problem(path: tuple, message: str, missing: bool = False) -> None:
            (self._add_missing if missing else self.add)(
                file, document.line_at((exercise_id, *path)), exercise_id,
                ".".join(str(step) for step in path), message)

        for field, value in entry.items():
            before = len(self.errors)
            if field == "lesson":
                problem((field,), f"the lesson is not translated: remove it (it stays in "
                        f"{TEXTS_FILE})")
            elif field not in TRANSLATED_FIELDS:
                problem((field,), f"unknown field: use {', '.join(TRANSLATED_FIELDS)}")
            elif field == "hints":
                self._check_hints(value, english.hints, problem)
            elif field == "mistakes":
                self._check_mistakes(value, english.mistakes, problem)
            else:
                self._check_text((field,), value, getattr(english, field), problem)
            if len(self.errors) == before and field in TRANSLATED_FIELDS:
                fields[field] = value
        for field in TRANSLATED_FIELDS:
            if field not in entry:
                source = getattr(english, field)
                shown = repr(_shortened(source, 60)) if isinstance(source, str) else field
                problem((), f"{field}: missing: translate the English {shown}", missing=True)
        return fields

    def _check_hints(self, value, english: list[str], problem) -> None:
        if not isinstance(value, list):
            problem(("hints",), f"expected a list of hints, got {_describe(value)}")
            return
        if len(value) != len(english):
            problem(("hints",), f"{len(value)} hints but the English has {len(english)}: "
                    "translate every hint, in the same order")
            return
        for index, (hint, source) in enumerate(zip(value, english)):
            self._check_text(("hints", index), hint, source, problem)

    def _check_mistakes(self, value, english: dict[str, str], problem) -> None:
        if not isinstance(value, dict):
            problem(("mistakes",), f"expected a mapping from mistake name to its diagnosis, "
                    f"got {_describe(value)}")
            return
        for name, text in value.items():
            if name not in english:
                problem(("mistakes", name), f"unknown mistake name: the English entry has "
                        f"{', '.join(english) or 'none'}; use those names exactly")
            else:
                self._check_text(("mistakes", name), text, english[name], problem)
        for name in english:
            if name not in value:
                problem(("mistakes",), f"{name}: missing: translate the English "
                        f"{_shortened(english[name], 60)!r}", missing=True)

    @staticmethod
    def _check_text(path: tuple, value, english: str, problem) -> None:
        if not isinstance(value, str):
            hint = "; put it in quotes" if isinstance(value, (bool, int, float)) else ""
            problem(path, f"expected text, got {_describe(value)}{hint}")
        elif not value.strip():
            problem(path, "the text is empty: translate the English one")
        else:
            (maths, codes), (wanted_maths, wanted_codes) = _spans(value), _spans(english)
            if maths != wanted_maths:
                problem(path, f"{maths} $math$ spans but the English has {wanted_maths}: keep "
                        "every $...$ exactly as in English (a lost or extra $ breaks the math)")
            if codes != wanted_codes:
                problem(path, f"`code` spans {', '.join(codes) or '(none)'} differ from the "
                        f"English {', '.join(wanted_codes) or '(none)'}: keep code as it is")


def exercise_text_errors(root: Path) -> list[ContentError]:
    """Every problem of the exercises' texts under `root` (for `studypack validate`): the
    English file (and, for the checkout, against the catalog), then each translation; []
    for a pack without exercises/exercises.yaml."""
    if not os.path.lexists(root / TEXTS_FILE):
        return []
    try:
        english = load_texts(root / TEXTS_FILE, root)
    except ExerciseTextsError as error:
        return error.errors  # the translations cannot be checked without their source
    errors = []
    if root.resolve() == default_root().resolve():
        from .catalog import list_exercises  # here: the catalog imports this module
        errors += catalog_text_errors(list_exercises())
    checker = ExerciseTextsChecker(root)
    for language in LANGUAGES:
        folder = root / TRANSLATIONS_FOLDER / language
        if language == SOURCE_LANGUAGE or not os.path.isdir(folder):
            continue
        if os.path.lexists(folder / EXERCISES_FILE):
            checker.check_translation(language, english)
        else:
            checker._add_missing(_relative(folder / EXERCISES_FILE, root), 0, "", "",
                                 "missing: every language has the exercises' texts; "
                                 f"translate {TEXTS_FILE} here")
    return errors + checker.problems()
