"""Read and check the study content: cards, questions, notes and their translations.

`load_pack()` gives the content in one language, ready to use; `validate_pack()` lists every
problem in every language. YAML is read with PyYAML's safe loader only (plain data, never
objects or code). Each problem is a `ContentError` printed as `file:line: id: field: message`,
with the line taken from the YAML node the problem is about, so an editor can jump to it.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import yaml
from pydantic import BaseModel, ValidationError

from .generators import placeholders_in
from .model import (CORRECTNESS_FIELDS, DEFAULT_PACK_SETTINGS, LANGUAGES, QUESTION_ADAPTER,
                    QUESTION_KINDS, QUESTION_MODELS, SOURCE_LANGUAGE, TOPICS_CONTEXT, Card,
                    CardTranslation, GeneratedNumericQuestion, MultipleChoiceQuestion, Note,
                    NoteFrontMatter, NoteTranslation, NumericQuestion, PackSettings, Question,
                    QuestionTranslation, SingleChoiceQuestion)

CARDS_FOLDER, QUIZZES_FOLDER, NOTES_FOLDER = "flashcards", "quizzes", "notes"
TRANSLATIONS_FOLDER, LESSONS_FOLDER = "translations", "notebooks"
PACK_FILE = "pack.yaml"  # optional: the pack's name, title and own topics
TRANSLATION_FILES = {"flashcards.yaml", "quizzes.yaml", "notes"}
CHOICE_KINDS = (SingleChoiceQuestion, MultipleChoiceQuestion)


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


# ---- the loaded content ----

@dataclass
class Pack:
    """The content in one language: lists in file order, lookups by id.

    Cards and questions keep the order of their files (files by name); notes follow their
    lessons (01_…, 02_…), then their ids. Text is translated where a translation exists and
    English otherwise; ids, answers and `correct` flags are always the English source's.
    `settings` come from the pack's pack.yaml (default: this checkout's name and topics).
    """

    root: Path
    language: str
    cards: list[Card]
    questions: list[Question]
    notes: list[Note]
    settings: PackSettings = DEFAULT_PACK_SETTINGS

    def __post_init__(self):
        self._cards = {card.id: card for card in self.cards}
        self._questions = {question.id: question for question in self.questions}
        self._notes = {note.id: note for note in self.notes}

    def card(self, card_id: str) -> Card:
        return _lookup(self._cards, card_id, "card")

    def question(self, question_id: str) -> Question:
        return _lookup(self._questions, question_id, "question")

    def note(self, note_id: str) -> Note:
        return _lookup(self._notes, note_id, "note")

    def topics(self) -> list[str]:
        """The topics some card, question or note has, in the vocabulary's order."""
        used = {topic for item in (*self.cards, *self.questions, *self.notes)
                for topic in item.topics}
        return [topic for topic in self.settings.topics if topic in used]

    def with_topic(self, topic: str) -> tuple[list[Card], list[Question], list[Note]]:
        """The cards, questions and notes that have `topic`."""
        if topic not in self.settings.topics:
            raise ValueError(f"unknown topic {topic!r}; topics: "
                             f"{', '.join(self.settings.topics)}")
        return ([c for c in self.cards if topic in c.topics],
                [q for q in self.questions if topic in q.topics],
                [n for n in self.notes if topic in n.topics])


def _lookup(items: dict, item_id: str, kind: str):
    try:
        return items[item_id]
    except KeyError:
        raise KeyError(f"no {kind} with id {item_id!r}") from None


def default_root() -> Path:
    """The project checkout this package runs from (the folder holding flashcards/)."""
    return Path(__file__).resolve().parents[2]


def load_pack(root=None, language: str = SOURCE_LANGUAGE) -> Pack:
    """The content under `root` (default: the checkout) in `language`, after checking it.

    Checks the English source and the chosen language's translations (a broken German file
    does not stop an English session; `validate_pack` checks every language). Raises
    `ContentValidationError` listing every problem, or `ValueError` for an unknown language.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; available: {', '.join(LANGUAGES)}")
    root = _resolve_root(root)
    checker = _Checker(root)
    source = checker.check_source()
    translation = None
    if language != SOURCE_LANGUAGE:
        translation = checker.check_translation(language, source)
    if checker.errors:
        raise ContentValidationError(checker.sorted_errors(), root)
    if translation is not None:
        return translation.apply(source, root, language)
    return Pack(root, language, source.cards, source.questions, source.notes, source.settings)


def validate_pack(root=None) -> list[ContentError]:
    """Every problem in the content under `root`: the source and every translation folder."""
    root = _resolve_root(root)
    checker = _Checker(root)
    source = checker.check_source()
    translations = root / TRANSLATIONS_FOLDER
    if translations.is_dir():
        for folder in sorted(translations.iterdir()):
            if folder.is_dir() and folder.name in LANGUAGES and folder.name != SOURCE_LANGUAGE:
                checker.check_translation(folder.name, source)
            else:
                checker.add(_relative(folder, root), 0, "", "",
                            f"unexpected {'folder' if folder.is_dir() else 'file'}: "
                            f"{TRANSLATIONS_FOLDER}/ holds one folder per language: "
                            f"{', '.join(l for l in LANGUAGES if l != SOURCE_LANGUAGE)}")
    return checker.sorted_errors()


def read_pack_settings(root) -> PackSettings:
    """The pack's pack.yaml settings (the default ones if it has none or they are invalid)."""
    return _Checker(Path(root)).check_settings()


def _resolve_root(root) -> Path:
    if root is None:
        root = default_root()
        if not (root / CARDS_FOLDER).is_dir():
            raise FileNotFoundError(f"no {CARDS_FOLDER}/ folder in {root} (studypack seems not "
                                    "to run from a checkout): pass root= the content folder")
    return Path(root)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# ---- YAML with line numbers ----

@dataclass
class _Yaml:
    """A parsed YAML text: the data, its node tree (for lines) and where the text starts."""

    data: Any
    node: Optional[yaml.Node]
    first_line: int  # the file's line number of the text's first line

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def line_at(self, path: Iterable, node: Optional[yaml.Node] = None) -> int:
        """The line of the deepest node `path` (keys and list indexes) leads to.

        A key's line is where the key is written; a missing key gives its mapping's line.
        """
        node = self.node if node is None else node
        if node is None:
            return self.first_line
        line = self.line(node)
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                        line, node = self.line(key), value
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                    and 0 <= step < len(node.value):
                node = node.value[step]
                line = self.line(node)
            else:
                return line
        return line


def _parse_yaml(text: str, first_line: int = 1) -> _Yaml:
    """Parse with the safe loader, keeping the node tree; raises yaml.YAMLError."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return _Yaml(data, node, first_line)


def _yaml_problem(error: yaml.YAMLError, first_line: int) -> tuple[int, str]:
    """A YAML error's line and a message without PyYAML's traceback-style layout."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + first_line if mark is not None else first_line
    problem = getattr(error, "problem", None) or str(error)
    if isinstance(error, yaml.constructor.ConstructorError):
        return line, (f"YAML error: {problem}; content is plain data only (text, numbers, "
                      "true/false, lists, mappings): remove the !tag")
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None and context_mark.line + first_line != line:
        context += f" that starts at line {context_mark.line + first_line}"
    detail = f"{problem} ({context})" if context else problem
    return line, (f"YAML syntax error: {detail}; check the indentation and quote text that "
                  "contains ': ' or ' #' or starts with one of * & ! [ { > | % @ `")


def _duplicate_keys(node: yaml.Node,
                    path: tuple = ()) -> Iterator[tuple[tuple, yaml.Node, yaml.Node]]:
    """(path, key, first key) for every key written twice in a mapping: YAML keeps only the last."""
    if isinstance(node, yaml.MappingNode):
        first_keys = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in first_keys:
                    yield path + (key.value,), key, first_keys[key.value]
                else:
                    first_keys[key.value] = key
            yield from _duplicate_keys(value, path + (getattr(key, "value", "?"),))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, path + (index,))


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


# ---- the checks ----

@dataclass
class _Source:
    cards: list[Card]
    questions: list[Question]
    notes: list[Note]
    # Every id written, valid item or not, so one mistake does not also turn every link to
    # the item into an error; None when a file did not parse (its ids are unknown, so links
    # into it are not checked until it does).
    card_ids: Optional[set[str]]
    question_ids: Optional[set[str]]
    note_ids: set[str]
    settings: PackSettings = DEFAULT_PACK_SETTINGS


@dataclass
class _Translation:
    cards: dict[str, CardTranslation]
    questions: dict[str, QuestionTranslation]
    notes: dict[str, tuple[NoteTranslation, str]]

    def apply(self, source: _Source, root: Path, language: str) -> Pack:
        cards = [_translate_card(card, self.cards.get(card.id)) for card in source.cards]
        questions = [_translate_question(question, self.questions.get(question.id))
                     for question in source.questions]
        notes = []
        for note in source.notes:
            if note.id in self.notes:
                front, body = self.notes[note.id]
                note = note.model_copy(update={"title": front.title, "body": body})
            notes.append(note)
        return Pack(root, language, cards, questions, notes, source.settings)


def _translated_fields(entry: BaseModel, names: Iterable[str]) -> dict:
    return {name: getattr(entry, name) for name in names if getattr(entry, name) is not None}


def _translate_card(card: Card, entry: Optional[CardTranslation]) -> Card:
    if entry is None:
        return card
    return card.model_copy(update=_translated_fields(entry, ("front", "back")))


def _translate_question(question: Question, entry: Optional[QuestionTranslation]) -> Question:
    if entry is None:
        return question
    update = _translated_fields(entry, ("prompt", "explanation", "unit"))
    if entry.options is not None:  # count checked: same number, same order
        update["options"] = [
            option.model_copy(update=_translated_fields(translated, ("text", "feedback")))
            for option, translated in zip(question.options, entry.options)]
    return question.model_copy(update=update)


class _Checker:
    """Collects every problem while reading the content under `root`."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list[ContentError] = []
        self.settings = DEFAULT_PACK_SETTINGS  # replaced by check_settings() from pack.yaml
        self.topics_known = True  # False while pack.yaml is broken: topics are not checked

    def _context(self) -> dict:
        """The pydantic validation context: the topics this pack's items may use."""
        return {TOPICS_CONTEXT: tuple(self.settings.topics) if self.topics_known else None}

    def add(self, file: str, line: int, item_id: str, field: str, message: str) -> None:
        self.errors.append(ContentError(file, line, item_id, field, message))

    def sorted_errors(self) -> list[ContentError]:
        # by file, then line; problems found on one line keep the order they were found in
        return sorted(self.errors, key=lambda error: (error.file, error.line))

    # -- reading files --

    def _read_text(self, path: Path) -> Optional[str]:
        try:
            return path.read_text(encoding="utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            self.add(_relative(path, self.root), 0, "", "",
                     f"not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8")
        except OSError as error:
            self.add(_relative(path, self.root), 0, "", "", f"cannot be read: {error.strerror}")
        return None

    def _parse(self, text: str, file: str, first_line: int = 1,
               item_id: str = "") -> Optional[_Yaml]:
        try:
            return _parse_yaml(text, first_line)
        except yaml.YAMLError as error:
            line, message = _yaml_problem(error, first_line)
            self.add(file, line, item_id, "", message)
            return None

    def _read_yaml(self, path: Path) -> Optional[_Yaml]:
        text = self._read_text(path)
        return None if text is None else self._parse(text, _relative(path, self.root))

    def _front_matter(self, path: Path) -> Optional[tuple[_Yaml, str, int]]:
        """(front matter, body, the body's first line) of a Markdown note."""
        file = _relative(path, self.root)
        text = self._read_text(path)
        if text is None:
            return None
        lines = text.splitlines(keepends=True)
        if not lines or lines[0].rstrip() != "---":
            self.add(file, 1, path.stem, "", "a note starts with YAML front matter: a line "
                     "'---', the fields (id, title, ...), and a closing line '---'")
            return None
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                break
        else:
            self.add(file, 1, path.stem, "", "the front matter has no closing '---' line")
            return None
        front = self._parse("".join(lines[1:index]), file, first_line=2, item_id=path.stem)
        if front is None:
            return None
        return front, "".join(lines[index + 1:]), index + 2

    def _validate(self, model, data: Any, document: _Yaml, file: str, item_id: str,
                  path: tuple = (), translation: bool = False):
        """`model` validated from `data` (found at `path` in `document`), or None after errors."""
        try:
            if model is QUESTION_ADAPTER:
                return model.validate_python(data, context=self._context())
            return model.model_validate(data, context=self._context())
        except ValidationError as exc:
            for error in exc.errors():
                location, target = tuple(error["loc"]), model
                if model is QUESTION_ADAPTER:
                    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
                        self.add(file, document.line_at(path + ("kind",)), item_id, "kind",
                                 self._kind_message(data))
                        continue
                    # the first step names the kind the item was checked as
                    target = QUESTION_MODELS[location[0]]
                    location = location[1:]
                self.add(file, document.line_at(path + location), item_id, _field_name(location),
                         _message(error, target, location, translation))
            return None

    @staticmethod
    def _kind_message(data: dict) -> str:
        kinds = ", ".join(QUESTION_KINDS)
        if "kind" not in data:
            return f"required field is missing; use one of: {kinds}"
        return f"unknown kind {data['kind']!r}; use one of: {kinds}"

    def _report_duplicate_keys(self, document: _Yaml, node: yaml.Node, file: str, item_id: str,
                               path_prefix: tuple = ()) -> None:
        for path, key, first in _duplicate_keys(node):
            self.add(file, document.line(key), item_id, _field_name(path_prefix + path),
                     f"written twice (first at line {document.line(first)}); YAML would keep "
                     "only this one: remove one")

    # -- the English source --

    def check_settings(self) -> PackSettings:
        """The pack's pack.yaml, if it has one (its topics are then the ones items may use)."""
        path = self.root / PACK_FILE
        if not path.is_file():
            return self.settings
        file = _relative(path, self.root)
        document = self._read_yaml(path)
        self.topics_known = False  # until pack.yaml proves valid: one mistake, one message
        if document is None:
            return self.settings
        if not isinstance(document.data, dict):
            self.add(file, document.line_at(()), "", "", "expected the pack's settings as a "
                     f"mapping (name: ..., title: ..., topics: [...]), got {_describe(document.data)}")
            return self.settings
        self._report_duplicate_keys(document, document.node, file, "")
        settings = self._validate(PackSettings, document.data, document, file, "")
        if settings is not None:
            self.settings, self.topics_known = settings, True
        return self.settings

    def check_source(self) -> _Source:
        settings = self.check_settings()
        cards, card_ids = self._check_list(CARDS_FOLDER, "card", Card)
        questions, question_ids = self._check_list(QUIZZES_FOLDER, "question", QUESTION_ADAPTER)
        notes, note_ids = self._check_notes(card_ids, question_ids)
        return _Source(cards, questions, notes, card_ids, question_ids, note_ids, settings)

    def _check_list(self, folder: str, kind: str, model) -> tuple[list, Optional[set[str]]]:
        """Read every folder/*.yaml as a list of items: (valid items, every id written, or None
        when a file could not be read as a list)."""
        paths = sorted((self.root / folder).glob("*.yaml"))
        if not paths:
            self.add(f"{folder}/", 0, "", "", f"no {kind}s: expected a YAML list in "
                     f"{folder}/{'cards' if kind == 'card' else 'questions'}.yaml")
        items, first_seen, ids, complete = [], {}, set(), True
        for path in paths:
            file = _relative(path, self.root)
            document = self._read_yaml(path)
            if document is None:
                complete = False
                continue
            if document.data is None:
                continue
            if not isinstance(document.data, list):
                complete = False
                self.add(file, document.line_at(()), "", "",
                         f"expected a list of {kind}s (each starting with '- id: ...'), "
                         f"got {_describe(document.data)}")
                continue
            for index, data in enumerate(document.data):
                node = document.node.value[index]
                line = document.line(node)
                if not isinstance(data, dict):
                    self.add(file, line, f"item {index + 1}", "",
                             f"each {kind} is a mapping of fields (id: ..., ...), "
                             f"got {_describe(data)}")
                    continue
                item_id = data.get("id") if isinstance(data.get("id"), str) else f"item {index + 1}"
                self._report_duplicate_keys(document, node, file, item_id)
                duplicate = isinstance(data.get("id"), str) and item_id in first_seen
                if duplicate:
                    first_file, first_line = first_seen[item_id]
                    where = (f"line {first_line}" if first_file == file
                             else f"{first_file}:{first_line}")
                    self.add(file, document.line_at(("id",), node), item_id, "id",
                             f"duplicate {kind} id: already used at {where}; ids must be "
                             f"unique among {kind}s")
                elif isinstance(data.get("id"), str):
                    first_seen[item_id] = (file, document.line_at(("id",), node))
                    ids.add(item_id)
                item = self._validate(model, data, document, file, item_id, (index,))
                if item is not None and not duplicate:
                    items.append(item)
        return items, (ids if complete else None)

    def _check_notes(self, card_ids: Optional[set[str]],
                     question_ids: Optional[set[str]]) -> tuple[list[Note], set[str]]:
        notes, ids = [], set()
        for path in sorted((self.root / NOTES_FOLDER).glob("*.md")):
            file = _relative(path, self.root)
            ids.add(path.stem)
            parsed = self._front_matter(path)
            if parsed is None:
                continue
            front, body, body_line = parsed
            data = front.data
            if not isinstance(data, dict):
                self.add(file, 2, path.stem, "", "the front matter must be a mapping of fields "
                         f"(id: ..., title: ...), got {_describe(data)}")
                continue
            item_id = data.get("id") if isinstance(data.get("id"), str) else path.stem
            self._report_duplicate_keys(front, front.node, file, item_id)
            if isinstance(data.get("id"), str) and data["id"] != path.stem:
                self.add(file, front.line_at(("id",)), item_id, "id",
                         f"the id must equal the file name: rename the file to "
                         f"{NOTES_FOLDER}/{data['id']}.md or set id: {path.stem}")
            self._check_links(data, front, file, item_id, card_ids, question_ids)
            metadata = self._validate(NoteFrontMatter, data, front, file, item_id)
            usable = metadata is not None and metadata.id == path.stem
            if not body.strip():
                usable = False
                self.add(file, body_line, item_id, "body",
                         "the note has no text after its front matter")
            if metadata is not None and metadata.lesson \
                    and not (self.root / LESSONS_FOLDER / metadata.lesson).is_file():
                usable = False
                self.add(file, front.line_at(("lesson",)), item_id, "lesson",
                         f"no lesson {LESSONS_FOLDER}/{metadata.lesson}: give the file name of "
                         "a notebook there")
            if usable:
                notes.append(Note.model_validate({**metadata.model_dump(), "body": body},
                                                 context=self._context()))
        # the lessons' order (01_…, 02_…) is the order a learner meets the notes in
        notes.sort(key=lambda note: (note.lesson is None, note.lesson or "", note.id))
        return notes, ids

    def _check_links(self, data: dict, front: _Yaml, file: str, item_id: str,
                     card_ids: Optional[set[str]], question_ids: Optional[set[str]]) -> None:
        for field, known, where in (("cards", card_ids, f"{CARDS_FOLDER}/"),
                                    ("questions", question_ids, f"{QUIZZES_FOLDER}/")):
            linked = data.get(field)
            if known is None or not isinstance(linked, list):
                continue  # ids unknown (reported), or the wrong type (the model reports it)
            for index, linked_id in enumerate(linked):
                if isinstance(linked_id, str) and linked_id not in known:
                    self.add(file, front.line_at((field, index)), item_id, f"{field}[{index}]",
                             f"no {field[:-1]} with id {linked_id!r} in {where}: fix the id or "
                             "remove it")

    # -- translations --

    def check_translation(self, language: str, source: _Source) -> _Translation:
        folder = self.root / TRANSLATIONS_FOLDER / language
        result = _Translation({}, {}, {})
        if not folder.is_dir():
            return result  # nothing translated yet: everything falls back to English
        for path in sorted(folder.iterdir()):
            if path.name not in TRANSLATION_FILES:
                self.add(_relative(path, self.root), 0, "", "",
                         f"unexpected {'folder' if path.is_dir() else 'file'}: "
                         f"{TRANSLATIONS_FOLDER}/{language}/ holds flashcards.yaml, "
                         "quizzes.yaml and notes/<id>.md")
        sources = {card.id: card for card in source.cards}
        result.cards = self._check_entries(folder / "flashcards.yaml", "card", CardTranslation,
                                           source.card_ids, sources, f"{CARDS_FOLDER}/")
        sources = {question.id: question for question in source.questions}
        result.questions = self._check_entries(folder / "quizzes.yaml", "question",
                                               QuestionTranslation, source.question_ids,
                                               sources, f"{QUIZZES_FOLDER}/")
        result.notes = self._check_note_translations(folder / "notes", source.note_ids)
        return result

    def _check_entries(self, path: Path, kind: str, model: type[BaseModel],
                       ids: Optional[set[str]],
                       sources: dict, where: str) -> dict:
        """Read a translation file: a mapping from source id to the translated text."""
        if not path.is_file():
            return {}
        file = _relative(path, self.root)
        document = self._read_yaml(path)
        if document is None or document.data is None:
            return {}
        if not isinstance(document.data, dict):
            self.add(file, document.line_at(()), "", "",
                     f"expected a mapping from {kind} id to translated text, "
                     f"got {_describe(document.data)}")
            return {}
        self._report_duplicate_keys(document, document.node, file, "")
        entries, seen = {}, set()
        for key, value in document.node.value:
            line = document.line(key)
            if key.tag != "tag:yaml.org,2002:str":
                self.add(file, line, str(key.value), "", f"{kind} ids are text, but YAML reads "
                         "this key as another type: use the English id exactly")
                continue
            item_id = key.value
            if item_id in seen:
                continue  # reported as written twice
            seen.add(item_id)
            if ids is not None and item_id not in ids:
                self.add(file, line, item_id, "", f"no {kind} with this id in {where}: "
                         f"translations are keyed by the English {kind}'s id")
                continue
            entry = self._validate(model, document.data[item_id], document, file, item_id,
                                   (item_id,), translation=True)
            if entry is not None and item_id in sources:
                if self._matches_source(entry, sources[item_id], document, file, item_id):
                    entries[item_id] = entry
        return entries

    def _matches_source(self, entry: BaseModel, source, document: _Yaml, file: str,
                        item_id: str) -> bool:
        """Option counts, units and placeholders agree with the English question."""
        if not isinstance(entry, QuestionTranslation):
            return True
        problems = 0

        def problem(field: str, message: str):
            nonlocal problems
            problems += 1
            self.add(file, document.line_at((item_id, field)), item_id, field, message)

        if entry.options is not None:
            if not isinstance(source, CHOICE_KINDS):
                problem("options", f"the English question is {source.kind} and has no options; "
                        "remove them")
            elif len(entry.options) != len(source.options):
                problem("options", f"{len(entry.options)} options but the English question "
                        f"has {len(source.options)}: translate every option, in the same order")
        if entry.unit is not None and not (isinstance(source, NumericQuestion) and source.unit):
            problem("unit", "the English question has no unit to translate; remove it")
        if isinstance(source, GeneratedNumericQuestion):
            for field in ("prompt", "explanation"):
                translated = getattr(entry, field)
                if translated is None:
                    continue
                wanted, found = placeholders_in(getattr(source, field)), placeholders_in(translated)
                if wanted != found:
                    problem(field, f"placeholders {_braces(found)} differ from the English "
                            f"{field}'s {_braces(wanted)}: keep every placeholder as it is and "
                            "translate the text around them")
        return problems == 0

    def _check_note_translations(self, folder: Path, note_ids: set[str]) -> dict:
        notes = {}
        if not folder.is_dir():
            return notes
        for path in sorted(folder.glob("*.md")):
            file = _relative(path, self.root)
            if path.stem not in note_ids:
                self.add(file, 0, path.stem, "", f"no note {NOTES_FOLDER}/{path.stem}.md to "
                         "translate: name the file after the English note's id")
                continue
            parsed = self._front_matter(path)
            if parsed is None:
                continue
            front, body, body_line = parsed
            if front.node is not None:
                self._report_duplicate_keys(front, front.node, file, path.stem)
            entry = self._validate(NoteTranslation, front.data, front, file, path.stem,
                                   translation=True)
            if entry is not None and entry.id is not None and entry.id != path.stem:
                self.add(file, front.line_at(("id",)), path.stem, "id",
                         f"the id must equal the file name ({path.stem}) or be left out")
                continue
            if not body.strip():
                self.add(file, body_line, path.stem, "body",
                         "the note has no text after its front matter")
                continue
            if entry is not None:
                notes[path.stem] = (entry, body)
        return notes


def _braces(names: set[str]) -> str:
    return ", ".join("{%s}" % name for name in sorted(names)) or "(none)"
