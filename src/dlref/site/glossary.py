"""Glossary tooltips, once per section: the first use of a term is marked, the rest is text.

Markdown's ``abbr`` extension wraps every occurrence of a glossary term in
``<abbr title="...">``, which underlines "weights" four times in a paragraph.
`mark_first_uses` keeps the tooltip on a term's first use in each section
(the text between two ``<h2>`` headings), unwraps the others, and makes the
kept ones reachable with the Tab key, where focus shows the tooltip.
"""

from __future__ import annotations

import re

_SECTION_START_RE = re.compile(r"(?=<h2[\s>])")
_ABBR_RE = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<text>.*?)</abbr>', re.DOTALL)


def mark_first_uses(html: str) -> str:
    """Keep each glossary tooltip on its term's first use per section only.

    Args:
        html: A page's rendered content.

    Returns:
        The content with later uses of a term in the same section as plain
        text, and the first uses focusable (``tabindex="0"``).
    """
    sections = _SECTION_START_RE.split(html)
    return "".join(_mark_section(section) for section in sections)


def _mark_section(section: str) -> str:
    seen: set[str] = set()

    def first_only(match: re.Match[str]) -> str:
        term = match["text"].lower()
        if term in seen:
            return match["text"]
        seen.add(term)
        return f'<abbr title="{match["title"]}" tabindex="0">{match["text"]}</abbr>'

    return _ABBR_RE.sub(first_only, section)
