"""Markdown with `$...$` / `$$...$$` math → safe HTML for `ipywidgets.HTMLMath`.

Content text is Markdown with LaTeX math. Two things must hold when it is shown:
- raw HTML in the text is never interpreted (`<script>` comes out as text), so markdown-it
  runs with HTML disabled and refuses `javascript:` links;
- math survives Markdown untouched: in `$x_1 w_1 + x_2 w_2$` the underscores are subscripts,
  not emphasis, and `\\,` is not an escaped comma. So math spans are swapped for placeholders
  before rendering and put back afterwards, HTML-escaped; MathJax (HTMLMath) reads the text
  and typesets it.
"""
from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable("table")

# Alternatives, tried left to right at each position: a code span or fence is kept as it is
# (a `$` in code is not math); display math $$...$$ (may span lines); inline math $...$ that
# neither starts nor ends with a space and stays within a paragraph (so "$5 and $6" is text).
_MATH_OR_CODE = re.compile(
    r"(?P<code>(`+).+?\2)"
    r"|(?P<display>(?<!\\)\$\$.+?(?<!\\)\$\$)"
    r"|(?P<inline>(?<!\\)\$(?![\s$])(?:[^$\n\\]|\\.|\n(?![ \t]*\n))*?(?<![\s\\])\$)",
    re.DOTALL)
# Private-use characters: never in content, untouched by Markdown.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def _protect(text: str) -> tuple[str, list[str]]:
    """The text with each math span replaced by a numbered placeholder, and the spans."""
    spans: list[str] = []

    def replace(match: re.Match) -> str:
        if match.group("code"):
            return match.group(0)
        spans.append(match.group(0))
        return f"{_OPEN}{len(spans) - 1}{_CLOSE}"

    cleaned = text.replace(_OPEN, "").replace(_CLOSE, "")
    return _MATH_OR_CODE.sub(replace, cleaned), spans


def _restore(rendered: str, spans: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda match: html.escape(spans[int(match.group(1))]), rendered)


def markdown_to_html(text: str) -> str:
    """Block Markdown (paragraphs, lists, headings, tables) with math, as escaped HTML."""
    protected, spans = _protect(text)
    return _restore(_RENDERER.render(protected), spans)


def markdown_inline(text: str) -> str:
    """One line of Markdown with math (an option, a card front in a list), without a <p>."""
    protected, spans = _protect(text)
    return _restore(_RENDERER.renderInline(protected), spans)
