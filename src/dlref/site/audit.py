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

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dlref.paths import NODE_MODULES
from dlref.site.browser import LOCAL_HOST, sent_bytes

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
#: The impacts that fail a page; "minor" and "moderate" are reported by axe but not gated.
BLOCKING_IMPACTS = ("serious", "critical")
#: The rule sets axe runs: the WCAG 2.x A and AA rules and its own best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
#: The rules whose outcome depends on the palette: the only ones worth rerunning in the other.
COLOUR_RULES = ("color-contrast", "link-in-text-block")
#: The most bytes a page may make a reader's browser transfer, all its files together.
PAGE_BUDGET = 500_000
#: Files left out of the budget: onnxruntime-web's in-browser inference runtime
#: (``ort*.wasm`` and its loaders), on the one page that runs a model.
EXEMPT_FROM_BUDGET = re.compile(r"(^|/)ort[.-][^/]*\.(wasm|mjs|js)$")
#: Material's two colour schemes, by the name the site gives its palettes.
PALETTES = {"light": "default", "dark": "slate"}


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


def with_axe(page: Page) -> None:
    """Load the pinned axe-core into every document the page opens from now on.

    Args:
        page: A page, before it navigates.

    Raises:
        AuditError: ``node_modules/axe-core`` is missing (run ``npm ci``).
    """
    if not AXE_SCRIPT.exists():
        raise AuditError(f"{AXE_SCRIPT} is missing: install the npm packages (npm ci)")
    page.add_init_script(path=str(AXE_SCRIPT))


def set_palette(page: Page, palette: str) -> None:
    """Switch the open page to a palette, as Material's toggle does.

    Args:
        page: A loaded page of the site.
        palette: A key of `PALETTES`.
    """
    page.evaluate(
        """scheme => {
            // Colours change at once: axe must not read them halfway through a transition.
            if (!document.getElementById('dlref-no-transitions')) {
                const style = document.createElement('style');
                style.id = 'dlref-no-transitions';
                style.textContent = '*, *::before, *::after { transition: none !important; }';
                document.head.append(style);
            }
            document.body.setAttribute('data-md-color-scheme', scheme);
        }""",
        PALETTES[palette],
    )


def axe_violations(page: Page, rules: Sequence[str] = ()) -> list[Violation]:
    """Run axe-core on the open page; return its serious and critical findings.

    Args:
        page: A loaded page set up by `with_axe`.
        rules: Only these rules (e.g. `COLOUR_RULES`); every rule of `AXE_TAGS` when empty.

    Returns:
        The violations, by rule.
    """
    run_only = (
        {"type": "rule", "values": list(rules)}
        if rules
        else {"type": "tag", "values": list(AXE_TAGS)}
    )
    # No preload: axe would fetch every stylesheet again for one rule (css-orientation-lock).
    results = page.evaluate(
        """runOnly => axe.run(document, {runOnly, resultTypes: ['violations'], preload: false})
            .then(r => r.violations.map(v => ({
                rule: v.id, impact: v.impact, count: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""",
        run_only,
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
        (the browser tests fail a page that makes any), and so are the files
        `EXEMPT_FROM_BUDGET` names.
    """
    sizes = {}
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.hostname != LOCAL_HOST:
            continue
        path = site_dir / urllib.parse.unquote(parts.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if path.is_file() and not EXEMPT_FROM_BUDGET.search(path.name):
            sizes[str(path.relative_to(site_dir))] = len(sent_bytes(path))
    return sizes
