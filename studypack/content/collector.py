"""Reading a pack's files while collecting every problem found, as `ContentError`s.

`ProblemCollector` is what the loader's checks build on: it reads a file (through
`reading.read_text_file`), parses YAML and front matter, validates data with the content
models, and turns whatever goes wrong into one-line problems instead of exceptions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import ValidationError

from .model import (DEFAULT_PACK_SETTINGS, MISTAKE_SHAPES, QUESTION_ADAPTER, QUESTION_KINDS,
                    QUESTION_MODELS, TOPICS_CONTEXT)
from .problems import ContentError, _field_name, _message, _node_problems, _yaml_problem
from .reading import (UnreadableFile, YamlDocument as _Yaml, describe_character, list_folder,
                      parse_yaml as _parse_yaml, printable, read_text_file)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _without_shape_tags(location: tuple) -> tuple:
    """An error's location without the tag a translation's `mistakes` branch adds:
    ('mistakes', 'list', 0, 'answer') → ('mistakes', 0, 'answer')."""
    return tuple(step for index, step in enumerate(location)
                 if not (step in MISTAKE_SHAPES and index and location[index - 1] == "mistakes"))


class ProblemCollector:
    """Collects every problem while reading the content under `root` (the checks build on it)."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list[ContentError] = []
        self.settings = DEFAULT_PACK_SETTINGS  # replaced by check_settings() from pack.yaml
        self.topics_known = True  # False while pack.yaml is broken: topics are not checked

    def _context(self) -> dict:
        """The pydantic validation context: the topics this pack's items may use."""
        return {TOPICS_CONTEXT: tuple(self.settings.topics) if self.topics_known else None}

    def add(self, file: str, line: int, item_id: str, field: str, message: str) -> None:
        # printable(): a lone surrogate (from a file name or a YAML escape) cannot be printed
        # _shortened(): a 3 MB id must not make a 3 MB line (four times)
        self.errors.append(ContentError(printable(file), line, _shortened(printable(item_id), 80),
                                        _shortened(printable(field), 120),
                                        _shortened(printable(message), 600)))

    def sorted_errors(self) -> list[ContentError]:
        # by file, then line; problems found on one line keep the order they were found in
        return sorted(self.errors, key=lambda error: (error.file, error.line))

    # -- reading files --

    def _read_text(self, path: Path) -> Optional[str]:
        """The file's text, or None after reporting why it cannot be used (also if missing)."""
        try:
            return read_text_file(path, self.root)
        except FileNotFoundError:
            self.add(_relative(path, self.root), 0, "", "", "not found (a broken symbolic "
                     "link?): restore the file or remove its name")
        except UnreadableFile as error:
            self.add(_relative(path, self.root), error.line, "", "", error.message)
        return None

    def _list(self, folder: Path, suffix: str = "") -> Optional[list[Path]]:
        """The entries of `folder` ending in `suffix`: [] if it does not exist, None after
        reporting that it cannot be read."""
        try:
            entries = list_folder(folder)
        except UnreadableFile as error:
            self.add(_relative(folder, self.root) + "/", 0, "", "", error.message)
            return None
        return [path for path in entries or () if path.name.endswith(suffix)]

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
                location, target = _without_shape_tags(tuple(error["loc"])), model
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

    def _report_node_problems(self, document: _Yaml, node: yaml.Node, file: str,
                              item_id: str, path_prefix: tuple = ()) -> bool:
        """Report keys written twice and unprintable text; True if there was such text (the
        item is then not checked further: one mistake, one message)."""
        duplicates, unprintable = _node_problems(node)
        for path, key, first in duplicates:
            self.add(file, document.line(key), item_id, _field_name(path_prefix + path),
                     f"written twice (first at line {document.line(first)}); YAML would keep "
                     "only this one: remove one")
        for path, scalar, character in unprintable:
            what = ("a lone surrogate" if "\ud800" <= character <= "\udfff"
                    else "a control character")
            self.add(file, document.line(scalar), item_id, _field_name(path_prefix + path),
                     f"{what} ({describe_character(character)}), written as a YAML escape: "
                     "remove it (text must be printable; write emoji and accents as they are)")
        return bool(unprintable)
