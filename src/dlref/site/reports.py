"""Transfer reports on the site: short ones inside their example, long ones on a page of their own.

A transfer report (`dlref.examples.transfer_check`) has one table row per
layer. A ResNet-50's has more than a hundred, and with every report inline the
architectures page held thousands of table cells that a reader sees only on
opening "How this is verified", and that every visit still had to parse and
style. A report longer than `LONG_REPORT_LAYERS` layers is therefore its own
page (``reports/<topic>/<table>/``, generated at build time, outside the
navigation); the example keeps the report's last line, its verdict, and links
to the page.
"""

from __future__ import annotations

import posixpath

#: Reports with more layers than this get a page of their own.
LONG_REPORT_LAYERS = 20
#: The folder of report pages in the site.
REPORTS_FOLDER = "reports"
_HEADER_ROWS = 2  # a Markdown table's header line and its delimiter line


def layer_count(report: str) -> int:
    """Count the layers (table rows) of a transfer report.

    Args:
        report: The report's Markdown.

    Returns:
        The number of table rows below the header.
    """
    return max(0, sum(line.startswith("|") for line in report.splitlines()) - _HEADER_ROWS)


def is_long(report: str) -> bool:
    """Say whether a report gets a page of its own.

    Args:
        report: The report's Markdown.

    Returns:
        True when it has more than `LONG_REPORT_LAYERS` layers.
    """
    return layer_count(report) > LONG_REPORT_LAYERS


def report_page_uri(topic: str, table: str) -> str:
    """Return the source path of a long report's page, relative to the docs folder.

    Args:
        topic: The topic folder.
        table: The parity table the report belongs to.

    Returns:
        ``reports/<topic>/<table>.md``.
    """
    return f"{REPORTS_FOLDER}/{topic}/{table}.md"


def report_page(topic: str, table: str, report: str) -> str:
    """Write the Markdown of a long report's page.

    Args:
        topic: The topic folder.
        table: The parity table the report belongs to.
        report: The report's Markdown.

    Returns:
        The page: a title, what the table compares, the report.
    """
    return (
        f"# Transfer report: `{topic}/{table}`\n\n"
        "The PyTorch model's weights were copied into the Keras model; each row compares "
        "one layer's output, and the gradient of its weights, between the two on the same "
        f"seeded input. {layer_count(report)} layers.\n\n{report}"
    )


def shown_report(topic: str, table: str, report: str, page: str) -> str:
    """Return what an example's verification note shows of its report.

    Args:
        topic: The topic folder.
        table: The parity table the report belongs to.
        report: The report's Markdown.
        page: The page that shows the example, relative to the docs folder.

    Returns:
        The whole report when it is short; otherwise its last line and a link
        to its own page.
    """
    if not is_long(report):
        return report
    verdict = report.strip().splitlines()[-1]
    link = posixpath.relpath(report_page_uri(topic, table), posixpath.dirname(page) or ".")
    return f"{verdict} [Layer by layer: all {layer_count(report)} layers]({link})."
