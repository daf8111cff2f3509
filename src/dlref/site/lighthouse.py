"""Lighthouse scores of the pages most at risk, from npm's pinned Lighthouse and Debian's Chromium.

``make lighthouse`` runs ``tests/test_lighthouse.py``, which builds the site
strictly, serves it compressed (`dlref.site.browser.serve_folder`), and
runs Lighthouse (``node_modules/.bin/lighthouse``, installed by ``npm ci``)
with its default mobile settings on the home page, the heaviest concept page
and the architectures page, for performance, accessibility, best practices and
SEO. Every score must be at least `MINIMUM_SCORE`. Chromium is
``/usr/bin/chromium`` through ``CHROME_PATH``; Lighthouse downloads nothing.

The performance score varies from run to run on a shared machine, so each
page is scored `RUNS` times and the median run counts, as Lighthouse's
documentation on variability advises; the median is taken of the performance
score, the figure the budget is about (Lighthouse's own ``computeMedianRun``
picks the run nearest the median first paint and time to interactive).

Each run also reports the host's BenchmarkIndex. The default mobile preset
slows the CPU down 4 times whatever the host; `calibrated_multiplier` gives the
slowdown Lighthouse's own calculator would choose for that host, printed beside
the scores so that a reader can tell how hard the emulated phone is.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dlref.paths import NODE_MODULES
from dlref.site.browser import CHROMIUM, CHROMIUM_ARGS, sent_bytes, serve_folder

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM_SCORE = 95
#: Runs per page; the median run's scores count.
RUNS = 3
#: The metrics behind the performance score, reported with a low one.
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
CHROME_FLAGS = " ".join(CHROMIUM_ARGS)  # the flags every browser test launches with


class LighthouseError(RuntimeError):
    """Lighthouse is not installed, or it failed on a page."""


@dataclass(frozen=True)
class PageRun:
    """One Lighthouse run on one page."""

    scores: dict[str, int]
    """Each of `CATEGORIES`, 0 to 100."""
    metrics: dict[str, float]
    """Each of `METRICS` in milliseconds (layout shift: unitless)."""
    benchmark_index: float
    """Lighthouse's measure of the host's CPU speed, taken at the start of the run."""

    def describe(self) -> str:
        """The scores, the metrics and the host's speed, on one line."""
        scores = ", ".join(f"{name} {score}" for name, score in self.scores.items())
        metrics = ", ".join(f"{name} {value:.0f}" for name, value in self.metrics.items())
        multiplier = calibrated_multiplier(self.benchmark_index)
        return (
            f"{scores} | {metrics} | BenchmarkIndex {self.benchmark_index:.0f} "
            f"(calibrated CPU slowdown {multiplier:.1f}x; the preset applies 4x)"
        )


def calibrated_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown Lighthouse's calculator recommends for a host.

    The piecewise-linear rule of https://lighthouse-cpu-throttling-calculator.vercel.app/
    (the calculator that ``lighthouse/core/config/lr-mobile-config.js`` cites
    for PageSpeed Insights' own multiplier): a BenchmarkIndex of 150 gets 1x,
    800 gets 2x, 1300 gets 3x, and every 233 above 1300 one more.

    Args:
        benchmark_index: The ``environment.benchmarkIndex`` of a Lighthouse report.

    Returns:
        The multiplier; 1.0 for a host slower than the calculator covers.
    """
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


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


def page_run(url: str) -> PageRun:
    """Run Lighthouse once on one address.

    Args:
        url: The page.

    Returns:
        The run's scores, metrics and BenchmarkIndex.

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
    return PageRun(
        scores={name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES},
        metrics={name: report["audits"][name]["numericValue"] for name in METRICS},
        benchmark_index=report["environment"]["benchmarkIndex"],
    )


def median_run(runs: list[PageRun]) -> PageRun:
    """The run whose performance score is the median of the runs (the lower one of two).

    Args:
        runs: One page's runs, at least one.

    Returns:
        That run, whole: its other scores and metrics come with it.
    """
    ranked = sorted(runs, key=lambda run: run.scores["performance"])
    return ranked[(len(ranked) - 1) // 2]


def site_runs(site_dir: Path, runs: int = RUNS) -> dict[str, list[PageRun]]:
    """Score the audited pages of a built site, each `runs` times.

    Args:
        site_dir: The built site.
        runs: Runs per page.

    Returns:
        The runs by page path (``/`` for the home page).
    """
    with serve_folder(site_dir) as base:
        return {
            page or "/": [page_run(base + page) for _ in range(runs)]
            for page in audited_pages(site_dir)
        }


def below_minimum(results: dict[str, list[PageRun]]) -> list[str]:
    """List every score of each page's median run that is under `MINIMUM_SCORE`.

    Args:
        results: From `site_runs`.

    Returns:
        One line per low score, with the run's metrics; empty when all pass.
    """
    low = []
    for page, runs in results.items():
        median = median_run(runs)
        for category, score in median.scores.items():
            if score < MINIMUM_SCORE:
                low.append(f"{page}: {category} {score} < {MINIMUM_SCORE} ({median.describe()})")
    return low
