"""llms.txt and a Markdown copy of every page, for readers who use assistants.

``mkdocs.yml`` lists this file under ``hooks:``. Each page's HTML, as the build
rendered it (examples, outputs and includes already in it), is converted to
Markdown and written beside the page as ``index.md``; ``llms.txt`` at the top
of the site links every copy, grouped by the navigation's sections, after the
format of https://llmstxt.org/.

Syntax highlighting is removed before the conversion: a highlighted block is
mostly ``<span>`` tags, and converting them cost more than the rest of the
build (mkdocs-llmstxt, which converts them and reformats every copy, doubled
the build's CPU time here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

LLMS_FILE = "llms.txt"
#: The name of each page's Markdown copy, beside its ``index.html``.
COPY_NAME = "index.md"
# Highlighting markup that carries no text: token spans, and the anchors of line numbers.
_HIGHLIGHT_RE = re.compile(r'</?span\b[^>]*>|<a id="__codelineno-[^"]*"[^>]*></a>')
# What a reader of the text does not need: permalinks, tab radio buttons, tab labels
# (each block's title names its script), icons.
_DROPPED = "a.headerlink, input, .tabbed-labels, svg"


def _language(tag: Tag) -> str:
    """The fence language of a code block, from its ``language-*`` class."""
    for element in (tag, tag.parent):
        for css_class in (element.get("class") or []) if element else []:
            if css_class.startswith("language-"):
                return css_class.removeprefix("language-")
    return ""


_CONVERTER = MarkdownConverter(
    bullets="-",
    code_language_callback=_language,
    escape_underscores=False,
    escape_asterisks=False,
    heading_style=ATX,
)


def page_markdown(html: str) -> str:
    """Convert a page's rendered HTML to Markdown.

    Args:
        html: The page content MkDocs rendered (without the theme's frame).

    Returns:
        Markdown: prose, tables, and fenced code blocks with their languages.
    """
    soup = BeautifulSoup(_HIGHLIGHT_RE.sub("", html), "html.parser")
    for element in soup.select(_DROPPED):
        element.decompose()
    markdown = _CONVERTER.convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


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


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Write the page's Markdown copy beside its HTML; leave the HTML as it is.

    Args:
        html: The page's rendered content.
        page: The MkDocs page.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The HTML, unchanged.
    """
    destination = Path(page.file.abs_dest_path).with_name(COPY_NAME)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(page_markdown(html), encoding="utf-8")
    section = page.ancestors[-1].title if page.ancestors else page.title
    url = Path(page.file.dest_uri).with_name(COPY_NAME).as_posix()
    _copies[page.file.src_uri] = PageCopy(section, str(page.title), url)
    return html


def on_post_build(config: Any) -> None:
    """Write llms.txt, listing the copies in the navigation's order.

    Args:
        config: The MkDocs config.
    """
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
