"""Read and check the study content: cards, questions, notes and their translations.

`load_pack()` gives the content in one language, ready to use; `validate_pack()` lists every
problem in every language. Files are read through `reading` only (no symlinks out of the pack,
no FIFOs or devices, a size cap) and YAML is parsed as plain data (no tags, no aliases, no
deep nesting), one list item at a time so that a 50,000-question file stays small in memory.
Each problem is a `ContentError` printed as `file:line: id: field: message`, with the line
taken from the YAML node the problem is about, so an editor can jump to it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import yaml
from pydantic import BaseModel

from .generators import placeholders_in
from .interface_text import INTERFACE_FILE, InterfaceWordsChecker
from .collector import ProblemCollector, _relative
from .problems import ContentError, ContentValidationError, _describe, _yaml_problem  # noqa: F401
from .reading import YamlDocument as _Yaml, is_folder, yaml_entries
from .model import (DEFAULT_PACK_SETTINGS, LANGUAGES, QUESTION_ADAPTER, SOURCE_LANGUAGE, Card,
                    CardTranslation, GeneratedNumericQuestion, MultipleChoiceQuestion, Note,
                    NoteFrontMatter, NoteTranslation, NumericQuestion, PackSettings, Question,
                    QuestionTranslation, SingleChoiceQuestion)

CARDS_FOLDER, QUIZZES_FOLDER, NOTES_FOLDER = "flashcards", "quizzes", "notes"
TRANSLATIONS_FOLDER, LESSONS_FOLDER = "translations", "notebooks"
PACK_FILE = "pack.yaml"  # optional: the pack's name, title and own topics
# exercises.yaml: the exercises' texts, checked by studypack.exercises.texts (not content's
# business: exercises sit above content), which `studypack validate` also runs
EXERCISES_FILE = "exercises.yaml"
TRANSLATION_FILES = {"flashcards.yaml", "quizzes.yaml", "notes", INTERFACE_FILE, EXERCISES_FILE}
CHOICE_KINDS = (SingleChoiceQuestion, MultipleChoiceQuestion)


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
    """Every problem in the content under `root`: the source, every translation folder and
    the interface's words (translations/<lang>/interface.yaml)."""
    root = _resolve_root(root)
    checker = _Checker(root)
    source = checker.check_source()
    languages = []
    for folder in checker._list(root / TRANSLATIONS_FOLDER) or ():
        if is_folder(folder) and folder.name in LANGUAGES:
            languages.append(folder.name)
            if folder.name != SOURCE_LANGUAGE:  # en/ holds the interface's words only
                checker.check_translation(folder.name, source)
        else:
            checker.add(_relative(folder, root), 0, "", "",
                        f"unexpected {'folder' if is_folder(folder) else 'file'}: "
                        f"{TRANSLATIONS_FOLDER}/ holds one folder per language: "
                        f"{', '.join(l for l in LANGUAGES if l != SOURCE_LANGUAGE)} (and "
                        f"{SOURCE_LANGUAGE}/ for the interface's English words)")
    interface = InterfaceWordsChecker(root)
    interface.check_pack(root / TRANSLATIONS_FOLDER, languages)
    checker.errors += interface.errors
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
    if entry.mistakes is not None:  # checked: the English mistakes' count or names
        if isinstance(entry.mistakes, dict):
            update["mistakes"] = {**question.mistakes, **entry.mistakes}
        else:
            update["mistakes"] = [mistake.model_copy(update={"feedback": translated.feedback})
                                  for mistake, translated in zip(question.mistakes,
                                                                 entry.mistakes)]
    return question.model_copy(update=update)


class _SourceChecker(ProblemCollector):
    """Checks the English source: pack.yaml, cards, questions and notes."""

    # -- the English source --

    def check_settings(self) -> PackSettings:
        """The pack's pack.yaml, if it has one (its topics are then the ones items may use)."""
        path = self.root / PACK_FILE
        if not os.path.lexists(path):
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
        if self._report_node_problems(document, document.node, file, ""):
            return self.settings
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
        paths = self._list(self.root / folder, ".yaml")
        if paths is None:
            return [], None
        if not paths:
            self.add(f"{folder}/", 0, "", "", f"no {kind}s: expected a YAML list in "
                     f"{folder}/{'cards' if kind == 'card' else 'questions'}.yaml")
        items, first_seen, complete = [], {}, True
        for path in paths:
            found = self._check_list_file(path, kind, model, first_seen)
            if found is None:
                complete = False
            else:
                file_items, file_ids = found
                items += file_items
                first_seen.update(file_ids)
        return items, (set(first_seen) if complete else None)

    def _check_list_file(self, path: Path, kind: str, model,
                         first_seen: dict) -> Optional[tuple[list, dict]]:
        """(valid items, {id: (file, line)} of new ids) of one list file, item by item; None
        (with only the reason reported) if it is not a readable YAML list."""
        file = _relative(path, self.root)
        text = self._read_text(path)
        if text is None:
            return None
        items, new_ids, errors_before = [], {}, len(self.errors)
        try:
            for index, (what, document) in enumerate(yaml_entries(text)):
                if what == "empty":
                    break
                if what != "item":
                    data = document.data if what == "scalar" else {}
                    self.add(file, _first_line(what, document), "", "",
                             f"expected a list of {kind}s (each starting with '- id: ...'), "
                             f"got {_describe(data)}")
                    return None
                item = self._check_list_item(document, index, file, kind, model,
                                             first_seen, new_ids)
                if item is not None:
                    items.append(item)
        except yaml.YAMLError as error:
            del self.errors[errors_before:]  # one mistake, one message: the file's syntax
            line, message = _yaml_problem(error, 1)
            self.add(file, line, "", "", message)
            return None
        return items, new_ids

    def _check_list_item(self, document: _Yaml, index: int, file: str, kind: str, model,
                         first_seen: dict, new_ids: dict):
        data, node = document.data, document.node
        if not isinstance(data, dict):
            self.add(file, document.line(node), f"item {index + 1}", "",
                     f"each {kind} is a mapping of fields (id: ..., ...), got {_describe(data)}")
            return None
        has_id = isinstance(data.get("id"), str)
        item_id = data["id"] if has_id else f"item {index + 1}"
        unprintable = self._report_node_problems(document, node, file, item_id)
        seen = first_seen.get(item_id) or new_ids.get(item_id)
        if has_id and seen:
            first_file, first_line = seen
            where = f"line {first_line}" if first_file == file else f"{first_file}:{first_line}"
            self.add(file, document.line_at(("id",)), item_id, "id",
                     f"duplicate {kind} id: already used at {where}; ids must be unique among "
                     f"{kind}s")
        elif has_id:
            new_ids[item_id] = (file, document.line_at(("id",)))
        if unprintable:
            return None
        item = self._validate(model, data, document, file, item_id)
        return None if seen else item

    def _check_notes(self, card_ids: Optional[set[str]],
                     question_ids: Optional[set[str]]) -> tuple[list[Note], set[str]]:
        notes, ids = [], set()
        lessons = None  # the names in notebooks/, listed on first need
        for path in self._list(self.root / NOTES_FOLDER, ".md") or ():
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
            if self._report_node_problems(front, front.node, file, item_id):
                continue
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
            if metadata is not None and metadata.lesson and lessons is None:
                lessons = {path.name for path in self._list(self.root / LESSONS_FOLDER) or ()}
            if metadata is not None and metadata.lesson and metadata.lesson not in lessons:
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



class _Checker(_SourceChecker):
    """Checks the English source and the translations of the pack under `root`."""

    # -- translations --

    def check_translation(self, language: str, source: _Source) -> _Translation:
        folder = self.root / TRANSLATIONS_FOLDER / language
        result = _Translation({}, {}, {})
        for path in self._list(folder) or ():  # none: everything falls back to English
            if path.name not in TRANSLATION_FILES:
                self.add(_relative(path, self.root), 0, "", "",
                         f"unexpected {'folder' if is_folder(path) else 'file'}: "
                         f"{TRANSLATIONS_FOLDER}/{language}/ holds flashcards.yaml, "
                         f"quizzes.yaml, notes/<id>.md, {INTERFACE_FILE} and {EXERCISES_FILE}")
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
        if not os.path.lexists(path):
            return {}
        file = _relative(path, self.root)
        text = self._read_text(path)
        if text is None:
            return {}
        entries, first_keys, errors_before = {}, {}, len(self.errors)
        try:
            for what, found in yaml_entries(text):
                if what == "empty":
                    break
                if what != "entry":
                    data = found.data if what == "scalar" else []
                    self.add(file, _first_line(what, found), "", "",
                             f"expected a mapping from {kind} id to translated text, "
                             f"got {_describe(data)}")
                    return {}
                key, document = found
                self._check_entry(key, document, file, kind, model, ids, sources, where,
                                  first_keys, entries)
        except yaml.YAMLError as error:
            del self.errors[errors_before:]  # one mistake, one message: the file's syntax
            line, message = _yaml_problem(error, 1)
            self.add(file, line, "", "", message)
            return {}
        return entries

    def _check_entry(self, key: yaml.Node, document: _Yaml, file: str, kind: str,
                     model: type[BaseModel], ids: Optional[set[str]], sources: dict,
                     where: str, first_keys: dict, entries: dict) -> None:
        line = document.line(key)
        if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
            shown = key.value if isinstance(key, yaml.ScalarNode) else "?"
            self.add(file, line, str(shown), "", f"{kind} ids are text, but YAML reads "
                     "this key as another type: use the English id exactly")
            return
        item_id = key.value
        if item_id in first_keys:
            self.add(file, line, "", item_id, f"written twice (first at line "
                     f"{first_keys[item_id]}); YAML would keep only this one: remove one")
            return
        first_keys[item_id] = line
        if self._report_node_problems(document, document.node, file, item_id):
            return
        if ids is not None and item_id not in ids:
            self.add(file, line, item_id, "", f"no {kind} with this id in {where}: "
                     f"translations are keyed by the English {kind}'s id")
            return
        entry = self._validate(model, document.data, document, file, item_id,
                               translation=True)
        if entry is not None and item_id in sources:
            if self._matches_source(entry, sources[item_id], document, file, item_id):
                entries[item_id] = entry

    def _matches_source(self, entry: BaseModel, source, document: _Yaml, file: str,
                        item_id: str) -> bool:
        """Option counts, units and placeholders agree with the English question."""
        if not isinstance(entry, QuestionTranslation):
            return True
        problems = 0

        def problem(field: str, message: str):
            nonlocal problems
            problems += 1
            self.add(file, document.line_at((field,)), item_id, field, message)

        if entry.options is not None:
            if not isinstance(source, CHOICE_KINDS):
                problem("options", f"the English question is {source.kind} and has no options; "
                        "remove them")
            elif len(entry.options) != len(source.options):
                problem("options", f"{len(entry.options)} options but the English question "
                        f"has {len(source.options)}: translate every option, in the same order")
        self._check_mistakes(entry, source, problem)
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

    @staticmethod
    def _check_mistakes(entry: QuestionTranslation, source, problem) -> None:
        """The translated mistakes' feedback: the same count (numeric) or names (generated)."""
        wanted = getattr(source, "mistakes", None) or ()
        given = entry.mistakes
        if given is None:
            if wanted:
                problem("mistakes", f"the English question has feedback for {len(wanted)} "
                        "mistake(s): translate it here (mistakes: ...), keyed as in English")
            return
        if isinstance(source, GeneratedNumericQuestion):
            if not isinstance(given, dict) or set(given) != set(wanted):
                found = sorted(given) if isinstance(given, dict) else "a list"
                problem("mistakes", f"mistakes {found} differ from the English mistakes "
                        f"{sorted(wanted)}: translate the feedback of each, keyed by its name")
        elif isinstance(source, NumericQuestion):
            if not isinstance(given, list) or len(given) != len(wanted):
                problem("mistakes", f"the English question has {len(wanted)} mistake(s): "
                        "translate the feedback of each as a list (- feedback: ...), in the "
                        "same order")
        else:
            problem("mistakes", f"the English question is {source.kind} and has no mistakes; "
                    "remove them")

    def _check_note_translations(self, folder: Path, note_ids: set[str]) -> dict:
        notes = {}
        for path in self._list(folder, ".md") or ():
            file = _relative(path, self.root)
            if path.stem not in note_ids:
                self.add(file, 0, path.stem, "", f"no note {NOTES_FOLDER}/{path.stem}.md to "
                         "translate: name the file after the English note's id")
                continue
            parsed = self._front_matter(path)
            if parsed is None:
                continue
            front, body, body_line = parsed
            if front.node is not None \
                    and self._report_node_problems(front, front.node, file, path.stem):
                continue
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


def _first_line(what: str, found) -> int:
    """The line of what `yaml_entries` found first: a value, a list item or a mapping's key."""
    if what == "entry":
        key, document = found
        return document.line(key)
    return found.line(found.node)


def _braces(names: set[str]) -> str:
    return ", ".join("{%s}" % name for name in sorted(names)) or "(none)"
