"""Markdown → the pack's card data: each heading a front, the text below it the back.

Headings are read without backtracking and ids made unique by counting on, so 20,000 equal
headings import in linear time.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from .html_markdown import has_html_tags
from .items import Imported, ImportProblem, assign_ids, slug, unwritable_field

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
        problem = unwritable_field(card)
        if problem:
            result.left_out.append(f"{label}: {problem}")
        else:
            result.items.append(card)
            kept.append(label)
    assign_ids(result, kept, [slug(card["front"]) for card in result.items], taken)
    with_html = [label for label, card in zip(kept, result.items)
                 if has_html_tags(card["front"]) or has_html_tags(card["back"])]
    if with_html:
        more = f", and {len(with_html) - 3} more" if len(with_html) > 3 else ""
        result.notes.append(f"HTML tags in {', '.join(with_html[:3])}{more}: studypack shows "
                            "HTML as text; rewrite them as Markdown")
    return result
