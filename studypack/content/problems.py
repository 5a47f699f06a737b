"""The content's problems and their messages: `file:line: id: field: message`, one line each.

`ContentError` is one problem; the functions turn what PyYAML and pydantic report into
messages that say what is wrong and what to do, and find the problems a YAML node tree
itself has (keys written twice, text that cannot be printed).
"""
from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from pydantic import BaseModel

from .model import CORRECTNESS_FIELDS
from .reading import ContentYamlError, find_unprintable


# ---- problems ----

@dataclass(frozen=True)
class ContentError:
    """One problem: where it is (file relative to the pack root, 1-based line), what, and why."""

    file: str
    line: int  # 0 when the problem is about a whole file or folder
    id: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return ": ".join(part for part in (place, self.id, self.field, self.message) if part)


class ContentValidationError(ValueError):
    """The content has problems; `errors` lists all of them."""

    def __init__(self, errors: list[ContentError], root: Path):
        self.errors = list(errors)
        self.root = root
        count = f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}"
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(f"{count} in the study content under {root}:\n{lines}")


# ---- YAML with line numbers (parsed by `reading`) ----

def _yaml_problem(error: yaml.YAMLError, first_line: int) -> tuple[int, str]:
    """A YAML error's line and a message without PyYAML's traceback-style layout."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + first_line if mark is not None else first_line
    problem = getattr(error, "problem", None) or str(error)
    if isinstance(error, ContentYamlError):
        return line, f"YAML error: {problem}"
    # libyaml's wording where PyYAML's pure-Python parser (the fallback) says it more plainly
    problem = problem.replace("not allowed in this context", "not allowed here")
    if "maximum nesting depth" in problem:  # libyaml's own limit (1000 levels)
        return line, ("YAML error: nested too deeply: content is a list of items with a few "
                      "fields each")
    if isinstance(error, yaml.constructor.ConstructorError):
        return line, (f"YAML error: {problem}; content is plain data only (text, numbers, "
                      "true/false, lists, mappings): remove the !tag")
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None and context_mark.line + first_line != line:
        context += f" that starts at line {context_mark.line + first_line}"
    detail = f"{problem} ({context})" if context else problem
    return line, (f"YAML syntax error: {detail}; check the indentation and quote text that "
                  "contains ': ' or ' #' or starts with one of * & ! [ { > | % @ `")


def _node_problems(root: yaml.Node) -> tuple[list, list]:
    """Keys written twice in a mapping (YAML keeps only the last): (path, key, first key); and
    text with a control character or a lone surrogate (from a YAML escape such as "\\0" or
    "\\ud800"; such text cannot be shown or exported): (path, node, the character)."""
    duplicates, unprintable, stack = [], [], [(root, ())]
    while stack:  # a loop, not recursion: this runs on every node of every file
        node, path = stack.pop()
        if type(node) is yaml.ScalarNode:
            bad = find_unprintable(node.value)
            if bad:
                unprintable.append((path, node, bad))
        elif type(node) is yaml.MappingNode:
            first_keys = {}
            for key, value in node.value:
                name = getattr(key, "value", "?")
                if type(key) is yaml.ScalarNode:
                    if name in first_keys:
                        duplicates.append((path + (name,), key, first_keys[name]))
                    else:
                        first_keys[name] = key
                stack.append((key, path + (name,)))
                stack.append((value, path + (name,)))
        else:
            stack.extend((item, path + (index,)) for index, item in enumerate(node.value))
    by_line = lambda problem: problem[1].start_mark.line  # noqa: E731
    return sorted(duplicates, key=by_line), sorted(unprintable, key=by_line)


def _field_name(path: Iterable) -> str:
    """('options', 1, 'feedback') → 'options[1].feedback'."""
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else str(step))
    return name


# ---- pydantic errors as content messages ----

def _model_at(model: type[BaseModel], path: tuple) -> Optional[type[BaseModel]]:
    """The model whose fields apply at `path` inside `model` (lists and Optionals unwrapped)."""
    for step in path:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        model = _inner_model(field.annotation) if field is not None else None
        if model is None:
            return None
    return model


def _inner_model(annotation) -> Optional[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return (f"the boolean {str(value).lower()} (YAML reads yes/no/on/off/true/false "
                "as booleans)")
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value!r})"


_MISSING_HINTS = {
    "feedback": "every option says why it is right or wrong",
    "correct": "write correct: true or correct: false",
    "explanation": "say why the answer is what it is (shown after answering)",
    "tolerance": "how far from the answer still counts (0 for exact)",
}


def _message(error: dict, model: type[BaseModel], path: tuple, translation: bool) -> str:
    kind, given, context = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "extra_forbidden":
        name = path[-1] if path else "?"
        if translation and name in CORRECTNESS_FIELDS:
            return (f"a translation carries text only: remove {name!r} (what is correct is "
                    "written once, in the English source)")
        owner = _model_at(model, path[:-1])
        allowed = ", ".join(owner.model_fields) if owner else "see the schema"
        return f"unknown field {name!r}; allowed here: {allowed}"
    if kind == "missing":
        hint = _MISSING_HINTS.get(path[-1] if path else "", "")
        return f"required field is missing{'; ' + hint if hint else ''}"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    if kind == "string_type":
        hint = "" if given is None else "; put it in quotes"
        return f"expected text, got {_describe(given)}{hint}"
    if kind in ("float_type", "int_type", "float_parsing"):
        return f"expected a number, got {_describe(given)}"
    if kind == "finite_number":
        return "expected a finite number (not .nan or .inf)"
    if kind == "bool_type":
        return f"expected true or false, got {_describe(given)}"
    if kind == "list_type":
        return f"expected a list (e.g. [a, b] or one '- ' line per item), got {_describe(given)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields (name: value), got {_describe(given)}"
    if kind == "too_short":
        return (f"needs at least {context.get('min_length')} item(s), "
                f"found {context.get('actual_length')}")
    if kind == "literal_error":
        return f"{given!r} is not allowed here; use {context.get('expected')}"
    return error["msg"]
