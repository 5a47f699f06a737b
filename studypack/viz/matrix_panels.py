"""Matrices as labelled heatmaps that update in a few milliseconds (no widgets here).

Each panel is a grid of coloured cells, one per entry (red positive, blue negative, white
zero), under a fixed title (the matrix's name) and a line that changes with it (its shape
and colour scale). A panel is sized once for the largest matrix it will show; a smaller one
fills its top-left corner, so the axes never change and every update is a blit
(`FastFigure`). Only what changed is drawn again, in its own part of the picture: a panel
whose matrix, frame or outline changed, a detail line whose text changed (a text already
drawn once is pasted back as pixels: drawing text is what costs most). The picture leaves
out the empty bottom of a row of panels: a row is as tall as the tallest matrix in it.
"""
from __future__ import annotations

import numpy as np
from matplotlib import rcParams
from matplotlib.colors import Normalize, to_rgba
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from .fastplot import FastFigure

COLOUR_MAP = "RdBu_r"                 # diverging: the sign of a gradient is what matters
ROW_MARK_COLOUR = "black"             # the frame round one row (one example of the batch)
FRAME_COLOURS = {"reads": "#1565c0", "writes": "#e65100"}  # inputs of a step, its output
HIDDEN_TITLE_COLOUR = "0.45"         # 4.6:1 on white: greyed, still readable
CELL_EDGE = (0.6, 0.6, 0.6, 1.0)
FRAME_WIDTH, ROW_MARK_WIDTH = 2.5, 1.6  # points
MAX_TILES = 400  # detail lines kept as pixels (a few kB each)


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
        self.figure.figure.get_layout_engine().set(w_pad=0.06, h_pad=0.1)  # room for frames
        self.figure.figure.patch.set_facecolor("white")  # the page shows it on a light card
        self.rows = [[name for name, _, _ in row] for row in layout]
        self.shapes, self._meshes, self._details, self._frames, self._row_marks = {}, {}, {}, {}, {}
        self._used_rows = {}  # name → rows of the matrix (or frame) shown: the row's height
        for row_index, row in enumerate(layout):
            for column_index in range(columns):
                axes = self.figure.axes[row_index * columns + column_index]
                axes.set_axis_off()
                if column_index < len(row):
                    name, title, shape = row[column_index]
                    self._add_panel(axes, name, title, shape, font_size)
        self._changed_cells, self._changed_details = set(self.shapes), set(self.shapes)
        self._detail_drawn_at = {}  # name → (rows, columns) of the pixels its detail covers
        self._tiles = {}  # (name, text, colour) → (rows, columns, pixels) as once drawn

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
        frame = Rectangle((-0.5, -0.5), columns, rows, fill=False, linewidth=FRAME_WIDTH,
                          edgecolor=FRAME_COLOURS["reads"], visible=False, clip_on=False)
        row_mark = Rectangle((-0.5, -0.5), columns, 1, fill=False, linewidth=ROW_MARK_WIDTH,
                             edgecolor=ROW_MARK_COLOUR, visible=False, clip_on=False)
        axes.add_patch(frame)
        axes.add_patch(row_mark)
        self.figure.animate(mesh, detail, frame, row_mark)
        self.shapes[name], self._used_rows[name] = shape, rows
        self._meshes[name], self._details[name] = mesh, detail
        self._frames[name], self._row_marks[name] = frame, row_mark

    # ---- what is shown (each records whether the picture changed) -------------------------
    def show(self, name: str, array, detail: str) -> None:
        """Draw `array` in panel `name`, coloured on a scale symmetric about 0 that reaches
        its largest magnitude, with `detail` under the title."""
        values = np.atleast_2d(np.asarray(array, dtype=float))
        max_rows, max_columns = self.shapes[name]
        if values.shape[0] > max_rows or values.shape[1] > max_columns:
            raise ValueError(f"panel {name!r} holds at most {self.shapes[name]}, "
                             f"got shape {values.shape}")
        mesh = self._meshes[name]
        largest = float(np.abs(values).max()) if values.size else 0.0
        if not (mesh.get_visible() and np.array_equal(self.drawn(name), values)
                and mesh.norm.vmax == (largest or 1.0)):
            # zeros under the mask: masked_all's uninitialised numbers could overflow the map
            grid = np.ma.masked_array(np.zeros((max_rows, max_columns)), mask=True)
            grid[:values.shape[0], :values.shape[1]] = values
            mesh.set_array(grid)
            # cell edges only round the entries there are: the rest of the panel stays empty
            edges = np.zeros((max_rows, max_columns, 4))
            edges[:values.shape[0], :values.shape[1]] = CELL_EDGE
            mesh.set_edgecolor(edges.reshape(-1, 4))
            mesh.norm.vmin, mesh.norm.vmax = -largest or -1.0, largest or 1.0
            mesh.set_visible(True)
            self._changed_cells.add(name)
        self._used_rows[name] = values.shape[0]
        self._set_detail(name, detail, "black")

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
        self._set(name, self._meshes[name], visible=False)
        self._set(name, self._row_marks[name], visible=False)
        self._set_detail(name, detail, HIDDEN_TITLE_COLOUR)

    def frame(self, names_by_role: dict[str, list[str]]) -> None:
        """Frame panels by role ("reads": blue, "writes": orange); the others lose theirs."""
        roles = {name: role for role, names in names_by_role.items() for name in names}
        for name, frame in self._frames.items():
            if name in roles:
                self._set(name, frame, visible=True, edgecolor=FRAME_COLOURS[roles[name]])
            else:
                self._set(name, frame, visible=False)

    def mark_row(self, name: str, row: int | None) -> None:
        """Outline row `row` of panel `name` (None: no outline)."""
        visible = row is not None and self._meshes[name].get_visible()
        self._set(name, self._row_marks[name], visible=visible)
        if row is not None:
            self._set(name, self._row_marks[name], y=row - 0.5)

    def resize_frame(self, name: str, rows: int, columns: int) -> None:
        """Fit panel `name`'s frame to a matrix of `rows` × `columns`."""
        self._set(name, self._frames[name], height=rows, width=columns)
        self._used_rows[name] = rows

    def _set(self, name: str, artist, **properties) -> None:
        """Set `artist`'s properties, noting panel `name` as changed if that shows."""
        shows = False
        for key, value in properties.items():
            before = getattr(artist, f"get_{key}")()
            same = (np.allclose(before, to_rgba(value)) if key == "edgecolor"
                    else before == value)
            if same:
                continue
            getattr(artist, f"set_{key}")(value)
            shows = shows or key == "visible" or artist.get_visible()
        if shows:
            self._changed_cells.add(name)

    def _set_detail(self, name: str, text: str, colour) -> None:
        detail = self._details[name]
        if detail.get_text() != text or detail.get_color() != colour:
            detail.set_text(text)
            detail.set_color(colour)
            self._changed_details.add(name)

    # ---- the picture ---------------------------------------------------------------------
    def png(self) -> bytes:
        """The picture as PNG bytes, the empty bottom of each row of panels left out."""
        self._draw_changes()
        return self.figure.encode(self._without_empty_rows(self.figure.pixels()))

    def _draw_changes(self) -> None:
        """Draw only the panels and detail lines that changed since the last picture."""
        regions, artists, pasted, drawn = [], [], [], []
        for name in self._changed_cells:
            regions.append(self._cells_box(name))
            artists += [self._meshes[name], self._frames[name], self._row_marks[name]]
        for name in self._changed_details:
            if name in self._detail_drawn_at:  # rub out the old text
                regions.append(self._box(*self._detail_drawn_at[name]))
            tile = self._tiles.get(self._tile_key(name))
            if tile is None:
                drawn.append(name)
                artists.append(self._details[name])
                regions.append(self._box(*self._detail_slices(name)))
            else:
                pasted.append((name, tile))
                regions.append(self._box(tile[0], tile[1]))
        if self.figure.draw(artists, regions):  # the background was new: everything drawn
            drawn, pasted = list(self.shapes), []
        canvas = self.figure.pixels()
        for name, (rows, columns, pixels) in pasted:
            canvas[rows, columns] = pixels
            self._detail_drawn_at[name] = (rows, columns)
        for name in drawn:  # where each new text is, and its pixels, to paste it next time
            rows, columns = self._detail_slices(name)
            self._detail_drawn_at[name] = (rows, columns)
            if len(self._tiles) < MAX_TILES:
                self._tiles[self._tile_key(name)] = (rows, columns, canvas[rows, columns].copy())
        self._changed_cells, self._changed_details = set(), set()

    def _tile_key(self, name: str) -> tuple:
        detail = self._details[name]
        return name, detail.get_text(), str(detail.get_color())

    def _detail_slices(self, name: str) -> tuple:
        """(rows, columns) of the pixels panel `name`'s detail line covers, with a margin."""
        extent = self._details[name].get_window_extent(self.figure.canvas.get_renderer())
        return self.figure.pixel_slices(_padded(extent, 2))

    def _cells_box(self, name: str) -> Bbox:
        """The panel's cells, frame and outline: its axes and the frame's line around them."""
        axes = self._meshes[name].axes
        return _padded(axes.bbox, FRAME_WIDTH * axes.figure.dpi / 72)

    def _box(self, rows: slice, columns: slice) -> Bbox:
        height = self.figure.pixel_size[1]
        return Bbox([[columns.start, height - rows.stop], [columns.stop, height - rows.start]])

    def _without_empty_rows(self, pixels: np.ndarray) -> np.ndarray:
        """`pixels` without the band below each row of panels' tallest shown matrix."""
        height = pixels.shape[0]
        margin = int(np.ceil(FRAME_WIDTH * self.figure.figure.dpi / 72)) + 2
        keep = np.ones(height, dtype=bool)
        for names in self.rows:
            used = max(height - self._meshes[n].axes.transData.transform(
                (0, self._used_rows[n] - 0.5))[1] for n in names)
            full = max(height - self._meshes[n].axes.bbox.y0 for n in names)
            keep[int(np.ceil(used)) + margin:int(np.ceil(full)) + margin] = False
        return pixels if keep.all() else pixels[keep]

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


def _padded(box: Bbox, pixels: float) -> Bbox:
    return Bbox([[box.x0 - pixels, box.y0 - pixels], [box.x1 + pixels, box.y1 + pixels]])
