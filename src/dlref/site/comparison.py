"""The master comparison table: one TOML file, validated, rendered as Markdown.

Every row of ``docs/comparison/table.toml`` names the aspect, the PyTorch and
the TensorFlow cell, a verdict for the tested versions and at least one piece
of evidence: a page of this site (``concepts/graphs.md#eager-by-default``) or a
pytest node id (``tests/test_safe_loading.py::test_...``). A row that corrects
a claim of common comparison tables also quotes the claim. The site's build renders the
table into ``comparison/index.md`` through :mod:`dlref.site.hooks`; the tests
check that every page link resolves in the built site and every test id is
collected.
"""

from __future__ import annotations

import hashlib
import posixpath
import tomllib
from dataclasses import dataclass
from pathlib import Path

#: Where the page wants the table.
TABLE_MARKER = "<!-- dlref:comparison-table -->"
#: Where the page wants the corrected claims of common comparison tables.
CORRECTIONS_MARKER = "<!-- dlref:comparison-corrections -->"

_REQUIRED_TEXT = ("id", "aspect", "pytorch", "tensorflow", "verdict")


class ComparisonError(ValueError):
    """The table file breaks a rule; the message names the row."""


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence behind a row.

    Attributes:
        target: A docs page with an optional anchor (``concepts/graphs.md#x``)
            or a pytest node id (``tests/test_x.py::test_y``).
    """

    target: str

    @property
    def is_test(self) -> bool:
        """Whether the evidence is a pytest node id rather than a page."""
        return self.target.startswith("tests/")

    @property
    def page(self) -> str:
        """The docs-relative Markdown file of a page link."""
        return self.target.partition("#")[0]

    @property
    def anchor(self) -> str:
        """The anchor of a page link, or an empty string."""
        return self.target.partition("#")[2]


@dataclass(frozen=True)
class Row:
    """One aspect compared across the two frameworks.

    Attributes:
        id: A stable slug, also the row's anchor on the page.
        aspect: The row's label.
        pytorch: The PyTorch cell.
        tensorflow: The TensorFlow cell.
        verdict: What holds for the tested versions.
        evidence: Pages and tests that show it.
        seed_rows: The row labels, numbered by source table, of the comparison
            tables this row answers.
        seed_claim: The claim those tables make, where it is outdated or wrong,
            and its correction.
    """

    id: str
    aspect: str
    pytorch: str
    tensorflow: str
    verdict: str
    evidence: tuple[Evidence, ...]
    seed_rows: tuple[str, ...]
    seed_claim: str = ""


def parse_rows(data: dict) -> list[Row]:
    """Validate parsed TOML and build its rows.

    Args:
        data: The table file's content, as ``tomllib`` returns it.

    Returns:
        The rows in file order.

    Raises:
        ComparisonError: A row lacks a field or evidence, evidence is neither
            a page nor a test id, or two rows share an id.
    """
    rows: list[Row] = []
    for number, entry in enumerate(data.get("row", []), start=1):
        label = entry.get("id") or f"row {number}"
        for field in _REQUIRED_TEXT:
            if not str(entry.get(field, "")).strip():
                raise ComparisonError(f"{label}: '{field}' is missing or empty")
        evidence = tuple(Evidence(str(target)) for target in entry.get("evidence", []))
        if not evidence:
            raise ComparisonError(f"{label}: no evidence; link a page or a test that shows it")
        for item in evidence:
            if not item.is_test and not item.page.endswith(".md"):
                raise ComparisonError(
                    f"{label}: evidence {item.target!r} is neither a docs page (*.md) "
                    "nor a test id (tests/...)"
                )
        rows.append(
            Row(
                id=entry["id"],
                aspect=entry["aspect"],
                pytorch=entry["pytorch"].strip(),
                tensorflow=entry["tensorflow"].strip(),
                verdict=entry["verdict"].strip(),
                evidence=evidence,
                seed_rows=tuple(entry.get("seed_rows", [])),
                seed_claim=entry.get("seed_claim", "").strip(),
            )
        )
    if not rows:
        raise ComparisonError("the table has no [[row]] entries")
    ids = [row.id for row in rows]
    duplicates = sorted({row_id for row_id in ids if ids.count(row_id) > 1})
    if duplicates:
        raise ComparisonError(f"duplicate row ids: {', '.join(duplicates)}")
    return rows


def load_table(path: Path) -> list[Row]:
    """Read and validate a table file.

    Args:
        path: The TOML file.

    Returns:
        Its rows.
    """
    with path.open("rb") as handle:
        return parse_rows(tomllib.load(handle))


def table_digest(path: Path) -> str:
    """A short hash of the table file, stamped into the printable PDF.

    Args:
        path: The TOML file.

    Returns:
        The first 12 hex digits of its SHA-256.
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _cell(text: str) -> str:
    # A Markdown table cell is one line; a literal pipe would end it.
    return " ".join(text.split()).replace("|", "\\|")


def _link(evidence: Evidence, page_path: str) -> str:
    if evidence.is_test:
        # The full node id is long; show the test's name and keep the id as a tooltip.
        name = evidence.target.rpartition("::")[2]
        return f'test <code title="{evidence.target}">{name}</code>'
    target = posixpath.relpath(evidence.page, posixpath.dirname(page_path) or ".")
    if evidence.anchor:
        target += f"#{evidence.anchor}"
    title = evidence.page.removesuffix(".md").replace("/index", "")
    if evidence.anchor:
        title += f" > {evidence.anchor.replace('-', ' ')}"
    return f"[{title}]({target})"


def render_table(rows: list[Row], page_path: str) -> str:
    """Render the rows as one Markdown table.

    Args:
        rows: The table's rows.
        page_path: The docs-relative path of the page that shows it, so that
            evidence links are written relative to it.

    Returns:
        Markdown: a header, one line per row, each row with an anchor.
    """
    lines = [
        '<div class="dlref-comparison" markdown>',
        "",
        "| Aspect | PyTorch | TensorFlow | Verdict for the tested versions | Evidence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        aspect = f'<span id="{row.id}"></span>**{_cell(row.aspect)}**'
        if row.seed_claim:
            aspect += f"<br>[corrected claim](#claim-{row.id})"
        evidence = "<br>".join(_link(item, page_path) for item in row.evidence)
        cells = [aspect, _cell(row.pytorch), _cell(row.tensorflow), _cell(row.verdict), evidence]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "</div>"]
    return "\n".join(lines) + "\n"


def render_corrections(rows: list[Row], page_path: str) -> str:
    """Render, for each row that corrects a common claim, the claim and the correction.

    Args:
        rows: The table's rows.
        page_path: The docs-relative path of the page that shows it.

    Returns:
        Markdown: one definition per corrected row, with its evidence.
    """
    parts = []
    for row in rows:
        if not row.seed_claim:
            continue
        evidence = ", ".join(_link(item, page_path) for item in row.evidence)
        parts.append(
            f'<span id="claim-{row.id}"></span>**{_cell(row.aspect)}.** '
            f"Claimed: {_cell(row.seed_claim)} "
            f"Tested here: {_cell(row.verdict)} Evidence: {evidence}.\n"
        )
    return "\n".join(parts)


def render_page(markdown: str, rows: list[Row], page_path: str) -> str:
    """Replace the page's markers with the rendered table and corrections.

    Args:
        markdown: The page's Markdown source.
        rows: The table's rows.
        page_path: The page's docs-relative path.

    Returns:
        The Markdown with both markers replaced.

    Raises:
        ComparisonError: The page lacks the table marker.
    """
    if TABLE_MARKER not in markdown:
        raise ComparisonError(f"{page_path} has no {TABLE_MARKER} marker")
    markdown = markdown.replace(TABLE_MARKER, render_table(rows, page_path))
    return markdown.replace(CORRECTIONS_MARKER, render_corrections(rows, page_path))
