"""MkDocs hooks: build-time content that comes from data files.

``mkdocs.yml`` lists this file under ``hooks:``. The comparison page carries a
marker that is replaced by the table rendered from ``docs/comparison/table.toml``,
and the performance page one replaced by the results in
``docs/comparison/performance.json``, so no page and its data can drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlref import performance
from dlref.comparison import TABLE_FILE, TABLE_MARKER, load_table, render_page


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Render the comparison table or the performance results into a page that asks.

    Args:
        markdown: The page's Markdown source.
        page: The MkDocs page.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The Markdown, with the table or results in place of its marker.
    """
    root = Path(config["config_file_path"]).parent
    if performance.PERFORMANCE_MARKER in markdown:
        results = performance.load_results(performance.results_path(root))
        markdown = performance.render_page(markdown, results)
    if TABLE_MARKER not in markdown:
        return markdown
    return render_page(markdown, load_table(root / TABLE_FILE), page.file.src_uri)
