"""Reading a pack's files safely: one way in for every file, and YAML as plain data only.

A pack folder may come from anyone (a colleague's zip, a student's fork), so reading it must
never hang, exhaust memory, leak a file from elsewhere, or end in a traceback:

- `read_text_file` is the only way the loader reads a file. It refuses a symbolic link that
  leads out of the pack (and never shows its content), anything that is not a regular file
  (a folder, a FIFO, a device such as /dev/zero: checked before opening, and opened
  non-blocking), and files over `MAX_FILE_BYTES`; it decodes strict UTF-8 and names the line
  of a bad byte or a control character.
- `list_folder` lists a folder, telling "unreadable" apart from "empty".
- `parse_yaml` (a whole document) and `yaml_entries` (a top-level list or mapping, one
  entry at a time) parse with the safe loader's rules (libyaml's parser when available:
  ~20× faster) through a composer of their own that refuses aliases where they are written
  (content never needs them, and a ten-line "billion laughs" bomb would expand to
  gigabytes), nesting deeper than `MAX_DEPTH`, merge keys and a second document, without
  recursion. `find_unprintable` finds the control characters and lone surrogates that YAML
  escapes ("\\0", "\\ud800") can still write, for the loader to name item and field.
Every refusal is an `UnreadableFile` / `yaml.YAMLError` carrying a line and a one-line message.
"""
from __future__ import annotations

import contextlib
import gc
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import yaml

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 50,000-question file is ~14 MB
MAX_DEPTH = 64  # content nests ~5 levels (list → item → options → option → field)

# C0 controls other than tab, newline and carriage return, DEL, and lone surrogates: none is
# printable, and a surrogate cannot even be encoded (it would crash printing or exporting).
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

_SURROGATE_ESCAPE = re.compile(r"\\(u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_ERRORS_UP_TO = 20_000_000  # characters × flow brackets: ~1 s at most


class UnreadableFile(Exception):
    """A file or folder that cannot be used: `message` says why; `line` is 0 for the whole file."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message, self.line = message, line


def find_unprintable(text: str) -> Optional[str]:
    """The first control character (but tab and line breaks) or lone surrogate in `text`."""
    found = _BAD_CHARACTER.search(text)
    return found.group() if found else None


def describe_character(character: str) -> str:
    """'U+0000' for a character that cannot be shown as itself."""
    return f"U+{ord(character):04X}"


def printable(text: str) -> str:
    """`text` with lone surrogates written as \\udXXX escapes, so it can always be printed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _is_inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_text_file(path: Path, root: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file `path` inside the pack `root` (a BOM removed).

    Raises FileNotFoundError if there is no such file, UnreadableFile for anything else.
    """
    try:
        # the file itself, or a folder on its way, may be a link: where does it really lead?
        if not _is_inside(os.path.realpath(path), os.path.realpath(root)):
            raise UnreadableFile("is a symbolic link to a file outside the pack (or inside a "
                                 "linked folder that is); the pack's files must be inside its "
                                 "folder: copy the file in instead")
        info = os.stat(path)  # follows links: what would be read
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a folder, but a file is expected here: rename or remove "
                                 "the folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("is not a regular file (a FIFO, socket or device): replace "
                                 "it with a text file")
        # O_NONBLOCK: should a FIFO replace the file between stat and open, open() returns
        # at once instead of waiting for a writer (fstat below then refuses it).
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise UnreadableFile("is not a regular file (a FIFO, socket or device): "
                                     "replace it with a text file")
            data = file.read(max_bytes + 1)
    except (FileNotFoundError, UnreadableFile):
        raise
    except OSError as error:
        raise UnreadableFile(f"cannot be read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise UnreadableFile(f"is larger than {max_bytes // (1024 * 1024)} MB: split it into "
                             "several files")
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """Strict UTF-8 (a BOM removed); a bad byte or control character is an UnreadableFile."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(f"not UTF-8 text ({error.reason} at byte {error.start}); save it "
                             "as UTF-8", line) from None
    text = text.removeprefix("\ufeff")
    bad = _BAD_CHARACTER.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise UnreadableFile(f"control character {describe_character(bad.group())} in the "
                             "text: remove it (an editor may show it as a box or nothing)", line)
    return text


def list_folder(folder: Path) -> Optional[list[Path]]:
    """The entries of `folder` sorted by name; None if it does not exist; UnreadableFile if it
    cannot be listed, or is not a folder."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(entry.path) for entry in entries)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise UnreadableFile("is a file, but a folder is expected here") from None
    except OSError as error:
        raise UnreadableFile(f"cannot be read: {error.strerror or error}") from None


def is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


# ---- YAML ----

@dataclass
class YamlDocument:
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


class ContentYamlError(yaml.MarkedYAMLError):
    """YAML that parses but that content must not use, at `problem_mark`."""

    def __init__(self, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """The whole document, with its node tree; raises yaml.YAMLError."""
    composer = _Composer(text)
    try:
        with _collector_paused():
            node = composer.single_node()
        data = None if node is None else construct(node)
        composer.end()
    except yaml.MarkedYAMLError as error:
        raise _plain_syntax_error(text, error)
    finally:
        composer.dispose()
    return YamlDocument(data, node, first_line)


def yaml_entries(text: str, first_line: int = 1) -> Iterator[tuple[str, Any]]:
    """The top level of a document, one entry at a time, so that a file of 50,000 questions
    never holds all its nodes (and their marks) at once:

    ("empty", None) for an empty document; ("scalar", YamlDocument) for a single value;
    ("item", YamlDocument) for each item of a top-level list; ("entry", (key node,
    YamlDocument of the value)) for each entry of a top-level mapping, in file order.
    Raises yaml.YAMLError at the first problem (after the entries before it).
    """
    composer = _Composer(text)
    with _collector_paused():  # also while the caller checks each entry
        try:
            composer.start()
            event = composer.parser.peek_event()
            if isinstance(event, yaml.DocumentEndEvent) or isinstance(event, yaml.StreamEndEvent):
                yield "empty", None
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                is_list = isinstance(event, yaml.SequenceStartEvent)
                composer.parser.get_event()  # the list's or mapping's start
                while not isinstance(composer.parser.peek_event(),
                                     (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    node = composer.node()
                    if is_list:
                        yield "item", YamlDocument(construct(node), node, first_line)
                    else:
                        key = node
                        value = composer.node()
                        yield "entry", (key, YamlDocument(construct(value), value, first_line))
                composer.parser.get_event()
            else:
                node = composer.node()
                yield "scalar", YamlDocument(construct(node), node, first_line)
            composer.end()
        except yaml.MarkedYAMLError as error:
            raise _plain_syntax_error(text, error)
        finally:
            composer.dispose()


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for a while: parsing creates millions of objects
    (none in a cycle), and the collector, triggered by their number, re-scanned all of them
    again and again (a quarter of the time of a 50,000-question file)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Line:
    """The one part of a YAML mark the loader keeps: 0-based `line` (a full Mark is ~5×
    bigger, and a big file has millions of nodes)."""

    __slots__ = ("line",)

    def __init__(self, line: int):
        self.line = line


_SCALAR_CLASS = yaml.ScalarNode


class _Composer:
    """PyYAML's composer, rewritten without recursion and made strict for content: an alias
    (*name) is refused where it is written, before anything is expanded; nesting stops at
    MAX_DEPTH."""

    def __init__(self, text: str):
        # libyaml refuses a surrogate escape ("\\ud800") as a syntax error of the whole file;
        # PyYAML's own parser reads it, so the loader can name the item and field instead.
        # (on texts up to 2 MB: PyYAML's own parser is ~20× slower)
        loader = (yaml.SafeLoader if len(text) <= 2_000_000 and _SURROGATE_ESCAPE.search(text)
                  else _Loader)
        self.parser = loader(text)

    def dispose(self) -> None:
        self.parser.dispose()

    def start(self) -> None:
        """Past the stream's start and the document's start (if the stream has a document)."""
        self.parser.get_event()  # StreamStartEvent
        if self.parser.check_event(yaml.DocumentStartEvent):
            self.parser.get_event()
            self.in_document = True
        else:
            self.in_document = False

    def end(self) -> None:
        """Past the document's end; refuse a second document."""
        if self.in_document:
            self.parser.get_event()  # DocumentEndEvent
        if not self.parser.check_event(yaml.StreamEndEvent):
            event = self.parser.get_event()
            raise ContentYamlError("a second document (after a '---' line): a content file "
                                   "holds one list or mapping; remove the '---'",
                                   event.start_mark)
        self.parser.get_event()

    def single_node(self) -> Optional[yaml.Node]:
        self.start()
        if not self.in_document or self.parser.check_event(yaml.DocumentEndEvent):
            return None
        return self.node()

    def node(self) -> yaml.Node:
        """The next node, with all its children."""
        parser, stack = self.parser, []  # stack: [collection node, pending mapping key]
        while True:
            event = parser.get_event()
            if isinstance(event, yaml.ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = parser.resolve(_SCALAR_CLASS, event.value, event.implicit)
                node = _SCALAR_CLASS(tag, event.value, _Line(event.start_mark.line), None,
                                     event.style)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) + 1 >= MAX_DEPTH:
                    raise ContentYamlError(f"nested deeper than {MAX_DEPTH} levels: content "
                                           "is a list of items with a few fields each",
                                           event.start_mark)
                kind = (yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent)
                        else yaml.MappingNode)
                tag = event.tag
                if tag is None or tag == "!":
                    tag = parser.resolve(kind, None, event.implicit)
                node = kind(tag, [], _Line(event.start_mark.line), None, event.flow_style)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node = stack.pop()[0]
                if not stack:
                    return node
                continue
            elif isinstance(event, yaml.AliasEvent):
                raise ContentYamlError("YAML aliases (*name) are not allowed in content: "
                                       "write the value out in full", event.start_mark)
            else:  # cannot happen with a well-formed event stream
                raise yaml.composer.ComposerError(None, None, f"unexpected {event}",
                                                  event.start_mark)
            if stack:
                frame = stack[-1]
                if isinstance(frame[0], yaml.SequenceNode):
                    frame[0].value.append(node)
                elif frame[1] is None:
                    frame[1] = node
                else:
                    frame[0].value.append((frame[1], node))
                    frame[1] = None
            if isinstance(node, _SCALAR_CLASS):
                if not stack:
                    return node
            else:
                stack.append([node, None])


_STR, _SEQ, _MAP = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
_constructor = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
}


def construct(node: yaml.Node) -> Any:
    """The plain data of a node tree (text, numbers, booleans, None, lists, dicts), as
    PyYAML's SafeConstructor would build it; other tags raise a ConstructorError. Recursive,
    but the composer has limited the depth to MAX_DEPTH."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _SEQ:
        return [construct(item) for item in node.value]
    if tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ContentYamlError("merge keys (<<) are not allowed in content: write the "
                                       "fields out in full", key_node.start_mark)
            key = construct(key_node)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "found a list or mapping as a key: keys are names",
                    key_node.start_mark) from None
            mapping[key] = construct(value_node)
        return mapping
    scalar = _SCALAR_CONSTRUCTORS.get(tag)
    if scalar is not None:
        return scalar(node)
    # anything else (timestamps, binary, python/object, ...): the safe constructor builds the
    # few harmless ones and refuses the rest with its own message
    return yaml.constructor.SafeConstructor().construct_document(node)


def _plain_syntax_error(text: str, error: yaml.YAMLError) -> yaml.YAMLError:
    """PyYAML's pure-Python parser's error for `text` if it is a syntax error there too: its
    messages are plainer than libyaml's ("expected ',' or ']', but got ':'" for "did not
    find expected ',' or ']'"). Only the parser runs (iterative: no depth can overflow it),
    and only on small texts: it is ~20× slower than libyaml."""
    # PyYAML's scanner re-checks every open flow level ([ or {) at every token: quadratic
    # (100,000 nested [ would take hours), so it only runs where that product is small.
    flow_levels = text.count("[") + text.count("{") + 1
    if not isinstance(error, (yaml.scanner.ScannerError, yaml.parser.ParserError)) \
            or _Loader is yaml.SafeLoader or len(text) * flow_levels > _PLAIN_ERRORS_UP_TO:
        return error
    parser = yaml.SafeLoader(text)
    try:
        while parser.check_event():
            parser.get_event()
    except yaml.YAMLError as plain:
        return plain
    finally:
        parser.dispose()
    return error
