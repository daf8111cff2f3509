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

A study page opens with links to its printed report (``<study>.pdf``, made by
``dlref pdf``) and to its notebooks. Each notebook's page (rendered by
mkdocs-jupyter) links its notebook style sheet, which mkdocs-jupyter would put
in every notebook page (570 KB of CSS, more than the rest of a page), and opens
with an "Open in Colab" link to the notebook in the
public repository, a link to download the ``.ipynb`` (which mkdocs-jupyter
copies beside the page) and one to the script it is built from.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import mkdocs_jupyter

from dlref.notebooks.results import (
    RESULTS_TAG,
    NotebookResultError,
    figure,
    notebook_results,
    read_notebook,
    study_rows,
)
from dlref.notebooks.source import NotebookSource
from dlref.paths import CACHE_DIR, CASE_STUDIES_DIR, CHECKOUT, DOCS_DIR, repository
from dlref.site.page_syntax import DirectiveError, prose_lines

#: mkdocs-jupyter's style sheet for notebook cells, and where the site serves it once.
NOTEBOOK_CSS_SOURCE = (
    Path(mkdocs_jupyter.__file__).parent / "templates/mkdocs_html/assets/index.css"
)
NOTEBOOK_CSS = "assets/stylesheets/jupyter.css"
_INLINE_NOTEBOOK_CSS_RE = re.compile(
    r'<style type="text/css">\s*@charset "UTF-8";\.jupyter-wrapper\{.*?</style>', re.S
)
#: Where a study page's figures are put in the site, beside the study pages.
FIGURES_FOLDER = "figures"
_RESULTS_RE = re.compile(r"^<!--\s*dlref:notebook-results\s+(?P<study>[\w-]+)\s*-->\s*$")
_FIGURE_RE = re.compile(
    r"^<!--\s*dlref:notebook-figure\s+(?P<name>[\w-]+)\s+(?P<tag>[\w-]+)\s*-->\s*$"
)
_VALUE_RE = re.compile(r"\{\{\s*notebook:\s*(?P<name>[\w-]+)\s+(?P<key>[\w.-]+)\s*\}\}")
_HEADERS = {"roc_auc": "ROC AUC", "f1": "F1"}
#: How a notebook's framework is named in links: the TensorFlow notebooks are written with Keras.
FRAMEWORK_NAMES = {"pytorch": "PyTorch", "tensorflow": "Keras"}


#: The packages that turn a stored notebook into a page (a new version may render it differently).
NOTEBOOK_RENDERERS = ("mkdocs-jupyter", "nbconvert", "nbformat", "mistune", "pygments")


def notebook_render_cache(cache_root: Path = CACHE_DIR / "mkdocs-jupyter") -> Path:
    """The folder where mkdocs-jupyter keeps rendered notebooks, one per set of renderer versions.

    mkdocs-jupyter keys a rendered page on the notebook's bytes and its own
    options, not on the versions of the packages that rendered it; keeping each
    set of versions in its own folder stops an upgrade from serving old renders.

    Args:
        cache_root: Where the folders go.

    Returns:
        ``cache_root/<digest of NOTEBOOK_RENDERERS' installed versions>``.
    """
    versions = ",".join(f"{name}=={metadata.version(name)}" for name in NOTEBOOK_RENDERERS)
    return cache_root / hashlib.sha256(versions.encode()).hexdigest()[:16]


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


def with_study_links(
    markdown: str,
    page: str,
    sources: list[NotebookSource],
    case_studies_dir: Path = CASE_STUDIES_DIR,
) -> str:
    """Put the links to a study's report and notebooks under its page's title.

    Args:
        markdown: The page's Markdown.
        page: The page, relative to the docs folder.
        sources: Every notebook's script (`dlref.notebooks.source.discover_notebooks`).
        case_studies_dir: Where the studies' pages and notebooks are.

    Returns:
        The Markdown, with a line of links after the first ``# `` heading when
        the page is a study's; unchanged otherwise.
    """
    folder = case_studies_dir.relative_to(DOCS_DIR).as_posix()
    study = Path(page).stem
    notebooks = [source for source in sources if source.study == study]
    if Path(page).parent.as_posix() != folder or not notebooks:
        return markdown
    links = [f"[The report as a PDF]({study}.pdf)"] + [
        f"[the {FRAMEWORK_NAMES[source.framework]} notebook]({source.name}.ipynb)"
        for source in notebooks
    ]
    lines = markdown.splitlines()
    title = next(index for index, line in enumerate(lines) if line.startswith("# "))
    lines[title + 1 : title + 1] = ["", " · ".join(links) + "", "{: .dlref-study-links }"]
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


def link_notebook_css(html: str, page_url: str) -> str:
    """Replace the style sheet mkdocs-jupyter put in a notebook page with a link to one copy.

    Args:
        html: The notebook page's content.
        page_url: The page's address relative to the site, e.g. ``"case-studies/loans-pytorch/"``.

    Returns:
        The content, linking `NOTEBOOK_CSS` instead of holding it.

    Raises:
        ValueError: The page does not hold mkdocs-jupyter's style sheet, or holds
            another than the one the site serves.
    """
    match = _INLINE_NOTEBOOK_CSS_RE.search(html)
    inline = (
        match[0].removeprefix('<style type="text/css">').removesuffix("</style>") if match else ""
    )
    if inline.strip() != NOTEBOOK_CSS_SOURCE.read_text(encoding="utf-8").strip():
        raise ValueError(f"{page_url}: mkdocs-jupyter's notebook style sheet is not the one served")
    href = posixpath.relpath(NOTEBOOK_CSS, page_url.rstrip("/") or ".")
    return html[: match.start()] + f'<link rel="stylesheet" href="{href}">' + html[match.end() :]


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
