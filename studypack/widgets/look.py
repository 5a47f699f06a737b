"""What every widget shares on screen: one feedback language, crisp plots on a light card,
a number box read as typed, and a friendly text before the cell runs.

Colours are JupyterLab's CSS variables (with a fallback for front ends without them, e.g.
VS Code), so HTML reads well in the light and the dark theme.
"""
from __future__ import annotations

import html
from typing import Optional

import ipywidgets as widgets

from studypack.content.grading import parse_number

RIGHT, WRONG, PARTLY, NEUTRAL = "right", "wrong", "partly", "neutral"
COLOUR = {RIGHT: "var(--jp-success-color1, #2e7d32)",
          WRONG: "var(--jp-error-color1, #c62828)",
          PARTLY: "var(--jp-warn-color0, #e65100)",
          NEUTRAL: "var(--jp-ui-font-color1, inherit)"}
MUTED = "var(--jp-ui-font-color2, #616161)"
MARK = {RIGHT: "✔", WRONG: "✘", PARTLY: "◐", NEUTRAL: ""}
# plots are drawn at twice the size they are shown at (crisp on every screen)
PLOT_SCALE = 2
CARD_LAYOUT = dict(border="1px solid var(--jp-border-color2, #e0e0e0)", padding="4px",
                   margin="4px 0")


def verdict_html(kind: str, text: str, escape: bool = True) -> str:
    """A verdict in the pack's one feedback language: colour, mark and words together
    (the words are there for learners who cannot tell the colours apart)."""
    shown = html.escape(text) if escape else text
    mark = MARK[kind]
    return (f'<b style="color:{COLOUR[kind]}">{mark + " " if mark else ""}{shown}</b>')


def muted_html(text: str, escape: bool = True) -> str:
    """Secondary text (positions, dates, hints) readable in both themes."""
    return f'<span style="color:{MUTED}">{html.escape(text) if escape else text}</span>'


def plot_image(pixel_width: int, pixel_height: Optional[int] = None) -> widgets.Image:
    """An `Image` for a PNG of `pixel_width` pixels, shown at half that many CSS pixels (never
    stretched larger than its pixels; narrower on a narrow page), on a light card."""
    css_width = pixel_width / PLOT_SCALE
    return widgets.Image(format="png", layout=widgets.Layout(
        width=f"{css_width:.0f}px", max_width="100%", height="auto",
        object_fit="contain", **CARD_LAYOUT))


def plot_dpi(width_inches: float, css_width: float) -> int:
    """The dpi at which a figure `width_inches` wide is drawn at PLOT_SCALE × `css_width` px."""
    return round(PLOT_SCALE * css_width / width_inches)


class NumberBox(widgets.Text):
    """A box for a number that starts empty and is read exactly as typed: `number()` parses
    '0.25', '-1.5', '1/4', '0,25'; None when empty; ValueError (what to type) otherwise.
    `on_submit(callback)` runs the callback on Enter, like a Check button."""

    def __init__(self, placeholder: str = "a number, e.g. 0.25", **kwargs):
        kwargs.setdefault("layout", widgets.Layout(width="12em"))
        super().__init__(value="", placeholder=placeholder, continuous_update=False, **kwargs)

    def number(self) -> Optional[float]:
        typed = self.value.strip()
        return parse_number(typed) if typed else None

    def on_submit(self, callback) -> None:
        # continuous_update off: `value` changes only on Enter or when the box loses focus;
        # only a change that was typed (not one made from Python, e.g. clearing) checks
        def submitted(change):
            if change["new"].strip() and not self._clearing:
                callback(self)
        self.observe(submitted, names="value")

    _clearing = False

    def clear(self) -> None:
        self._clearing = True
        try:
            self.value = ""
        finally:
            self._clearing = False


class RunHint:
    """Mixin: what a saved notebook shows (text/plain) in place of the widget before the cell
    runs, e.g. "Run this cell to start the backprop stepper.". Set `run_hint` on the class."""

    run_hint = "the interactive widget"
    run_sentence = ""  # a whole sentence in the learner's language, when the widget has one

    def __repr__(self) -> str:
        return self.run_sentence or f"Run this cell to start {self.run_hint}."
