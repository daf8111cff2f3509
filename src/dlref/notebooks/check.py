"""One code path to check a stored notebook against a real run, or to rewrite it.

A stored notebook is current when it is what its source builds (same cells)
and every code cell's outputs are what a fresh run printed and drew. Text is
compared with the `.out` files' rule (GPU device names read as the CPU's,
nothing else rewritten); figures byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from dlref.examples.outputs import normalise
from dlref.notebooks.execute import NotebookCellError, execute_notebook
from dlref.notebooks.source import NotebookSource, NotebookSourceError, build_notebook
from dlref.paths import CASE_STUDIES_DIR, CHECKOUT


def check_notebook(
    source: NotebookSource, *, update: bool, case_studies_dir: Path = CASE_STUDIES_DIR
) -> list[str]:
    """Build and execute a study's notebook; compare it with the stored one, or store it.

    Args:
        source: The study's script for one framework.
        update: Write the executed notebook when it differs from the stored one.
        case_studies_dir: Where the notebooks are stored.

    Returns:
        One message per problem: a failing cell (never written), or, when not
        updating, each way the stored notebook differs from the run.
    """
    try:
        executed = execute_notebook(build_notebook(source), source.name, source.assets_dir)
    except (NotebookCellError, NotebookSourceError, ValueError) as error:
        return [str(error)]
    path = source.notebook_path(case_studies_dir)
    stored = nbformat.read(path, as_version=4) if path.is_file() else None
    where = str(path.relative_to(CHECKOUT)) if path.is_relative_to(CHECKOUT) else str(path)
    problems = differences(stored, executed, where)
    if problems and update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(executed) + "\n", encoding="utf-8")
        return []
    return problems


def differences(
    stored: nbformat.NotebookNode | None, executed: nbformat.NotebookNode, where: str
) -> list[str]:
    """Say how a stored notebook differs from a fresh run of its source.

    Args:
        stored: The committed notebook; ``None`` when there is none.
        executed: The notebook built from the source and executed now.
        where: The stored notebook's path, for messages.

    Returns:
        One message per differing cell; empty when the stored notebook is current.
    """
    hint = "run `dlref notebooks --update` to rewrite it"
    if stored is None:
        return [f"{where} is missing; {hint}"]
    if [_cell_key(cell) for cell in stored.cells] != [_cell_key(cell) for cell in executed.cells]:
        return [f"{where} is not what its source builds (cells added, removed or edited); {hint}"]
    problems = []
    for index, (old, new) in enumerate(zip(stored.cells, executed.cells, strict=True)):
        if old.cell_type != "code":
            continue
        if _comparable(old.outputs) != _comparable(new.outputs):
            first_line = new.source.strip().splitlines()[0] if new.source.strip() else ""
            problems.append(
                f"{where}: cell {index} ({first_line!r}) printed or drew something else "
                f"than the stored outputs; {hint}"
            )
    return problems


def _cell_key(cell: nbformat.NotebookNode) -> tuple[str, str, str]:
    # All of the metadata: a stored notebook carries nothing a run did not put there.
    return cell.cell_type, cell.source, json.dumps(cell.metadata, sort_keys=True)


def _comparable(outputs: list[Any]) -> list[Any]:
    comparable = []
    for output in outputs:
        if output.output_type == "stream":
            comparable.append((output.name, normalise(output.text)))
        else:
            data = {
                kind: normalise(value) if kind.startswith("text/") else value
                for kind, value in output.get("data", {}).items()
            }
            comparable.append((output.output_type, data))
    return comparable
