"""Printed pages, made by headless Chromium: the comparison table and the case studies' reports.

``dlref pdf`` (``make pdf``) builds the site strictly and prints its comparison
page to one A4 landscape page, and each case study's page (its report) to A4
portrait pages beside it (``docs/case-studies/<study>.pdf``).
The page is served from the built site on 127.0.0.1, reduced to its title and
the table, and printed at the largest scale that fits on one page. The PDF's
title carries a digest of the table file, so a test can tell a stale PDF from
a current one without rendering it; a study report's title carries a digest
of its page and of the notebooks it quotes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from dlref.bridge.versions import PACKAGES, public_version
from dlref.paths import CASE_STUDIES_DIR, CHECKOUT, COMPARISON_TABLE
from dlref.site.browser import chromium, local_page, serve_folder
from dlref.site.comparison import table_digest

#: The comparison page inside the built site.
PAGE_PATH = "comparison/"
# Below 0.7 the 6.5 pt type would print smaller than 4.5 pt: fail instead.
_SCALES = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6]


class TableTooLongError(ValueError):
    """The comparison table is too long to print on one page: its rows need shortening."""


# A4 landscape holds the table only in small type and without the evidence
# column, whose links the paper cannot follow; the stamp points to the page.
_PRINT_CSS = """
.dlref-comparison table { font-size: 6.5pt !important; line-height: 1.25 !important; }
.dlref-comparison td, .dlref-comparison th { padding: 1.5pt 3pt !important; }
.dlref-comparison td:nth-child(5), .dlref-comparison th:nth-child(5) { display: none; }
.md-typeset h1 { margin: 0 0 2pt; font-size: 14pt; }
"""

# Keep the title and the table; add a line that says what was printed and from what.
_KEEP_TABLE_ONLY = """(stamp) => {
  const article = document.querySelector("article.md-content__inner");
  const note = document.createElement("p");
  note.textContent = stamp;
  note.style.fontSize = "7pt";
  const content = document.createElement("div");
  content.className = "md-typeset";
  content.append(article.querySelector("h1"), note, article.querySelector(".dlref-comparison"));
  // Material's layout (header, sidebars, full-height containers) would add pages.
  document.body.replaceChildren(content);
  document.title = stamp;
}"""


def pdf_title(pdf: bytes) -> str:
    """Read the document title from a PDF's information dictionary.

    Args:
        pdf: The PDF file's bytes.

    Returns:
        The title, or an empty string if there is none.
    """
    literal = re.search(rb"/Title\s*\(((?:[^()\\]|\\.)*)\)", pdf)
    if literal:
        return literal.group(1).decode("latin-1")
    hexadecimal = re.search(rb"/Title\s*<([0-9A-Fa-f]*)>", pdf)
    if not hexadecimal:
        return ""
    raw = bytes.fromhex(hexadecimal.group(1).decode())
    return raw.decode("utf-16") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def page_count(pdf: bytes) -> int:
    """Count the pages of a PDF that Chromium wrote.

    Args:
        pdf: The PDF file's bytes.

    Returns:
        The number of page objects.
    """
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def stamp(digest: str) -> str:
    """The line printed above the table and used as the PDF's title.

    Args:
        digest: The table file's digest.

    Returns:
        Versions tested and the table's digest.
    """
    tested = ", ".join(f"{label} {public_version(names)}" for label, names in PACKAGES)
    return (
        f"dlref comparison table {digest}: verdicts for {tested}. "
        "The evidence for every row is linked from the site's comparison page."
    )


def print_table(site_dir: Path, digest: str) -> tuple[bytes, float]:
    """Print the built comparison page to a one-page PDF.

    Args:
        site_dir: The built site.
        digest: The table file's digest, for the stamp.

    Returns:
        The PDF's bytes and the scale it was printed at.

    Raises:
        TableTooLongError: The table does not fit on one page even at the smallest scale.
    """
    with serve_folder(site_dir) as base_url, chromium() as browser:
        # Only the local server: the printout must not depend on the network either.
        page = local_page(browser)
        page.goto(base_url + PAGE_PATH)
        page.evaluate(_KEEP_TABLE_ONLY, stamp(digest))
        page.add_style_tag(content=_PRINT_CSS)
        page.emulate_media(media="print")
        for scale in _SCALES:
            pdf = page.pdf(
                format="A4",
                landscape=True,
                scale=scale,
                margin={"top": "6mm", "bottom": "6mm", "left": "6mm", "right": "6mm"},
            )
            if page_count(pdf) == 1:
                return pdf, scale
    raise TableTooLongError(
        f"the comparison table does not fit on one page even at scale {_SCALES[-1]}: "
        f"shorten its rows in {COMPARISON_TABLE.relative_to(CHECKOUT)}"
    )


def write_pdf(site_dir: Path, output: Path) -> float:
    """Print the built comparison page to ``output``.

    Args:
        site_dir: The strictly built site.
        output: Where to write the PDF.

    Returns:
        The scale the table was printed at.
    """
    pdf, scale = print_table(site_dir, table_digest(COMPARISON_TABLE))
    output.write_bytes(pdf)
    return scale


def study_digest(study: str, case_studies_dir: Path = CASE_STUDIES_DIR) -> str:
    """Digest a case study's page and its stored notebooks: what its report prints.

    Args:
        study: The study, e.g. ``"loans"``.
        case_studies_dir: Where the study's page and notebooks are.

    Returns:
        The first 12 hex digits of a SHA-256 over the files.
    """
    digest = hashlib.sha256()
    for path in [
        case_studies_dir / f"{study}.md",
        *sorted(case_studies_dir.glob(f"{study}-*.ipynb")),
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def study_stamp(study: str, digest: str) -> str:
    """The title of a study's report: which study, from which files, with which versions.

    Args:
        study: The study.
        digest: From `study_digest`.

    Returns:
        The PDF's title.
    """
    tested = ", ".join(f"{label} {public_version(names)}" for label, names in PACKAGES)
    return f"dlref case study {study} {digest}: executed with {tested}"


def write_study_reports(site_dir: Path, case_studies_dir: Path = CASE_STUDIES_DIR) -> list[Path]:
    """Print every case study's page from the built site to ``<study>.pdf`` beside it.

    Args:
        site_dir: The strictly built site.
        case_studies_dir: Where the studies' pages are; the PDFs are written there.

    Returns:
        The PDFs written.
    """
    folder = case_studies_dir.relative_to(CHECKOUT / "docs").as_posix()
    written = []
    with serve_folder(site_dir) as base_url, chromium() as browser:
        page = local_page(browser)
        for source in sorted(case_studies_dir.glob("*.md")):
            study = source.stem
            if not any(case_studies_dir.glob(f"{study}-*.ipynb")):
                continue  # the section's index page, not a study
            page.goto(f"{base_url}{folder}/{study}/")
            page.evaluate(
                "(title) => { document.title = title; }",
                study_stamp(study, study_digest(study, case_studies_dir)),
            )
            page.emulate_media(media="print")
            output = case_studies_dir / f"{study}.pdf"
            output.write_bytes(
                page.pdf(
                    format="A4",
                    margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"},
                )
            )
            written.append(output)
    return written
