"""The case studies on the site: study pages that quote their notebooks, notebook pages' links.

A study page (``docs/case-studies/<study>.md``) is the study's report. It
quotes its executed notebooks with three kinds of line, expanded at build
time from the stored notebooks (nothing runs):

- ``<!-- dlref:notebook-results STUDY -->``: one table of the rows every
  notebook of the study printed in its ``results`` cell;
- ``<!-- dlref:notebook-figure NOTEBOOK TAG -->``: the figure of the cell
  tagged ``TAG``, with the cell's ``# Alt:`` line as alternative text;
- ``{{ notebook: NOTEBOOK NAME }}`` in prose: a number from the ``values``
  the notebook printed.

Each notebook's page (rendered by mkdocs-jupyter) opens with an "Open in
Colab" link to the notebook in the public repository, a link to download the
``.ipynb`` (which mkdocs-jupyter copies beside the page) and one to the
script it is built from.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dlref.notebooks.results import (
    RESULTS_TAG,
    NotebookResultError,
    figure,
    notebook_results,
    read_notebook,
    study_rows,
)
from dlref.notebooks.source import NotebookSource
from dlref.paths import CASE_STUDIES_DIR, CHECKOUT, DOCS_DIR, repository
from dlref.site.page_syntax import DirectiveError, prose_lines

#: Where a study page's figures are put in the site, beside the study pages.
FIGURES_FOLDER = "figures"
_RESULTS_RE = re.compile(r"^<!--\s*dlref:notebook-results\s+(?P<study>[\w-]+)\s*-->\s*$")
_FIGURE_RE = re.compile(
    r"^<!--\s*dlref:notebook-figure\s+(?P<name>[\w-]+)\s+(?P<tag>[\w-]+)\s*-->\s*$"
)
_VALUE_RE = re.compile(r"\{\{\s*notebook:\s*(?P<name>[\w-]+)\s+(?P<key>[\w.-]+)\s*\}\}")
_HEADERS = {"roc_auc": "ROC AUC", "f1": "F1"}


def colab_url(notebook: Path) -> str:
    """Return the "Open in Colab" address of a notebook in the public repository.

    Args:
        notebook: The notebook's path in the checkout.

    Returns:
        ``https://colab.research.google.com/github/OWNER/NAME/blob/BRANCH/<path>``.
    """
    repo, branch = repository()
    path = notebook.resolve().relative_to(CHECKOUT).as_posix()
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"


def source_url(script: Path) -> str:
    """Return the address of a notebook's source script in the public repository.

    Args:
        script: The percent-format script's path in the checkout.

    Returns:
        ``https://github.com/OWNER/NAME/blob/BRANCH/<path>``.
    """
    repo, branch = repository()
    path = script.resolve().relative_to(CHECKOUT).as_posix()
    return f"https://github.com/{repo}/blob/{branch}/{path}"


def figure_uri(name: str, tag: str) -> str:
    """Return a notebook figure's file in the site, relative to the docs folder.

    Args:
        name: The notebook, e.g. ``"loans-pytorch"``.
        tag: The figure's tag.

    Returns:
        ``case-studies/figures/<name>-<tag>.png``.
    """
    folder = CASE_STUDIES_DIR.relative_to(DOCS_DIR).as_posix()
    return f"{folder}/{FIGURES_FOLDER}/{name}-{tag}.png"


def notebook_figures(case_studies_dir: Path = CASE_STUDIES_DIR) -> Iterator[tuple[str, bytes]]:
    """Yield every tagged figure of the stored notebooks, as files for the site.

    Args:
        case_studies_dir: Where the notebooks are.

    Yields:
        ``(uri relative to the docs folder, PNG bytes)``.
    """
    for path in sorted(case_studies_dir.glob("*.ipynb")):
        notebook = read_notebook(path.stem, case_studies_dir)
        for cell in notebook.cells:
            for tag in cell.metadata.get("tags", []) if cell.cell_type == "code" else []:
                if tag != RESULTS_TAG and any(
                    "image/png" in o.get("data", {}) for o in cell.outputs
                ):
                    yield figure_uri(path.stem, tag), figure(notebook, path.stem, tag).png


def expand_study_page(markdown: str, page: str, case_studies_dir: Path = CASE_STUDIES_DIR) -> str:
    """Replace a study page's results, figure and value lines with what the notebooks stored.

    Args:
        markdown: The page's Markdown.
        page: The page, relative to the docs folder, for messages.
        case_studies_dir: Where the notebooks are.

    Returns:
        The Markdown with every directive expanded.

    Raises:
        DirectiveError: A line names a notebook, tag or value that does not exist.
    """
    lines = markdown.splitlines()
    page_dir = Path(page).parent.as_posix()
    for number, line in prose_lines(markdown):
        try:
            results = _RESULTS_RE.match(line.strip())
            shown = _FIGURE_RE.match(line.strip())
            if results:
                lines[number - 1] = _table(study_rows(results["study"], case_studies_dir))
            elif shown:
                drawn = figure(
                    read_notebook(shown["name"], case_studies_dir), *shown.group("name", "tag")
                )
                uri = figure_uri(shown["name"], shown["tag"])
                relative = Path(uri).relative_to(page_dir).as_posix() if page_dir != "." else uri
                lines[number - 1] = f"![{drawn.alt}]({relative})"
            else:
                lines[number - 1] = _VALUE_RE.sub(
                    lambda match: _value(match, case_studies_dir), line
                )
        except NotebookResultError as error:
            raise DirectiveError(f"docs/{page}:{number}: {error}") from None
    return "\n".join(lines) + "\n"


def notebook_links(source: NotebookSource) -> str:
    """Write the links that open a notebook's page: Colab, download, source.

    Args:
        source: The notebook's study script.

    Returns:
        An HTML paragraph.
    """
    notebook = source.notebook_path()
    links = [
        (colab_url(notebook), "Open in Colab", ""),
        (f"{notebook.name}", f"Download {notebook.name}", " download"),
        (source_url(source.path), "Source script", ""),
    ]
    anchors = " ".join(
        f'<a class="md-button" href="{html.escape(href)}"{extra}>{html.escape(text)}</a>'
        for href, text, extra in links
    )
    return f'<p class="dlref-notebook-links">{anchors}</p>\n'


def _value(match: re.Match[str], case_studies_dir: Path) -> str:
    name, key = match.group("name", "key")
    values = notebook_results(read_notebook(name, case_studies_dir), name)["values"]
    if key not in values:
        raise NotebookResultError(f"{name} printed no value {key!r}; it has {sorted(values)}")
    return str(values[key])


def _table(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    header = [_HEADERS.get(column, column.replace("_", " ").capitalize()) for column in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += [
        "| " + " | ".join(str(row.get(column, "")) for column in columns) + " |" for row in rows
    ]
    return "\n".join(lines)
