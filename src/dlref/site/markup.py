"""Page markup the browser handles better: lighter code blocks, figures drawn inline.

Pygments wraps every name (``n``), run of whitespace (``w``), punctuation
mark (``p``) and operator (``o``, ``ow``) in a code block in its own
``<span>``. Material gives names the code's own colour and whitespace none;
this site draws punctuation and operators in the code's colour too
(``extra.css``), instead of Material's lighter grey. Those spans then only add
elements: 60 % of the architectures page's, where parsing the page's HTML and
recomputing its styles took most of the browser's time. `unwrap_plain_tokens`
replaces them with their text, which leaves the page's look, its copied code
and its search text unchanged and makes it quicker to parse, to lay out and to
audit.

A drawn figure (`dlref.examples.figures`) shown with Markdown's image syntax
would be an ``<img>``, which sees the reader's system preference but not the
palette chosen on the site; `inline_figures` puts the drawing itself in the
page, named by the image's alt text.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from dlref.examples.figures import FIGURE_CLASS

#: Token classes drawn in the code's plain colour (``--md-code-hl-name-color`` is
#: ``--md-code-fg-color``; extra.css sets the punctuation and operator colours to it)
#: or not at all.
PLAIN_TOKEN_CLASSES = ("n", "w", "p", "o", "ow")
_PLAIN_SPAN_RE = re.compile(rf'<span class="(?:{"|".join(PLAIN_TOKEN_CLASSES)})">([^<]*)</span>')


def unwrap_plain_tokens(html: str) -> str:
    """Replace the spans of plain code tokens with their text.

    Args:
        html: A page's rendered content.

    Returns:
        The content without the spans of `PLAIN_TOKEN_CLASSES`.
    """
    return _PLAIN_SPAN_RE.sub(r"\1", html)


_IMG_RE = re.compile(r'<img alt="(?P<alt>[^"]*)" src="(?P<src>[^":]+\.svg)" ?/?>')
_FIGURE_HEAD = f'<svg class="{FIGURE_CLASS}" role="img" aria-label="'


def inline_figures(html: str, page_url: str, docs_dir: Path) -> str:
    """Replace each ``<img>`` of a drawn figure with the figure's ``<svg>``.

    Args:
        html: A page's rendered content.
        page_url: The page's address relative to the site, e.g. ``"comparison/performance/"``.
        docs_dir: The folder the site is built from.

    Returns:
        The content; images that are not drawn figures are left as they are.
    """

    def inline(match: re.Match[str]) -> str:
        path = docs_dir / posixpath.normpath(posixpath.join(page_url, match["src"]))
        svg = path.read_text(encoding="utf-8") if path.is_file() else ""
        if not svg.startswith(_FIGURE_HEAD):
            return match[0]
        label_end = svg.index('"', len(_FIGURE_HEAD))
        return f"{_FIGURE_HEAD}{match['alt']}{svg[label_end:]}"  # alt is escaped already

    return _IMG_RE.sub(inline, html)
