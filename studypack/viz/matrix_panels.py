"""Matrices as labelled heatmaps that update in a few milliseconds (no widgets here).

Each panel is a grid of coloured cells, one per entry (red positive, blue negative, white
zero), under a fixed title (the matrix's name) and a line that changes with it (its shape
and colour scale). A panel is sized once for the largest matrix it will show; a smaller one
fills its top-left corner and the rest stays empty, so the axes never change and every update
is a blit (`FastFigure`). Only the changing line is redrawn: text is what costs most.
"""
from __future__ import annotations

import numpy as np
from matplotlib import rcParams
from matplotlib.colors import Normalize
from matplotlib.patches import FancyBboxPatch, Rectangle

from .fastplot import FastFigure

COLOUR_MAP = "RdBu_r"                 # diverging: the sign of a gradient is what matters
CARD_COLOUR, CARD_EDGE = "white", "#b0b0b0"
ROW_MARK_COLOUR = "black"             # the frame round one row (one example of the batch)
FRAME_COLOURS = {"reads": "#1565c0", "writes": "#e65100"}  # inputs of a step, its output
HIDDEN_TITLE_COLOUR = "0.45"         # 4.6:1 on white: greyed, still readable
CELL_EDGE = (0.6, 0.6, 0.6, 1.0)


class MatrixPanels:
    """A figure of heatmap panels laid out in rows, for matrices up to a maximum shape.

    `layout` is a list of rows, each a list of (name, title, (max_rows, max_columns)). Show
    a matrix with `show(name, array, detail)`, `detail` being the line under the title;
    `hide(name, detail)` empties a panel; `frame` draws a coloured frame round panels;
    `mark_row` outlines one row of a panel. Call `png()` for the frame as PNG bytes. A 1-D
    array is drawn as one row.
    """

    def __init__(self, layout: list[list[tuple[str, str, tuple[int, int]]]], width: float = 7.0,
                 row_height: float = 2.3, dpi: int = 160, font_size: float = 9.5):
        columns = max(len(row) for row in layout)
        self.figure = FastFigure(width=width, height=row_height * len(layout), dpi=dpi,
                                 nrows=len(layout), ncols=columns)
        figure = self.figure.figure
        figure.get_layout_engine().set(w_pad=0.06, h_pad=0.1)  # room for the frames' lines
        # a light card with rounded corners: the plot looks intended on a dark page too
        figure.patch.set_alpha(0.0)
        figure.patches.append(FancyBboxPatch(
            (0.004, 0.004), 0.992, 0.992, boxstyle="round,pad=0,rounding_size=0.015",
            transform=figure.transFigure, facecolor=CARD_COLOUR, edgecolor=CARD_EDGE,
            linewidth=1.0, zorder=-10))
        self.shapes, self._meshes, self._details, self._frames, self._row_marks = {}, {}, {}, {}, {}
        for row_index, row in enumerate(layout):
            for column_index in range(columns):
                axes = self.figure.axes[row_index * columns + column_index]
                axes.set_axis_off()
                if column_index < len(row):
                    name, title, shape = row[column_index]
                    self._add_panel(axes, name, title, shape, font_size)

    def _add_panel(self, axes, name: str, title: str, shape: tuple[int, int],
                   font_size: float) -> None:
        rows, columns = shape
        # the widest panel sets the cell size: every panel's cells are squares of one size
        axes.set_xlim(-0.5, columns - 0.5)
        axes.set_ylim(rows - 0.5, -0.5)
        axes.set_aspect("equal", adjustable="box", anchor="N")
        empty = np.ma.masked_array(np.zeros(shape), mask=True)
        mesh = axes.pcolormesh(np.arange(columns + 1) - 0.5, np.arange(rows + 1) - 0.5, empty,
                               cmap=COLOUR_MAP, norm=Normalize(-1.0, 1.0),
                               edgecolors="none", linewidth=0.6)
        # the title's second line is left blank for the detail, drawn there on every frame
        axes.set_title(f"{title}\n", fontsize=font_size, loc="center")
        detail = axes.annotate("", xy=(0.5, 1.0), xycoords="axes fraction",
                               xytext=(0, rcParams["axes.titlepad"]), textcoords="offset points",
                               ha="center", va="baseline", fontsize=font_size)
        frame = Rectangle((-0.5, -0.5), columns, rows, fill=False, linewidth=2.5,
                          edgecolor=FRAME_COLOURS["reads"], visible=False, clip_on=False)
        row_mark = Rectangle((-0.5, -0.5), columns, 1, fill=False, linewidth=1.6,
                             edgecolor=ROW_MARK_COLOUR, visible=False, clip_on=False)
        axes.add_patch(frame)
        axes.add_patch(row_mark)
        self.figure.animate(mesh, detail, frame, row_mark)
        self.shapes[name] = shape
        self._meshes[name], self._details[name] = mesh, detail
        self._frames[name], self._row_marks[name] = frame, row_mark

    def show(self, name: str, array, detail: str) -> None:
        """Draw `array` in panel `name`, coloured on a scale symmetric about 0 that reaches
        its largest magnitude, with `detail` under the title."""
        values = np.atleast_2d(np.asarray(array, dtype=float))
        max_rows, max_columns = self.shapes[name]
        if values.shape[0] > max_rows or values.shape[1] > max_columns:
            raise ValueError(f"panel {name!r} holds at most {self.shapes[name]}, "
                             f"got shape {values.shape}")
        # zeros under the mask: masked_all's uninitialised numbers could overflow the colour map
        grid = np.ma.masked_array(np.zeros((max_rows, max_columns)), mask=True)
        grid[:values.shape[0], :values.shape[1]] = values
        mesh = self._meshes[name]
        mesh.set_array(grid)
        # cell edges only round the entries there are: the rest of the panel stays empty
        edges = np.zeros((max_rows, max_columns, 4))
        edges[:values.shape[0], :values.shape[1]] = CELL_EDGE
        mesh.set_edgecolor(edges.reshape(-1, 4))
        largest = float(np.abs(values).max()) if values.size else 0.0
        mesh.norm.vmin, mesh.norm.vmax = -largest or -1.0, largest or 1.0
        mesh.set_visible(True)
        self._details[name].set_text(detail)
        self._details[name].set_color("black")

    def drawn(self, name: str) -> np.ndarray | None:
        """The matrix panel `name` shows now (None while it is hidden), read off its cells."""
        mesh = self._meshes[name]
        if not mesh.get_visible():
            return None
        grid = mesh.get_array()
        rows = int((~np.ma.getmaskarray(grid)).any(axis=1).sum())
        columns = int((~np.ma.getmaskarray(grid)).any(axis=0).sum())
        return np.asarray(grid[:rows, :columns])

    def hide(self, name: str, detail: str) -> None:
        """Leave panel `name` empty (not computed yet), its detail greyed."""
        self._meshes[name].set_visible(False)
        self._details[name].set_text(detail)
        self._details[name].set_color(HIDDEN_TITLE_COLOUR)
        self._row_marks[name].set_visible(False)

    def frame(self, names_by_role: dict[str, list[str]]) -> None:
        """Frame panels by role ("reads": blue, "writes": orange); the others lose theirs."""
        for frame in self._frames.values():
            frame.set_visible(False)
        for role, names in names_by_role.items():
            for name in names:
                self._frames[name].set_edgecolor(FRAME_COLOURS[role])
                self._frames[name].set_visible(True)

    def mark_row(self, name: str, row: int | None) -> None:
        """Outline row `row` of panel `name` (None: no outline)."""
        mark = self._row_marks[name]
        mark.set_visible(row is not None and self._meshes[name].get_visible())
        if row is not None:
            mark.set_y(row - 0.5)

    def resize_frame(self, name: str, rows: int, columns: int) -> None:
        """Fit panel `name`'s frame to a matrix of `rows` × `columns`."""
        self._frames[name].set_height(rows)
        self._frames[name].set_width(columns)

    def png(self) -> bytes:
        return self.figure.png()

    def label_problems(self) -> list[str]:
        """What is wrong with the labels as last drawn: one running off the picture, or two
        overlapping (empty when all is well)."""
        renderer = self.figure.canvas.get_renderer()
        picture = self.figure.figure.bbox
        labels = [(name, kind, text.get_window_extent(renderer))
                  for name, detail in self._details.items()
                  for kind, text in (("title", detail.axes.title), ("detail", detail))
                  if text.get_text().strip()]
        problems = [f"{name} {kind} runs off the picture" for name, kind, box in labels
                    if box.x0 < picture.x0 or box.x1 > picture.x1
                    or box.y0 < picture.y0 or box.y1 > picture.y1]
        # (a panel's detail sits on the blank second line of its own title, by design)
        problems += [f"{name} {kind} overlaps {other_name} {other_kind}"
                     for k, (name, kind, box) in enumerate(labels)
                     for other_name, other_kind, other in labels[k + 1:]
                     if other_name != name and box.overlaps(other)]
        return problems
