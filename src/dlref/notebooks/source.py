"""From a reviewable source to a notebook a reader can open anywhere.

A case study is a folder ``notebooks/<study>/`` holding one percent-format
script per framework (``<study>_pytorch.py``, ``<study>_tensorflow.py``; see
jupytext's percent format), the modules both share, and ``assets/`` for the
files the notebooks read. Scripts are what contributors edit and review; the
notebook under ``docs/case-studies/`` is built from them:

- a code cell that is only ``from MODULE import NAMES  # dlref:inline``
  becomes the source of the sibling ``MODULE.py``, so the notebook is
  self-contained while the two frameworks' notebooks share one copy of it;
- a first code cell installs the locked versions of what the notebook
  imports, only where this project is not installed (in Colab, for example;
  see `dlref.notebooks.install`);
- cells get stable ids, so a rebuilt notebook differs only where its source did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from dlref.notebooks.install import install_cell_source
from dlref.paths import CASE_STUDIES_DIR, NOTEBOOKS_DIR

#: The frameworks a study is written for, in the order pages show them.
FRAMEWORKS = ("pytorch", "tensorflow")
#: The folder, beside a study's scripts, of files its notebooks read.
ASSETS_FOLDER = "assets"
_INLINE_RE = re.compile(r"^from (?P<module>\w+) import [\w, ()]+\s*# dlref:inline$")
_KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class NotebookSourceError(ValueError):
    """A study's script breaks a rule of the notebook sources (one message, no traceback)."""


@dataclass(frozen=True)
class NotebookSource:
    """One study's script for one framework.

    Attributes:
        study: The study's folder name, e.g. ``"loans"``.
        framework: ``"pytorch"`` or ``"tensorflow"``.
        path: The percent-format script.
    """

    study: str
    framework: str
    path: Path

    @property
    def name(self) -> str:
        """The notebook's name, e.g. ``"loans-pytorch"``."""
        return f"{self.study}-{self.framework}"

    def notebook_path(self, case_studies_dir: Path = CASE_STUDIES_DIR) -> Path:
        """Return where the executed notebook is kept, under the docs folder.

        Args:
            case_studies_dir: The case studies' folder under the docs.

        Returns:
            ``docs/case-studies/<study>-<framework>.ipynb``.
        """
        return case_studies_dir / f"{self.name}.ipynb"

    @property
    def assets_dir(self) -> Path:
        """The study's ``assets/`` folder (it may not exist)."""
        return self.path.parent / ASSETS_FOLDER


def discover_notebooks(root: Path = NOTEBOOKS_DIR) -> list[NotebookSource]:
    """Find every study's scripts.

    Args:
        root: The folder of study folders.

    Returns:
        The scripts, by study, in the order of `FRAMEWORKS`.
    """
    sources = []
    for study_dir in (
        sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []
    ):
        for framework in FRAMEWORKS:
            path = study_dir / f"{study_dir.name}_{framework}.py"
            if path.is_file():
                sources.append(NotebookSource(study_dir.name, framework, path))
    return sources


def select(sources: list[NotebookSource], targets: list[str]) -> list[NotebookSource]:
    """Keep the notebooks a user named, by study (``loans``) or by notebook (``loans-pytorch``).

    Args:
        sources: From `discover_notebooks`.
        targets: Names; every notebook when empty.

    Returns:
        The named notebooks.

    Raises:
        NotebookSourceError: A name matches no study or notebook.
    """
    if not targets:
        return sources
    known = {source.study for source in sources} | {source.name for source in sources}
    unknown = [target for target in targets if target not in known]
    if unknown:
        raise NotebookSourceError(
            f"no case study or notebook named {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    return [source for source in sources if source.study in targets or source.name in targets]


def build_notebook(source: NotebookSource) -> nbformat.NotebookNode:
    """Turn a study's script into its notebook, without outputs.

    Args:
        source: The script.

    Returns:
        The notebook: the title cell, the install cell, then the script's
        cells with shared modules inlined.

    Raises:
        NotebookSourceError: The script does not start with a Markdown title
            cell, or inlines a module that is not beside it.
    """
    # Imported here: jupytext takes most of a second to import, and the CLI's
    # other commands never need it.
    import jupytext

    notebook = jupytext.read(source.path, fmt="py:percent")
    cells = [_inlined(cell, source) for cell in notebook.cells]
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        raise NotebookSourceError(
            f"{source.path}: the first cell must be Markdown starting with '# <title>'"
        )
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    cells.insert(1, nbformat.v4.new_code_cell(install_cell_source(code)))
    built = nbformat.v4.new_notebook(
        cells=cells,
        metadata={"kernelspec": _KERNELSPEC, "language_info": {"name": "python"}},
    )
    for index, cell in enumerate(built.cells):
        cell.id = f"{source.name}-{index}"
        cell.metadata = {key: value for key, value in cell.metadata.items() if key == "tags"}
    return built


def _inlined(cell: nbformat.NotebookNode, source: NotebookSource) -> nbformat.NotebookNode:
    match = _INLINE_RE.match(cell.source.strip()) if cell.cell_type == "code" else None
    if match is None:
        return cell
    module = source.path.parent / f"{match['module']}.py"
    if not module.is_file():
        raise NotebookSourceError(
            f"{source.path}: inlines {match['module']}, but {module} is missing"
        )
    cell.source = module.read_text(encoding="utf-8").strip()
    return cell
