"""Flashcards as an Anki deck (.apkg), made with genanki.

The note type (model) id, the deck id and every note's GUID are derived from names, never
drawn at random, so a re-exported deck updates the notes already imported instead of adding
copies: model id = `anki_id("studypack", "model", "v1")`, deck id = `anki_id("studypack",
"deck", <pack name>, <language>)`, note GUID = `genanki.guid_for("studypack", <pack name>,
<card id>, <language>)` (`anki_id` maps a sha256 into Anki's recommended 2^30..2^31 range).
Fields are HTML: Markdown rendered, text escaped, math as `\\(...\\)` and `\\[...\\]` for
Anki's MathJax. Tags are the card's topics.
"""
from __future__ import annotations

import hashlib
import io
from typing import Callable, Iterable, Sequence

from studypack.content.markdown import ANKI_MATH, markdown_to_html
from studypack.content.model import Card, PackSettings

from .items import ExportProblem, check_writable, unwritable


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

    check_writable(cards, "card")
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
