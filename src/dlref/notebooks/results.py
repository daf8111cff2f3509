"""What a study's pages quote from its executed notebooks: results and figures.

A notebook marks the cells its study page reads with tags:

- ``results``: one cell that prints one JSON object,
  ``{"rows": [{"model": ..., "library": ..., <metric>: ...}], "values": {...}}``;
  the rows of a study's notebooks make one side-by-side table, and ``values``
  are the numbers its prose quotes;
- any other tag on a cell with one PNG figure names that figure; the cell's
  first line, ``# Alt: ...``, is the figure's alternative text.

The page reads the stored notebook (it runs nothing), so a quoted number is
the one the last checked run printed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from dlref.notebooks.source import FRAMEWORKS
from dlref.paths import CASE_STUDIES_DIR

RESULTS_TAG = "results"
_ALT_PREFIX = "# Alt:"


class NotebookResultError(ValueError):
    """A page asks a notebook for a result or a figure it does not have."""


@dataclass(frozen=True)
class Figure:
    """A tagged cell's figure.

    Attributes:
        png: The image, as the notebook stored it.
        alt: Its alternative text, from the cell's ``# Alt:`` line.
    """

    png: bytes
    alt: str


def read_notebook(name: str, case_studies_dir: Path = CASE_STUDIES_DIR) -> nbformat.NotebookNode:
    """Read a stored notebook by name.

    Args:
        name: E.g. ``"loans-pytorch"``.
        case_studies_dir: Where the notebooks are.

    Returns:
        The notebook.

    Raises:
        NotebookResultError: There is no such notebook.
    """
    path = case_studies_dir / f"{name}.ipynb"
    if not path.is_file():
        raise NotebookResultError(f"no notebook {path.name} in {case_studies_dir}")
    return nbformat.read(path, as_version=4)


def tagged_cell(notebook: nbformat.NotebookNode, name: str, tag: str) -> nbformat.NotebookNode:
    """Return the one code cell that carries a tag.

    Args:
        notebook: The notebook.
        name: Its name, for messages.
        tag: The tag.

    Returns:
        The cell.

    Raises:
        NotebookResultError: No cell, or more than one, carries the tag.
    """
    cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", [])
    ]
    if len(cells) != 1:
        raise NotebookResultError(f"{name}: {len(cells)} code cells tagged {tag!r}, expected 1")
    return cells[0]


def notebook_results(notebook: nbformat.NotebookNode, name: str) -> dict[str, Any]:
    """Read what the ``results`` cell printed.

    Args:
        notebook: An executed notebook.
        name: Its name, for messages.

    Returns:
        The JSON object, with ``rows`` and ``values``.

    Raises:
        NotebookResultError: The cell printed no JSON object with those keys.
    """
    cell = tagged_cell(notebook, name, RESULTS_TAG)
    text = "".join(
        output.get("text", "") for output in cell.outputs if output.output_type == "stream"
    )
    try:
        results = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookResultError(f"{name}: the results cell printed no JSON ({error})") from None
    if not isinstance(results, dict) or not {"rows", "values"} <= results.keys():
        raise NotebookResultError(f"{name}: the results JSON needs 'rows' and 'values'")
    return results


def figure(notebook: nbformat.NotebookNode, name: str, tag: str) -> Figure:
    """Read the figure a tagged cell drew.

    Args:
        notebook: An executed notebook.
        name: Its name, for messages.
        tag: The figure's tag.

    Returns:
        The figure and its alternative text.

    Raises:
        NotebookResultError: The cell drew no PNG, or more than one, or has no ``# Alt:`` line.
    """
    cell = tagged_cell(notebook, name, tag)
    images = [
        output.data["image/png"] for output in cell.outputs if "image/png" in output.get("data", {})
    ]
    first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    if len(images) != 1:
        raise NotebookResultError(
            f"{name}: the cell tagged {tag!r} drew {len(images)} figures, expected 1"
        )
    if not first_line.startswith(_ALT_PREFIX):
        raise NotebookResultError(
            f"{name}: the cell tagged {tag!r} must start with '{_ALT_PREFIX} ...'"
        )
    return Figure(png=base64.b64decode(images[0]), alt=first_line.removeprefix(_ALT_PREFIX).strip())


def study_rows(study: str, case_studies_dir: Path = CASE_STUDIES_DIR) -> list[dict[str, Any]]:
    """Merge the result rows of a study's notebooks into one table.

    A model evaluated in several notebooks (a scikit-learn baseline) appears once.

    Args:
        study: The study, e.g. ``"loans"``.
        case_studies_dir: Where the notebooks are.

    Returns:
        The rows, in notebook order.

    Raises:
        NotebookResultError: The study has no notebooks, or one model's rows
            differ between notebooks (the shared code did not give the same numbers).
    """
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    found = False
    for framework in FRAMEWORKS:
        name = f"{study}-{framework}"
        if not (case_studies_dir / f"{name}.ipynb").is_file():
            continue
        found = True
        for row in notebook_results(read_notebook(name, case_studies_dir), name)["rows"]:
            key = (str(row.get("model")), str(row.get("library")))
            if key in rows and rows[key] != row:
                raise NotebookResultError(
                    f"{study}: {key[0]} ({key[1]}) differs between notebooks: {rows[key]} != {row}"
                )
            rows.setdefault(key, row)
    if not found:
        raise NotebookResultError(f"no notebooks for a study named {study!r} in {case_studies_dir}")
    return list(rows.values())
