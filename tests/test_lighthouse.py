"""Lighthouse on the pages most at risk: at least 95 in every category.

The scoring itself is slow and runs under `make lighthouse`; the rules that
turn runs into a verdict are checked in every `make test`.
"""

from __future__ import annotations

import pytest

from dlref.site.lighthouse import (
    PageRun,
    below_minimum,
    calibrated_multiplier,
    median_run,
    site_runs,
)


def _run(performance: int, index: float = 1000.0) -> PageRun:
    scores = {"performance": performance, "accessibility": 100, "best-practices": 100, "seo": 100}
    return PageRun(scores, {"total-blocking-time": 10.0 * performance}, index)


def test_median_run_is_the_middle_performance_score_with_its_own_figures():
    runs = [_run(70), _run(96), _run(90)]
    assert median_run(runs) is runs[2]
    assert median_run([_run(80), _run(99)]).scores["performance"] == 80


def test_only_the_median_run_counts_and_a_low_score_names_its_metrics():
    assert below_minimum({"/": [_run(60), _run(97), _run(98)]}) == []
    (low,) = below_minimum({"/": [_run(60), _run(70), _run(99)]})
    assert low.startswith("/: performance 70 < 95")
    assert "total-blocking-time 700" in low and "BenchmarkIndex 1000" in low


def test_calibrated_multiplier_follows_lighthouses_calculator():
    # Points the calculator states: 150 -> 1x, 800 -> 2x, 1300 -> 3x, 1533 -> 4x, 2000 -> 6x.
    for index, multiplier in [(150, 1), (800, 2), (1300, 3), (1533, 4), (2000, 6)]:
        assert calibrated_multiplier(index) == pytest.approx(multiplier, abs=0.01)
    assert calibrated_multiplier(50) == 1.0


@pytest.mark.site
@pytest.mark.lighthouse
@pytest.mark.xdist_group("site")
def test_home_heaviest_concept_and_architectures_score_at_least_95(built_site):
    results = site_runs(built_site)
    for page, runs in results.items():
        for run in runs:
            print(page, run.describe())
    assert len(results) == 3
    low = below_minimum(results)
    assert not low, "\n".join(low)
