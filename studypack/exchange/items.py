"""What every exchange format shares: text no file can hold, what an import returns, ids
made from text, and imported items checked by the content models and written as YAML.

Export (`anki`, `jupyterquiz`) refuses (`ExportProblem`) text that no file can hold (a lone
surrogate), naming the item. Import (`jupyterquiz`, `jupytercards`, `markdown_import`)
returns an `Imported`: the plain items, notes on what changed or needs a human look, and the
items left out, each named with why; an unsupported item never refuses the rest of the file.
Ids made unique by counting on (`unique_ids`) keep big inputs linear. The caller validates
the items with the content models (`item_problems()`) before writing YAML (`items_yaml()`).
Text from jupyterquiz and jupytercards is HTML with MathJax math; it becomes the pack's
Markdown with `$` math (see `html_markdown.py`).
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence

import yaml
from pydantic import ValidationError

from studypack.content.model import (ID_PATTERN, QUESTION_ADAPTER, QUESTION_MODELS, TOPICS_CONTEXT,
                                     Card)
from studypack.content.problems import ContentError, _field_name, _message

from .html_markdown import markdown_from_html


# ---- text no file can hold ----

class ExportProblem(ValueError):
    """Items that cannot be exported; `problems` names each one and what to fix."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def unwritable(text: Any) -> Optional[str]:
    """Why `text` cannot be written as UTF-8 (a lone surrogate), or None when it can."""
    if not isinstance(text, str):
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        character = text[error.start]
        return (f"character {error.start + 1} (U+{ord(character):04X}) is half of a UTF-16 "
                "pair (a lone surrogate) that no file can hold")
    return None


def _text_fields(item) -> Iterable[tuple[str, Any]]:
    """(field name, text) of every text a card or question carries, its mistakes' feedback
    included (a numeric question's list, a generated question's mapping by name)."""
    for name in ("id", "front", "back", "prompt", "explanation", "unit"):
        yield name, getattr(item, name, None)
    for topic in getattr(item, "topics", ()):
        yield "topics", topic
    for number, option in enumerate(getattr(item, "options", None) or (), 1):
        yield f"options[{number}].text", option.text
        yield f"options[{number}].feedback", option.feedback
    mistakes = getattr(item, "mistakes", None) or ()
    if isinstance(mistakes, dict):
        for name, feedback in mistakes.items():
            yield f"mistakes.{name}", feedback
    else:
        for number, mistake in enumerate(mistakes, 1):
            yield f"mistakes[{number}].feedback", mistake.feedback


def check_writable(items: Sequence, kind: str) -> None:
    problems = [f"{kind} {item.id!r}: {name}: {reason}: fix the text in the pack"
                for item in items for name, text in _text_fields(item)
                for reason in [unwritable(text)] if reason]
    if problems:
        raise ExportProblem(problems)


# ---- imports: what they return ----

class ImportProblem(ValueError):
    """Nothing in the input can be imported; `problems` says why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Imported:
    """What an import made: `items` to write, `notes` on text that changed or was filled in
    (each names its item and field), `left_out` the items not imported and why."""

    items: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def json_entries(data: Any, expected: str) -> list:
    """The entries of an imported JSON document: its list, or one object as a list of one;
    ImportProblem naming what was `expected` for anything else."""
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        raise ImportProblem([f"expected a JSON list of {expected}"])
    return data


def slug(text: str, max_length: int = 48) -> str:
    """A kebab-case id from text: 'What is a Loss?' → 'what-is-a-loss'."""
    plain = unicodedata.normalize("NFKD", text[:1000]).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"\$[^$]*\$", " ", plain)  # math makes poor ids, and so do
    plain = re.sub(r"```.*?```", " ", plain, flags=re.DOTALL)  # code blocks
    plain = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", plain)  # images
    plain = re.sub(r"\]\([^)]*\)", " ", plain)  # and link addresses
    words = re.findall(r"[a-z0-9]+", plain.lower())
    result = ""
    for word in words:
        if result and len(result) + 1 + len(word) > max_length:
            break
        result = f"{result}-{word}" if result else word[:max_length]
    return result or "item"


def unique_ids(wanted: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """The wanted ids made unique (…-2, …-3) among themselves and the `taken` ids.

    Linear: each base id remembers the last number it handed out, so 20,000 equal headings
    do not each count up from 2 again."""
    used, ids, next_number = set(taken), [], {}
    for base in wanted:
        candidate, number = base, next_number.get(base, 1)
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        next_number[base] = number
        used.add(candidate)
        ids.append(candidate)
    return ids


def assign_ids(result: Imported, labels: Sequence[str], wanted: Sequence[str],
                taken: Iterable[str]) -> None:
    """Give each item an id (`wanted`, made unique), with one note per id that had to change
    naming the items renamed (the first few, then how many more: they are numbered in order)."""
    taken = set(taken)
    renamed: dict[str, list[str]] = {}
    for item, label, base, final in zip(result.items, labels, wanted,
                                        unique_ids(wanted, taken)):
        item["id"] = final
        if final != base:
            renamed.setdefault(base, []).append(f"{label} → {final!r}")
    for base, changes in renamed.items():
        why = "is taken in the pack" if base in taken else "comes up more than once"
        more = f", and {len(changes) - 3} more, numbered in order" if len(changes) > 3 else ""
        result.notes.append(f"id {base!r} {why}: {', '.join(changes[:3])}{more}")


class LeftOutFields:
    """Fields left out, gathered by (field, why) so one note lists every item it concerns."""

    def __init__(self):
        self.labels: dict[tuple[str, str], list[str]] = {}

    def add(self, label: str, name: str, why: str) -> None:
        self.labels.setdefault((name, why), []).append(label)

    def notes(self) -> list[str]:
        return [f"{', '.join(labels)}: field {name!r} left out: {why}"
                for (name, why), labels in self.labels.items()]


def markdown_field(value: Any, label: str, name: str, notes: list[str]) -> Optional[str]:
    """Tool text (HTML, MathJax) → Markdown; None when there is none. Notes what was dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    text, dropped = markdown_from_html(value)
    if dropped:
        notes.append(f"{label}: {name}: HTML without a Markdown equivalent left out (its text "
                     f"kept): {', '.join(dropped)}")
    return text or None


def unwritable_field(item: dict) -> Optional[str]:
    """'field: why' for the first text in an imported item that no file can hold."""
    def texts(value, name):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from texts(inner, f"{name}.{key}" if name else key)
        elif isinstance(value, list):
            for number, inner in enumerate(value, 1):
                yield from texts(inner, f"{name}[{number}]")
        else:
            yield name, value
    for name, text in texts(item, ""):
        if unwritable(text):
            return f"{name}: {unwritable(text)}"
    return None


def valid_id(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(ID_PATTERN, value) is not None


def finite_number(value: Any) -> Optional[float]:
    """`value` as a finite float if it is a JSON number (not a bool) that fits one, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int of 400 digits
        return None
    return number if math.isfinite(number) else None


def same_json(left: Any, right: Any) -> bool:
    """Equal as JSON data (so 1 and 1.0 are equal, as after a JSON round trip)."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True) or left == right


def item_problems(items: Sequence[dict], kind: str, topics: Sequence[str],
                  source: str) -> list[ContentError]:
    """Every problem the content models find in imported items (kind: "card" or "question")."""
    errors = []
    for index, item in enumerate(items, 1):
        try:
            if kind == "card":
                Card.model_validate(item, context={TOPICS_CONTEXT: tuple(topics)})
            else:
                QUESTION_ADAPTER.validate_python(item, context={TOPICS_CONTEXT: tuple(topics)})
        except ValidationError as error:
            for detail in error.errors():
                location, model = tuple(detail["loc"]), Card
                if kind != "card":
                    model, location = QUESTION_MODELS[location[0]], location[1:]
                errors.append(ContentError(source, 0, item.get("id", f"item {index}"),
                                           _field_name(location),
                                           _message(detail, model, location, False)))
    return errors


def _block_representer(dumper: yaml.SafeDumper, value: str):
    """Text with line breaks as a YAML block (|), so Markdown and math stay readable."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list_representer(dumper: yaml.SafeDumper, value: list):
    """Lists of words inline, as the pack writes topics: [loss, backprop]."""
    words = all(isinstance(item, str) and re.fullmatch(r"[a-z0-9-]+", item) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=words)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """libyaml's emitter where PyYAML has it (the same text, ~10× faster on big imports)."""


_Dumper.add_representer(str, _block_representer)
_Dumper.add_representer(list, _list_representer)


def items_yaml(items: Sequence[dict], header: str) -> str:
    """Items as a YAML list in the pack's style, with a comment header."""
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.dump(list(items), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    # a blank line between items, as in the pack's own files
    return comment + "\n" + body.replace("\n- id:", "\n\n- id:")
