"""Lighthouse scores of the pages most at risk, from npm's pinned Lighthouse and Debian's Chromium.

``make lighthouse`` runs ``tests/test_lighthouse.py``, which builds the site
strictly, serves it compressed (`dlref.site.browser.serve_folder`), and
runs Lighthouse (``node_modules/.bin/lighthouse``, installed by ``npm ci``)
with its default mobile settings on the home page, the heaviest concept page
and the architectures page, for performance, accessibility, best practices and
SEO. Every score must be at least `MINIMUM_SCORE`. Chromium is
``/usr/bin/chromium`` through ``CHROME_PATH``; Lighthouse downloads nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from dlref.paths import NODE_MODULES
from dlref.site.browser import CHROMIUM, CHROMIUM_ARGS, sent_bytes, serve_folder

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM_SCORE = 95
CHROME_FLAGS = " ".join(CHROMIUM_ARGS)  # the flags every browser test launches with


class LighthouseError(RuntimeError):
    """Lighthouse is not installed, or it failed on a page."""


def audited_pages(site_dir: Path) -> list[str]:
    """The pages Lighthouse scores: home, the heaviest concept page, architectures.

    Args:
        site_dir: The built site.

    Returns:
        Address paths relative to the site's root.
    """
    concepts = sorted((site_dir / "concepts").glob("*/index.html"))
    heaviest = max(concepts, key=lambda html: len(sent_bytes(html)))
    return ["", f"concepts/{heaviest.parent.name}/", "architectures/"]


def page_scores(url: str) -> dict[str, int]:
    """Run Lighthouse on one address.

    Args:
        url: The page.

    Returns:
        The score of each of `CATEGORIES`, 0 to 100.

    Raises:
        LighthouseError: Lighthouse is missing or failed.
    """
    if not LIGHTHOUSE.exists():
        raise LighthouseError(f"{LIGHTHOUSE} is missing: install the npm packages (npm ci)")
    with tempfile.TemporaryDirectory(prefix="dlref-lighthouse-") as profile:
        result = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
            check=False,
        )
    if result.returncode != 0:
        raise LighthouseError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    return {name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES}


def site_scores(site_dir: Path) -> dict[str, dict[str, int]]:
    """Score the audited pages of a built site.

    Args:
        site_dir: The built site.

    Returns:
        Scores by page path, then by category.
    """
    with serve_folder(site_dir) as base:
        return {page or "/": page_scores(base + page) for page in audited_pages(site_dir)}


def below_minimum(scores: dict[str, dict[str, int]]) -> list[str]:
    """List every score under `MINIMUM_SCORE`.

    Args:
        scores: From `site_scores`.

    Returns:
        One line per low score; empty when all pass.
    """
    return [
        f"{page}: {category} {score} < {MINIMUM_SCORE}"
        for page, by_category in scores.items()
        for category, score in by_category.items()
        if score < MINIMUM_SCORE
    ]
