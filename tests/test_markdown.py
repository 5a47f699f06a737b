"""Content Markdown → HTML (for HTMLMath and exports): raw HTML is text, math survives untouched."""
import pytest

from studypack.content.markdown import markdown_inline, markdown_to_html


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src='https://example.com'></iframe>",
])
def test_raw_html_comes_out_as_text(attack):
    for render in (markdown_to_html, markdown_inline):
        shown = render(f"Before {attack} after")
        assert "<script" not in shown and "<img" not in shown and "<iframe" not in shown
        assert "&lt;" in shown


def test_javascript_links_are_not_links():
    shown = markdown_to_html("[click me](javascript:alert(1))")
    assert 'href="javascript' not in shown
    assert '<a href="https://example.org">docs</a>' in markdown_to_html(
        "[docs](https://example.org)")


def test_math_is_not_markdown():
    # underscores and stars inside math are subscripts and products, not emphasis
    shown = markdown_inline(r"$x_1 w_1 + x_2 w_2$ and $a*b*c$ and $$\sum_i x_i^2$$")
    assert r"$x_1 w_1 + x_2 w_2$" in shown and "$a*b*c$" in shown
    assert r"$$\sum_i x_i^2$$" in shown
    assert "<em>" not in shown


def test_math_is_escaped_but_kept():
    # MathJax reads the text content, so &lt; inside math is still "<" to it
    assert markdown_inline("$a < b$") == "$a &lt; b$"
    assert "<script>" not in markdown_inline("$<script>alert(1)</script>$")


def test_markdown_still_works_around_math():
    shown = markdown_to_html("**Loss** $L = (y - \\hat y)^2$\n\n- one\n- two")
    assert "<strong>Loss</strong>" in shown and "<li>one</li>" in shown
    assert r"$L = (y - \hat y)^2$" in shown


def test_dollars_that_are_not_math_and_code_spans():
    assert markdown_inline("costs $5 and $6") == "costs $5 and $6"
    assert markdown_inline("`$x_1$` in code") == "<code>$x_1$</code> in code"


def test_math_delimiters_for_anki():
    from studypack.content.markdown import ANKI_MATH
    assert markdown_inline("$x_1$ and $$y^2$$", ANKI_MATH) == r"\(x_1\) and \[y^2\]"


@pytest.mark.parametrize("text,shown", [
    # a code span closes at a run of exactly as many backticks; `$` inside stays code
    ("`` a`$x$`b `` and $y_1$", "<code>a`$x$`b</code> and $y_1$"),
    # an unclosed run is text, and math after it still works
    ("``` open $x_1$", "``` open $x_1$"),
    # math opened first keeps its backticks
    ("$a`b$ then `c`", "$a`b$ then <code>c</code>"),
    # escaped dollars are never delimiters
    (r"\$5 and \$6", "$5 and $6"),
    (r"$a\$b$", r"$a\$b$"),
    # display math may hold single dollars and span lines
    ("$$a\nb$$", "$$a\nb$$"),
    # inline math must not start or end with a space, nor cross a blank line
    ("$ a$ and $a $", "$ a$ and $a $"),
    ("$a\n\nb$", "$a\n\nb$"),
])
def test_math_and_code_spans(text, shown):
    assert markdown_inline(text) == shown


def test_20000_backticks_render_at_once():
    import time
    started = time.perf_counter()
    assert markdown_inline("`" * 20_000) == "`" * 20_000
    assert time.perf_counter() - started < 2  # a ~cubic regex took minutes


def test_markdown_escape_keeps_titles_and_sentences_as_text():
    from markdown_it import MarkdownIt

    from studypack.content.markdown import markdown_escape
    title = "Lesson 3 — [a](b) *not* _emphasis_ `code` #1 <b>x</b>"
    rendered = MarkdownIt("commonmark").renderInline(markdown_escape(title))
    assert "<a" not in rendered and "<em>" not in rendered and "<code>" not in rendered
    assert rendered == "Lesson 3 — [a](b) *not* _emphasis_ `code` #1 &lt;b&gt;x&lt;/b&gt;"
