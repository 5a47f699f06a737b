"""Exchange content with the tools instructors already use: Anki, jupyterquiz, jupytercards.

Export:
- `anki_package()`: the cards as an Anki deck (.apkg) made with genanki. The note type (model)
  id, the deck id and every note's GUID are derived from names, never drawn at random, so a
  re-exported deck updates the notes already imported instead of adding copies:
  model id = `anki_id("studypack", "model", "v1")`, deck id = `anki_id("studypack", "deck",
  <pack name>, <language>)`, note GUID = `genanki.guid_for("studypack", <pack name>, <card
  id>, <language>)` (`anki_id` maps a sha256 into Anki's recommended 2^30..2^31 range).
  Fields are HTML: Markdown rendered, text escaped, math as `\\(...\\)` and `\\[...\\]` for
  Anki's MathJax. Tags are the card's topics.
- `jupyterquiz_questions()`: the questions in jupyterquiz's JSON format ("multiple_choice",
  "many_choice", "numeric" with a "range"). A generated question is exported as one instance,
  its numbers drawn from the given seed. Each question also carries a "studypack" object
  (id, kind, explanation, answer, tolerance, ...) that jupyterquiz ignores and our import reads
  back, so a round trip keeps ids and explanations.
Both refuse (`ExportProblem`) text that no file can hold (a lone surrogate), naming the item.

Import (jupyterquiz JSON, jupytercards JSON, Markdown) returns an `Imported`: the plain
items, notes on what changed or needs a human look, and the items left out, each named with
why; an unsupported item never refuses the rest of the file. Ids made unique by counting on
(`unique_ids`), and headings read without backtracking, keep big inputs linear. The caller validates the items with the content models (`item_problems()`) before
writing YAML. Text from jupyterquiz and jupytercards is HTML with MathJax math; it becomes the
pack's Markdown with `$` math (see `html_markdown.py`).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Sequence

import yaml
from pydantic import ValidationError

from .generators import generate
from .grading import allowed_distance
from .html_markdown import has_html_tags, markdown_from_html
from .loader import ContentError, _field_name, _message
from .markdown import ANKI_MATH, markdown_inline, markdown_to_html
from .model import (ID_PATTERN, QUESTION_ADAPTER, QUESTION_MODELS, TOPICS_CONTEXT, Card,
                    GeneratedNumericQuestion, MultipleChoiceQuestion, NumericQuestion,
                    PackSettings, SingleChoiceQuestion)

METADATA = "studypack"  # the key of our own fields in an exported jupyterquiz question


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
    """(field name, text) of every text a card or question carries."""
    for name in ("id", "front", "back", "prompt", "explanation", "unit"):
        yield name, getattr(item, name, None)
    for topic in getattr(item, "topics", ()):
        yield "topics", topic
    for number, option in enumerate(getattr(item, "options", None) or (), 1):
        yield f"options[{number}].text", option.text
        yield f"options[{number}].feedback", option.feedback


def _check_writable(items: Sequence, kind: str) -> None:
    problems = [f"{kind} {item.id!r}: {name}: {reason}: fix the text in the pack"
                for item in items for name, text in _text_fields(item)
                for reason in [unwritable(text)] if reason]
    if problems:
        raise ExportProblem(problems)


# ---- Anki ----

ANKI_FIELDS = ("Front", "Back", "Id")


def anki_id(*names: str) -> int:
    """A stable Anki model or deck id from names, in the range genanki recommends (2^30..2^31)."""
    digest = hashlib.sha256("\x1f".join(names).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def anki_package(cards: Sequence[Card], settings: PackSettings, language: str,
                 progress: Callable[[Iterable], Iterable] = iter) -> bytes:
    """The cards as an .apkg file's bytes (genanki), with stable model, deck and note ids.

    Raises ExportProblem, before anything is built, for text that no file can hold."""
    import genanki

    _check_writable(cards, "card")
    if unwritable(settings.title):
        raise ExportProblem([f"pack.yaml: title: {unwritable(settings.title)}: fix the text"])
    model = genanki.Model(
        anki_id("studypack", "model", "v1"), "studypack card",
        fields=[{"name": name} for name in ANKI_FIELDS],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
        css=".card { font-family: sans-serif; font-size: 18px; text-align: left; }")
    title = settings.title if language == "en" else f"{settings.title} ({language})"
    deck = genanki.Deck(anki_id("studypack", "deck", settings.name, language), title)
    for card in progress(cards):
        deck.add_note(genanki.Note(
            model=model,
            fields=[markdown_to_html(card.front, ANKI_MATH),
                    markdown_to_html(card.back, ANKI_MATH), card.id],
            tags=list(card.topics),
            guid=genanki.guid_for("studypack", settings.name, card.id, language)))
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer)
    return buffer.getvalue()


# ---- jupyterquiz export ----

def jupyterquiz_questions(questions: Sequence, seed: int = 0,
                          progress: Callable[[Iterable], Iterable] = iter) -> list[dict]:
    """The questions as jupyterquiz JSON data; text as HTML with $...$ math for its MathJax.

    Raises ExportProblem, before anything is converted, for text that no file can hold."""
    _check_writable(questions, "question")
    exported = []
    for question in progress(questions):
        ours = {"id": question.id, "kind": question.kind, "explanation": question.explanation}
        if isinstance(question, (SingleChoiceQuestion, MultipleChoiceQuestion)):
            exported.append({**_jupyterquiz_choice(question), METADATA: ours})
        elif isinstance(question, NumericQuestion):
            ours.update(answer=question.answer, tolerance=question.tolerance)
            for optional in ("unit", "decimals"):
                if getattr(question, optional, None) is not None:
                    ours[optional] = getattr(question, optional)
            exported.append({**_jupyterquiz_numeric(question.prompt, question.answer,
                                                    question.tolerance, question.explanation,
                                                    question.unit), METADATA: ours})
        elif isinstance(question, GeneratedNumericQuestion):
            drawn = generate(question, seed)
            tolerance = allowed_distance(drawn)
            ours.update(answer=drawn.answer, tolerance=tolerance, explanation=drawn.explanation,
                        template=question.template, seed=seed)
            exported.append({**_jupyterquiz_numeric(drawn.prompt, drawn.answer, tolerance,
                                                    drawn.explanation, None), METADATA: ours})
    return exported


def _jupyterquiz_choice(question) -> dict:
    kind = "multiple_choice" if isinstance(question, SingleChoiceQuestion) else "many_choice"
    return {"question": markdown_to_html(question.prompt), "type": kind,
            "answers": [{"answer": markdown_inline(option.text),
                         "correct": option.correct,
                         "feedback": markdown_inline(option.feedback)}
                        for option in question.options]}


def _numeric_prompt(prompt: str, unit: Optional[str]) -> str:
    return f"{prompt}\n\n(in {unit})" if unit else prompt


def _jupyterquiz_numeric(prompt: str, answer: float, tolerance: float, explanation: str,
                         unit: Optional[str]) -> dict:
    if tolerance > 0:  # jupyterquiz ranges are [low, high)
        right = {"type": "range", "range": [answer - tolerance, answer + tolerance]}
    else:
        right = {"type": "value", "value": answer}
    why = markdown_to_html(explanation)
    return {"question": markdown_to_html(_numeric_prompt(prompt, unit)), "type": "numeric",
            "answers": [{**right, "correct": True, "feedback": "Correct. " + why},
                        {"type": "default", "feedback": "Not quite. " + why}]}


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


def _assign_ids(result: Imported, labels: Sequence[str], wanted: Sequence[str],
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


class _LeftOutFields:
    """Fields left out, gathered by (field, why) so one note lists every item it concerns."""

    def __init__(self):
        self.labels: dict[tuple[str, str], list[str]] = {}

    def add(self, label: str, name: str, why: str) -> None:
        self.labels.setdefault((name, why), []).append(label)

    def notes(self) -> list[str]:
        return [f"{', '.join(labels)}: field {name!r} left out: {why}"
                for (name, why), labels in self.labels.items()]


def _markdown(value: Any, label: str, name: str, notes: list[str]) -> Optional[str]:
    """Tool text (HTML, MathJax) → Markdown; None when there is none. Notes what was dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    text, dropped = markdown_from_html(value)
    if dropped:
        notes.append(f"{label}: {name}: HTML without a Markdown equivalent left out (its text "
                     f"kept): {', '.join(dropped)}")
    return text or None


def _unwritable_field(item: dict) -> Optional[str]:
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


# ---- jupytercards ----

_CARD_FIELDS = {"front", "back"}
_CARD_IGNORED = {"topic": "studypack topics come from --topic",
                 "name": "jupytercards' Markdown helper copies the heading there; the front "
                         "is kept"}


def import_jupytercards(data: Any, topics: list[str], difficulty: str,
                        taken: Iterable[str] = ()) -> Imported:
    """jupytercards JSON (a list of {"front", "back"[, "topic"]}) → card data.

    Front and back are HTML with MathJax math, as jupytercards shows them: they become Markdown
    with `$` math (`\\(x\\)` → `$x$`, `\\[x\\]` and bare `\\begin{align}` blocks → `$$...$$`)."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(["expected a JSON list of cards, each {\"front\": ..., \"back\": ...}"])
    result, fields, labels, wanted = Imported(), _LeftOutFields(), [], []
    for index, entry in enumerate(data, 1):
        label = f"card {index}"
        if not isinstance(entry, dict):
            result.left_out.append(f"{label}: expected an object with front and back, got "
                                   f"{type(entry).__name__}")
            continue
        notes: list[str] = []
        front = _markdown(entry.get("front"), label, "front", notes)
        back = _markdown(entry.get("back"), label, "back", notes)
        missing = [name for name, text in (("front", front), ("back", back)) if not text]
        if missing:
            result.left_out.append(f"{label}: " + "; ".join(
                f"{name}: expected text, got {entry.get(name)!r}" for name in missing))
            continue
        card = {"id": "", "topics": list(topics), "difficulty": difficulty,
                "front": front, "back": back}
        problem = _unwritable_field(card)
        if problem:
            result.left_out.append(f"{label}: {problem}")
            continue
        for name in entry:
            if name not in _CARD_FIELDS:
                fields.add(label, name, _CARD_IGNORED.get(name, "studypack cards have no such "
                                                                "field"))
        result.items.append(card)
        result.notes.extend(notes)
        labels.append(label)
        wanted.append(slug(front))
    _assign_ids(result, labels, wanted, taken)
    result.notes.extend(fields.notes())
    return result


# ---- Markdown ----

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING_START = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")


def _heading_text(line: str) -> Optional[str]:
    """The text of an ATX heading line ('## Epoch ##' → 'Epoch'), else None. No regex
    backtracking over the line: long lines of spaces or #s cost linear time."""
    start = _HEADING_START.match(line)
    if start is None:
        return None
    text = line[start.end():].rstrip()
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.rstrip()
    return text


def import_markdown(text: str, topics: list[str], difficulty: str,
                    taken: Iterable[str] = ()) -> Imported:
    """Markdown → card data: each heading is a front, the text below it (to the next heading)
    the back. Lines inside ``` fences are never headings. Linear in the text's length."""
    result, pairs, labels = Imported(), [], []
    front, body, fence, preamble, heading_line = None, [], None, [], 0

    def finish():
        if front is None:
            return
        label = f"heading {front!r} (line {heading_line})"
        back = "\n".join(body).strip()
        if not front:
            result.left_out.append(f"{label}: an empty heading cannot be a card's front")
        elif not back:
            result.left_out.append(f"{label}: no text below it to use as the back")
        else:
            pairs.append((front, back))
            labels.append(label)

    for number, line in enumerate(text.splitlines(), 1):
        fence_mark = _FENCE.match(line)
        if fence_mark and (fence is None or fence_mark.group(1)[0] == fence[0]):
            fence = fence_mark.group(1) if fence is None else None
        heading = _heading_text(line) if fence is None else None
        if heading is not None:
            finish()
            front, body, heading_line = heading, [], number
        elif front is None:
            preamble.append(line)
        else:
            body.append(line)
    finish()
    if not pairs and not result.left_out:
        raise ImportProblem(["no headings found: each card is a '# heading' (the front) "
                             "followed by its text (the back)"])
    if "\n".join(preamble).strip():
        result.notes.append("text before the first heading was left out")
    kept = []
    for label, (front, back) in zip(labels, pairs):
        card = {"id": "", "topics": list(topics), "difficulty": difficulty,
                "front": front, "back": back}
        problem = _unwritable_field(card)
        if problem:
            result.left_out.append(f"{label}: {problem}")
        else:
            result.items.append(card)
            kept.append(label)
    _assign_ids(result, kept, [slug(card["front"]) for card in result.items], taken)
    with_html = [label for label, card in zip(kept, result.items)
                 if has_html_tags(card["front"]) or has_html_tags(card["back"])]
    if with_html:
        more = f", and {len(with_html) - 3} more" if len(with_html) > 3 else ""
        result.notes.append(f"HTML tags in {', '.join(with_html[:3])}{more}: studypack shows "
                            "HTML as text; rewrite them as Markdown")
    return result


# ---- jupyterquiz ----

def import_jupyterquiz(data: Any, topics: list[str], difficulty: str,
                       taken: Iterable[str] = ()) -> Imported:
    """jupyterquiz JSON (a list of questions, or one) → question data; what each field becomes
    is described in `jupyterquiz_import`."""
    from .jupyterquiz_import import convert_question

    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(["expected a JSON list of jupyterquiz questions"])
    result, fields, labels, wanted = Imported(), _LeftOutFields(), [], []
    for index, entry in enumerate(data, 1):
        label = f"question {index}"
        notes: list[str] = []
        item_fields: list[tuple[str, str, str]] = []  # noted only if the item is imported
        item, why, wanted_id = convert_question(
            entry, label, notes, lambda *left_out: item_fields.append(left_out))
        if item is None:
            result.left_out.append(f"{label}: {why}")
            result.notes.extend(notes)  # what was wrong with its answers, if that is why
            continue
        item = {"id": "", "topics": list(topics), "difficulty": difficulty, **item}
        problem = _unwritable_field(item)
        if problem:
            result.left_out.append(f"{label}: {problem}")
            continue
        result.items.append(item)
        result.notes.extend(notes)
        for left_out in item_fields:
            fields.add(*left_out)
        labels.append(label)
        wanted.append(wanted_id if wanted_id else slug(item["prompt"]))
    _assign_ids(result, labels, wanted, taken)
    result.notes.extend(fields.notes())
    return result


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
