"""MkDocs hooks: build-time content that comes from data files.

``mkdocs.yml`` lists this file under ``hooks:``. The comparison page carries a
marker that is replaced by the table rendered from ``docs/comparison/table.toml``,
so the page and the data cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlref.comparison import TABLE_FILE, TABLE_MARKER, load_table, render_page


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Render the comparison table into any page that asks for it.

    Args:
        markdown: The page's Markdown source.
        page: The MkDocs page.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The Markdown, with the table in place of its marker.
    """
    if TABLE_MARKER not in markdown:
        return markdown
    table = Path(config["config_file_path"]).parent / TABLE_FILE
    return render_page(markdown, load_table(table), page.file.src_uri)
