"""What the build's page syntax shares: its error, and which lines are prose.

The example directive (`dlref.site.directive`) and quoted values
(`dlref.site.values`) are both written in a page's prose and ignored inside
fenced code blocks, where a page may show their syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_FENCE_RE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")


class DirectiveError(ValueError):
    """A page names an example or a value that does not exist, or writes one wrongly."""


def prose_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """Yield the lines of a page outside fenced code blocks, with their 1-based numbers.

    A page that shows the directive's syntax in a code block is not expanded there.

    Args:
        markdown: The page's Markdown.

    Yields:
        ``(line number, line)``.
    """
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(), start=1):
        opening = _FENCE_RE.match(line)
        if opening and (fence is None or opening["fence"].startswith(fence)):
            fence = opening["fence"] if fence is None else None
        elif fence is None:
            yield number, line
