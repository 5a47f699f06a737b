"""The content models: what a card, a question, a note and a translation may contain.

These pydantic models are the one definition of the content format: the loader validates
every YAML item with them, and `write_json_schemas()` turns them into the JSON Schemas under
`schema/`. Unknown fields are errors everywhere (`extra="forbid"`), and values are taken as
YAML typed them (`strict=True`): `text: 1986` is a number, not text, and must be quoted.

Using the schemas in an editor: the YAML language server (VS Code's YAML extension, and most
editors through LSP) reads a first-line comment naming a schema, and then completes field
names and underlines mistakes as you type, e.g. at the top of `flashcards/cards.yaml`:

    # yaml-language-server: $schema=../schema/card.schema.json

(`quizzes/questions.yaml` ↔ `../schema/question.schema.json`; in `translations/<lang>/`,
`flashcards.yaml` ↔ `../../schema/translation-flashcards.schema.json` and `quizzes.yaml` ↔
`../../schema/translation-quizzes.schema.json`). `note.schema.json` and `translation-note.schema.json`
describe a note's front matter, which editors do not check inside Markdown; the loader does.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag,
                      TypeAdapter, ValidationInfo, WithJsonSchema, field_validator)

from .generators import ANSWER_PLACEHOLDER, TEMPLATES, placeholders_in, template_names

TOPICS = (
    "backprop",               # what it is and its purpose
    "machine-learning",       # what ML is for in this context
    "forward-pass",
    "loss",                   # MSE, cross-entropy
    "chain-rule",
    "computational-graph",
    "backward-pass",          # gradient propagation
    "weight-update",
    "learning-rate",          # too small / too large
    "gradient-descent",       # batch, stochastic, mini-batch
    "epochs-convergence",
    "minima-saddle-points",
    "vanishing-exploding",
    "activations",            # and their derivatives
    "gradient-checking",
    "history",                # 1986 Rumelhart, Hinton & Williams; Linnainmaa 1970, Werbos 1974
    "applications",           # image recognition, NLP, speech, recommendation, diagnosis
)
DIFFICULTIES = ("easy", "medium", "hard")
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "it", "fr", "pt", "es", "de")
QUESTION_KINDS = ("single_choice", "multiple_choice", "numeric", "generated_numeric")
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID = re.compile(ID_PATTERN)


# ---- field types: each checks one rule and says what to do when it fails ----

def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a valid id: use lowercase kebab-case (letters a-z, "
                         "digits, single hyphens between words), e.g. 'what-is-backpropagation'")
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


# Validation context key: a pack's own topic vocabulary (from its pack.yaml) replaces TOPICS.
TOPICS_CONTEXT = "topics"


def _check_topic(value: str, info: ValidationInfo) -> str:
    topics = (info.context or {}).get(TOPICS_CONTEXT, TOPICS)
    if topics is None:  # the pack's topics are unknown (its pack.yaml is broken, and reported)
        return value
    if value not in topics:
        where = "" if tuple(topics) == TOPICS else " (the topics listed in pack.yaml)"
        raise ValueError(f"unknown topic {value!r}; use one of{where}: {', '.join(topics)}")
    return value


def _check_difficulty(value: str) -> str:
    if value not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {value!r}; use easy, medium or hard")
    return value


def _check_template(value: str) -> str:
    if value not in TEMPLATES:
        raise ValueError(f"unknown template {value!r}; registered templates (in "
                         f"studypack.content.generators): {', '.join(template_names())}")
    return value


def _check_lesson(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_\-]+\.ipynb", value):
        raise ValueError(f"{value!r} is not a notebook file name: give the name of a lesson "
                         "in notebooks/, e.g. '01_forward_pass_and_loss.ipynb'")
    return value


Id = Annotated[str, AfterValidator(_check_id),
               WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
Text = Annotated[str, AfterValidator(_check_text),
                 WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"})]
Topic = Annotated[str, AfterValidator(_check_topic),
                  WithJsonSchema({"type": "string", "enum": list(TOPICS)})]
Difficulty = Annotated[str, AfterValidator(_check_difficulty),
                       WithJsonSchema({"type": "string", "enum": list(DIFFICULTIES)})]
TemplateName = Annotated[str, AfterValidator(_check_template),
                         WithJsonSchema({"type": "string", "enum": template_names()})]
LessonFile = Annotated[str, AfterValidator(_check_lesson),
                       WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9_\-]+\.ipynb$"})]
Number = Annotated[float, Field(allow_inf_nan=False)]

PROMPT = "Markdown with $...$ math: the question as the learner sees it."
DECIMALS = ("The precision the prompt asks for, in decimal places (0: a whole number): an "
            "answer rounded to it counts, and so does a more precise one. The prompt must say so, "
            "in every language (e.g. 'Give your answer to 2 decimal places.').")
MAX_DECIMALS = 12


def half_unit(decimals: int) -> float:
    """Half a unit in the last of `decimals` places: how far a correctly rounded answer can be."""
    return 0.5 * 10.0 ** -decimals
EXPLANATION = "Markdown: why the answer is what it is, shown after answering."


def _no_repeats(values: list, what: str) -> list:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.add(value)
    return values


class _Strict(BaseModel):
    # strict: take values as YAML typed them (no "1.5" → 1.5, no 1986 → "1986")
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Item(_Strict):
    """What cards, questions and notes share."""

    id: Id = Field(description="Stable, unique within its kind, lowercase kebab-case.")
    topics: list[Topic] = Field(min_length=1, description="One or more topics from the vocabulary.")
    difficulty: Difficulty

    @field_validator("topics")
    @classmethod
    def _topics_once(cls, topics: list[str]) -> list[str]:
        return _no_repeats(topics, "topic")


# ---- cards ----

class Card(_Item):
    """A flashcard: a question on the front, the answer on the back (Markdown with math)."""

    front: Text = Field(description="Markdown with $...$ math: what the learner is asked.")
    back: Text = Field(description="Markdown with $...$ math: the answer.")


# ---- questions ----

class Option(_Strict):
    """One choice of a single- or multiple-choice question."""

    text: Text
    correct: bool
    feedback: Text = Field(description="Why this option is right or wrong; shown after answering.")


def _count_correct(options: list[Option]) -> int:
    return sum(option.correct for option in options)


# The count of correct options, for editors: JSON Schema's `contains` with min/maxContains.
_CORRECT_OPTION = {"properties": {"correct": {"const": True}}}


TRANSFER = ("True when the question asks for something the cards do not show with the same "
            "numbers: a new op's local derivative, a shape, a step of an optimiser, a diagnosis.")


class SingleChoiceQuestion(_Item):
    """Pick one option; exactly one is correct."""

    kind: Literal["single_choice"]
    prompt: Text = Field(description=PROMPT)
    options: list[Option] = Field(min_length=2, description="Exactly one has correct: true.",
                                  json_schema_extra={"contains": _CORRECT_OPTION,
                                                     "minContains": 1, "maxContains": 1})
    explanation: Text = Field(description=EXPLANATION)
    transfer: bool = Field(default=False, description=TRANSFER)

    @field_validator("options")
    @classmethod
    def _exactly_one_correct(cls, options: list[Option]) -> list[Option]:
        found = _count_correct(options)
        if found != 1:
            raise ValueError("exactly one option must have correct: true for kind single_choice "
                             f"(found {found}); use kind multiple_choice for several")
        return options


class MultipleChoiceQuestion(_Item):
    """Pick every correct option; partial credit (see studypack.content.grading)."""

    kind: Literal["multiple_choice"]
    prompt: Text = Field(description=PROMPT)
    options: list[Option] = Field(min_length=2, description="At least one has correct: true.",
                                  json_schema_extra={"contains": _CORRECT_OPTION,
                                                     "minContains": 1})
    explanation: Text = Field(description=EXPLANATION)
    transfer: bool = Field(default=False, description=TRANSFER)

    @field_validator("options")
    @classmethod
    def _some_correct(cls, options: list[Option]) -> list[Option]:
        if _count_correct(options) == 0:
            raise ValueError("at least one option must have correct: true for kind "
                             "multiple_choice (found 0)")
        return options


def _check_tolerance(value: float, meaning: str) -> float:
    if value < 0:
        raise ValueError(f"must be ≥ 0 (got {value:g}): it is the {meaning}")
    return value


class NumericMistake(_Strict):
    """A common wrong answer to a numeric question and what to tell whoever gives it."""

    answer: Number
    feedback: Text = Field(description="Which mistake gives this number, and how to avoid it.")


MISTAKES = ("Common wrong answers with their own feedback, shown when a wrong answer is within "
            "the question's tolerance of one (and not of the right answer).")


class NumericQuestion(_Item):
    """Type a number; it counts if within `tolerance` (absolute) of `answer`."""

    kind: Literal["numeric"]
    prompt: Text = Field(description=PROMPT)
    answer: Number
    tolerance: Number = Field(description="Absolute: |response − answer| ≤ tolerance counts.",
                              json_schema_extra={"minimum": 0})
    unit: Optional[Text] = None
    explanation: Text = Field(description=EXPLANATION + " Give the working.")
    decimals: Optional[int] = Field(default=None, ge=0, le=MAX_DECIMALS,
                                    description=DECIMALS + " `tolerance` must then be at least "
                                                           "half a unit in that place.")
    mistakes: list[NumericMistake] = Field(default_factory=list, description=MISTAKES)
    transfer: bool = Field(default=False, description=TRANSFER)

    @field_validator("tolerance")
    @classmethod
    def _tolerance_not_negative(cls, value: float) -> float:
        return _check_tolerance(value, "largest distance from the answer that still counts")

    @field_validator("mistakes")
    @classmethod
    def _mistakes_are_wrong(cls, mistakes: list[NumericMistake],
                            info: ValidationInfo) -> list[NumericMistake]:
        answer, tolerance = info.data.get("answer"), info.data.get("tolerance")
        if answer is None or tolerance is None:  # reported on their own
            return mistakes
        for number, mistake in enumerate(mistakes, 1):
            if abs(mistake.answer - answer) <= tolerance:
                raise ValueError(f"mistake {number}: its answer {mistake.answer:g} is within the "
                                 f"tolerance {tolerance:g} of the right answer {answer:g}, so it "
                                 "would be marked right: give the number the mistake leads to")
        _no_repeats([mistake.answer for mistake in mistakes], "mistake answer")
        return mistakes

    @field_validator("decimals")
    @classmethod
    def _tolerance_allows_rounding(cls, decimals: Optional[int],
                                   info: ValidationInfo) -> Optional[int]:
        tolerance = info.data.get("tolerance")
        if decimals is not None and tolerance is not None and tolerance < half_unit(decimals):
            raise ValueError(f"tolerance {tolerance:g} is below {half_unit(decimals):g}, half a "
                             f"unit in the last of {decimals} decimal place(s): an answer "
                             "correctly rounded as the prompt asks would be marked wrong; "
                             f"raise the tolerance to at least {half_unit(decimals):g}")
        return decimals


class GeneratedNumericQuestion(_Item):
    """A numeric question whose numbers come from a registered template and a seed.

    `prompt` uses the template's `{placeholders}`; `explanation` may use them and `{answer}`.
    """

    kind: Literal["generated_numeric"]
    # template comes before prompt and explanation so their validators can see it
    template: TemplateName = Field(description="A generator registered in "
                                               "studypack.content.generators.")
    prompt: Text = Field(description=PROMPT + " {name} is filled with the template's numbers.")
    explanation: Text = Field(description=EXPLANATION + " May use {placeholders} and {answer}.")
    tolerance: Optional[Number] = Field(default=None, description="Relative; 0.01 when left out "
                                        "(and `decimals` is not given).",
                                        json_schema_extra={"minimum": 0})
    decimals: Optional[int] = Field(default=None, ge=0, le=MAX_DECIMALS,
                                    description=DECIMALS + " Replaces the relative `tolerance`.")
    mistakes: dict[Id, Text] = Field(default_factory=dict, description=(
        "Feedback by the name of a mistake the template computes (e.g. forgot-mean): shown when "
        "a wrong answer matches the number that mistake gives."))
    transfer: bool = Field(default=False, description=TRANSFER)

    @field_validator("mistakes")
    @classmethod
    def _known_mistakes(cls, mistakes: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        template = info.data.get("template")
        if template is None:
            return mistakes
        known = TEMPLATES[template].mistakes
        unknown = sorted(set(mistakes) - set(known))
        if unknown:
            raise ValueError(f"unknown mistake {', '.join(unknown)} for template {template!r}; "
                             f"it computes: {', '.join(known) or '(none)'}")
        return mistakes

    @field_validator("prompt", "explanation")
    @classmethod
    def _known_placeholders(cls, text: str, info: ValidationInfo) -> str:
        template = info.data.get("template")
        if template is None:  # the template itself was invalid: that error is reported
            return text
        available = set(TEMPLATES[template].placeholders)
        if info.field_name == "explanation":
            available.add(ANSWER_PLACEHOLDER)
        unknown = placeholders_in(text) - available
        if unknown:
            names = ", ".join("{%s}" % name for name in sorted(unknown))
            raise ValueError(
                f"unknown placeholder {names} for template {template!r}; available: "
                f"{', '.join('{%s}' % name for name in sorted(available))} (for a LaTeX group "
                "that is a plain word, put spaces inside the braces: \\frac{1}{ n })")
        return text

    @field_validator("tolerance")
    @classmethod
    def _tolerance_not_negative(cls, value: Optional[float]) -> Optional[float]:
        if value is None:
            return value
        return _check_tolerance(value, "relative distance from the answer that still counts")

    @field_validator("decimals")
    @classmethod
    def _decimals_or_tolerance(cls, decimals: Optional[int],
                               info: ValidationInfo) -> Optional[int]:
        if decimals is not None and info.data.get("tolerance") is not None:
            raise ValueError("give either decimals (an answer rounded to that many places "
                             "counts) or a relative tolerance, not both")
        return decimals


Question = Annotated[
    Union[SingleChoiceQuestion, MultipleChoiceQuestion, NumericQuestion, GeneratedNumericQuestion],
    Field(discriminator="kind"),
]
QUESTION_MODELS = {
    "single_choice": SingleChoiceQuestion,
    "multiple_choice": MultipleChoiceQuestion,
    "numeric": NumericQuestion,
    "generated_numeric": GeneratedNumericQuestion,
}
QUESTION_ADAPTER = TypeAdapter(Question)


def parse_question(data: dict) -> Question:
    """Validate one question (any kind) from plain data, e.g. one item of questions.yaml."""
    return QUESTION_ADAPTER.validate_python(data)


def transfer_share(questions) -> tuple[int, int, float]:
    """(transfer questions, all questions, their share) of a pack or a list of questions."""
    questions = list(getattr(questions, "questions", questions))
    transfer = sum(question.transfer for question in questions)
    return transfer, len(questions), (transfer / len(questions) if questions else 0.0)


# ---- notes ----

class NoteFrontMatter(_Item):
    """The YAML front matter of notes/<id>.md (the id must equal the file name)."""

    title: Text
    lesson: Optional[LessonFile] = Field(default=None, description="A notebook in notebooks/.")
    cards: list[Id] = Field(default_factory=list,
                            description="Ids of cards on this note's subject.")
    questions: list[Id] = Field(default_factory=list,
                                description="Ids of questions on this note's subject.")

    @field_validator("cards", "questions")
    @classmethod
    def _linked_once(cls, ids: list[str]) -> list[str]:
        return _no_repeats(ids, "id")


class Note(NoteFrontMatter):
    """A study note: its front matter and its Markdown body."""

    body: Text


# ---- the pack itself ----

class PackSettings(_Strict):
    """pack.yaml in a pack's root (optional): the pack's name, title and topic vocabulary.

    A pack on another subject lists its own topics here; without pack.yaml a pack uses this
    checkout's backpropagation topics (`TOPICS`).
    """

    name: Id = Field(description="Stable: Anki deck and note ids are derived from it.")
    title: Text
    topics: list[Id] = Field(min_length=1, description="The topics cards, questions and notes "
                                                        "may use, in the order to list them.")

    @field_validator("topics")
    @classmethod
    def _topics_once(cls, topics: list[str]) -> list[str]:
        return _no_repeats(topics, "topic")


DEFAULT_PACK_SETTINGS = PackSettings(name="backprop", title="Backpropagation and gradient descent",
                                     topics=list(TOPICS))


# ---- translations: text only, keyed by id; a left-out field falls back to English ----

class CardTranslation(_Strict):
    front: Optional[Text] = None
    back: Optional[Text] = None


class OptionTranslation(_Strict):
    text: Optional[Text] = None
    feedback: Optional[Text] = None


class MistakeTranslation(_Strict):
    feedback: Text


def _mistakes_shape(value) -> str:
    return "list" if isinstance(value, list) else "mapping"


# A numeric question's mistakes are a list, a generated question's a mapping by name. The
# shape picks the branch, so an error speaks of that branch only (the collector drops the tag
# from the error's location, MISTAKE_SHAPES).
MISTAKE_SHAPES = ("list", "mapping")
TranslatedMistakes = Annotated[
    Union[Annotated[list[MistakeTranslation], Tag("list")],
          Annotated[dict[Id, Text], Tag("mapping")]],
    Discriminator(_mistakes_shape)]


class QuestionTranslation(_Strict):
    prompt: Optional[Text] = None
    explanation: Optional[Text] = None
    options: Optional[list[OptionTranslation]] = Field(
        default=None, description="In the same order and number as the English options.")
    unit: Optional[Text] = None
    mistakes: Optional[TranslatedMistakes] = Field(
        default=None, description="A numeric question's: the feedback of each mistake, in the "
        "English order; a generated question's: feedback by the same mistake names.")


class NoteTranslation(_Strict):
    """The front matter of translations/<lang>/notes/<id>.md (the body is the translated text)."""

    id: Optional[Id] = Field(default=None, description="If given, the file name's id.")
    title: Text


# Fields that decide correctness: a translation carrying one gets a specific message.
CORRECTNESS_FIELDS = ("correct", "answer", "tolerance", "decimals", "template", "kind", "topics",
                      "difficulty", "lesson", "cards", "questions")


# ---- JSON Schemas ----

_TRANSLATION_KEYS = {"type": "string", "pattern": ID_PATTERN}


def json_schemas() -> dict[str, dict]:
    """The published JSON Schemas by file name, generated from the models above."""
    def schema(adapter_type, title: str, description: str) -> dict:
        generated = TypeAdapter(adapter_type).json_schema()
        for replaced in ("title", "description"):  # a model's own: its class name and docstring
            generated.pop(replaced, None)
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
                "description": description, **generated}

    translations = {}
    for name, entry, source in (("flashcards", CardTranslation, "flashcards/cards.yaml"),
                                ("quizzes", QuestionTranslation, "quizzes/questions.yaml")):
        translation = schema(dict[str, entry], f"studypack {name} translation",
                             f"translations/<lang>/{name}.yaml: text only, keyed by the id of "
                             f"an item in {source}.")
        translation["propertyNames"] = _TRANSLATION_KEYS
        translations[f"translation-{name}.schema.json"] = translation
    return {
        "card.schema.json": schema(list[Card], "studypack flashcards",
                                   "flashcards/cards.yaml: a list of cards."),
        "question.schema.json": schema(list[Question], "studypack questions",
                                       "quizzes/questions.yaml: a list of questions; `kind` "
                                       "decides the other fields."),
        "pack.schema.json": schema(PackSettings, "studypack pack settings",
                                   "pack.yaml: the pack's name, title and topics (optional)."),
        "note.schema.json": schema(NoteFrontMatter, "studypack note front matter",
                                   "The YAML front matter of notes/<id>.md."),
        **translations,
        "translation-note.schema.json": schema(
            NoteTranslation, "studypack note translation front matter",
            "The YAML front matter of translations/<lang>/notes/<id>.md."),
    }


def write_json_schemas(folder) -> list[Path]:
    """Write every schema of `json_schemas()` into `folder` (e.g. the checkout's schema/).

    Run after changing a model: `python -c "from studypack.content import write_json_schemas;
    write_json_schemas('schema')"`; a test fails while the committed files differ.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
