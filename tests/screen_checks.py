"""What a learner's screen needs from a widget, checked in Python: plots drawn at twice the
width they are shown at, text in them readable in a 590-px cell (JupyterLab at 1024 px with
the file browser open), legends, and controls that fit that cell with their words whole."""
import io
import re

import ipywidgets as widgets
from matplotlib.text import Text
from PIL import Image

NARROW_CELL_PX = 590      # a cell's width at 1024 × 768 with the file browser open
MIN_TEXT_CSS_PX = 10      # the smallest text a plot may show there


def css_px(length: str) -> float:
    """'640px' → 640.0."""
    match = re.fullmatch(r"([0-9.]+)px", length or "")
    assert match, f"not a length in px: {length!r}"
    return float(match.group(1))


def png_size(png) -> tuple[int, int]:
    return Image.open(io.BytesIO(bytes(png))).size


def assert_drawn_at_twice_its_shown_width(image: widgets.Image) -> float:
    """The PNG has 2 × the CSS width's pixels; never shown wider than that (max-width 100%
    narrows it in a narrow cell). Returns the CSS width."""
    shown = css_px(image.layout.width)
    assert png_size(image.value)[0] == 2 * shown
    assert image.layout.max_width == "100%" and image.layout.height == "auto"
    return shown


def smallest_text_css_px(figure, shown_width: float) -> float:
    """The smallest visible text of a matplotlib figure, in CSS px, when the picture is
    shown `shown_width` CSS px wide and shrunk to fit a narrow cell."""
    sizes = [text.get_fontsize() for text in figure.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    pixels_per_point = figure.dpi / 72 / 2                    # drawn at 2×
    return min(sizes) * pixels_per_point * min(1.0, NARROW_CELL_PX / shown_width)


def assert_readable_in_a_narrow_cell(image: widgets.Image, figure) -> None:
    shown = assert_drawn_at_twice_its_shown_width(image)
    assert smallest_text_css_px(figure, shown) >= MIN_TEXT_CSS_PX


def legend_texts(legend_or_axes) -> list[str]:
    """The entries of a legend (or of an axes' own legend), as shown."""
    legend = getattr(legend_or_axes, "get_legend", lambda: legend_or_axes)()
    assert legend.get_visible()
    return [text.get_text() for text in legend.get_texts()]


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def assert_fits_a_narrow_cell(widget) -> None:
    """No control is wider than a 590-px cell, rows wrap, and every description is shown
    whole (its width follows its text), every button as wide as its words."""
    for part in descendants(widget):
        lengths = [part.layout.min_width]
        if part.layout.max_width != "100%":  # else narrower in a narrower cell
            lengths.append(part.layout.width)
        for length in lengths:
            if length and length.endswith("px"):
                assert css_px(length) <= NARROW_CELL_PX, (part, length)
        assert part.layout.width != "100%", part  # plus the widget's margin: sticks out
        if isinstance(part, widgets.HBox):
            assert part.layout.flex_flow == "row wrap", part
        if getattr(part, "description", "") and hasattr(part.style, "description_width"):
            assert part.style.description_width == "initial", part.description
        if isinstance(part, widgets.Button):
            assert (part.layout.width, part.layout.flex) == ("auto", "0 0 auto"), part
        if isinstance(part, widgets.ToggleButtons):
            assert part.style.button_width == "auto", part
