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
  its numbers drawn from the given seed.

Import (each returns plain items plus notes on what needs a human look; the caller validates
them with the content models via `item_problems()` before writing YAML):
- jupyterquiz JSON → questions; jupytercards JSON (a list of {"front", "back"}) → cards;
- Markdown → cards: each heading is a card's front, the text up to the next heading its back.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from typing import Any, Callable, Iterable, Optional, Sequence

import yaml
from pydantic import ValidationError

from .generators import generate
from .loader import ContentError, _field_name, _message
from .model import (QUESTION_ADAPTER, QUESTION_MODELS, TOPICS_CONTEXT, Card,
                    GeneratedNumericQuestion, MultipleChoiceQuestion, NumericQuestion,
                    PackSettings, SingleChoiceQuestion)
from .markdown import ANKI_MATH, markdown_inline, markdown_to_html

# ---- Anki ----

ANKI_FIELDS = ("Front", "Back", "Id")


def anki_id(*names: str) -> int:
    """A stable Anki model or deck id from names, in the range genanki recommends (2^30..2^31)."""
    digest = hashlib.sha256("\x1f".join(names).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def anki_package(cards: Sequence[Card], settings: PackSettings, language: str,
                 progress: Callable[[Iterable], Iterable] = iter) -> bytes:
    """The cards as an .apkg file's bytes (genanki), with stable model, deck and note ids."""
    import genanki

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
    """The questions as jupyterquiz JSON data; text as HTML with $...$ math for its MathJax."""
    exported = []
    for question in progress(questions):
        if isinstance(question, (SingleChoiceQuestion, MultipleChoiceQuestion)):
            exported.append(_jupyterquiz_choice(question))
        elif isinstance(question, NumericQuestion):
            exported.append(_jupyterquiz_numeric(question.prompt, question.answer,
                                                 question.tolerance, question.explanation,
                                                 question.unit))
        elif isinstance(question, GeneratedNumericQuestion):
            drawn = generate(question, seed)
            exported.append(_jupyterquiz_numeric(drawn.prompt, drawn.answer,
                                                 drawn.tolerance * abs(drawn.answer),
                                                 drawn.explanation, None))
    return exported


def _jupyterquiz_choice(question) -> dict:
    kind = "multiple_choice" if isinstance(question, SingleChoiceQuestion) else "many_choice"
    return {"question": markdown_to_html(question.prompt), "type": kind,
            "answers": [{"answer": markdown_inline(option.text),
                         "correct": option.correct,
                         "feedback": markdown_inline(option.feedback)}
                        for option in question.options]}


def _jupyterquiz_numeric(prompt: str, answer: float, tolerance: float, explanation: str,
                         unit: Optional[str]) -> dict:
    if unit:
        prompt = f"{prompt}\n\n(in {unit})"
    if tolerance > 0:  # jupyterquiz ranges are [low, high)
        right = {"type": "range", "range": [answer - tolerance, answer + tolerance]}
    else:
        right = {"type": "value", "value": answer}
    why = markdown_to_html(explanation)
    return {"question": markdown_to_html(prompt), "type": "numeric",
            "answers": [{**right, "correct": True, "feedback": "Correct. " + why},
                        {"type": "default", "feedback": "Not quite. " + why}]}


# ---- imports ----

class ImportProblem(ValueError):
    """The input cannot be imported; `problems` lists what is wrong, item by item."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def slug(text: str, max_length: int = 48) -> str:
    """A kebab-case id from text: 'What is a Loss?' → 'what-is-a-loss'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"\$[^$]*\$", " ", plain)  # math makes poor ids
    words = re.findall(r"[a-z0-9]+", plain.lower())
    result = ""
    for word in words:
        if result and len(result) + 1 + len(word) > max_length:
            break
        result = f"{result}-{word}" if result else word[:max_length]
    return result or "item"


def unique_ids(texts: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """A slug per text, made unique (…-2, …-3) among themselves and the `taken` ids."""
    used, ids = set(taken), []
    for text in texts:
        base = candidate = slug(text)
        number = 1
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        ids.append(candidate)
    return ids


_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def _text(value: Any, where: str, problems: list[str]) -> Optional[str]:
    if isinstance(value, str) and value.strip():
        return value.strip()
    problems.append(f"{where}: expected text, got {value!r}")
    return None


def _html_notes(items: Sequence[dict], fields: Sequence[str]) -> list[str]:
    """Notes for text that contains HTML tags (studypack shows raw HTML as text)."""
    flagged = [item["id"] for item in items
               if any(_HTML_TAG.search(str(item.get(name, ""))) for name in fields)]
    if not flagged:
        return []
    return [f"HTML tags in {', '.join(flagged)}: studypack shows HTML as text; rewrite them "
            "as Markdown"]


def import_jupytercards(data: Any, topics: list[str], difficulty: str,
                        taken: Iterable[str] = ()) -> tuple[list[dict], list[str]]:
    """jupytercards JSON (a list of {"front": ..., "back": ...}) → card data."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(["expected a JSON list of cards, each {\"front\": ..., \"back\": ...}"])
    problems, pairs = [], []
    for index, entry in enumerate(data, 1):
        if not isinstance(entry, dict):
            problems.append(f"card {index}: expected an object with front and back")
            continue
        front = _text(entry.get("front"), f"card {index}: front", problems)
        back = _text(entry.get("back"), f"card {index}: back", problems)
        if front and back:
            pairs.append((front, back))
    if problems:
        raise ImportProblem(problems)
    return _cards(pairs, topics, difficulty, taken)


def _cards(pairs: Sequence[tuple[str, str]], topics: list[str], difficulty: str,
           taken: Iterable[str]) -> tuple[list[dict], list[str]]:
    ids = unique_ids((front for front, _ in pairs), taken)
    cards = [{"id": card_id, "topics": list(topics), "difficulty": difficulty,
              "front": front, "back": back} for card_id, (front, back) in zip(ids, pairs)]
    return cards, _html_notes(cards, ("front", "back"))


_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def import_markdown(text: str, topics: list[str], difficulty: str,
                    taken: Iterable[str] = ()) -> tuple[list[dict], list[str]]:
    """Markdown → card data: each heading is a front, the text below it (to the next heading)
    the back. Lines inside ``` fences are never headings."""
    pairs, notes, problems = [], [], []
    front, body, fence, preamble = None, [], None, []

    def finish():
        if front is None:
            return
        back = "\n".join(body).strip()
        if back:
            pairs.append((front, back))
        else:
            problems.append(f"heading {front!r}: no text below it to use as the back")

    for line in text.splitlines():
        fence_mark = _FENCE.match(line)
        if fence_mark and (fence is None or fence_mark.group(1)[0] == fence[0]):
            fence = fence_mark.group(1) if fence is None else None
        heading = _HEADING.match(line) if fence is None else None
        if heading:
            finish()
            front, body = heading.group(2), []
        elif front is None:
            preamble.append(line)
        else:
            body.append(line)
    finish()
    if problems:
        raise ImportProblem(problems)
    if not pairs:
        raise ImportProblem(["no headings found: each card is a '# heading' (the front) "
                             "followed by its text (the back)"])
    if "\n".join(preamble).strip():
        notes.append("text before the first heading was left out")
    cards, more = _cards(pairs, topics, difficulty, taken)
    return cards, notes + more


def import_jupyterquiz(data: Any, topics: list[str], difficulty: str,
                       taken: Iterable[str] = ()) -> tuple[list[dict], list[str]]:
    """jupyterquiz JSON (a list of questions, or one) → question data.

    multiple_choice (one correct answer) → single_choice, many_choice → multiple_choice,
    numeric → numeric (its first correct value or range; a value with "precision" p gets the
    tolerance of p decimal places). jupyterquiz has no explanation and optional feedback:
    those get a placeholder, listed in the notes, to be rewritten.
    """
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(["expected a JSON list of jupyterquiz questions"])
    problems, converted, notes = [], [], []
    for index, entry in enumerate(data, 1):
        where = f"question {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected an object with question, type and answers")
            continue
        kind = entry.get("type")
        prompt = _text(entry.get("question"), f"{where}: question", problems)
        if isinstance(entry.get("code"), str) and prompt:
            prompt += f"\n\n```\n{entry['code']}\n```"
        answers = entry.get("answers")
        if not isinstance(answers, list) or not answers:
            problems.append(f"{where}: answers: expected a non-empty list")
            continue
        if kind in ("multiple_choice", "many_choice"):
            item = _choice_from_jupyterquiz(kind, answers, where, problems)
        elif kind == "numeric":
            item = _numeric_from_jupyterquiz(entry, answers, where, problems)
        else:
            problems.append(f"{where}: type {kind!r} is not imported; use multiple_choice, "
                            "many_choice or numeric")
            continue
        if item is not None and prompt:
            converted.append({"prompt": prompt, **item})
    if problems:
        raise ImportProblem(problems)
    ids = unique_ids((item["prompt"] for item in converted), taken)
    questions = []
    for question_id, item in zip(ids, converted):
        placeholders = item.pop("_placeholders")
        if placeholders:
            notes.append(f"{question_id}: wrote placeholder text for {', '.join(placeholders)}: "
                         "replace it with the real why")
        questions.append({"id": question_id, "topics": list(topics), "difficulty": difficulty,
                          "kind": item.pop("kind"), **item})
    return questions, notes + _html_notes(questions, ("prompt",))


_NO_FEEDBACK = {True: "Correct (imported without feedback: say why).",
                False: "Not correct (imported without feedback: say why)."}
_NO_EXPLANATION = "Imported without an explanation: explain the answer here."


def _choice_from_jupyterquiz(kind: str, answers: list, where: str,
                             problems: list[str]) -> Optional[dict]:
    options, placeholders = [], []
    for number, answer in enumerate(answers, 1):
        if not isinstance(answer, dict) or not isinstance(answer.get("correct"), bool):
            problems.append(f"{where}: answer {number}: expected an object with answer and "
                            "correct (true/false)")
            continue
        text = answer.get("answer")
        if not (isinstance(text, str) and text.strip()) and isinstance(answer.get("code"), str):
            text = f"`{answer['code'].strip()}`"
        text = _text(text, f"{where}: answer {number}", problems)
        feedback = answer.get("feedback")
        if not (isinstance(feedback, str) and feedback.strip()):
            feedback = _NO_FEEDBACK[answer["correct"]]
            placeholders.append(f"answer {number}'s feedback")
        if text:
            options.append({"text": text, "correct": answer["correct"],
                            "feedback": feedback.strip()})
    correct = sum(option["correct"] for option in options)
    if kind == "multiple_choice" and correct > 1:
        problems.append(f"{where}: a multiple_choice question with {correct} correct answers "
                        "(any one accepted) has no studypack equivalent: keep one, or make it "
                        "many_choice")
        return None
    ours = "single_choice" if kind == "multiple_choice" else "multiple_choice"
    return {"kind": ours, "options": options, "explanation": _NO_EXPLANATION,
            "_placeholders": placeholders + ["the explanation"]}


def _numeric_from_jupyterquiz(entry: dict, answers: list, where: str,
                              problems: list[str]) -> Optional[dict]:
    right = [answer for answer in answers if isinstance(answer, dict) and answer.get("correct")]
    if not right:
        problems.append(f"{where}: no answer with \"correct\": true")
        return None
    first = right[0]
    if isinstance(first.get("range"), list) and len(first["range"]) == 2 \
            and all(isinstance(end, (int, float)) for end in first["range"]):
        low, high = sorted(map(float, first["range"]))
        answer, tolerance = (low + high) / 2, (high - low) / 2
    elif isinstance(first.get("value"), (int, float)) and not isinstance(first["value"], bool):
        answer, tolerance = float(first["value"]), 0.0
        precision = entry.get("precision")
        if isinstance(precision, int) and not isinstance(precision, bool) and precision >= 0:
            tolerance = 0.5 * 10.0 ** -precision
    else:
        problems.append(f"{where}: the correct answer needs a \"value\" number or a "
                        "\"range\" [low, high]")
        return None
    feedback = next((answer.get("feedback") for answer in right + answers
                     if isinstance(answer, dict) and isinstance(answer.get("feedback"), str)
                     and answer["feedback"].strip()), None)
    placeholders = [] if feedback else ["the explanation"]
    return {"kind": "numeric", "answer": answer, "tolerance": tolerance,
            "explanation": (feedback or _NO_EXPLANATION).strip(), "_placeholders": placeholders}


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


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _block_representer)
_Dumper.add_representer(list, _list_representer)


def items_yaml(items: Sequence[dict], header: str) -> str:
    """Items as a YAML list in the pack's style, with a comment header."""
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.dump(list(items), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    # a blank line between items, as in the pack's own files
    return comment + "\n" + body.replace("\n- id:", "\n\n- id:")
