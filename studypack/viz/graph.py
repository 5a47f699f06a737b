"""Computational graphs as SVG, drawn like micrograd's `draw_dot` but without Graphviz.

Leaves sit on the left and the output on the right. Every value is a box showing its name,
data and gradient; every op is a small oval between its operands and its result. The layout
(which column, which order, where) is worked out once per graph by `GraphDrawing`, so drawing
the same graph again with other gradients or another highlighted step is only string building.

Colours are JupyterLab's CSS variables (with fallbacks, e.g. for an SVG shown as an image), so
a graph drawn inline in an `HTML` widget reads well in the light and the dark theme. A graph
wider than a narrow page gets a camera (`graph_view_html`): the view follows the highlighted
node and edge, with a small overview of the whole graph marking what is shown.
"""
from __future__ import annotations

import bisect
from html import escape
from typing import Mapping

from studypack.engine import topological_order

FONT_SIZE = 12
CHAR_WIDTH = 0.6 * FONT_SIZE  # monospace text: every character is this wide
LINE_HEIGHT = 15
PADDING = 6                   # inside a box, around its text
NUMBER_CHARS = 13             # "data -0.01468" fits; longer numbers are squeezed
NAME_CHARS = 16               # longer names are cut, with the full name as a tooltip
BOX_HEIGHT = 3 * LINE_HEIGHT + 2 * PADDING
ROW_GAP = 16                  # between boxes in one column
OP_RADIUS_Y = 13
OP_TO_BOX = 12                # from an op's oval to its result's box
COLUMN_GAP = 34               # from a box to the next column's ovals
DUMMY_HEIGHT = 8              # the room an edge takes where it passes a column
MARGIN = 10
SWEEPS = 8                    # rounds of barycentre ordering and of vertical alignment
ARROW = 7                     # length of an arrowhead

# The camera: a window this big (graph units = CSS px at natural size) is shown scaled to the
# page's width. In a ~590 px cell (1024 px screen, file browser open) 700 units keep 12-unit
# text at 10 px; a graph that fits in the window is shown whole.
CAMERA_WIDTH, CAMERA_HEIGHT = 700, 480
MAX_ZOOM = 1.1                # on a wide page, shown at most this much larger than natural
OVERVIEW_SCALE = 0.14         # the overview's size (CSS px per graph unit)

OP_SYMBOLS = {"*": "×", "/": "÷", "-": "−", "neg": "−x", "sigmoid": "σ"}

# CSS classes, read in both themes: the node passing its gradient back (`active-node`, its
# oval `active-op`, the edge `active-edge`) is orange, the operand receiving it green
# (`receiver-node`); text has the theme's font colour, boxes the theme's background.
HIGHLIGHT = "var(--jp-warn-color0, #e65100)"
RECEIVER = "var(--jp-success-color1, #2e7d32)"
LINE = "var(--jp-ui-font-color2, #6c757d)"
STYLE = (
    "<style>"
    ".studypack-graph text{fill:var(--jp-ui-font-color1,#212529)}"
    ".studypack-graph .sp-caption{fill:var(--jp-ui-font-color2,#5f6368)}"
    ".sp-bg{fill:var(--jp-layout-color0,#fff)}"
    f".sp-node rect{{fill:var(--jp-layout-color1,#fff);stroke:{LINE};stroke-width:1.2}}"
    f".sp-node line{{stroke:{LINE};stroke-width:.6}}"
    ".sp-leaf rect{fill:var(--jp-brand-color1,#1976d2);fill-opacity:.12}"
    ".sp-root rect{fill:var(--jp-layout-color2,#eee);stroke-width:2}"
    f".sp-node.active-node rect{{fill:{HIGHLIGHT};fill-opacity:.16;stroke:{HIGHLIGHT};"
    "stroke-width:3}"
    f".sp-node.receiver-node rect{{fill:{RECEIVER};fill-opacity:.16;stroke:{RECEIVER};"
    "stroke-width:3}"
    f".sp-edge{{fill:none;stroke:{LINE};stroke-width:1.3}}"
    f".sp-op{{fill:var(--jp-layout-color2,#f1f3f5);stroke:{LINE};stroke-width:1.2}}"
    f".sp-edge.active-edge,.sp-op.active-op,.sp-edge.active-op{{stroke:{HIGHLIGHT};"
    "stroke-width:3}"
    f".sp-ov-node{{fill:{LINE}}}.sp-ov-active{{fill:{HIGHLIGHT}}}"
    f".sp-ov-receiver{{fill:{RECEIVER}}}"
    ".sp-window{fill:var(--jp-brand-color1,#1976d2);fill-opacity:.1;"
    "stroke:var(--jp-brand-color1,#1976d2);stroke-width:2}"
    "</style>")


def graph_svg(root, highlight_node=None, highlight_edge=None, show_grad: bool = True,
              grads: Mapping | None = None) -> str:
    """`root`'s computational graph as an SVG document (a string). See `GraphDrawing.svg`."""
    return GraphDrawing(root).svg(highlight_node, highlight_edge, show_grad, grads)


def format_number(x) -> str:
    """4 significant digits for a number (or a one-element array); the shape of a larger array."""
    if x is None:
        return "—"
    if getattr(x, "size", 1) != 1:
        return str(tuple(x.shape))
    return f"{float(x.item() if hasattr(x, 'item') else x):.4g}"


class GraphDrawing:
    """The layout of one graph (Values or Tensors), computed once; `svg()` draws it.

    Keep one per graph and call `svg()` as often as needed: values and gradients are read
    when drawing, only the graph's shape is fixed.
    """

    def __init__(self, root):
        self.root = root
        self.nodes = topological_order(root)
        self._position = {node: i for i, node in enumerate(self.nodes)}
        layer = _columns(self.nodes)
        # items are what the layout places: the nodes, then one "dummy" per column that a
        # long edge passes through, so edges take room and are untangled like nodes
        item_layer = [layer[node] for node in self.nodes]
        self._edges = []  # (parent, node, operand index, [items along the edge])
        for node in self.nodes:
            for index, parent in enumerate(node._parents):
                path = [self._position[parent]]
                for column in range(layer[parent] + 1, layer[node]):
                    item_layer.append(column)
                    path.append(len(item_layer) - 1)
                path.append(self._position[node])
                self._edges.append((parent, node, index, path))
        n_items = len(item_layer)
        left, right = [[] for _ in range(n_items)], [[] for _ in range(n_items)]
        operand_index = {}  # (item, op's node item) -> which operand the edge is
        for _, _, index, path in self._edges:
            for a, b in zip(path, path[1:]):
                right[a].append(b)
                left[b].append(a)
            operand_index[path[-2], path[-1]] = index
        n_layers = max(item_layer) + 1
        order = [[] for _ in range(n_layers)]
        for item, column in enumerate(item_layer):
            order[column].append(item)
        order = _reduce_crossings(order, left, right)
        if _operand_order_votes(order, operand_index) < 0:  # mirror: first operands on top
            order = [items[::-1] for items in order]
        _operands_in_order(order, right, operand_index)
        heights = [BOX_HEIGHT] * len(self.nodes) + [DUMMY_HEIGHT] * (n_items - len(self.nodes))
        self._y = _align_rows(order, left, right, heights)
        self._x_layout(order)

    def _x_layout(self, order) -> None:
        """Columns left to right: the ovals of the column's ops, then its boxes."""
        n_nodes = len(self.nodes)
        self._name = [_short_name(node.name) for node in self.nodes]  # .name is computed: once
        self._op_symbol = [OP_SYMBOLS.get(node.op, node.op) for node in self.nodes]
        self._op_radius = [max(OP_RADIUS_Y, CHAR_WIDTH * len(symbol) / 2 + 7)
                           for symbol in self._op_symbol]
        self._box_left, self._box_width, self._op_x = ([0.0] * n_nodes for _ in range(3))
        self._item_span = {}  # dummy item -> (x where its edge enters the column, x where it leaves)
        x = MARGIN
        for items in order:
            nodes = [i for i in items if i < n_nodes]
            ops = [i for i in nodes if self.nodes[i]._parents]
            oval_width = 2 * max((self._op_radius[i] for i in ops), default=0)
            characters = max(max(NUMBER_CHARS, len(self._name[i])) for i in nodes)
            width = CHAR_WIDTH * characters + 2 * PADDING
            column_left = x
            if ops:
                x += oval_width + OP_TO_BOX
            for i in nodes:
                self._box_left[i], self._box_width[i] = x, width
                self._op_x[i] = column_left + oval_width / 2
            for i in items:
                if i >= n_nodes:
                    self._item_span[i] = (column_left, x + width)
            x += width + COLUMN_GAP
        self.width = x - COLUMN_GAP + MARGIN
        self.height = max(self._y) + BOX_HEIGHT / 2 + MARGIN

    def svg(self, highlight_node=None, highlight_edge=None, show_grad: bool = True,
            grads: Mapping | None = None, view: tuple | None = None) -> str:
        """The drawing as an SVG document.

        `highlight_node` (a node) and `highlight_edge` (a pair `(parent, node)`) stand out: the
        node passing its gradient back (class `active-node`) and the edge (`active-edge`) in
        orange, the parent receiving the gradient (`receiver-node`) in green. `grads` (node ->
        number) shows those gradients instead of `.grad` ("so far", during a step-by-step
        backward pass); nodes missing from it show "—". Without `view` the SVG has its natural
        size; with `view` (x, y, width, height) it shows only that window of the graph, as wide
        as the page allows (up to MAX_ZOOM times its natural size).
        """
        receiver, edge_node = highlight_edge if highlight_edge is not None else (None, None)
        if view is None:
            size = (f'width="{self.width:.0f}" height="{self.height:.0f}" '
                    f'viewBox="0 0 {self.width:.0f} {self.height:.0f}"')
        else:
            x, y, width, height = view
            size = (f'viewBox="{x:.0f} {y:.0f} {width:.0f} {height:.0f}" width="100%" '
                    f'style="display:block;height:auto;aspect-ratio:{width:.0f}/{height:.0f};'
                    f'max-width:{MAX_ZOOM * width:.0f}px"')
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="studypack-graph" {size} '
            f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT_SIZE}">',
            STYLE, f'<rect class="sp-bg" width="{self.width:.0f}" height="{self.height:.0f}"/>',
        ]
        shown = [view is None or _overlap(self.node_box(node), view) for node in self.nodes]
        highlighted = []
        for parent, node, index, path in self._edges:
            chosen = parent is receiver and node is edge_node
            if view is None or _overlap(_bounds(self._edge_points(node, index, path)), view):
                (highlighted if chosen else parts).append(self._edge(node, index, path, chosen))
        parts += highlighted  # drawn last so nothing covers them
        for i, node in enumerate(self.nodes):
            if node._parents and shown[i]:
                parts.append(self._op(i, node is highlight_node))
        for i, node in enumerate(self.nodes):
            if not shown[i]:  # outside the window: left out, to keep the page's update small
                continue
            grad = node.grad if grads is None else grads.get(node)
            role = ("active-node" if node is highlight_node else
                    "receiver-node" if node is receiver else
                    "sp-root" if node is self.root else
                    "sp-result" if node._parents else "sp-leaf")
            parts.append(self._box(i, node, format_number(grad) if show_grad else None, role))
        parts.append("</svg>")
        return "".join(parts)

    def node_box(self, node) -> tuple:
        """(left, top, right, bottom) of `node`'s box and, for an op, its oval."""
        i = self._position[node]
        left = self._op_x[i] - self._op_radius[i] if node._parents else self._box_left[i]
        return (left, self._y[i] - BOX_HEIGHT / 2,
                self._box_left[i] + self._box_width[i], self._y[i] + BOX_HEIGHT / 2)

    def focus_box(self, node, edge=None) -> tuple:
        """(left, top, right, bottom) around `node` and, for `edge` (parent, node), the edge
        (every point it passes) and the parent's box: what a camera must keep in view."""
        boxes = [self.node_box(node)]
        if edge is not None:
            parent, child = edge
            boxes.append(self.node_box(parent))
            for start, end, index, path in self._edges:
                if start is parent and end is child:
                    boxes += [(x, y, x, y) for x, y in self._edge_points(end, index, path)]
        return (min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN,
                max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN)

    def edge_lines(self) -> list:
        """Each operand edge as its (start, end) points (for the overview)."""
        return [(points[0], points[-1]) for points in
                (self._edge_points(node, index, path) for _, node, index, path in self._edges)]

    def _edge_points(self, node, index, path) -> list:
        """Where the edge goes: the parent's box, each column it crosses, the op's oval."""
        start = path[0]
        points = [(self._box_left[start] + self._box_width[start], self._y[start])]
        for item in path[1:-1]:
            entry, leave = self._item_span[item]
            points += [(entry, self._y[item]), (leave, self._y[item])]
        points.append(self._port(self._position[node], index, len(node._parents)))
        return points

    def _edge(self, node, index, path, chosen: bool) -> str:
        """A smooth curve from the parent's box, through the columns it crosses, into the op."""
        points = self._edge_points(node, index, path)
        commands = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if y0 == y1:
                commands.append(f"L{x1:.1f},{y1:.1f}")
            else:  # horizontal tangents at both ends: an S-curve
                middle = (x0 + x1) / 2
                commands.append(f"C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
        commands.append(_arrowhead(*points[-1]))  # every edge ends going right
        kind = "sp-edge active-edge" if chosen else "sp-edge"
        return f'<path class="{kind}" d="{" ".join(commands)}"/>'

    def _port(self, i, index, n_operands):
        """Where operand `index` enters op `i`'s oval: operands spread along its left side."""
        spacing = min(6.0, 2 * (OP_RADIUS_Y - 4) / max(n_operands - 1, 1))
        dy = (index - (n_operands - 1) / 2) * spacing
        rx = self._op_radius[i]
        dx = rx * (1 - (dy / OP_RADIUS_Y) ** 2) ** 0.5
        return self._op_x[i] - dx, self._y[i] + dy

    def _op(self, i, chosen: bool) -> str:
        """The op's oval with its symbol, and the arrow from it to its result's box."""
        x, y, rx = self._op_x[i], self._y[i], self._op_radius[i]
        active = " active-op" if chosen else ""
        return (f'<ellipse class="sp-op{active}" cx="{x:.1f}" cy="{y:.1f}" rx="{rx:.1f}" '
                f'ry="{OP_RADIUS_Y}"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">'
                f'{escape(self._op_symbol[i])}</text><path class="sp-edge sp-link{active}" '
                f'd="M{x + rx:.1f},{y:.1f} L{self._box_left[i]:.1f},{y:.1f} '
                f'{_arrowhead(self._box_left[i], y)}"/>')

    def _box(self, i, node, grad_text: str | None, role: str) -> str:
        """The value's box (a group with class `sp-node` and its `role`): name on top, then
        data and (unless `grad_text` is None) grad."""
        left, width, centre = self._box_left[i], self._box_width[i], self._y[i]
        lines = [("data", format_number(node.data))]
        if grad_text is not None:
            lines.append(("grad", grad_text))
        height = (1 + len(lines)) * LINE_HEIGHT + 2 * PADDING
        top = centre - height / 2
        baseline = top + PADDING + LINE_HEIGHT - 3.5
        rule = top + PADDING + LINE_HEIGHT + 1
        parts = [f'<g class="sp-node {role}"><title>{escape(node.name)}</title>',
                 f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
                 f'rx="4"/><text x="{left + width / 2:.1f}" y="{baseline:.1f}" '
                 f'text-anchor="middle" font-weight="bold">{escape(self._name[i])}</text>'
                 f'<line x1="{left:.1f}" y1="{rule:.1f}" x2="{left + width:.1f}" y2="{rule:.1f}"/>']
        right = left + width - PADDING
        highlighted = role in ("active-node", "receiver-node")
        for row, (caption, number) in enumerate(lines, start=1):
            y = baseline + row * LINE_HEIGHT + 2
            room = width - 2 * PADDING - CHAR_WIDTH * (len(caption) + 1)
            squeeze = (f' textLength="{room:.1f}" lengthAdjust="spacingAndGlyphs"'
                       if CHAR_WIDTH * len(number) > room else "")
            weight = ' font-weight="bold"' if caption == "grad" and highlighted else ""
            parts.append(f'<text class="sp-caption" x="{left + PADDING:.1f}" y="{y:.1f}">'
                         f'{caption}</text><text x="{right:.1f}" y="{y:.1f}" text-anchor="end"'
                         f'{weight}{squeeze}>{escape(number)}</text>')
        parts.append("</g>")
        return "".join(parts)


def camera_window(focus: tuple, graph_size: tuple, window_size: tuple) -> tuple:
    """The viewBox (x, y, width, height) of a `window_size` (width, height) window over a graph
    of `graph_size` that keeps `focus` (left, top, right, bottom) in view: centred on it and
    moved back inside the graph where it would stick out. A focus larger than the window
    widens the window (never beyond the graph); a graph smaller than the window is seen whole."""
    (left, top, right, bottom), (graph_width, graph_height) = focus, graph_size
    width = min(graph_width, max(window_size[0], right - left))
    height = min(graph_height, max(window_size[1], bottom - top))
    x = min(max((left + right - width) / 2, 0.0), graph_width - width)
    y = min(max((top + bottom - height) / 2, 0.0), graph_height - height)
    return x, y, width, height


def graph_view_html(drawing: GraphDrawing, highlight_node=None, highlight_edge=None,
                    show_grad: bool = True, grads: Mapping | None = None) -> str:
    """The drawing for an `HTML` widget, as wide as the page: a graph that fits in the camera's
    window (CAMERA_WIDTH × CAMERA_HEIGHT) is shown whole; a larger one with a highlighted node
    is shown through a window that follows it (see `camera_window`), under an overview of the
    whole graph with that window marked, so the graph's shape stays readable."""
    whole = (0.0, 0.0, drawing.width, drawing.height)
    fits = drawing.width <= CAMERA_WIDTH and drawing.height <= CAMERA_HEIGHT
    if fits or highlight_node is None:
        return drawing.svg(highlight_node, highlight_edge, show_grad, grads, view=whole)
    view = camera_window(drawing.focus_box(highlight_node, highlight_edge),
                         (drawing.width, drawing.height), (CAMERA_WIDTH, CAMERA_HEIGHT))
    receiver = highlight_edge[0] if highlight_edge is not None else None
    return (f'<div class="studypack-graph-view">'
            f'{_overview(drawing, view, highlight_node, receiver)}'
            f'{drawing.svg(highlight_node, highlight_edge, show_grad, grads, view=view)}</div>')


def _overview(drawing: GraphDrawing, view: tuple, highlight_node, receiver) -> str:
    """The whole graph in miniature (boxes and edges, no text) with the window `view` marked."""
    width, height = drawing.width, drawing.height
    edges = " ".join(f"M{x0:.0f},{y0:.0f} L{x1:.0f},{y1:.0f}"
                     for (x0, y0), (x1, y1) in drawing.edge_lines())
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="studypack-graph-overview" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" style="display:block;'
             f'height:auto;aspect-ratio:{width:.0f}/{height:.0f};'
             f'max-width:{OVERVIEW_SCALE * width:.0f}px;margin-bottom:4px">'
             f'<title>the whole graph: the frame marks the part shown below</title>'
             f'<rect class="sp-bg" width="{width:.0f}" height="{height:.0f}"/>'
             f'<path class="sp-edge" vector-effect="non-scaling-stroke" d="{edges}"/>']
    for node in drawing.nodes:
        left, top, right, bottom = drawing.node_box(node)
        kind = ("sp-ov-active" if node is highlight_node else
                "sp-ov-receiver" if node is receiver else "sp-ov-node")
        parts.append(f'<rect class="{kind}" x="{left:.0f}" y="{top:.0f}" '
                     f'width="{right - left:.0f}" height="{bottom - top:.0f}"/>')
    x, y, w, h = view
    parts.append(f'<rect class="sp-window" vector-effect="non-scaling-stroke" x="{x:.0f}" '
                 f'y="{y:.0f}" width="{w:.0f}" height="{h:.0f}"/></svg>')
    return "".join(parts)


def _bounds(points) -> tuple:
    """(left, top, right, bottom) of some (x, y) points."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(box: tuple, view: tuple) -> bool:
    """Whether a box (left, top, right, bottom) and a view (x, y, width, height) overlap."""
    x, y, width, height = view
    return box[0] <= x + width and box[2] >= x and box[1] <= y + height and box[3] >= y


def _arrowhead(x, y) -> str:
    """An open arrowhead pointing right with its tip at (x, y), as path commands."""
    back, up, down = x - ARROW, y - ARROW / 2, y + ARROW / 2
    return f"M{back:.1f},{up:.1f} L{x:.1f},{y:.1f} L{back:.1f},{down:.1f}"


def _columns(nodes) -> dict:
    """Each node's column: an op one right of its rightmost operand, a leaf just left of its
    leftmost user (so a bias added late sits next to where it is used, not with the inputs)."""
    column, users = {}, {node: [] for node in nodes}
    for node in nodes:
        column[node] = 1 + max((column[parent] for parent in node._parents), default=-1)
        for parent in node._parents:
            users[parent].append(node)
    for node in nodes:
        if not node._parents and users[node]:
            column[node] = min(column[user] for user in users[node]) - 1
    return column


def _reduce_crossings(order, left, right):
    """Reorder each column by the mean position of its neighbours (barycentre sweeps, left to
    right then right to left), keeping the order with the fewest edge crossings."""
    position = {item: i for items in order for i, item in enumerate(items)}
    best, best_crossings = [list(items) for items in order], _crossings(order, right, position)
    for _ in range(SWEEPS):
        for columns, neighbours in ((range(1, len(order)), left),
                                    (range(len(order) - 2, -1, -1), right)):
            for k in columns:
                def barycentre(item):
                    near = neighbours[item]
                    return sum(position[n] for n in near) / len(near) if near else position[item]
                order[k].sort(key=barycentre)
                position.update((item, i) for i, item in enumerate(order[k]))
        crossings = _crossings(order, right, position)
        if crossings < best_crossings:
            best, best_crossings = [list(items) for items in order], crossings
        if crossings == 0:
            break
    return best


def _operand_order_votes(order, operand_index) -> int:
    """How many pairs of operands of one op, in one column, read top to bottom in operand
    order, minus how many read the other way."""
    position = {item: (k, i) for k, items in enumerate(order) for i, item in enumerate(items)}
    operands = {}  # op's item -> [(column, position, operand index)]
    for (item, op), index in operand_index.items():
        operands.setdefault(op, []).append((*position[item], index))
    votes = 0
    for entries in operands.values():
        for column, row, index in entries:
            for other_column, other_row, other_index in entries:
                if column == other_column and row < other_row and index != other_index:
                    votes += 1 if index < other_index else -1
    return votes


def _operands_in_order(order, right, operand_index) -> None:
    """Where two neighbours in a column feed only the same op, put its first operand on top
    (so `y - target` reads top to bottom), unless that adds crossings."""
    position = {item: i for items in order for i, item in enumerate(items)}
    crossings = _crossings(order, right, position)
    for items in order:
        for i in range(len(items) - 1):
            a, b = items[i], items[i + 1]
            if (len(right[a]) == len(right[b]) == 1 and right[a] == right[b]
                    and operand_index[a, right[a][0]] > operand_index[b, right[b][0]]):
                items[i], items[i + 1] = b, a
                position[a], position[b] = i + 1, i
                swapped = _crossings(order, right, position)
                if swapped > crossings:  # undo
                    items[i], items[i + 1] = a, b
                    position[a], position[b] = i, i + 1
                else:
                    crossings = swapped


def _crossings(order, right, position) -> int:
    """How many pairs of edges cross between neighbouring columns (inversions, with bisect)."""
    total = 0
    for items in order[:-1]:
        ends = sorted((position[a], position[b]) for a in items for b in right[a])
        seen = []
        for _, end in ends:
            total += len(seen) - bisect.bisect_right(seen, end)
            bisect.insort(seen, end)
    return total


def _align_rows(order, left, right, heights) -> list:
    """Vertical centres: each item as close as it can be to the mean height of its neighbours,
    keeping each column's order and no overlaps; then shifted so the top is at the margin."""
    y = [0.0] * len(heights)
    for items in order:  # start stacked and centred on 0
        for item, centre in zip(items, _stack(items, heights, [0.0] * len(items))):
            y[item] = centre
        mean = sum(y[i] for i in items) / len(items)
        for item in items:
            y[item] -= mean
    for sweep in range(SWEEPS):
        columns = order if sweep % 2 == 0 else order[::-1]
        for items in columns:
            desired = []
            for item in items:
                near = left[item] + right[item]
                desired.append(sum(y[n] for n in near) / len(near) if near else y[item])
            for item, centre in zip(items, _stack(items, heights, desired)):
                y[item] = centre
    top = min(y[i] - heights[i] / 2 for i in range(len(y)))
    return [centre - top + MARGIN for centre in y]


def _stack(items, heights, desired) -> list:
    """Centres closest to `desired` (least squares) with each item below the previous one.

    With `offset` the tightest packing, z = centre - offset must not decrease: a monotone
    regression, solved by pooling adjacent violators.
    """
    offsets = [0.0]
    for a, b in zip(items, items[1:]):
        offsets.append(offsets[-1] + (heights[a] + heights[b]) / 2 + ROW_GAP)
    blocks = []  # [mean, count]
    for target in (d - o for d, o in zip(desired, offsets)):
        blocks.append([target, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [(blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count),
                          blocks[-1][1] + count]
    z = [mean for mean, count in blocks for _ in range(count)]
    return [zi + offset for zi, offset in zip(z, offsets)]


def _short_name(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


class HtmlCell(str):
    """A table cell that is HTML already (e.g. a verdict): `table_html` does not escape it."""


def table_html(headers, rows, marked: Mapping[int, str] | None = None) -> str:
    """An HTML table of plain-text cells (escaped here, unless an `HtmlCell`); `marked` maps a
    row's index to a CSS colour that highlights it, readable in both themes: a bar of that
    colour on its left and a faint tint of it, the text in the theme's font colour. Numbers
    are right-aligned and no cell wraps."""
    marked = marked or {}
    parts = ['<table class="studypack-table" style="border-collapse:collapse;'
             'font-family:monospace;font-size:12px;line-height:1.3"><style>'
             '.studypack-table td,.studypack-table th{padding:1px 8px;white-space:nowrap;'
             'text-align:left}.studypack-table td.number{text-align:right}</style><tr>',
             *(f"<th>{escape(str(h))}</th>" for h in headers), "</tr>"]
    for i, row in enumerate(rows):
        colour = marked.get(i)
        parts.append(f'<tr style="background:color-mix(in srgb,{colour} 16%,transparent);'
                     f'color:var(--jp-ui-font-color1,inherit)">' if colour else "<tr>")
        for column, value in enumerate(row):
            number = ' class="number"' if _is_numeric(value) else ""
            bar = (f' style="box-shadow:inset 4px 0 0 {colour}"' if colour and column == 0
                   else "")
            shown = value if isinstance(value, HtmlCell) else escape(str(value))
            parts.append(f"<td{number}{bar}>{shown}</td>")
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


def _is_numeric(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
