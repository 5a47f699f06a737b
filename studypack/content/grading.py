"""Scoring one answer to one question: points, whether it is right, and the feedback to show.

Plain functions of a question and a response, shared by the quiz widget and the instructor
tools; nothing here draws anything.

Responses: single choice, the index of the chosen option; multiple choice, the indexes of the
chosen options (any iterable); numeric and generated numeric, a number or the text a learner
typed ("0.25", "0,25", "−3", "1/4"). Text that is not a number raises `ValueError` (ask again:
it is not a wrong answer). `None` means no answer and scores 0.

A wrong number that a known mistake gives (a numeric question's `mistakes`, or a generated
question's mistakes computed by its template) is reported in `Score.mistake` and
`Score.mistake_feedback`; a number within the tolerance of the right answer is right, even
if it is also near a mistake.

`option_label(index)` names an option as the quiz, the assignment form and the grade report
show it: A…Z, AA, AB, ….
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Optional, Union

from .generators import GeneratedQuestion, generate
from .model import (GeneratedNumericQuestion, MultipleChoiceQuestion, NumericQuestion,
                    SingleChoiceQuestion, half_unit)

# Float noise must not fail an answer exactly on the tolerance: 0.4 − 0.3 is 0.10000000000000003.
_SLACK = 1e-9


@dataclass(frozen=True)
class OptionFeedback:
    """What to tell the learner about one option of a choice question."""

    index: int
    text: str
    chosen: bool
    correct: bool  # whether this option is one of the right ones
    feedback: str


@dataclass(frozen=True)
class Score:
    """The result of one answer.

    `feedback` holds the options worth commenting on: every option chosen, and every correct
    option not chosen (empty for numeric questions). `expected` is the right answer: the
    correct option's index, the sorted indexes of the correct options, or the number.
    """

    points: float
    max_points: float = 1.0
    correct: bool = False
    feedback: tuple[OptionFeedback, ...] = ()
    expected: Union[int, tuple[int, ...], float, None] = None
    explanation: str = ""
    # a wrong number that a known mistake gives: the mistake (its name, or "mistakes[i]" of
    # a numeric question) and its feedback; empty otherwise
    mistake: str = ""
    mistake_feedback: str = ""

    @property
    def fraction(self) -> float:
        return self.points / self.max_points


def score(question, response, *, seed: Optional[int] = None) -> Score:
    """Score `response` to `question` (a question model, or a GeneratedQuestion).

    A `GeneratedNumericQuestion` needs the `seed` its numbers were drawn from (or pass the
    `GeneratedQuestion` that `generate()` returned).
    """
    if isinstance(question, SingleChoiceQuestion):
        return _score_single(question, response)
    if isinstance(question, MultipleChoiceQuestion):
        return _score_multiple(question, response)
    if isinstance(question, NumericQuestion):
        # the model guarantees tolerance ≥ half a unit in the last of `decimals` places
        mistakes = [(f"mistakes[{index}]", mistake.answer, mistake.feedback)
                    for index, mistake in enumerate(question.mistakes)]
        return _score_number(response, question.answer, question.tolerance,
                             explanation=question.explanation, mistakes=mistakes)
    if isinstance(question, GeneratedNumericQuestion):
        if seed is None:
            raise TypeError(f"{question.id}: a generated question is scored against the "
                            "numbers of one seed: pass seed= or the GeneratedQuestion")
        question = generate(question, seed)
    if isinstance(question, GeneratedQuestion):
        return _score_number(response, question.answer, allowed_distance(question),
                             explanation=question.explanation,
                             mistakes=_generated_mistakes(question))
    raise TypeError(f"cannot score a {type(question).__name__}")


def parse_number(text: Union[str, float, int]) -> float:
    """A typed answer as a number: '0.25', '0,25' (decimal comma), '−3' (Unicode minus), '1/4'."""
    if isinstance(text, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cleaned = text.strip().replace("\u2212", "-").replace(" ", "")
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        try:
            if re.fullmatch(r"[+-]?\d+(\.\d*)?/[+-]?\d+(\.\d*)?", cleaned):
                numerator, denominator = cleaned.split("/")
                value = float(Fraction(numerator) / Fraction(denominator))
            else:
                value = float(cleaned)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{text!r} is not a number; type e.g. 0.25 or -1.5") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def allowed_distance(drawn: GeneratedQuestion) -> float:
    """How far from the engine's answer a response to a drawn question may be and still count.

    A question that states its precision (`decimals`) accepts any answer rounded to it: half a
    unit in the last place (0.005 for 2 places). Without it, the relative `tolerance`.
    """
    decimals = getattr(drawn.question, "decimals", None)
    if decimals is not None:
        return half_unit(decimals)
    return drawn.tolerance * abs(drawn.answer)


def _generated_mistakes(drawn: GeneratedQuestion) -> list[tuple[str, float, str]]:
    """(name, wrong answer, feedback) of the mistakes the drawn question has feedback for.

    A drawn instance read back from an assignment key may lack the mistakes' numbers: they
    are drawn again from its seed, and used only if that gives the key's answer.
    """
    feedback = getattr(drawn.question, "mistakes", None) or {}
    values = drawn.mistakes
    if feedback and not values:
        again = generate(drawn.question, drawn.seed)
        if abs(again.answer - drawn.answer) <= _SLACK * max(1.0, abs(drawn.answer)):
            values = again.mistakes
    return [(name, values[name], text) for name, text in feedback.items() if name in values]


def _within(value: float, target: float, allowed: float) -> bool:
    return abs(value - target) <= allowed + _SLACK * max(1.0, abs(target))


def _score_number(response, answer: float, allowed: float, explanation: str,
                  mistakes=()) -> Score:
    """Right if within `allowed` of `answer`; if not, the nearest of `mistakes` (name, number,
    feedback) within `allowed` of the response names the mistake."""
    if response is None:
        return Score(0.0, correct=False, expected=answer, explanation=explanation)
    value = parse_number(response)
    if _within(value, answer, allowed):
        return Score(1.0, correct=True, expected=answer, explanation=explanation)
    matching = [(abs(value - wrong), name, text) for name, wrong, text in mistakes
                if _within(value, wrong, allowed)]
    name, text = "", ""
    if matching:
        _, name, text = min(matching)
    return Score(0.0, correct=False, expected=answer, explanation=explanation, mistake=name,
                 mistake_feedback=text)


def option_label(index: int) -> str:
    """The letters naming option `index` as spreadsheets name columns: A…Z, AA, AB, … ZZ, AAA."""
    label = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label


def _option_index(question, index, count: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"{question.id}: an option is chosen by its index (an int), "
                         f"got {index!r}")
    if not 0 <= index < count:
        raise ValueError(f"{question.id}: option {index} does not exist (0 to {count - 1})")
    return index


def _feedback(question, chosen: set[int]) -> tuple[OptionFeedback, ...]:
    return tuple(OptionFeedback(index, option.text, index in chosen, option.correct,
                                option.feedback)
                 for index, option in enumerate(question.options)
                 if index in chosen or option.correct)


def _score_single(question: SingleChoiceQuestion, response) -> Score:
    right = next(i for i, option in enumerate(question.options) if option.correct)
    chosen = set()
    if response is not None:
        chosen = {_option_index(question, response, len(question.options))}
    correct = chosen == {right}
    return Score(1.0 if correct else 0.0, correct=correct, feedback=_feedback(question, chosen),
                 expected=right, explanation=question.explanation)


def _score_multiple(question: MultipleChoiceQuestion, response: Optional[Iterable[int]]) -> Score:
    """+1/k per correct option chosen, −1/(n−k) per wrong option chosen, never below 0."""
    options = question.options
    right = {i for i, option in enumerate(options) if option.correct}
    if isinstance(response, (int, str)):
        raise ValueError(f"{question.id}: multiple choice takes a collection of option "
                         f"indexes, got {response!r}")
    chosen = {_option_index(question, i, len(options)) for i in (response or ())}
    n, k = len(options), len(right)
    points = Fraction(len(chosen & right), k)  # Fractions: 3 × 1/3 is exactly 1
    wrong_chosen = len(chosen - right)
    if wrong_chosen:  # only possible when n > k
        points -= Fraction(wrong_chosen, n - k)
    points = max(points, Fraction(0))
    return Score(float(points), correct=chosen == right, feedback=_feedback(question, chosen),
                 expected=tuple(sorted(right)), explanation=question.explanation)
