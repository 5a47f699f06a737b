"""Text written for jupyterquiz and jupytercards → the pack's Markdown with `$...$` math.

Both tools put their text into the page as HTML (`innerHTML`) and let MathJax typeset it, so
their files hold HTML (`<i>`, `<br>`, `&lt;`), MathJax delimiters (`$...$`, `$$...$$`,
`\\(...\\)`, `\\[...\\]`) and bare LaTeX environments (`\\begin{align}...\\end{align}`, which
MathJax typesets outside any delimiter). The pack's Markdown renderer knows only `$` and `$$`
(see `markdown.py`), so:

- math is found first, in one left-to-right pass like the tools' own `jaxify` (an escaped
  `\\$` is a dollar sign), and rewritten as `$...$` (inline) or `$$...$$` (display; a bare
  environment keeps its `\\begin`/`\\end` inside `$$`); entities inside math are decoded;
- the HTML around it becomes Markdown: paragraphs, line breaks, emphasis, code, lists, links,
  images, headings, tables. Whitespace collapses as a browser collapses it;
- a tag with no Markdown equivalent keeps its text and is named in `dropped` (a script or
  style element is dropped whole), so the caller can say what was left out.

`markdown_from_html()` is linear in the text's length: each kind of closing delimiter is
searched for at most once past the point where it was last missing.
"""
from __future__ import annotations

import html
import re
from typing import Optional

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters stand for math spans
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_MATH_START = re.compile(r"\$\$|\$|\\\[|\\\(|\\begin\{([A-Za-z]+\*?)\}")
_CLOSERS = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}

# HTML elements that become Markdown, and those whose text is kept without their meaning.
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "center",
           "blockquote", "figure", "figcaption", "dl", "dt", "dd", "details", "summary"}
_SILENT = {"html", "body", "span", "div", "p", "section", "article", "main", "tbody",
           "thead", "tfoot", "colgroup", "col", "font"}
_EMPHASIS = {"i": "*", "em": "*", "b": "**", "strong": "**"}
_DROPPED_WHOLE = {"script", "style", "iframe", "object", "embed", "svg", "button", "input",
                  "select", "textarea", "template", "noscript"}
_VOID = {"br", "img", "hr", "input", "col", "wbr", "meta", "link", "source", "area"}


def _closing_position(text: str, closer: str, start: int) -> int:
    """Where `closer` next occurs from `start`, skipping a `$` escaped as `\\$`; -1 if none."""
    position = text.find(closer, start)
    while closer.startswith("$") and position > 0 and text[position - 1] == "\\":
        position = text.find(closer, position + 1)
    return position


def _protect_math(text: str) -> tuple[str, list[str]]:
    """Math spans → placeholders; returns the text and the spans as `$...$` / `$$...$$`."""
    spans: list[str] = []
    pieces: list[str] = []
    missing: set[str] = set()  # closers known to be absent past some point
    position = 0
    while True:
        match = _MATH_START.search(text, position)
        if match is None:
            break
        opener = match.group(0)
        if opener.startswith("$") and match.start() > 0 and text[match.start() - 1] == "\\":
            pieces.append(text[position:match.end()])  # \$ is a dollar sign, not math
            position = match.end()
            continue
        environment = match.group(1)
        closer = f"\\end{{{environment}}}" if environment else _CLOSERS[opener]
        end = -1 if closer in missing else _closing_position(text, closer, match.end())
        if end < 0:
            missing.add(closer)  # later openers of this kind cannot be closed either
            pieces.append(text[position:match.end()])
            position = match.end()
            continue
        body = html.unescape(text[match.end():end])
        if environment:
            math = f"$${opener}{body}{closer}$$"
        elif opener in ("$$", "\\["):
            math = f"$${body.strip()}$$"
        else:  # inline: our renderer wants no space inside the dollars, no line breaks
            math = "$" + re.sub(r"\s+", " ", body).strip() + "$"
        if math.strip("$"):
            spans.append(math)
            pieces.append(f"{text[position:match.start()]}{_OPEN}{len(spans) - 1}{_CLOSE}")
        else:
            pieces.append(text[position:end + len(closer)])
        position = end + len(closer)
    pieces.append(text[position:])
    return "".join(pieces), spans


def _longest_backtick_run(code: str) -> int:
    return max((len(run) for run in re.findall(r"`+", code)), default=0)


def code_span(code: str) -> str:
    """`code` as a Markdown code span, with a fence longer than any backtick run inside."""
    fence = "`" * (_longest_backtick_run(code) + 1)
    padding = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{padding}{code}{padding}{fence}"


def code_block(code: str) -> str:
    """`code` as a fenced Markdown block (a fence longer than any backtick run inside)."""
    fence = "`" * max(3, _longest_backtick_run(code) + 1)
    return f"{fence}\n{code.strip(chr(10))}\n{fence}"


_WHITESPACE = re.compile(r"\s+")
# After a line break, these would start a Markdown block (list, heading, quote, fence, table).
_BLOCK_START = re.compile(r"[-+*>#=|]|\d+[.)]|```|~~~")


def _collapsed(run: re.Match, data: str) -> str:
    """A run of whitespace as a browser shows it (one space). A line break is kept (Markdown
    reads it as a space too, and the text stays as its author wrapped it) unless the next line
    would start a Markdown block."""
    if "\n" in run.group(0) and not _BLOCK_START.match(data, run.end()):
        return "\n"
    return " "


# A tag ends at the first ">" before any other "<", so scanning is linear (html.parser slows
# down quadratically on text like "<a <a <a ..."). Comments and <!...> / <?...> are skipped.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)([^<>]*)>|<!--|<[!?][^<>]*>")
_ATTRIBUTE = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+)))?""")
_RAW_TEXT = {"script", "style"}  # their content is not HTML: skipped up to their end tag
MAX_NESTING = 50  # deeper elements are read as plain text, so the work stays linear


def _attributes(text: str) -> dict:
    return {match.group(1).lower(): html.unescape(next((value for value in match.groups()[1:]
                                                        if value is not None), ""))
            for match in _ATTRIBUTE.finditer(text)}


def _feed(converter: "_Converter", text: str) -> None:
    """Tokenize `text` into tags and text for the converter, in one left-to-right pass."""
    lowered, position = text.lower(), 0
    while position < len(text):
        match = _TAG.search(text, position)
        if match is None:
            break
        converter.handle_data(html.unescape(text[position:match.start()]))
        position = match.end()
        if match.group(0) == "<!--":
            end = text.find("-->", position)
            position = len(text) if end < 0 else end + 3
            continue
        if match.group(2) is None:  # <!DOCTYPE ...>, <?...>
            continue
        tag, rest = match.group(2).lower(), match.group(3)
        if match.group(1):
            converter.handle_endtag(tag)
            continue
        converter.handle_starttag(tag, _attributes(rest.rstrip("/")))
        if rest.endswith("/") and tag not in _VOID:
            converter.handle_endtag(tag)
        if tag in _RAW_TEXT:
            end = lowered.find(f"</{tag}", position)
            position = len(text) if end < 0 else end
    converter.handle_data(html.unescape(text[position:]))


class _Converter:
    """HTML → Markdown, one element at a time; inline elements collect into a buffer stack."""

    def __init__(self):
        self.buffers: list[list[str]] = [[]]
        self.open: list[tuple[str, dict]] = []  # (tag, attributes) of open inline elements
        self.lists: list[list] = []  # per open list: [ordered, next number, items, loose]
        self.table: Optional[list[list[str]]] = None
        self.skipping = 0  # depth inside a dropped-whole element
        self.preformatted = 0
        self.dropped: set[str] = set()
        self.marker = ""  # the last list item marker emitted

    # ---- output ----
    def emit(self, text: str) -> None:
        pieces = self.buffers[-1]
        if text.startswith(" ") and not self.preformatted and pieces \
                and pieces[-1].endswith(" "):
            text = text.lstrip(" ")  # one space between words, as a browser shows them
        if text:
            pieces.append(text)

    def indent(self, levels: int) -> str:
        return "   " * min(levels, MAX_NESTING)

    def block_break(self) -> None:
        if not self.lists:
            self.emit("\n\n")
        elif not self._just_after_marker():  # a paragraph inside a list item
            self.emit("\n" + self.indent(len(self.lists)))

    def _just_after_marker(self) -> bool:
        return bool(self.buffers[-1]) and self.buffers[-1][-1] is self.marker

    def _trim_trailing_space(self) -> None:
        pieces = self.buffers[-1]
        while pieces and not pieces[-1].strip() and not pieces[-1].endswith("\\\n"):
            pieces.pop()
        if pieces and pieces[-1] is not self.marker:
            pieces[-1] = pieces[-1].rstrip(" \t\n")

    # ---- parser callbacks ----
    def handle_starttag(self, tag: str, attributes: dict) -> None:
        if self.skipping:
            self.skipping += tag not in _VOID and tag not in _RAW_TEXT
            return
        if tag in _DROPPED_WHOLE:
            self.dropped.add(f"<{tag}> (with its content)")
            self.skipping = 0 if tag in _VOID or tag in _RAW_TEXT else 1
            return
        if len(self.buffers) > MAX_NESTING or len(self.lists) > MAX_NESTING:
            self.dropped.add(f"elements nested over {MAX_NESTING} deep")
            return
        if tag not in _SILENT and tag not in _KNOWN:
            self.dropped.add(f"<{tag}>")
        if attributes.get("style") or attributes.get("class"):
            self.dropped.add(f"<{tag}>'s style")
        if tag == "br":
            pieces = self.buffers[-1]
            if pieces and pieces[-1] is not self.marker:
                pieces[-1] = pieces[-1].rstrip(" ")
            self.emit("\\\n")
        elif tag == "hr":
            self.emit("\n\n---\n\n")
        elif tag == "img":
            alt = (attributes.get("alt") or "").replace("]", "\\]")
            self.emit(f"![{alt}]({attributes.get('src') or ''})")
        elif tag in ("ul", "ol"):
            self.emit("\n\n" if not self.lists else "")
            start = attributes.get("start") or ""
            self.lists.append([tag == "ol", int(start) if start.isdigit() else 1, 0, False])
        elif tag == "li":
            indent = self.indent(len(self.lists) - 1)
            if self.lists and self.lists[-1][0]:
                marker = f"{self.lists[-1][1]}. "
                self.lists[-1][1] += 1
            else:
                marker = "- "
            if self.lists and (self.lists[-1][2] or len(self.lists) > 1):
                self._trim_trailing_space()  # no blank line between items: a tight list,
                if self.lists[-1][3]:
                    self.emit("\n")  # unless its items hold paragraphs (a loose list)
            if self.lists:
                self.lists[-1][2] += 1
            self.marker = f"\n{indent}{marker}"
            self.emit(self.marker)
        elif tag in _HEADINGS:
            self.emit("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "pre":
            self.preformatted += 1
            self.buffers.append([])
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") or tag in _EMPHASIS or tag in ("code", "a"):
            self.open.append((tag, attributes))
            self.buffers.append([])
        elif tag == "blockquote":
            self.buffers.append([])
        elif tag in _BLOCKS:
            if self.lists:
                self.lists[-1][3] = True  # a paragraph in a list item: a loose list
            self.block_break()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= tag not in _VOID and tag not in _RAW_TEXT
            return
        if tag == "pre" and self.preformatted:
            self.preformatted -= 1
            self.emit(f"\n\n{code_block(''.join(self.buffers.pop()))}\n\n")
        elif self.open and self.open[-1][0] == tag:
            self._close_inline(*self.open.pop())
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.emit("\n\n" if not self.lists else "")
        elif tag == "table" and self.table is not None:
            self._write_table()
        elif tag == "blockquote" and len(self.buffers) > 1:
            quoted = _tidy("".join(self.buffers.pop()))
            self.emit("\n\n" + "\n".join(f"> {line}".rstrip() for line in quoted.split("\n"))
                      + "\n\n")
        elif tag in _BLOCKS or tag in _HEADINGS:
            self.block_break()

    def _close_inline(self, tag: str, attributes: dict) -> None:
        inner = "".join(self.buffers.pop())
        if tag in ("td", "th"):
            if self.table:
                self.table[-1].append(inner.replace("\n", " ").replace("|", "\\|").strip())
            else:
                self.emit(inner)
            return
        if tag == "code":
            self.emit(inner if self.preformatted else code_span(inner))
            return
        text = inner.strip()
        if not text:
            self.emit(inner)
            return
        lead = " " if inner[:1].isspace() else ""
        trail = " " if inner[-1:].isspace() else ""
        if tag == "a":
            href = attributes.get("href")
            self.emit(f"{lead}[{text}]({href}){trail}" if href else inner)
        else:
            mark = _EMPHASIS[tag]
            self.emit(f"{lead}{mark}{text}{mark}{trail}")

    def _write_table(self) -> None:
        rows = [row for row in self.table or [] if row]
        self.table = None
        if not rows:
            return
        width = max(len(row) for row in rows)
        lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in rows]
        lines.insert(1, "|" + " --- |" * width)
        self.emit("\n\n" + "\n".join(lines) + "\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not data:
            return
        if not self.preformatted:
            if not data.strip():
                if not (self._just_after_marker() or self._at_line_start()
                        or (self.buffers[-1] and self.buffers[-1][-1][-1:].isspace())):
                    self.emit("\n" if "\n" in data else " ")
                return
            data = _WHITESPACE.sub(lambda run: _collapsed(run, data), data)
            if self._at_line_start():
                data = data.lstrip()
            elif self.buffers[-1] and self.buffers[-1][-1].endswith(" "):
                data = data.lstrip(" ")
        self.emit(data)

    def _at_line_start(self) -> bool:
        for piece in reversed(self.buffers[-1]):
            if piece:
                return piece.endswith("\n") and not piece.endswith("- ")
        return len(self.buffers) == 1

    def markdown(self) -> str:
        while self.open:  # unclosed inline elements: keep what they hold
            self._close_inline(*self.open.pop())
        while len(self.buffers) > 1:
            inner = "".join(self.buffers.pop())
            self.emit(inner)
        return "".join(self.buffers[0])


_HEADINGS = {f"h{level}" for level in range(1, 7)}
_KNOWN = ({"br", "hr", "img", "ul", "ol", "li", "pre", "code", "a", "table", "tr", "td", "th"}
          | _HEADINGS | set(_EMPHASIS) | _BLOCKS)


def _tidy(markdown: str) -> str:
    """Spaces and breaks as Markdown wants them: no trailing spaces, at most one blank line,
    line breaks (`\\` at a line end) only inside a paragraph, two or more of them a new one."""
    # line by line: a regex for trailing spaces backtracks over long runs of them
    markdown = "\n".join(line.rstrip(" \t") for line in markdown.split("\n"))
    markdown = re.sub(r"(?:\\\n[ \t]*){2,}", "\n\n", markdown)
    markdown = re.sub(r"\\\n(?=\s*(?:\n|$))", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    result = markdown.strip()
    return result[:-1].rstrip() if result.endswith("\\") else result


def markdown_from_html(text: str) -> tuple[str, list[str]]:
    """HTML with MathJax math (as jupyterquiz and jupytercards show it) → Markdown with `$`
    math, and the HTML features that had to be left out (sorted; empty when none)."""
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    protected, spans = _protect_math(text)
    if "<" not in protected and "&" not in protected:  # plain text: keep it as written
        markdown = protected.strip()
        dropped: list[str] = []
    else:
        converter = _Converter()
        _feed(converter, protected)
        markdown, dropped = _tidy(converter.markdown()), sorted(converter.dropped)
    return _SLOT.sub(lambda match: spans[int(match.group(1))], markdown), dropped


def has_html_tags(text: str) -> bool:
    """Whether `text` holds an HTML tag (which the pack's Markdown shows as text)."""
    return any(match.group(2) for match in _TAG.finditer(text))


def plain_text(text: str) -> str:
    """HTML entities decoded (for code fields, which the tools put into <code> as HTML)."""
    return html.unescape(text)
