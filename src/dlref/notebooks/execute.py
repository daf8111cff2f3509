"""Running a notebook top to bottom in a fresh kernel, as a reader would.

Each run starts a new Python kernel (the environment's ``python3`` kernel) in
an empty temporary folder holding only the study's assets, so a notebook can
rely on nothing an earlier run or the test process left behind. A failing
cell stops the run; the error names the notebook, the cell and the exception.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from dlref.examples.runner import QUIET_TENSORFLOW_ENV

#: The longest one cell may run, in seconds, before the run is abandoned.
CELL_TIMEOUT_S = 300
_KERNEL_ENV = {
    **QUIET_TENSORFLOW_ENV,
    # Set iteration order and hash-seeded choices are then the same in every run.
    "PYTHONHASHSEED": "0",
}


class NotebookCellError(RuntimeError):
    """A cell raised while the notebook ran; the message names the notebook and the cell."""


def execute_notebook(
    notebook: nbformat.NotebookNode, name: str, assets_dir: Path | None = None
) -> nbformat.NotebookNode:
    """Execute every cell of a notebook in a new kernel and return it with its outputs.

    Args:
        notebook: The notebook; it is not modified.
        name: The notebook's name, for messages.
        assets_dir: A folder whose files are copied into the kernel's working
            folder first (the files the notebook reads); none when missing.

    Returns:
        A copy of the notebook, every code cell executed.

    Raises:
        NotebookCellError: A cell raised, or ran past `CELL_TIMEOUT_S`.
    """
    executed = nbformat.reads(nbformat.writes(notebook), as_version=4)
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    env.update(_KERNEL_ENV)
    with tempfile.TemporaryDirectory(prefix="dlref-notebook-") as folder:
        if assets_dir is not None and assets_dir.is_dir():
            shutil.copytree(assets_dir, folder, dirs_exist_ok=True)
        client = NotebookClient(
            executed,
            timeout=CELL_TIMEOUT_S,
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
            # A stored notebook holds only what its cells printed and drew: no
            # timestamps, and one output per stream however the kernel split it.
            record_timing=False,
            coalesce_streams=True,
        )
        try:
            client.execute(env=env)
        except CellExecutionError as error:
            raise NotebookCellError(_describe_failure(executed, name, error)) from None
        except TimeoutError as error:
            raise NotebookCellError(
                f"{name}: a cell ran past {CELL_TIMEOUT_S} s: {error}"
            ) from None
    return executed


def _describe_failure(notebook: nbformat.NotebookNode, name: str, error: CellExecutionError) -> str:
    for index, cell in enumerate(notebook.cells):
        if any(output.output_type == "error" for output in cell.get("outputs", [])):
            first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            return f"{name}: cell {index} ({first_line!r}) raised {error.ename}: {error.evalue}"
    return f"{name}: {error.ename}: {error.evalue}"
