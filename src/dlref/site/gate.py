"""The execution gate: every Python block the site shows must have been run.

A Python block on a page is executed by one of two mechanisms:

1. it is an example, shown by a ``<!-- dlref:example TOPIC/NAME -->`` line
   that the build expands (`dlref.site.directive`); the snippet tests run
   every example's scripts; or
2. it is an inline block that pytest-codeblocks collects and runs (a fence
   written exactly ```` ```python ````, with no skip or xfail mark).

Anything else (```` ```py ````, ```` ```python title="x" ````, a skipped
block, a hand-written ``--8<--`` include of a script) is shown to readers but
run by nothing, or bypasses the directive, and the gate reports it with page
and line.

A case study's notebook (``docs/case-studies/*.ipynb``) is accounted for cell
by cell (`unaccounted_notebook_cells`): it must be built from a study's script
(`dlref.notebooks`), which the tests execute in a fresh kernel; every code
cell must carry the outputs of that run; and a Python block inside a Markdown
cell (code a reader runs at home, such as a download from a model hub) must
say why it is not run here, on the line before it:
``<!-- dlref:not-run: downloads ImageNet weights -->``.

Because a page can also gain code through routes a Markdown scan does not
see (an included Markdown fragment, a docstring rendered by mkdocstrings),
the gate also counts the Python blocks in the built HTML of each page and
reports a page that shows more than its inline blocks and the examples the
build recorded for it account for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"})
_NOT_RUN_MARKS = ("pytest.mark.skip", "pytest.mark.xfail")
_FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_INCLUDE_RE = re.compile(r"""^-{2}8<-{2}\s+["'](?P<path>[^"']+)["']\s*$""")
# An include of a script or its output: the example directive shows those.
_SCRIPT_INCLUDE_RE = re.compile(
    r"""-{2}8<-{2}\s+["'](?P<path>[^"']*_(?:pytorch|tensorflow)\.(?:py|out))["']"""
)
_NOT_RUN_RE = re.compile(r"^<!--\s*dlref:not-run:\s*\S.*-->$")
_HTML_BLOCK_RE = re.compile(r'<div class="language-(?P<language>[\w+-]+) highlight"')


@dataclass(frozen=True)
class ShownBlock:
    """A fenced Python block in a page's Markdown source.

    Attributes:
        page: The page, relative to the docs folder.
        line: The 1-based line of the opening fence.
        info: What follows the fence: the language and any attributes.
        includes: The snippet paths, when the block is made only of includes.
    """

    page: Path
    line: int
    info: str
    includes: tuple[str, ...]

    @property
    def language(self) -> str:
        """The block's language, e.g. ``"python"``."""
        return self.info.split(maxsplit=1)[0].lstrip(".{").lower() if self.info else ""


def python_blocks(page: Path, docs_dir: Path) -> list[ShownBlock]:
    """Find the fenced Python blocks in one Markdown page.

    Args:
        page: The Markdown file.
        docs_dir: The docs folder, to name the page relative to it.

    Returns:
        The blocks in page order.
    """
    blocks: list[ShownBlock] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE_RE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening["fence"]
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end].strip())
            end += 1
        block = ShownBlock(
            page=page.relative_to(docs_dir),
            line=index + 1,
            info=opening["info"].strip(),
            includes=_includes(body),
        )
        if block.language in PYTHON_LANGUAGES:
            blocks.append(block)
        index = end + 1
    return blocks


def _includes(body: list[str]) -> tuple[str, ...]:
    content = [line for line in body if line]
    matches = [_INCLUDE_RE.match(line) for line in content]
    if not content or not all(matches):
        return ()
    return tuple(match["path"] for match in matches if match)


def _codeblocks_executed_lines(page: Path) -> set[int]:
    """Lines of the blocks pytest-codeblocks will run on this page."""
    # A test-time dependency: imported here so that the rest of dlref works without it.
    from pytest_codeblocks.main import extract_from_file

    return {
        block.lineno
        for block in extract_from_file(page)
        if block.syntax == "python"
        and block.importorskip is None
        and not any(mark.startswith(_NOT_RUN_MARKS) for mark in block.marks)
    }


def unexecuted_blocks(docs_dir: Path) -> list[str]:
    """Report every Python block in the Markdown sources that nothing executes.

    Args:
        docs_dir: The docs folder.

    Returns:
        One message per unexecuted block or hand-written include, naming page and line.
    """
    problems: list[str] = []
    for page in sorted(docs_dir.rglob("*.md")):
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            include = _SCRIPT_INCLUDE_RE.search(line)
            if include:
                problems.append(
                    f"docs/{page.relative_to(docs_dir)}:{number}: a hand-written include of "
                    f"{include['path']}; show the example with one line, "
                    "<!-- dlref:example TOPIC/NAME -->"
                )
        executed = _codeblocks_executed_lines(page)
        for block in python_blocks(page, docs_dir):
            where = f"docs/{block.page}:{block.line}"
            if not block.includes and block.line not in executed:
                problems.append(
                    f"{where}: a ```{block.info} block that no test executes; write it as "
                    "```python (run by pytest-codeblocks) or show an example with "
                    "<!-- dlref:example TOPIC/NAME -->"
                )
    return problems


def page_html(site_dir: Path, page: Path) -> Path:
    """Return where MkDocs (with directory URLs) writes a page's HTML.

    Args:
        site_dir: The built site.
        page: The page's source, relative to the docs folder.

    Returns:
        The HTML file's path.
    """
    if page.stem in {"index", "README"}:
        return site_dir / page.parent / "index.html"
    return site_dir / page.with_suffix("") / "index.html"


def rendered_python_blocks(html: str) -> int:
    """Count the highlighted Python code blocks in a built page.

    Args:
        html: The page's HTML.

    Returns:
        The number of code blocks whose language is a Python one.
    """
    return sum(
        1 for match in _HTML_BLOCK_RE.finditer(html) if match["language"] in PYTHON_LANGUAGES
    )


def unaccounted_html_blocks(
    docs_dir: Path, site_dir: Path, shown: dict[str, list[str]]
) -> list[str]:
    """Report built pages that show more Python blocks than their source accounts for.

    Args:
        docs_dir: The docs folder.
        site_dir: The folder ``mkdocs build`` wrote.
        shown: The scripts each page shows, as the build recorded them.

    Returns:
        One message per page whose HTML shows Python code that neither its
        inline blocks nor its examples account for.
    """
    expected: dict[Path, int] = {}
    for page in docs_dir.rglob("*.md"):
        relative = page.relative_to(docs_dir)
        expected[page_html(site_dir, relative)] = len(python_blocks(page, docs_dir)) + len(
            shown.get(relative.as_posix(), [])
        )
    problems = []
    for html in sorted(site_dir.rglob("*.html")):
        count = rendered_python_blocks(html.read_text(encoding="utf-8"))
        accounted = expected.get(html, 0)
        if count > accounted:
            problems.append(
                f"{html.relative_to(site_dir)}: shows {count} Python block(s), but its "
                f"Markdown and examples account for {accounted}"
            )
    return problems


def unaccounted_notebook_cells(docs_dir: Path, built_notebooks: set[Path]) -> list[str]:
    """Report every notebook cell under the docs that no run accounts for.

    Args:
        docs_dir: The docs folder.
        built_notebooks: The notebooks the case studies' scripts build (and the
            tests execute), from `dlref.notebooks.source.discover_notebooks`.

    Returns:
        One message per notebook that no script builds, per code cell without
        the outputs of a run, and per Python block in a Markdown cell that does
        not say why it is not run.
    """
    # Imported here: reading notebooks is needed only where there are some.
    import nbformat

    problems = []
    for path in sorted(docs_dir.rglob("*.ipynb")):
        where = f"docs/{path.relative_to(docs_dir)}"
        if path not in built_notebooks:
            problems.append(
                f"{where}: no case-study script builds this notebook, so nothing executes it; "
                "write it as notebooks/<study>/<study>_<framework>.py"
            )
            continue
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and (
                cell.execution_count is None
                or any(output.output_type == "error" for output in cell.outputs)
            ):
                problems.append(f"{where}: cell {index} has no outputs of a successful run")
            if cell.cell_type == "markdown":
                problems += _unmarked_fences(cell.source, f"{where}: cell {index}")
    return problems


def _unmarked_fences(markdown: str, where: str) -> list[str]:
    problems = []
    previous = ""
    for line in markdown.splitlines():
        opening = _FENCE_RE.match(line)
        language = (
            opening["info"].strip().split(maxsplit=1)[0].lower()
            if opening and opening["info"].strip()
            else ""
        )
        if language in PYTHON_LANGUAGES and not _NOT_RUN_RE.match(previous.strip()):
            problems.append(
                f"{where}: a ```{language} block in Markdown that nothing runs; make it a code "
                "cell, or say why it is not run on the line before: <!-- dlref:not-run: REASON -->"
            )
        if line.strip():
            previous = line
    return problems
