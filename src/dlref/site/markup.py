"""Lighter pages: drop the code markup that changes nothing a reader sees.

Pygments wraps every name (``n``) and run of whitespace (``w``) in a code block
in its own ``<span>``; Material gives names the code's own colour and
whitespace none, so those spans only add elements: a quarter of the
architectures page's. `unwrap_plain_tokens` replaces them with their text,
which leaves the page's look, its copied code and its search text unchanged
and makes it quicker to lay out, to script and to audit.
"""

from __future__ import annotations

import re

#: Token classes Material draws in the code's plain colour (``--md-code-hl-name-color``
#: is ``--md-code-fg-color``) or not at all.
PLAIN_TOKEN_CLASSES = ("n", "w")
_PLAIN_SPAN_RE = re.compile(rf'<span class="(?:{"|".join(PLAIN_TOKEN_CLASSES)})">([^<]*)</span>')


def unwrap_plain_tokens(html: str) -> str:
    """Replace the spans of plain code tokens with their text.

    Args:
        html: A page's rendered content.

    Returns:
        The content without ``<span class="n">`` and ``<span class="w">``.
    """
    return _PLAIN_SPAN_RE.sub(r"\1", html)
