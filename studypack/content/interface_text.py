"""The words of the pack's own interface, per language: the study widgets' buttons, verdicts
and stats, and the student notebook and form of `studypack assign`.

They are data, one file per language beside the content's translations:
`translations/<lang>/interface.yaml`, with English, the source, in `translations/en/` (the
English *content* is the source itself, in flashcards/, quizzes/ and notes/, so en/ holds only
this file). Entries with {braces} are `str.format` templates: every language has English's
keys and the same placeholders, which `InterfaceWordsChecker` checks for `validate_pack()`.

`interface_text(language)` gives a language's words (English for a language without a file),
read once per process from this checkout; a broken file raises `ContentValidationError`
naming it.
"""
from __future__ import annotations

import functools
import os
import string
from pathlib import Path
from typing import Iterable, Optional

from .collector import ProblemCollector, _relative, _shortened
from .model import LANGUAGES, SOURCE_LANGUAGE
from .problems import ContentValidationError, _describe
from .reading import YamlDocument, is_folder

INTERFACE_FILE = "interface.yaml"


def interface_text(language: str = SOURCE_LANGUAGE) -> dict[str, str]:
    """The interface words in `language` (a pack language code), English where it has no file.

    A fresh dict each time (callers may keep it); the files are read once per process.
    """
    return dict(_built_in_words(language if language in LANGUAGES else SOURCE_LANGUAGE))


@functools.cache
def _built_in_words(language: str) -> dict[str, str]:
    # imported here: the loader imports this module, for validate_pack()
    from .loader import TRANSLATIONS_FOLDER, default_root
    root = default_root()
    return load_interface_words(root, root / TRANSLATIONS_FOLDER, language)


def load_interface_words(root: Path, folder: Path, language: str) -> dict[str, str]:
    """The words of `language` in `folder` (a pack's translations/, inside `root`), checked
    against English; English's if the language has no file. Raises ContentValidationError
    listing the files' problems, FileNotFoundError if there is no English file."""
    checker = InterfaceWordsChecker(root)
    tables = checker.check(folder, [language])
    if checker.errors:
        raise ContentValidationError(checker.sorted_errors(), root)
    if SOURCE_LANGUAGE not in tables:
        raise FileNotFoundError(f"no {folder / SOURCE_LANGUAGE / INTERFACE_FILE}: the "
                                "interface's English words (is studypack running from a "
                                "checkout?)")
    return tables.get(language, tables[SOURCE_LANGUAGE])


class InterfaceWordsChecker(ProblemCollector):
    """Checks the interface.yaml files of a pack's translations/ folder."""

    def check_pack(self, folder: Path, languages: Iterable[str]) -> None:
        """`check` for `validate_pack()`, which also needs en/ to hold nothing else: the
        English content is the source itself (flashcards/, quizzes/, notes/)."""
        for path in self._list(folder / SOURCE_LANGUAGE) or ():
            if path.name != INTERFACE_FILE:
                self.add(_relative(path, self.root), 0, "", "", f"unexpected "
                         f"{'folder' if is_folder(path) else 'file'}: "
                         f"{_relative(folder, self.root)}/{SOURCE_LANGUAGE}/ holds only "
                         f"{INTERFACE_FILE} (the English content is the source itself, in "
                         "flashcards/, quizzes/ and notes/)")
        self.check(folder, languages)

    def check(self, folder: Path, languages: Iterable[str]) -> dict[str, dict[str, str]]:
        """Check `folder`/en/interface.yaml and, against it, each of `languages`' file: every
        English key present, no other key, the same placeholders, non-empty printable text.

        Returns the tables without problems. A pack without the English file has no words of
        its own (studypack's are used): it then needs none in any language.
        """
        source_path = folder / SOURCE_LANGUAGE / INTERFACE_FILE
        source_file = _relative(source_path, self.root)
        translations = [language for language in dict.fromkeys(languages)
                        if language != SOURCE_LANGUAGE]
        if not os.path.lexists(source_path):
            for language in translations:
                path = folder / language / INTERFACE_FILE
                if os.path.lexists(path):
                    self.add(_relative(path, self.root), 0, "", "", f"no English {source_file} "
                             "to check it against: add the English words there, or remove "
                             "this file")
            return {}
        source = self._read_table(source_path, None)
        if source is None:
            return {}  # the translations cannot be checked without their source
        tables = {SOURCE_LANGUAGE: source}
        for language in translations:
            path = folder / language / INTERFACE_FILE
            if os.path.lexists(path):
                table = self._read_table(path, (source, source_file))
                if table is not None:
                    tables[language] = table
            elif is_folder(folder / language):  # a language of the pack, without the words
                self.add(_relative(path, self.root), 0, "", "", "missing: every language has "
                         f"the interface's words; copy {source_file} here and translate it")
        return tables

    def _read_table(self, path: Path, english: Optional[tuple[dict, str]]) -> Optional[dict]:
        """One interface.yaml as {key: text}, or None after reporting its problems; `english`
        is (the English table, its file) for a translation, None for English itself."""
        file = _relative(path, self.root)
        errors_before = len(self.errors)
        document = self._read_yaml(path)
        if document is None:
            return None
        data = document.data
        if not isinstance(data, dict):
            self.add(file, document.line_at(()), "", "", "expected a mapping from key to text "
                     f"(one 'key: text' line each), got {_describe(data)}")
            return None
        # keys written twice, control characters and lone surrogates (from YAML escapes)
        self._report_node_problems(document, document.node, file, "")
        checked = set()
        for key_node, _ in document.node.value:  # the keys as written, for their lines
            key, line = key_node.value, document.line(key_node)
            if key_node.tag != "tag:yaml.org,2002:str":
                self.add(file, line, key, "", "keys are text, but YAML reads this one as "
                         "another type: write the English key exactly, in quotes")
            elif key in checked:
                continue  # written twice: reported above
            elif english is not None and key not in english[0]:
                self.add(file, line, key, "", f"unknown key: {english[1]} has no such key; fix "
                         "its spelling or remove it")
            else:
                problem = _text_problem(data[key], english[0][key] if english else None)
                if problem:
                    self.add(file, line, key, "", problem)
            checked.add(key)
        if english is not None:
            self._report_missing(file, document, data, english)
        return data if len(self.errors) == errors_before else None

    def _report_missing(self, file: str, document: YamlDocument, data: dict,
                        english: tuple[dict, str]) -> None:
        previous = None  # the English key before the missing one: where it belongs
        for key, text in english[0].items():
            if key not in data:
                if previous in data:
                    line, where = document.line_at((previous,)), f"after {previous!r}"
                else:
                    line, where = document.line_at(()), "at the top"
                self.add(file, line, key, "", f"missing: add it {where}, translating the "
                         f"English {_shortened(text, 60)!r} ({english[1]})")
            previous = key


def _text_problem(value, english: Optional[str]) -> Optional[str]:
    """What is wrong with one entry's text (`english`: the source's, for a translation)."""
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, (bool, int, float)) else ""
        return f"expected text, got {_describe(value)}{hint}"
    if not value.strip():
        return "the text is empty: write the words (the English ones, if nothing else)"
    found = _placeholders(value)
    if found is None:
        return ("a { or } that is not a placeholder: write {{ or }} for a brace itself, or "
                "close the placeholder")
    wanted = _placeholders(english) if english is not None else found
    if found != wanted:
        return (f"placeholders {_braces(found)} differ from the English {_braces(wanted)}: "
                "keep every placeholder exactly as it is and translate the words around it")
    return None


def _placeholders(template: str) -> Optional[set[str]]:
    """The placeholders of a `str.format` template as written ('{n}', '{n:>3}'); None if it
    is not one (a lone brace)."""
    try:
        return {"{%s%s%s}" % (name, "!" + conversion if conversion else "",
                              ":" + spec if spec else "")
                for _, name, spec, conversion in string.Formatter().parse(template)
                if name is not None}
    except ValueError:
        return None


def _braces(placeholders: set[str]) -> str:
    return ", ".join(sorted(placeholders)) or "(none)"
