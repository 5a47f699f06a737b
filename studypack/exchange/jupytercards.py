"""jupytercards JSON (a list of {"front", "back"[, "topic"]}) → the pack's card data."""
from __future__ import annotations

from typing import Any, Iterable

from .items import (Imported, LeftOutFields, assign_ids, json_entries, markdown_field, slug,
                    unwritable_field)


_CARD_FIELDS = {"front", "back"}
_CARD_IGNORED = {"topic": "studypack topics come from --topic",
                 "name": "jupytercards' Markdown helper copies the heading there; the front "
                         "is kept"}


def import_jupytercards(data: Any, topics: list[str], difficulty: str,
                        taken: Iterable[str] = ()) -> Imported:
    """jupytercards JSON (a list of {"front", "back"[, "topic"]}) → card data.

    Front and back are HTML with MathJax math, as jupytercards shows them: they become Markdown
    with `$` math (`\\(x\\)` → `$x$`, `\\[x\\]` and bare `\\begin{align}` blocks → `$$...$$`)."""
    entries = json_entries(data, 'cards, each {"front": ..., "back": ...}')
    result, fields, labels, wanted = Imported(), LeftOutFields(), [], []
    for index, entry in enumerate(entries, 1):
        label = f"card {index}"
        if not isinstance(entry, dict):
            result.left_out.append(f"{label}: expected an object with front and back, got "
                                   f"{type(entry).__name__}")
            continue
        notes: list[str] = []
        front = markdown_field(entry.get("front"), label, "front", notes)
        back = markdown_field(entry.get("back"), label, "back", notes)
        missing = [name for name, text in (("front", front), ("back", back)) if not text]
        if missing:
            result.left_out.append(f"{label}: " + "; ".join(
                f"{name}: expected text, got {entry.get(name)!r}" for name in missing))
            continue
        card = {"id": "", "topics": list(topics), "difficulty": difficulty,
                "front": front, "back": back}
        problem = unwritable_field(card)
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
    assign_ids(result, labels, wanted, taken)
    result.notes.extend(fields.notes())
    return result
