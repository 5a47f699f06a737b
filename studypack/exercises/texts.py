"""The exercises' words: titles, lessons, statements, hints and each mistake's diagnosis.

They are content, so data: `exercises/exercises.yaml` in the checkout, one entry per exercise
id, read once per process through the pack's safe reader and validated with pydantic. A
broken file raises `ExerciseTextsError` with one line: `exercises/exercises.yaml:LINE: ID:
FIELD: message`. `text_problems(exercises)` lists what the catalog needs and the file lacks
(an exercise without an entry, a mistake without its diagnosis) and entries for no exercise.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Iterable

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..content.loader import default_root
from ..content.model import Id, LessonFile, Text
from ..content.reading import UnreadableFile, parse_yaml, read_text_file

TEXTS_FILE = Path("exercises") / "exercises.yaml"


class ExerciseTextsError(ValueError):
    """exercises.yaml cannot be used; the message is one line naming file, line, id and field."""


class ExerciseTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: Text
    lesson: LessonFile = Field(description="The lesson notebook this exercise practises.")
    statement: Text = Field(description="Markdown with $math$: what to compute.")
    hints: Annotated[list[Text], Field(min_length=2, max_length=3)] = Field(
        description="Gentle first, nearly the answer last.")
    mistakes: dict[Id, Text] = Field(default_factory=dict,
                                     description="Mistake name -> the diagnosis sentence.")


def exercise_texts(exercise_id: str) -> ExerciseTexts:
    texts = all_texts()
    if exercise_id not in texts:
        raise ExerciseTextsError(f"{TEXTS_FILE}: {exercise_id}: no entry: add its title, lesson, "
                                 f"statement, hints and mistakes")
    return texts[exercise_id]


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
        raise ExerciseTextsError(f"{shown}:{error.line}: {error.message}" if error.line
                                 else f"{shown}: {error.message}") from None
    except FileNotFoundError:
        raise ExerciseTextsError(f"{shown}: missing: the exercises' texts live there") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ExerciseTextsError(f"{shown}{line}: {problem}") from None
    if not isinstance(document.data, dict):
        raise ExerciseTextsError(f"{shown}:1: expected a mapping of exercise ids to their texts")
    texts = {}
    for exercise_id, entry in document.data.items():
        try:
            texts[exercise_id] = ExerciseTexts.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            location = [exercise_id, *first["loc"]]
            field = ".".join(str(step) for step in first["loc"]) or "(entry)"
            raise ExerciseTextsError(f"{shown}:{document.line_at(location)}: {exercise_id}: "
                                     f"{field}: {first['msg']}") from None
    return texts


def text_problems(exercises: Iterable) -> list[str]:
    """What is missing between the catalog and the file, one line each ([] when complete)."""
    texts, problems, ids = all_texts(), [], set()
    for exercise in exercises:
        ids.add(exercise.id)
        if exercise.id not in texts:
            problems.append(f"{TEXTS_FILE}: {exercise.id}: no entry for this exercise")
            continue
        for mistake in exercise.mistakes:
            if mistake.name not in texts[exercise.id].mistakes:
                problems.append(f"{TEXTS_FILE}: {exercise.id}: mistakes: no diagnosis for "
                                f"{mistake.name!r}")
        named = {mistake.name for mistake in exercise.mistakes}
        problems += [f"{TEXTS_FILE}: {exercise.id}: mistakes: {name!r} is no mistake of this "
                     f"exercise" for name in texts[exercise.id].mistakes if name not in named]
    problems += [f"{TEXTS_FILE}: {exercise_id}: no exercise has this id"
                 for exercise_id in texts if exercise_id not in ids]
    return problems
