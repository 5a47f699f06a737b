"""Content text for `ipywidgets.HTMLMath`: Markdown with math, raw HTML shown as text."""
from __future__ import annotations

from studypack.content.markdown import markdown_html


def markdown_to_html(text: str) -> str:
    """Block Markdown (paragraphs, lists, headings, tables) with math, as escaped HTML."""
    return markdown_html(text)


def markdown_inline(text: str) -> str:
    """One line of Markdown with math (an option, a card front in a list), without a <p>."""
    return markdown_html(text, inline=True)
