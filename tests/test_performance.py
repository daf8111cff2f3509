"""The performance page: a fair experiment, committed results, and claims that hold."""

from __future__ import annotations

import copy
import json
import re

import pytest

from dlref.benchmark.experiment import FULL, QUICK, run_benchmark
from dlref.benchmark.results import (
    PERFORMANCE_MARKER,
    PerformanceError,
    load_results,
    locked_versions,
    render_page,
    render_results,
    render_svg,
    stale_versions,
    summarize,
    svg_path,
)
from dlref.paths import CPU_LOCK, PERFORMANCE_RESULTS

RESULTS = PERFORMANCE_RESULTS
LOCK_FILE = CPU_LOCK


@pytest.fixture(scope="module")
def committed() -> dict:
    return load_results(RESULTS)


def test_quick_experiment_trains_both_frameworks_from_the_same_start():
    results = run_benchmark(QUICK)
    runs = {run["framework"]: run for run in results["runs"]}
    assert set(runs) == {"pytorch", "tensorflow"}
    pytorch, tensorflow = runs["pytorch"], runs["tensorflow"]
    # The same weights before training: the same loss on the same test set.
    assert pytorch["initial_test_loss"] == pytest.approx(tensorflow["initial_test_loss"], abs=1e-5)
    # The same batches and optimizer: the same model after one epoch.
    assert pytorch["test_loss"] == pytest.approx(tensorflow["test_loss"], abs=1e-4)
    # One epoch is enough to leave chance (10 %) far behind.
    assert pytorch["test_accuracy"] > 0.3
    assert len(pytorch["epoch_seconds"]) == len(tensorflow["epoch_seconds"]) == QUICK.epochs
    assert results["stamp"]["versions"]["PyTorch"] != "not installed"


def test_committed_results_are_the_full_experiment(committed):
    config = committed["config"]
    assert tuple(config["seeds"]) == FULL.seeds
    assert config["epochs"] == FULL.epochs
    for run in committed["runs"]:
        assert len(run["epoch_seconds"]) == FULL.epochs
    assert len(committed["runs"]) == 2 * len(FULL.seeds)


def test_committed_results_were_measured_with_the_locked_versions(committed):
    stale = stale_versions(committed, LOCK_FILE)
    assert not stale, f"{RESULTS.name} is stale ({'; '.join(stale)}): run `make perf`"


def test_stale_versions_are_reported(committed):
    older = copy.deepcopy(committed)
    older["stamp"]["versions"]["PyTorch"] = "2.0.0"
    assert stale_versions(older, LOCK_FILE) == [
        f"PyTorch: measured with 2.0.0, cpu.lock pins {locked_versions(LOCK_FILE)['PyTorch']}"
    ]


def test_committed_plot_is_the_drawing_of_the_results(committed):
    drawn = svg_path(RESULTS).read_text(encoding="utf-8")
    assert drawn == render_svg(committed), "the plot is not of the results: run `make perf`"


def test_page_claims_hold_for_the_committed_results(committed):
    """The page says the frameworks reach the same accuracy on every seed, and seeds move it."""
    by_seed: dict[int, dict[str, float]] = {}
    for run in committed["runs"]:
        by_seed.setdefault(run["seed"], {})[run["framework"]] = run["test_accuracy"]
    gaps = [abs(a["pytorch"] - a["tensorflow"]) for a in by_seed.values()]
    assert max(gaps) == 0.0  # "on every seed ... the same test accuracy"
    for framework in ("pytorch", "tensorflow"):
        accuracies = [a[framework] for a in by_seed.values()]
        assert max(accuracies) - min(accuracies) > 0  # "between seeds ... the accuracy moves"
    summaries = summarize(committed)
    # "its first epoch includes tracing"; "PyTorch takes less time per epoch than Keras fit"
    assert summaries["tensorflow"].first_epoch_median > summaries["tensorflow"].epoch_median
    assert summaries["pytorch"].epoch_median < summaries["tensorflow"].epoch_median


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda r: r.pop("runs"), "no 'runs'"),
        (lambda r: r["runs"][0].pop("test_loss"), "a run lacks ['test_loss']"),
        (
            lambda r: r.update(runs=[x for x in r["runs"] if x["framework"] == "pytorch"]),
            "no tensorflow runs",
        ),
    ],
)
def test_malformed_results_are_rejected(committed, tmp_path, damage, message):
    broken = copy.deepcopy(committed)
    damage(broken)
    path = tmp_path / "performance.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(PerformanceError, match=re.escape(message)):
        load_results(path)


def test_render_replaces_the_marker_with_the_tables(committed):
    page = render_page(f"# Title\n\n{PERFORMANCE_MARKER}\n", committed)
    assert PERFORMANCE_MARKER not in page
    assert render_results(committed) in page
    assert f"{len(FULL.seeds)} seeds per framework" in page


@pytest.mark.xdist_group("site")
def test_built_page_shows_the_committed_results(committed, built_site):
    html = (built_site / "comparison" / "performance" / "index.html").read_text(encoding="utf-8")
    summary = summarize(committed)["pytorch"]
    assert f"{100 * summary.accuracy_mean:.2f} %" in html
    assert committed["stamp"]["hardware"] in html
    assert PERFORMANCE_MARKER not in html
