"""The comparison table: every row has evidence, and the evidence is real.

Page evidence must resolve, anchor included, in the strictly built site; test
evidence must be collected by pytest; every row of the seed documents' tables
must be answered by a row; the printable PDF must be one page, made from the
current table.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from dlref.paths import CHECKOUT, COMPARISON_TABLE
from dlref.site.comparison import (
    CORRECTIONS_MARKER,
    TABLE_MARKER,
    ComparisonError,
    load_table,
    parse_rows,
    render_page,
    table_digest,
)
from dlref.site.printable import page_count, pdf_title

TABLE = COMPARISON_TABLE
PDF = TABLE.parent / "comparison.pdf"

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]

# Every row label of the seed documents' comparison tables (shared/seeds 000-004),
# copied here so that deleting a row from the data file cannot hide the gap.
SEED_ROWS = {
    # 000: the "PyTorch vs TensorFlow" table
    "000: Developer",
    "000: Release Year",
    "000: Computation Graph",
    "000: Ease of Use",
    "000: Model Deployment",
    "000: Performance",
    "000: Visualization Tools",
    "000: Mobile Support",
    "000: Community & Ecosystem",
    "000: Pre-trained Models",
    "000: Serialization",
    "000: Language Support",
    "000: Distributed Training",
    "000: Interoperability",
    # 001: the tensors and training-loop tables, and the autograd section
    "001: Tensors: Creation",
    "001: Tensors: GPU Support",
    "001: Autograd",
    "001: Model Training Loop: Approach",
    "001: Model Training Loop: Custom Loop",
    # 002: "Comparison of key points" and the introduction
    "002: Popularity",
    "002: Google Trends",
    "002: GitHub Stars",
    "002: Ease of Use",
    "002: Customization",
    "002: Training and Evaluation",
    "002: Performance",
    "002: TensorFlow advantages: built-in data handling",
    # 003: the side-by-side table
    "003: Developer",
    "003: First Released",
    "003: Computation Graph",
    "003: Ease of Use",
    "003: Debugging",
    "003: Flexibility",
    "003: Training Control",
    "003: Speed",
    "003: Deployment",
    "003: Production Readiness",
    "003: Model Export",
    "003: Ecosystem",
    "003: Community Support",
    "003: Popularity in Research",
    "003: GPU/TPU Support",
    # 004: "Difference between PyTorch and TensorFlow"
    "004: Developer",
    "004: Release Year",
    "004: Programming Style",
    "004: Execution Mode",
    "004: Debugging",
    "004: API Simplicity",
    "004: Community Focus",
    "004: Deployment & Production",
    "004: Model Export Format",
    "004: GPU Support",
    "004: Ecosystem & Tools",
    "004: Serialization Format",
    "004: Popularity in Industry",
    "004: Learning Curve",
}

# The rows the project asked for, by id.
REQUIRED_ROWS = {
    "developer",
    "first-release",
    "computation-graph",
    "ease-of-use",
    "debugging",
    "flexibility",
    "training-control",
    "speed",
    "deployment",
    "model-export",
    "serialization",
    "production-readiness",
    "visualization",
    "mobile",
    "web",
    "gpu-tpu",
    "distributed",
    "interoperability",
    "pretrained-models",
    "language-support",
    "ecosystem",
    "community",
    "popularity",
    "learning-curve",
}

ROWS = load_table(TABLE)


def _raw_table() -> dict:
    with TABLE.open("rb") as handle:
        return tomllib.load(handle)


def test_every_seed_row_is_answered():
    answered = {label for row in ROWS for label in row.seed_rows}
    assert SEED_ROWS - answered == set(), "seed rows with no row in the table"
    assert answered - SEED_ROWS == set(), "seed labels in the table that no seed has"


def test_every_required_row_is_present():
    assert REQUIRED_ROWS - {row.id for row in ROWS} == set()


@pytest.mark.parametrize("row_id", [row.id for row in ROWS])
def test_removing_a_rows_evidence_fails(row_id):
    data = copy.deepcopy(_raw_table())
    for entry in data["row"]:
        if entry["id"] == row_id:
            entry["evidence"] = []
    with pytest.raises(ComparisonError, match=f"{row_id}: no evidence"):
        parse_rows(data)


def test_malformed_tables_are_rejected():
    data = _raw_table()
    with pytest.raises(ComparisonError, match="neither a docs page"):
        parse_rows({"row": [{**data["row"][0], "evidence": ["https://example.com"]}]})
    with pytest.raises(ComparisonError, match="'verdict' is missing"):
        parse_rows({"row": [{**data["row"][0], "verdict": " "}]})
    with pytest.raises(ComparisonError, match="duplicate row ids: developer"):
        parse_rows({"row": [data["row"][0], data["row"][0]]})
    with pytest.raises(ComparisonError, match="no \\[\\[row\\]\\]"):
        parse_rows({})


def test_rendering_links_relative_to_the_page_and_escapes_pipes():
    data = _raw_table()
    entry = {
        **data["row"][0],
        "pytorch": "a | b",
        "evidence": ["concepts/graphs.md#eager-by-default", "tests/test_x.py::test_y"],
    }
    page = render_page(
        f"# T\n\n{TABLE_MARKER}\n\n{CORRECTIONS_MARKER}\n",
        parse_rows({"row": [entry]}),
        "comparison/index.md",
    )
    assert "](../concepts/graphs.md#eager-by-default)" in page
    assert 'test <code title="tests/test_x.py::test_y">test_y</code>' in page
    assert "a \\| b" in page
    assert f'<span id="claim-{entry["id"]}"></span>' in page
    assert TABLE_MARKER not in page and CORRECTIONS_MARKER not in page


def _site_file(site: Path, url_path: str) -> Path:
    target = site / unquote(url_path).lstrip("/")
    return target / "index.html" if url_path.endswith("/") or not target.suffix else target


def test_every_rendered_link_resolves_in_the_built_site(built_site):
    page_url = "http://site/comparison/"
    html = (built_site / "comparison" / "index.html").read_text()
    table = html[html.index('class="dlref-comparison"') : html.index("</table>")]
    links = re.findall(r'<a href="([^"]+)"', table)
    page_evidence = [item for row in ROWS for item in row.evidence if not item.is_test]
    assert len(links) == len(page_evidence) + sum(1 for row in ROWS if row.seed_claim)
    for link in links:
        url = urlparse(urljoin(page_url, link))
        target = _site_file(built_site, url.path)
        assert target.is_file(), f"{link} points to no page of the built site"
        if url.fragment:
            assert f'id="{url.fragment}"' in target.read_text(), f"{link}: no such anchor"


def test_every_row_is_on_the_built_page(built_site):
    html = (built_site / "comparison" / "index.html").read_text()
    for row in ROWS:
        assert f'id="{row.id}"' in html
        if row.seed_claim:
            assert f'id="claim-{row.id}"' in html


def test_test_evidence_is_collected():
    test_ids = sorted({item.target for row in ROWS for item in row.evidence if item.is_test})
    assert test_ids
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", *test_ids],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    collected = set(result.stdout.splitlines())
    missing = [test_id for test_id in test_ids if test_id not in collected]
    assert result.returncode == 0 and not missing, f"not collected: {missing}\n{result.stdout}"


def test_printable_pdf_is_one_page_of_the_current_table():
    pdf = PDF.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    assert f"dlref comparison table {table_digest(TABLE)}:" in pdf_title(pdf), (
        "docs/comparison/comparison.pdf was made from another version of table.toml: run `make pdf`"
    )
