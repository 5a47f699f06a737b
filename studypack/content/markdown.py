"""Content Markdown with `$...$` / `$$...$$` math → safe HTML, for widgets and exports.

Two things must hold wherever content is shown as HTML:
- raw HTML in the text is never interpreted (`<script>` comes out as text): markdown-it runs
  with HTML disabled, and refuses `javascript:` links;
- math survives Markdown untouched: in `$x_1 w_1 + x_2 w_2$` the underscores are subscripts,
  not emphasis. So math spans are swapped for placeholders before rendering and put back
  afterwards, HTML-escaped, between the delimiters the reader's MathJax expects.
"""
from __future__ import annotations

import html
import re
from typing import Iterator, Optional, Sequence

# Math and code spans are found by one scan, left to right, in time linear in the text (a
# regex with alternatives and lazy repeats took ~cubic time on 20,000 backticks). At each
# position: a code span is kept as it is (a `$` in code is not math); display math $$...$$
# (may span lines); inline math $...$ that neither starts nor ends with a space and stays
# within a paragraph (so "$5 and $6" is text). A `$` after a backslash is never a delimiter.
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"[ \t]*\n")
_DELIMITER = re.compile(r"[`$]")
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in content
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

# Math delimiters (inline open, inline close, display open, display close):
DOLLAR_MATH = ("$", "$", "$$", "$$")        # Jupyter's MathJax (HTMLMath), jupyterquiz
ANKI_MATH = (r"\(", r"\)", r"\[", r"\]")    # Anki's MathJax

_renderer = None


def markdown_to_html(text: str, math: Sequence[str] = DOLLAR_MATH) -> str:
    """Block Markdown (paragraphs, lists, headings, tables) as HTML, math between `math`."""
    return _render(text, math, inline=False)


def markdown_inline(text: str, math: Sequence[str] = DOLLAR_MATH) -> str:
    """One line of Markdown (an option, a card front in a list) as HTML, without a <p>."""
    return _render(text, math, inline=True)


def _render(text: str, math: Sequence[str], inline: bool) -> str:
    global _renderer
    if _renderer is None:  # imported on first use: `import studypack` stays light
        from markdown_it import MarkdownIt
        _renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    spans: list[str] = []

    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    pieces, done = [], 0
    for start, end, display in _math_spans(text):
        opening, closing = (math[2], math[3]) if display else (math[0], math[1])
        skip = 2 if display else 1
        spans.append(opening + text[start + skip:end - skip] + closing)
        pieces += [text[done:start], f"{_OPEN}{len(spans) - 1}{_CLOSE}"]
        done = end
    protected = "".join(pieces) + text[done:]
    rendered = _renderer.renderInline(protected) if inline else _renderer.render(protected)
    return _SLOT.sub(lambda match: html.escape(spans[int(match.group(1))]), rendered).strip()


def _math_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is display) of each math span, delimiters included, left to right.

    Linear: every search starts where the last one ended or remembers where it failed.
    """
    runs: dict[int, list[int]] = {}  # backtick run length → starts of such runs, in order
    for run in _BACKTICKS.finditer(text):
        runs.setdefault(len(run.group()), []).append(run.start())
    next_run = dict.fromkeys(runs, 0)  # per length: the first run not yet passed
    no_display_close_from = len(text) + 1  # a search for "$$" from here on finds none
    position = 0
    while True:
        found = _DELIMITER.search(text, position)  # jump to the next ` or $
        if found is None:
            return
        position = found.start()
        character = text[position]
        if character == "`":
            run_length = len(_BACKTICKS.match(text, position).group())
            end = _code_span_end(runs[run_length], next_run, run_length, position)
            position = end if end is not None else position + run_length
            continue
        if position and text[position - 1] == "\\":
            position += 1
            continue
        if text.startswith("$$", position) and position + 3 < no_display_close_from:
            end = _display_end(text, position)
            if end is not None:
                yield position, end, True
                position = end
                continue
            no_display_close_from = position + 3
        end = _inline_end(text, position)
        if end is not None:
            yield position, end, False
            position = end
        else:
            position += 1


def _code_span_end(starts: list[int], next_run: dict, run_length: int,
                   position: int) -> Optional[int]:
    """The end of the code span opened by the run of `run_length` backticks at `position`
    (closed by the next run of exactly that length), or None if it is not closed."""
    index = next_run[run_length]
    while index < len(starts) and starts[index] <= position:
        index += 1
    next_run[run_length] = index
    if index == len(starts):
        return None
    next_run[run_length] = index + 1
    return starts[index] + run_length


def _display_end(text: str, position: int) -> Optional[int]:
    """The end of $$...$$ (at least one character inside) opened at `position`, or None."""
    search = position + 3
    while True:
        close = text.find("$$", search)
        if close < 0:
            return None
        if text[close - 1] != "\\":
            return close + 2
        search = close + 1


def _inline_end(text: str, position: int) -> Optional[int]:
    """The end of $...$ opened at `position`: not starting or ending with a space, no blank
    line inside, `\\x` taken as a pair; None if the first unescaped `$` does not close it."""
    index = position + 1
    if index >= len(text) or text[index].isspace() or text[index] == "$":
        return None
    while index < len(text):
        character = text[index]
        if character == "\\":
            index += 2
        elif character == "$":
            return index + 1 if not (text[index - 1].isspace() or text[index - 1] == "\\") \
                else None
        elif character == "\n" and _BLANK_LINE.match(text, index + 1):
            return None
        else:
            index += 1
    return None


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!<>|~-])")


def markdown_escape(text: str) -> str:
    """`text` with every character Markdown would read as markup escaped, to put a title or
    a sentence into Markdown written for another renderer (e.g. JupyterLab's, for links it
    opens in a tab): `[a](b)` stays text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
