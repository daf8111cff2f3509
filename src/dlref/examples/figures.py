"""Figures drawn from the scripts' results, regenerated with the outputs.

A topic folder may hold a ``figures.toml``; each table is one line plot whose
series are values the topic's scripts leave behind::

    [loss_curves]
    title = "Training loss per step"
    xlabel = "step"
    ylabel = "loss"
    series = [
      { script = "loop_pytorch", value = "losses", label = "PyTorch" },
      { script = "loop_tensorflow", value = "losses", label = "TensorFlow" },
    ]

`dlref check --update` writes ``<name>.json`` (the plotted numbers) and
``<name>.svg`` beside the scripts; a page includes the SVG inline. Every
drawing follows the site's palette (see `stable_svg`): it has no background of
its own and its colours are CSS variables, light or dark with the page. As
artefacts (`dlref.examples.artefacts.figure_artefacts`), the JSON is current
when a fresh run's numbers are within ``atol`` of it, and the SVG when it is
the drawing of the JSON, so neither can go stale unnoticed.
"""

from __future__ import annotations

import html
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlref.examples.parity import to_numpy

FIGURES_FILE = "figures.toml"
DEFAULT_ATOL = 1e-5

#: Matplotlib's default colours, each drawn as a palette variable instead.
#: Ink is text, axes and boxes; paper is the figure's and the legend's background.
PALETTE_VARIABLES = {
    "#000000": "ink",
    "#ffffff": "paper",
    "#b0b0b0": "grid",
    "#cccccc": "grid",
    "#1f77b4": "series-1",
    "#ff7f0e": "series-2",
    "#2ca02c": "series-3",
    "#d62728": "series-4",
    "#9467bd": "series-5",
    "#8c564b": "series-6",
}
#: Each variable's colour in the light and the dark palette: text at least
#: 4.5:1 and lines at least 3:1 against the page (Material's white and slate);
#: the paper is the page's own background where the drawing is inline.
PALETTE_COLOURS = {
    "light": {
        "ink": "#1f1f1f",
        "paper": "var(--md-default-bg-color, #ffffff)",
        "grid": "#c0c0c0",
        "series-1": "#1f77b4",
        "series-2": "#c65a11",
        "series-3": "#2a7d3a",
        "series-4": "#c62828",
        "series-5": "#7e57c2",
        "series-6": "#8c564b",
    },
    "dark": {
        "ink": "#e2e4e9",
        "paper": "var(--md-default-bg-color, #1e2129)",
        "grid": "#4a4e5c",
        "series-1": "#6fa8e8",
        "series-2": "#f2a05a",
        "series-3": "#79c98a",
        "series-4": "#f28b82",
        "series-5": "#b39ddb",
        "series-6": "#d7a98c",
    },
}
#: The class of every drawing's ``<svg>`` element.
FIGURE_CLASS = "dlref-plot"
#: The attribute and values by which Material marks the reader's chosen palette.
MATERIAL_SCHEMES = {
    "light": '[data-md-color-scheme="default"]',
    "dark": '[data-md-color-scheme="slate"]',
}
_COLOUR_RE = re.compile(r"#[0-9a-f]{6}\b")


@dataclass(frozen=True)
class Series:
    """One line of a plot.

    Attributes:
        script: The stem of the script that computes it, e.g. ``"loop_pytorch"``.
        value: The module-level name holding a 1-D sequence of numbers.
        label: The legend entry.
    """

    script: str
    value: str
    label: str


@dataclass(frozen=True)
class FigureSpec:
    """A line plot declared in a topic's ``figures.toml``.

    Attributes:
        topic_dir: The topic folder, where the figure's files are written.
        name: The table name, also the files' stem.
        title: The plot title.
        xlabel: The x-axis label (x runs 0, 1, 2, ... along each series).
        ylabel: The y-axis label.
        series: The lines.
        atol: How far a fresh run's numbers may be from the committed ones.
    """

    topic_dir: Path
    name: str
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    atol: float = DEFAULT_ATOL

    @property
    def data_path(self) -> Path:
        """The committed numbers."""
        return self.topic_dir / f"{self.name}.json"

    @property
    def svg_path(self) -> Path:
        """The committed drawing."""
        return self.topic_dir / f"{self.name}.svg"

    @property
    def scripts(self) -> set[str]:
        """The stems of the scripts the figure needs."""
        return {series.script for series in self.series}


def load_figures(topic_dir: Path) -> list[FigureSpec]:
    """Read a topic's ``figures.toml``.

    Args:
        topic_dir: The topic folder.

    Returns:
        The figures, in file order; empty when the file does not exist.
    """
    path = topic_dir / FIGURES_FILE
    if not path.exists():
        return []
    return [
        FigureSpec(
            topic_dir=topic_dir,
            name=name,
            title=table["title"],
            xlabel=table["xlabel"],
            ylabel=table["ylabel"],
            series=tuple(Series(**series) for series in table["series"]),
            atol=float(table.get("atol", DEFAULT_ATOL)),
        )
        for name, table in tomllib.loads(path.read_text(encoding="utf-8")).items()
    ]


def figure_data(spec: FigureSpec, namespaces: dict[str, dict[str, Any]]) -> dict[str, list[float]]:
    """Collect a figure's numbers from finished runs.

    Args:
        spec: The figure.
        namespaces: Each needed script's globals after it ran, by script stem.

    Returns:
        The numbers of each series, by label.
    """
    return {
        series.label: [float(x) for x in to_numpy(namespaces[series.script][series.value])]
        for series in spec.series
    }


def render_svg(spec: FigureSpec, data: dict[str, list[float]]) -> str:
    """Draw a figure as SVG text that is the same on every run (see `stable_svg`).

    Args:
        spec: The figure.
        data: Its numbers, by series label.

    Returns:
        The ``<svg>`` element.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    styles = [{"linestyle": "-", "linewidth": 3}, {"linestyle": "--"}, {"linestyle": ":"}]
    figure, axes = plt.subplots(figsize=(7, 4))
    for index, (label, values) in enumerate(data.items()):
        axes.plot(range(len(values)), values, label=label, **styles[index % len(styles)])
    axes.set(title=spec.title, xlabel=spec.xlabel, ylabel=spec.ylabel)
    axes.title.set_fontsize(10)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    return stable_svg(figure)


def stable_svg(figure: Any) -> str:
    """Serialise a Matplotlib figure to SVG text that is the same on every run, and close it.

    Text stays text (no embedded glyphs), element ids come from a fixed salt,
    and the date is left out. The XML prolog is dropped so that a page can
    include the SVG inline. Colours become palette variables (see
    `palette_svg`), so the drawing reads on the light and the dark page, and
    the drawing is an image named by its plots' titles, for screen readers.

    Args:
        figure: A ``matplotlib.figure.Figure``.

    Returns:
        The ``<svg>`` element.
    """
    import matplotlib
    from matplotlib import pyplot as plt

    label = "; ".join(title for axes in figure.axes if (title := axes.get_title()))
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dlref"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    svg = f'<svg role="img" aria-label="{html.escape(label)}"{svg[4:]}'
    return palette_svg(svg)


def palette_svg(svg: str) -> str:
    """Turn the colours of a Matplotlib SVG into variables of the site's two palettes.

    Each colour of `PALETTE_VARIABLES` becomes ``var(--dlref-figure-NAME)``,
    and a ``<style>`` element sets the variables: inline in a page, from the
    palette the reader chose in Material; shown as an ``<img>``, from the
    scheme the reader's browser prefers.

    Args:
        svg: The ``<svg>`` element as Matplotlib wrote it.

    Returns:
        The same drawing with class `FIGURE_CLASS` and no literal colour.

    Raises:
        ValueError: The drawing uses a colour that has no palette variable.
    """
    unknown = sorted(set(_COLOUR_RE.findall(svg)) - PALETTE_VARIABLES.keys())
    if unknown:
        raise ValueError(f"colours without a palette variable: {', '.join(unknown)}")
    svg = _COLOUR_RE.sub(lambda match: f"var(--dlref-figure-{PALETTE_VARIABLES[match[0]]})", svg)

    def variables(palette: str) -> str:
        colours = PALETTE_COLOURS[palette].items()
        return " ".join(f"--dlref-figure-{name}: {colour};" for name, colour in colours)

    plot = f".{FIGURE_CLASS}"
    rules = [
        f"{plot} {{ {variables('light')} }}",
        f"@media (prefers-color-scheme: dark) {{ {plot} {{ {variables('dark')} }} }}",
        *(f"{MATERIAL_SCHEMES[name]} {plot} {{ {variables(name)} }}" for name in PALETTE_COLOURS),
        f"{plot} text {{ fill: var(--dlref-figure-ink); }}",
    ]
    style = f"<style>{' '.join(rules)}</style>"
    head_end = svg.index(">") + 1
    return f'{svg[:4]} class="{FIGURE_CLASS}"{svg[4:head_end]}\n {style}{svg[head_end:]}'
