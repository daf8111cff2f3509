"""llms.txt and a Markdown copy of every page, for readers who use assistants.

``mkdocs.yml`` lists this file under ``hooks:``. Each page's HTML, as the build
rendered it (examples, outputs and includes already in it), is converted to
Markdown and written beside the page as ``index.md``; ``llms.txt`` at the top
of the site links every copy, grouped by the navigation's sections, after the
format of https://llmstxt.org/.

The conversion (`dlref.site.markdown_copy`) runs in worker processes, one
fewer than the machine's cores, so that the build goes on rendering pages
meanwhile; the build waits for every copy before it writes llms.txt, and an
error in any conversion fails the build.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlref.site.markdown_copy import write_markdown_copy

LLMS_FILE = "llms.txt"
#: The name of each page's Markdown copy, beside its ``index.html``.
COPY_NAME = "index.md"


@dataclass(frozen=True)
class PageCopy:
    """One page's Markdown copy, for the list in llms.txt."""

    section: str
    """The top-level navigation section the page is in (its own title at the top level)."""
    title: str
    """The page's title."""
    url: str
    """The copy's address, relative to the top of the site (``concepts/autograd/index.md``)."""


def render_llms_txt(name: str, description: str, copies: list[PageCopy]) -> str:
    """Return llms.txt: the site's name and summary, then its pages by section.

    Args:
        name: The site's name.
        description: One line about the site.
        copies: Every page's copy, in navigation order.

    Returns:
        The text of llms.txt.
    """
    lines = [
        f"# {name}",
        "",
        f"> {description}",
        "",
        "Every code block is a script the project's tests ran, and every output under "
        "one is what that run printed. Each page below is the Markdown copy of a page "
        f"of the site: `{COPY_NAME}` beside the page's HTML.",
    ]
    sections: dict[str, list[PageCopy]] = {}
    for copy in copies:
        sections.setdefault(copy.section, []).append(copy)
    for section, members in sections.items():
        lines += ["", f"## {section}", ""]
        lines += [f"- [{copy.title}]({copy.url})" for copy in members]
    return "\n".join(lines) + "\n"


_copies: dict[str, PageCopy] = {}
_nav: list[Any] = []
_conversions: list[Future[None]] = []
_pool: list[ProcessPoolExecutor] = []  # at most one, made at the first page of a build


def _converter() -> ProcessPoolExecutor:
    """The build's worker processes, started on first use."""
    if not _pool:
        workers = max(1, (os.cpu_count() or 1) - 1)
        # spawn, not fork: `mkdocs serve` runs threads, and a forked child of a threaded
        # process can deadlock on a lock one of them held.
        context = multiprocessing.get_context("spawn")
        _pool.append(ProcessPoolExecutor(max_workers=workers, mp_context=context))
    return _pool[0]


def _close_converter(*, wait: bool) -> None:
    """Stop the worker processes; without `wait`, drop conversions not yet started."""
    while _pool:
        _pool.pop().shutdown(wait=wait, cancel_futures=not wait)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Start converting the page to its Markdown copy; leave the HTML as it is.

    Args:
        html: The page's rendered content.
        page: The MkDocs page.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The HTML, unchanged.
    """
    destination = Path(page.file.abs_dest_path).with_name(COPY_NAME)
    _conversions.append(_converter().submit(write_markdown_copy, html, destination))
    section = page.ancestors[-1].title if page.ancestors else page.title
    url = Path(page.file.dest_uri).with_name(COPY_NAME).as_posix()
    _copies[page.file.src_uri] = PageCopy(section, str(page.title), url)
    return html


def on_post_build(config: Any) -> None:
    """Wait for every Markdown copy, then write llms.txt, listing them in the navigation's order.

    Args:
        config: The MkDocs config.

    Raises:
        Exception: A conversion failed (its own exception, which fails the build).
    """
    try:
        for conversion in _conversions:
            conversion.result()
    finally:
        _conversions.clear()
        _close_converter(wait=True)
    order = [page.file.src_uri for page in _nav]
    copies = [_copies[uri] for uri in order if uri in _copies]
    copies += [copy for uri, copy in _copies.items() if uri not in order]
    text = render_llms_txt(config["site_name"], config["site_description"] or "", copies)
    (Path(config["site_dir"]) / LLMS_FILE).write_text(text, encoding="utf-8")


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    """Remember the navigation's pages, for the order of llms.txt.

    Args:
        nav: The site's navigation.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The navigation, unchanged.
    """
    _nav[:] = list(nav.pages)
    return nav


def on_build_error(error: Exception) -> None:
    """Stop the conversions of a build that failed.

    Args:
        error: What failed the build.
    """
    _conversions.clear()
    _close_converter(wait=False)
