"""The printable comparison table: one A4 landscape page, made by headless Chromium.

``dlref pdf`` (``make pdf``) builds the site strictly and prints its comparison page.
The page is served from the built site on 127.0.0.1, reduced to its title and
the table, and printed at the largest scale that fits on one page. The PDF's
title carries a digest of the table file, so a test can tell a stale PDF from
a current one without rendering it.
"""

from __future__ import annotations

import re
from pathlib import Path

from dlref.bridge.versions import PACKAGES, public_version
from dlref.paths import CHECKOUT, COMPARISON_TABLE
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
