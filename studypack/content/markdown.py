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
from typing import Sequence

# Alternatives, tried left to right at each position: a code span is kept as it is (a `$` in
# code is not math); display math $$...$$ (may span lines); inline math $...$ that neither
# starts nor ends with a space and stays within a paragraph (so "$5 and $6" is text).
_MATH_OR_CODE = re.compile(
    r"(?P<code>(`+).+?\2)"
    r"|(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<!\\)\$(?P<inline>(?![\s$])(?:[^$\n\\]|\\.|\n(?![ \t]*\n))*?(?<![\s\\]))\$",
    re.DOTALL)
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

    def protect(match: re.Match) -> str:
        if match.group("code"):
            return match.group(0)
        display = match.group("display")
        body = display if display is not None else match.group("inline")
        opening, closing = (math[2], math[3]) if display is not None else (math[0], math[1])
        spans.append(opening + body + closing)
        return f"{_OPEN}{len(spans) - 1}{_CLOSE}"

    protected = _MATH_OR_CODE.sub(protect, text.replace(_OPEN, "").replace(_CLOSE, ""))
    rendered = _renderer.renderInline(protected) if inline else _renderer.render(protected)
    return _SLOT.sub(lambda match: html.escape(spans[int(match.group(1))]), rendered).strip()
