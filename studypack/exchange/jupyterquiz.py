"""jupyterquiz JSON: the pack's questions exported to it, and its questions imported.

Export, `jupyterquiz_questions()`: jupyterquiz's JSON format ("multiple_choice",
"many_choice", "numeric" with a "range"). A generated question is exported as one instance,
its numbers drawn from the given seed. A numeric question's mistakes (a generated question's:
the numbers its drawn instance's mistakes give) become answers with "correct": false and
their feedback, after the right one (jupyterquiz takes the first answer that matches, so a
number near both is right, as in studypack; two mistakes' ranges meet halfway, so the
nearer mistake wins, as in studypack). Each question also carries a "studypack" object (id,
kind, explanation, answer, tolerance, mistakes, ...) that jupyterquiz ignores and our import
reads back, so a round trip keeps ids, explanations and mistakes.

Import, `import_jupyterquiz()`: one question at a time (`convert_question`).

What jupyterquiz 2.9 does with each field (read from its renderer, `js/*.js`), and what it
becomes here:
- multiple_choice and many_choice are one widget, which grades as "pick all correct" whenever
  more than one answer is correct, whatever the type says. So: many_choice → multiple_choice;
  multiple_choice with one correct answer → single_choice, with several → multiple_choice
  (noted). An answer's "code" is shown after its text: it becomes a code span.
- numeric: answers are tried in order; a "value" must match exactly, a "range" is [low, high).
  With "precision" p (jupyterquiz ≥ 2.8: significant digits, JavaScript's toPrecision), the
  typed number and each value are rounded to p significant digits before comparing. So a value
  v becomes answer v ± half a unit in its p-th significant digit (1 with p = 2 → 1 ± 0.05;
  3.14159 with p = 3 → 3.14 ± 0.005: the rounded value is what jupyterquiz compares with). A
  range becomes its midpoint ± half its width. studypack has one correct answer and tolerance:
  other correct values or ranges inside it are kept; those outside are named as left out.
  A wrong value with feedback, outside the tolerance of the answer, becomes one of the
  question's mistakes: its feedback is shown for a number within the tolerance of it. Every
  other answer's feedback (right, a wrong range, default) goes into the explanation, saying
  which answers it is for, since studypack shows one explanation after any answer.
- other types (string, match, drag_drop, ...) have no studypack equivalent: left out, named.
- a "studypack" object (written by our export) gives back the id, the explanation, the unit and
  the exact answer, tolerance and mistakes, the last ones only while the jupyterquiz fields
  still say what our export wrote (an edit made in the JSON wins).
Fields with no equivalent ("hide", "answer_cols", unknown names) are reported, never dropped
silently.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from studypack.content.generators import generate
from studypack.content.grading import allowed_distance
from studypack.content.markdown import markdown_inline, markdown_to_html
from studypack.content.model import (GeneratedNumericQuestion, MultipleChoiceQuestion,
                                     NumericQuestion, SingleChoiceQuestion)

from .html_markdown import code_block, code_span, plain_text
from .items import (Imported, LeftOutFields, assign_ids, check_writable, finite_number,
                    json_entries, markdown_field, same_json, slug, unwritable_field, valid_id)

METADATA = "studypack"  # the key of our own fields in an exported jupyterquiz question


# ---- export ----

def jupyterquiz_questions(questions: Sequence, seed: int = 0,
                          progress: Callable[[Iterable], Iterable] = iter) -> list[dict]:
    """The questions as jupyterquiz JSON data; text as HTML with $...$ math for its MathJax.

    Raises ExportProblem, before anything is converted, for text that no file can hold."""
    check_writable(questions, "question")
    exported = []
    for question in progress(questions):
        ours = {"id": question.id, "kind": question.kind, "explanation": question.explanation}
        if isinstance(question, (SingleChoiceQuestion, MultipleChoiceQuestion)):
            exported.append({**_jupyterquiz_choice(question), METADATA: ours})
        elif isinstance(question, NumericQuestion):
            mistakes = [{"answer": mistake.answer, "feedback": mistake.feedback}
                        for mistake in question.mistakes]
            ours.update(answer=question.answer, tolerance=question.tolerance)
            for optional in ("unit", "decimals"):
                if getattr(question, optional, None) is not None:
                    ours[optional] = getattr(question, optional)
            if mistakes:
                ours["mistakes"] = mistakes
            exported.append({**_jupyterquiz_numeric(question.prompt, question.answer,
                                                    question.tolerance, question.explanation,
                                                    question.unit, mistakes), METADATA: ours})
        elif isinstance(question, GeneratedNumericQuestion):
            drawn = generate(question, seed)
            tolerance = allowed_distance(drawn)
            # the numbers this instance's mistakes give, for those the question explains
            mistakes = [{"answer": drawn.mistakes[name], "feedback": feedback}
                        for name, feedback in question.mistakes.items() if name in drawn.mistakes]
            ours.update(answer=drawn.answer, tolerance=tolerance, explanation=drawn.explanation,
                        template=question.template, seed=seed)
            if mistakes:
                ours["mistakes"] = mistakes
            exported.append({**_jupyterquiz_numeric(drawn.prompt, drawn.answer, tolerance,
                                                    drawn.explanation, None, mistakes),
                             METADATA: ours})
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
                         unit: Optional[str], mistakes: Sequence[dict] = ()) -> dict:
    """A numeric question: the right answer, then each mistake ({answer, feedback}) as a wrong
    answer with its feedback, then the feedback for any other number."""
    why = markdown_to_html(explanation)
    wrong = [{**_matching(mistake["answer"], tolerance,
                          [other["answer"] for other in mistakes]),
              "correct": False,
              "feedback": "Not quite. " + markdown_to_html(mistake["feedback"]) + why}
             for mistake in mistakes]
    return {"question": markdown_to_html(_numeric_prompt(prompt, unit)), "type": "numeric",
            "answers": [{**_matching(answer, tolerance), "correct": True,
                         "feedback": "Correct. " + why},
                        *wrong, {"type": "default", "feedback": "Not quite. " + why}]}


def _matching(number: float, tolerance: float, neighbours: Sequence[float] = ()) -> dict:
    """The jupyterquiz answer matching `number` ± `tolerance` (ranges are [low, high)), cut
    halfway to any of `neighbours` nearer than that, so each number matches the nearest."""
    if tolerance <= 0:
        return {"type": "value", "value": number}
    below = max((other for other in neighbours if other < number), default=-math.inf)
    above = min((other for other in neighbours if other > number), default=math.inf)
    return {"type": "range", "range": [max(number - tolerance, (below + number) / 2),
                                       min(number + tolerance, (number + above) / 2)]}


# ---- import ----

def import_jupyterquiz(data: Any, topics: list[str], difficulty: str,
                       taken: Iterable[str] = ()) -> Imported:
    """jupyterquiz JSON (a list of questions, or one) → question data; what each field becomes
    is described at the top of this module."""
    result, fields, labels, wanted = Imported(), LeftOutFields(), [], []
    for index, entry in enumerate(json_entries(data, "jupyterquiz questions"), 1):
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
        problem = unwritable_field(item)
        if problem:
            result.left_out.append(f"{label}: {problem}")
            continue
        result.items.append(item)
        result.notes.extend(notes)
        for left_out in item_fields:
            fields.add(*left_out)
        labels.append(label)
        wanted.append(wanted_id if wanted_id else slug(item["prompt"]))
    assign_ids(result, labels, wanted, taken)
    result.notes.extend(fields.notes())
    return result


# ---- one question ----

_QUESTION_FIELDS = {"question", "type", "answers", "code", METADATA}
_CHOICE_FIELDS = _QUESTION_FIELDS | {"answer_cols"}
_NUMERIC_FIELDS = _QUESTION_FIELDS | {"precision"}
_CHOICE_ANSWER_FIELDS = {"answer", "code", "correct", "feedback"}
_NUMERIC_ANSWER_FIELDS = {"type", "value", "range", "correct", "feedback"}
_WHY = {"answer_cols": "a layout setting; studypack lays options out itself",
        "hide": "studypack always shows whether an option is right",
        "precision": "jupyterquiz uses it for numeric questions only"}
_NO_FEEDBACK = {True: "Correct (imported without feedback: say why).",
                False: "Not correct (imported without feedback: say why)."}
_NO_EXPLANATION = "Imported without an explanation: explain the answer here."

LeftOutField = Callable[[str, str, str], None]  # (item label, field, why)


def convert_question(entry: Any, label: str, notes: list[str],
                     left_out_field: LeftOutField) -> tuple[Optional[dict], str, Optional[str]]:
    """(question data, "", wanted id or None), or (None, why it is left out, None)."""
    if not isinstance(entry, dict):
        return None, ("expected an object with question, type and answers, got "
                      f"{type(entry).__name__}"), None
    kind = entry.get("type")
    if kind not in ("multiple_choice", "many_choice", "numeric"):
        return None, (f"type {kind!r} is not imported: studypack has jupyterquiz's "
                      "multiple_choice, many_choice and numeric questions"), None
    ours = entry.get(METADATA) if isinstance(entry.get(METADATA), dict) else {}
    known = _NUMERIC_FIELDS if kind == "numeric" else _CHOICE_FIELDS
    for name in entry:
        if name not in known:
            left_out_field(label, name, _WHY.get(name, "jupyterquiz has no such field"))
    if "answer_cols" in entry:
        left_out_field(label, "answer_cols", _WHY["answer_cols"])
    prompt = markdown_field(entry.get("question"), label, "question", notes)
    if isinstance(entry.get("code"), str) and entry["code"].strip():
        block = code_block(plain_text(entry["code"]))
        prompt = f"{prompt}\n\n{block}" if prompt else block
    if not prompt:
        return None, "no question text (question or code)", None
    answers = entry.get("answers")
    if not isinstance(answers, list) or not answers:
        return None, "answers: expected a non-empty list", None
    if kind == "numeric":
        item, why = _numeric(entry, answers, label, ours, notes, left_out_field)
        unit = ours.get("unit")
        if item is not None and isinstance(unit, str) and prompt.endswith(f"\n\n(in {unit})"):
            prompt, item["unit"] = prompt[:-len(f"\n\n(in {unit})")], unit
    else:
        item, why = _choice(kind, answers, label, ours, notes, left_out_field)
    if item is None:
        return None, why, None
    wanted = ours.get("id") if valid_id(ours.get("id")) else None
    if ours.get("kind") == "generated_numeric":
        notes.append(f"{label}: generated question {ours.get('id')!r} (template "
                     f"{ours.get('template')!r}) imported as a numeric question with the "
                     f"numbers of seed {ours.get('seed')!r}")
    return {"kind": item.pop("kind"), "prompt": prompt, **item}, "", wanted


def _placeholder_note(label: str, placeholders: list[str], notes: list[str]) -> None:
    if placeholders:
        notes.append(f"{label}: wrote placeholder text for {', '.join(placeholders)}: "
                     "replace it with the real why")


def _explanation(ours: dict, placeholders: list[str]) -> str:
    text = ours.get("explanation")
    if isinstance(text, str) and text.strip():
        return text
    placeholders.append("the explanation")
    return _NO_EXPLANATION


# ---- choice ----

def _choice(kind: str, answers: list, label: str, ours: dict, notes: list[str],
            left_out_field: LeftOutField) -> tuple[Optional[dict], str]:
    options, placeholders = [], []
    for number, answer in enumerate(answers, 1):
        where = f"{label}: answer {number}"
        if not isinstance(answer, dict):
            return None, f"answer {number}: expected an object with answer and correct"
        for name in answer:
            if name not in _CHOICE_ANSWER_FIELDS:
                left_out_field(where, name, _WHY.get(name, "jupyterquiz has no such field"))
        correct = answer.get("correct", False)
        if not isinstance(correct, bool):
            return None, f"answer {number}: correct must be true or false, got {correct!r}"
        if "correct" not in answer:
            notes.append(f"{where}: no \"correct\": taken as a wrong answer, as jupyterquiz does")
        text = markdown_field(answer.get("answer"), where, "answer", notes)
        code = answer.get("code")
        if isinstance(code, str) and code.strip():
            code = plain_text(code)
            if "\n" in code.strip("\n"):
                notes.append(f"{where}: its code has several lines; an option shows them on one")
            text = f"{text} {code_span(code.strip())}" if text else code_span(code.strip())
        if not text:
            return None, f"answer {number}: no text (answer or code)"
        feedback = markdown_field(answer.get("feedback"), where, "feedback", notes)
        if not feedback:
            feedback = _NO_FEEDBACK[correct]
            placeholders.append(f"answer {number}'s feedback")
        options.append({"text": text, "correct": correct, "feedback": feedback})
    right = sum(option["correct"] for option in options)
    if right == 0:
        return None, "no answer is marked correct (studypack needs at least one)"
    if kind == "many_choice" or right > 1:
        ours_kind = "multiple_choice"
        if kind == "multiple_choice":
            notes.append(f"{label}: type multiple_choice with {right} correct answers: "
                         "jupyterquiz grades it as pick-all-correct, so it is imported as "
                         "kind multiple_choice")
    else:
        ours_kind = "single_choice"
    explanation = _explanation(ours, placeholders)
    _placeholder_note(label, placeholders, notes)
    return {"kind": ours_kind, "options": options, "explanation": explanation}, ""


# ---- numeric ----

@dataclass
class _Rule:
    """One jupyterquiz numeric answer: the typed numbers it matches, as [low, high]."""

    number: int
    correct: bool
    low: float
    high: float
    describe: str  # "the answer 2", "answers in [0, 1)"
    feedback: Optional[str]
    value: Optional[float] = None  # the value jupyterquiz compares with (rounded), if a value
    half: float = 0.0  # for a value with a precision: half a unit in its last digit


def _shown(number: float) -> str:
    text = repr(float(number))
    return text[:-2] if text.endswith(".0") else text


def _clean(number: float) -> float:
    """Float noise off a midpoint or half-width: (0.1 + 0.3) / 2 → 0.2."""
    return float(f"{number:.15g}")


def significant(value: float, digits: int) -> tuple[float, float]:
    """`value` rounded to `digits` significant digits, and half a unit in the last of them
    (what JavaScript's toPrecision keeps): (3.14159, 3) → (3.14, 0.005); 0 → (0, 0)."""
    rounded_text = f"{value:.{digits - 1}e}"
    rounded = float(rounded_text)
    if rounded == 0:
        return 0.0, 0.0
    exponent = int(rounded_text.split("e")[1])
    return rounded, float(f"5e{exponent - digits}")


def _precision(entry: dict, label: str, notes: list[str]) -> Optional[int]:
    if "precision" not in entry:
        return None
    given = finite_number(entry["precision"])
    if given is not None and given.is_integer() and 1 <= given <= 100:
        return int(given)
    notes.append(f"{label}: precision {entry['precision']!r} left out: jupyterquiz needs a whole "
                 "number of significant digits from 1 to 100; the answer must match exactly")
    return None


def _rules(answers: list, label: str, digits: Optional[int], notes: list[str],
           left_out_field: LeftOutField) -> tuple[list[_Rule], Optional[str]]:
    rules, default = [], None
    for number, answer in enumerate(answers, 1):
        where = f"{label}: answer {number}"
        if not isinstance(answer, dict):
            notes.append(f"{where} left out: expected an object with value or range")
            continue
        for name in answer:
            if name not in _NUMERIC_ANSWER_FIELDS:
                left_out_field(where, name, _WHY.get(name, "jupyterquiz has no such field"))
        feedback = markdown_field(answer.get("feedback"), where, "feedback", notes)
        correct = answer.get("correct") is True
        if "value" in answer:  # jupyterquiz looks for value, then range, then the type
            value = finite_number(answer["value"])
            if value is None:
                notes.append(f"{where} left out: value {answer['value']!r} is not a finite number")
                continue
            compared, half = significant(value, digits) if digits else (value, 0.0)
            rules.append(_Rule(number, correct, compared - half, compared + half,
                               f"the answer {_shown(value)}", feedback, compared, half))
        elif "range" in answer:
            ends = answer["range"]
            numbers = ([finite_number(end) for end in ends]
                       if isinstance(ends, list) and len(ends) == 2 else [None])
            if None in numbers:
                notes.append(f"{where} left out: range {ends!r} is not [low, high] with two "
                             "finite numbers")
                continue
            low, high = sorted(numbers)
            rules.append(_Rule(number, correct, low, high,
                               f"answers in [{_shown(low)}, {_shown(high)})", feedback))
        elif answer.get("type") == "default":
            default = feedback or default
        else:
            notes.append(f"{where} left out: it has no value, range or type \"default\"")
    return rules, default


def _numeric(entry: dict, answers: list, label: str, ours: dict, notes: list[str],
             left_out_field: LeftOutField) -> tuple[Optional[dict], str]:
    exported = _as_we_exported(entry, ours)
    if exported is not None:
        return exported, ""
    digits = _precision(entry, label, notes)
    rules, default = _rules(answers, label, digits, notes, left_out_field)
    primary = next((rule for rule in rules if rule.correct), None)
    if primary is None:
        return None, "no usable answer with \"correct\": true (a value or a range)"
    where = f"{label}: answer {primary.number}"
    if primary.value is not None:
        answer, tolerance = primary.value, primary.half
        if digits:
            original = finite_number(answers[primary.number - 1]["value"])
            rounded = f" (rounded from {_shown(original)})" if original != answer else ""
            notes.append(f"{where}: precision {digits} read as {digits} significant digits "
                         f"(jupyterquiz ≥ 2.8): answer {_shown(answer)}{rounded} ± "
                         f"{_shown(tolerance)}")
    else:
        answer = _clean((primary.low + primary.high) / 2)
        tolerance = _clean((primary.high - primary.low) / 2)
    low, high = answer - tolerance, answer + tolerance
    slack = 1e-12 * max(1.0, abs(answer))
    for rule in rules:
        if rule.number < primary.number and not rule.correct and rule.low < high \
                and rule.high > low:
            notes.append(f"{label}: answer {rule.number} (wrong, {rule.describe}) comes before "
                         "the correct one and overlaps it: jupyterquiz marks those numbers "
                         "wrong, studypack accepts them")
        if rule.correct and rule is not primary and not (rule.low >= low - slack
                                                         and rule.high <= high + slack):
            notes.append(f"{label}: answer {rule.number}, also correct ({rule.describe}), left "
                         f"out: studypack accepts one answer ± tolerance ({_shown(answer)} ± "
                         f"{_shown(tolerance)}); its feedback is kept in the explanation")
    mistakes = _wrong_values(rules, answer, tolerance)
    placeholders: list[str] = []
    explanation = _numeric_explanation(primary, [rule for rule in rules
                                                 if rule.number not in mistakes], default)
    if explanation is None:
        explanation = _explanation(ours, placeholders)
    _placeholder_note(label, placeholders, notes)
    item = {"kind": "numeric", "answer": answer, "tolerance": tolerance,
            "explanation": explanation}
    if mistakes:
        item["mistakes"] = list(mistakes.values())
    return item, ""


def _wrong_values(rules: list[_Rule], answer: float, tolerance: float) -> dict[int, dict]:
    """The wrong values with feedback that studypack can hold as mistakes ({answer,
    feedback}), by their answer's number: outside the tolerance of the answer, once each."""
    mistakes, seen = {}, set()
    for rule in rules:
        if not rule.correct and rule.value is not None and rule.feedback \
                and abs(rule.value - answer) > tolerance and rule.value not in seen:
            seen.add(rule.value)
            mistakes[rule.number] = {"answer": rule.value, "feedback": rule.feedback}
    return mistakes


def _numeric_explanation(primary: _Rule, rules: list[_Rule],
                         default: Optional[str]) -> Optional[str]:
    """Every answer's feedback in one text, each saying which answers it is for."""
    parts, seen = [], set()

    def add(text: Optional[str], heading: str = "") -> None:
        if text and text not in seen:
            seen.add(text)
            parts.append(f"{heading}{text}")

    add(primary.feedback)
    for rule in rules:
        if rule is primary:
            continue
        add(rule.feedback, f"Also accepted by the original quiz ({rule.describe}): "
                           if rule.correct else f"For {rule.describe}: ")
    add(default, "For any other answer: ")
    return "\n\n".join(parts) if parts else None


def _as_we_exported(entry: dict, ours: dict) -> Optional[dict]:
    """The exact answer, tolerance and explanation from our own export's "studypack" object,
    if the jupyterquiz answers are still exactly what the export wrote for them."""
    answer, tolerance = finite_number(ours.get("answer")), finite_number(ours.get("tolerance"))
    explanation = ours.get("explanation")
    mistakes = _our_mistakes(ours.get("mistakes", []))
    if answer is None or tolerance is None or tolerance < 0 or "precision" in entry \
            or not isinstance(explanation, str) or not explanation.strip() or mistakes is None:
        return None
    expected = _jupyterquiz_numeric("", answer, tolerance, explanation, None,
                                    mistakes)["answers"]
    if not same_json(expected, entry.get("answers")):
        return None
    item = {"kind": "numeric", "answer": answer, "tolerance": tolerance,
            "explanation": explanation}
    if mistakes:
        item["mistakes"] = mistakes
    decimals = ours.get("decimals")
    if isinstance(decimals, int) and not isinstance(decimals, bool):
        item["decimals"] = decimals
    return item


def _our_mistakes(given: Any) -> Optional[list[dict]]:
    """The mistakes of our "studypack" object ([{answer, feedback}]), or None if malformed."""
    if not isinstance(given, list):
        return None
    mistakes = []
    for mistake in given:
        if not isinstance(mistake, dict) or set(mistake) != {"answer", "feedback"}:
            return None
        number, feedback = finite_number(mistake["answer"]), mistake["feedback"]
        if number is None or not isinstance(feedback, str) or not feedback.strip():
            return None
        mistakes.append({"answer": number, "feedback": feedback})
    return mistakes
