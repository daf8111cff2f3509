"""A page's Markdown copy, converted from the HTML the build rendered.

`dlref.site.llms` writes one beside every page; the conversion is kept here,
apart from the hooks, so that it can run in a worker process while the build
goes on with the next page.

Syntax highlighting is removed before the conversion: a highlighted block is
mostly ``<span>`` tags, and converting them cost more than the rest of the
build (mkdocs-llmstxt, which converts them and reformats every copy, doubled
the build's CPU time here).
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

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


def write_markdown_copy(html: str, destination: Path) -> None:
    """Convert a page's HTML to Markdown and write it.

    Args:
        html: The page content MkDocs rendered.
        destination: The copy's path; its folder is created if missing.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(page_markdown(html), encoding="utf-8")
