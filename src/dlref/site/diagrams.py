"""The site's explanatory diagrams, drawn as SVG from code and data in the repository.

Each diagram is computed, not drawn by hand: the memory order of the two
image layouts comes from NumPy's strides, the autograd graph from the
``grad_fn`` chain of the first autograd example's run, the all-reduce from
two replicas' gradients averaged, the residual block from its list of layers.
The SVG is plain shapes and text in the reader's own sans-serif font (no
script, no font file, no outside request) and the same bytes on every run. As
artefacts (`dlref.examples.artefacts.diagram_artefacts`) the files under
``docs/diagrams/`` are checked by ``dlref check`` and the tests and rewritten
by ``dlref check --update``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from dlref.paths import DOCS_DIR

DIAGRAMS_DIR = DOCS_DIR / "diagrams"
#: The first autograd example, whose graph one diagram draws.
AUTOGRAD_EXAMPLE = "autograd/square_pytorch.py"
_FONT = 'font-family="sans-serif" font-size="13"'
_COLOURS = ("#c5cae9", "#ffe0b2", "#c8e6c9", "#f8bbd0")
_ARROW = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
    'fill="#444"/></marker></defs>'
)


class _Canvas:
    """An SVG document built from rectangles, text and arrows, in drawing order."""

    def __init__(self, width: int, height: int, title: str) -> None:
        self.width, self.height = width, height
        # A white ground keeps the dark text readable in the site's dark scheme.
        self.parts = [
            f"<title>{escape(title)}</title>",
            _ARROW,
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        ]

    def box(self, x: float, y: float, w: float, h: float, label: str, fill: str) -> None:
        self.parts.append(
            f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="4" '
            f'fill="{fill}" stroke="#444"/>'
        )
        self.text(x + w / 2, y + h / 2 + 4, label)

    def text(self, x: float, y: float, label: str, anchor: str = "middle") -> None:
        self.parts.append(
            f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" {_FONT}>{escape(label)}</text>'
        )

    def arrow(self, x1: float, y1: float, x2: float, y2: float, label: str = "") -> None:
        self.parts.append(
            f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="#444" '
            'marker-end="url(#arrow)"/>'
        )
        if label:
            self.text((x1 + x2) / 2 + 6, (y1 + y2) / 2, label, anchor="start")

    def svg(self) -> str:
        body = "\n".join(f" {part}" for part in self.parts)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
            f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" role="img">\n'
            f"{body}\n</svg>\n"
        )


def memory_layout_svg() -> str:
    """Draw where each element of a 1x2x2x3 image batch sits in memory, NCHW against NHWC.

    Returns:
        The SVG text: one row of cells per layout, in memory order, coloured by channel.
    """
    channels, height, width = 2, 2, 3
    nchw = np.arange(channels * height * width).reshape(1, channels, height, width)
    # Element (c, h, w) in memory order: NumPy's C order of each layout's array.
    coordinates = np.stack(
        np.meshgrid(np.arange(channels), np.arange(height), np.arange(width), indexing="ij"),
        axis=-1,
    )[None]
    orders = {
        "NCHW (PyTorch)": coordinates.reshape(-1, 3),
        "NHWC (TensorFlow / Keras)": coordinates.transpose(0, 2, 3, 1, 4).reshape(-1, 3),
    }
    cell = 66
    canvas = _Canvas(40 + cell * nchw.size, 200, "NCHW and NHWC memory order")
    canvas.text(20, 22, "memory address →", anchor="start")
    for row, (label, order) in enumerate(orders.items()):
        top = 40 + row * 80
        canvas.text(20, top + 4, label, anchor="start")
        for index, (c, h, w) in enumerate(order):
            canvas.box(20 + index * cell, top + 12, cell - 4, 40, f"c{c} h{h} w{w}", _COLOURS[c])
    return canvas.svg()


def autograd_graph_svg(y: Any) -> str:
    """Draw the backward graph behind a PyTorch tensor, from its ``grad_fn`` chain.

    Args:
        y: The output tensor of a run (``y`` of the first autograd example).

    Returns:
        The SVG text: one box per backward node, levels from the output down
        to the leaf, arrows in the direction ``backward()`` travels.
    """
    levels: dict[int, int] = {}
    names: dict[int, str] = {}
    edges: list[tuple[int, int]] = []
    queue = [(y.grad_fn, 0)]
    while queue:
        node, depth = queue.pop(0)
        key = id(node)
        if key in levels and levels[key] >= depth:
            continue
        levels[key] = depth
        variable = getattr(node, "variable", None)
        names[key] = "x (leaf): .grad" if variable is not None else type(node).__name__
        for child, _ in node.next_functions:
            if child is not None:
                edges.append((key, id(child)))
                queue.append((child, depth + 1))
    by_level: dict[int, list[int]] = {}
    for key, depth in sorted(levels.items(), key=lambda item: (item[1], names[item[0]])):
        by_level.setdefault(depth, []).append(key)
    box_w, box_h, gap_y = 150, 34, 70
    widest = max(len(keys) for keys in by_level.values())
    canvas = _Canvas(
        max(360, widest * (box_w + 30) + 30),
        60 + len(by_level) * gap_y,
        "Autograd graph of y = x**2 + 3*x + 1",
    )
    centre: dict[int, tuple[float, float]] = {}
    for depth, keys in by_level.items():
        span = len(keys) * (box_w + 30) - 30
        left = (canvas.width - span) / 2
        for index, key in enumerate(keys):
            x, top = left + index * (box_w + 30), 20 + depth * gap_y
            canvas.box(x, top, box_w, box_h, names[key], _COLOURS[min(depth, 3)])
            centre[key] = (x + box_w / 2, top)
    canvas.text(10, canvas.height - 12, "y.backward() runs from the top box down", anchor="start")
    for parent, child in dict.fromkeys(edges):
        (x1, y1), (x2, y2) = centre[parent], centre[child]
        canvas.arrow(x1, y1 + box_h, x2, y2)
    return canvas.svg()


def all_reduce_svg() -> str:
    """Draw one data-parallel step: two replicas' gradients averaged by all-reduce.

    Returns:
        The SVG text, with example gradients and their mean computed here.
    """
    gradients = np.array([[0.4, -1.0], [0.8, 0.2]])
    mean = gradients.mean(axis=0)
    canvas = _Canvas(560, 300, "Data parallelism: all-reduce averages the gradients")
    for replica, grad in enumerate(gradients):
        x = 30 + replica * 280
        canvas.box(x, 20, 220, 34, f"replica {replica}: batch shard {replica}", _COLOURS[0])
        canvas.arrow(x + 110, 54, x + 110, 84)
        canvas.box(x, 84, 220, 34, f"local gradient {np.round(grad, 2).tolist()}", _COLOURS[1])
        canvas.arrow(x + 110, 118, 280, 150)
    canvas.box(150, 150, 260, 34, f"all-reduce (mean): {np.round(mean, 2).tolist()}", _COLOURS[2])
    for replica in range(len(gradients)):
        x = 30 + replica * 280
        canvas.arrow(280, 184, x + 110, 220)
        canvas.box(x, 220, 220, 34, "same update, same weights", _COLOURS[3])
    return canvas.svg()


#: The residual block of ResNet-18, as the architectures page builds it.
RESIDUAL_BLOCK = ("3x3 conv", "batch norm", "ReLU", "3x3 conv", "batch norm")


def residual_block_svg() -> str:
    """Draw a residual block: the layers of its main path, the skip connection and the sum.

    Returns:
        The SVG text.
    """
    box_w, box_h, gap = 160, 30, 18
    height = 40 + (len(RESIDUAL_BLOCK) + 3) * (box_h + gap)
    canvas = _Canvas(360, height, "A residual block")
    x = 40
    canvas.box(x, 10, box_w, box_h, "input x", _COLOURS[0])
    top = 10
    for layer in RESIDUAL_BLOCK:
        canvas.arrow(x + box_w / 2, top + box_h, x + box_w / 2, top + box_h + gap)
        top += box_h + gap
        canvas.box(x, top, box_w, box_h, layer, _COLOURS[1])
    canvas.arrow(x + box_w / 2, top + box_h, x + box_w / 2, top + box_h + gap)
    top += box_h + gap
    canvas.box(x, top, box_w, box_h, "add: F(x) + x", _COLOURS[2])
    # The skip connection: from the input, down the right side, into the sum.
    skip_x = x + box_w + 60
    canvas.parts.append(
        f'<polyline points="{x + box_w:g},{10 + box_h / 2:g} {skip_x:g},{10 + box_h / 2:g} '
        f'{skip_x:g},{top + box_h / 2:g}" fill="none" stroke="#444"/>'
    )
    canvas.arrow(skip_x, top + box_h / 2, x + box_w, top + box_h / 2)
    canvas.text(skip_x + 6, (10 + top) / 2 + box_h / 2, "skip: x", anchor="start")
    canvas.arrow(x + box_w / 2, top + box_h, x + box_w / 2, top + box_h + gap)
    top += box_h + gap
    canvas.box(x, top, box_w, box_h, "ReLU", _COLOURS[3])
    return canvas.svg()


@dataclass(frozen=True)
class Diagram:
    """One generated diagram.

    Attributes:
        name: The file's stem under ``docs/diagrams/``.
        draw: Its SVG text, from the namespace of the run it needs (or ``None``).
        script: The snippet whose run it draws, relative to the snippets folder.
    """

    name: str
    draw: Callable[[dict[str, Any] | None], str]
    script: str | None = None


DIAGRAMS = (
    Diagram("memory-layout", lambda _namespace: memory_layout_svg()),
    Diagram(
        "autograd-graph",
        lambda namespace: autograd_graph_svg((namespace or {})["y"]),
        AUTOGRAD_EXAMPLE,
    ),
    Diagram("all-reduce", lambda _namespace: all_reduce_svg()),
    Diagram("residual-block", lambda _namespace: residual_block_svg()),
)
