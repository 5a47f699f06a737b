"""Matplotlib frames in ~10 ms: draw the fixed parts once, re-draw only what moves.

A full matplotlib re-render (axes, ticks, text) costs 100-300 ms on a small machine; a
slider needs ~10 ms. So the background is rendered once and kept as pixels, and each update
restores it and draws only the "animated" artists (lines, markers, text that change), then
encodes the frame as PNG for an `ipywidgets.Image`. A figure of many panels can restore and
re-draw only the regions that changed (`draw(artists, regions)`), and the PNG is written
here with numpy and zlib (no filtering, fastest compression): 3-5× quicker than Pillow's
encoder on a plot of flat colours, the same pixels and about the same size.
"""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image


def png_bytes(pixels: np.ndarray) -> bytes:
    """PNG bytes of an (height, width, 4) RGBA or (height, width, 3) RGB uint8 array.

    Rows are stored unfiltered and compressed at zlib's fastest level: a plot is mostly runs
    of one colour, which that compresses well and quickly."""
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none" for every row
    rows[:, 1:] = pixels.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, {3: 2, 4: 6}[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


class FastFigure:
    """A `matplotlib.figure.Figure` (never pyplot) that renders updates as PNG bytes quickly.

    Create artists on `axes`, pass the ones that change to `animate()`, then call `png()`
    after each change. Call `redraw_background()` when something fixed changes (axis limits,
    a contour plot, titles). `pixel_size` is the frame's (width, height) in pixels.
    """

    def __init__(self, width: float = 7.0, height: float = 2.8, dpi: int = 80,
                 nrows: int = 1, ncols: int = 1, palette: bool = False, **subplot_options):
        # palette: frames of at most 256 colours (quantised, so slightly lossy)
        self.palette = palette
        self.figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(nrows, ncols, squeeze=False, **subplot_options).ravel()
        self._animated: list = []
        self._background = None
        self._background_pixels = None

    @property
    def pixel_size(self) -> tuple:
        """(width, height) of every frame, in pixels."""
        return self.canvas.get_width_height()

    def animate(self, *artists):
        """Mark artists as moving: left out of the background, drawn on every frame."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        self._background = None
        return artists[0] if len(artists) == 1 else artists

    def redraw_background(self) -> None:
        """Render everything that is not animated (on the next `png()` or `draw()`)."""
        self._background = None

    def draw(self, artists=None, regions=None) -> bool:
        """Draw a frame on the canvas; True if the background had to be rendered first.

        By default the whole background is restored and every visible animated artist drawn.
        `regions` (matplotlib `Bbox`es in display pixels, e.g. window extents): restore the
        background only there and keep the last frame everywhere else. `artists`: draw only
        these (by default every animated one), e.g. the ones inside `regions`: an artist that
        changed must lie inside a region and be drawn, an artist left out must lie outside
        every region. When the background is rendered anew, the whole frame is drawn,
        whatever was asked.
        """
        if self._background is None:
            self.canvas.draw()  # the first draw also runs the constrained layout
            self.figure.set_layout_engine("none")  # then freeze it: later frames must line up
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._background_pixels = np.asarray(self._background)  # for restoring parts of it
            artists, rendered = None, True
        elif regions is None:
            self.canvas.restore_region(self._background)
            rendered = False
        else:
            canvas = self.pixels()
            for rows, columns in map(self.pixel_slices, regions):
                canvas[rows, columns] = self._background_pixels[rows, columns]
            rendered = False
        for artist in self._animated if artists is None else artists:
            if artist.get_visible():
                artist.axes.draw_artist(artist) if artist.axes else self.figure.draw_artist(artist)
        return rendered

    def pixel_slices(self, box: Bbox) -> tuple:
        """(rows, columns) of `pixels()` covering `box` (display pixels, y up), clipped to the
        frame and rounded outwards."""
        width, height = self.pixel_size
        (x0, y0), (x1, y1) = box.get_points()
        rows = slice(max(0, int(np.floor(height - y1))), min(height, int(np.ceil(height - y0))))
        columns = slice(max(0, int(np.floor(x0))), min(width, int(np.ceil(x1))))
        return rows, columns

    def pixels(self) -> np.ndarray:
        """The canvas as a writable (height, width, 4) RGBA array, top row first."""
        return np.asarray(self.canvas.buffer_rgba())

    def encode(self, pixels: np.ndarray | None = None) -> bytes:
        """`pixels` (default: the canvas as drawn) as PNG bytes."""
        pixels = self.pixels() if pixels is None else pixels
        if not self.palette:
            return png_bytes(pixels)
        frame = Image.fromarray(np.ascontiguousarray(pixels[..., :3])).quantize(
            256, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        frame.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def png(self) -> bytes:
        """The current frame as PNG bytes."""
        self.draw()
        return self.encode()
