"""Matplotlib frames in ~10 ms: draw the fixed parts once, re-draw only what moves.

A full matplotlib re-render (axes, ticks, text) costs 100-300 ms on a small machine; a
slider needs ~10 ms. So the background is rendered once and kept as pixels, and each update
restores it and draws only the "animated" artists (lines, markers, text that change), then
encodes the frame as PNG for an `ipywidgets.Image`.
"""
from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


class FastFigure:
    """A `matplotlib.figure.Figure` (never pyplot) that renders updates as PNG bytes quickly.

    Create artists on `axes`, pass the ones that change to `animate()`, then call `png()`
    after each change. Call `redraw_background()` when something fixed changes (axis limits,
    a contour plot, titles).
    """

    def __init__(self, width: float = 7.0, height: float = 2.8, dpi: int = 80,
                 nrows: int = 1, ncols: int = 1, palette: bool = False, **subplot_options):
        # palette: frames of at most 256 colours; a plot of a few lines has few colours, and a
        # 1200-pixel-wide frame then encodes in ~6 ms instead of ~15-35 ms
        self.palette = palette
        self.figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(nrows, ncols, squeeze=False, **subplot_options).ravel()
        self._animated: list = []
        self._background = None

    def animate(self, *artists):
        """Mark artists as moving: left out of the background, drawn on every frame."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        self._background = None
        return artists[0] if len(artists) == 1 else artists

    def redraw_background(self) -> None:
        """Render everything that is not animated (on the next `png()`)."""
        self._background = None

    def png(self) -> bytes:
        """The current frame as PNG bytes."""
        if self._background is None:
            self.canvas.draw()  # the first draw also runs the constrained layout
            self.figure.set_layout_engine("none")  # then freeze it: later frames must line up
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._animated:
            if artist.get_visible():
                artist.axes.draw_artist(artist) if artist.axes else self.figure.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        frame = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        if self.palette:
            frame = frame.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        frame.save(buffer, format="PNG", compress_level=1)  # fast; the PNG stays small anyway
        return buffer.getvalue()
