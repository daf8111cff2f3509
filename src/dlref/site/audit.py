"""What a reader's browser meets on a built page: accessibility faults and bytes transferred.

Both checks open the page in Debian's Chromium (`dlref.site.browser`) from
the compressing local server, as a reader's browser would open it from a
host:

- `axe_violations` injects the pinned axe-core (``node_modules/axe-core``,
  installed by ``npm ci``; nothing is fetched at run time) and returns its
  serious and critical findings;
- `transferred_bytes` counts what the page loaded, each file as the server
  sent it (gzipped when text, see `dlref.site.browser.sent_bytes`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dlref.paths import CHECKOUT
from dlref.site.browser import LOCAL_HOST, sent_bytes

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_SCRIPT = CHECKOUT / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts that fail a page; "minor" and "moderate" are reported by axe but not gated.
BLOCKING_IMPACTS = ("serious", "critical")
#: The rule sets axe runs: the WCAG 2.x A and AA rules and its own best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
#: Material follows the reader's preferred scheme: a page opened with each shows each palette.
PALETTES = {"default": "light", "slate": "dark"}


class AuditError(RuntimeError):
    """axe-core is not installed where the audit expects it."""


@dataclass(frozen=True)
class Violation:
    """One axe rule a page breaks.

    Attributes:
        rule: The axe rule id, e.g. ``"color-contrast"``.
        impact: ``"serious"`` or ``"critical"``.
        targets: CSS selectors of the first offending elements.
        count: How many elements break it.
    """

    rule: str
    impact: str
    targets: tuple[str, ...]
    count: int

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}, {self.count}x): {', '.join(self.targets)}"


def site_pages(site_dir: Path) -> list[str]:
    """List every page of a built site as the address path a reader opens.

    Args:
        site_dir: The built site.

    Returns:
        Paths such as ``""`` (home) and ``"concepts/autograd/"``, sorted.
    """
    return sorted(
        str(html.parent.relative_to(site_dir)).removeprefix(".") + "/"
        if html.parent != site_dir
        else ""
        for html in site_dir.rglob("index.html")
    )


def axe_violations(page: Page) -> list[Violation]:
    """Run axe-core on the open page; return its serious and critical findings.

    Args:
        page: A loaded page.

    Returns:
        The violations, by rule.

    Raises:
        AuditError: ``node_modules/axe-core`` is missing (run ``npm ci``).
    """
    if not AXE_SCRIPT.exists():
        raise AuditError(f"{AXE_SCRIPT} is missing: install the npm packages (npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """tags => axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
            }).then(r => r.violations.map(v => ({
                rule: v.id, impact: v.impact, count: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""",
        list(AXE_TAGS),
    )
    return [
        Violation(r["rule"], r["impact"], tuple(r["targets"]), r["count"])
        for r in results
        if r["impact"] in BLOCKING_IMPACTS
    ]


def transferred_bytes(site_dir: Path, urls: Iterable[str]) -> dict[str, int]:
    """Size each file a page loaded from the local server as the server sent it.

    Args:
        site_dir: The built site the server serves.
        urls: The addresses the page requested.

    Returns:
        Bytes on the wire by site path; requests outside the site are left out
        (the browser tests fail a page that makes any).
    """
    sizes = {}
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.hostname != LOCAL_HOST:
            continue
        path = site_dir / urllib.parse.unquote(parts.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            sizes[str(path.relative_to(site_dir))] = len(sent_bytes(path))
    return sizes
