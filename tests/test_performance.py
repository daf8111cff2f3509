"""The performance page: committed results per device, plots drawn from them, claims that hold."""

from __future__ import annotations

import copy
import json
import re

import pytest

from dlref import cli
from dlref.benchmark import run as bench_run
from dlref.benchmark.accuracy import QUICK_IDENTICAL, identical_runs
from dlref.benchmark.results import (
    DEVICE_TITLES,
    PERFORMANCE_MARKER,
    PerformanceError,
    claim_failures,
    load_device_results,
    load_results,
    locked_versions,
    plot_paths,
    render_device,
    render_page,
    render_plots,
    results_file,
    stale_versions,
)
from dlref.benchmark.run import FULL, BusyMachineError, check_idle
from dlref.paths import CPU_LOCK, PERFORMANCE_RESULTS


@pytest.fixture(scope="module")
def committed() -> dict[str, dict]:
    return load_results(PERFORMANCE_RESULTS)


def test_quick_experiment_trains_both_frameworks_from_the_same_start():
    results = identical_runs(QUICK_IDENTICAL)
    runs = {run["framework"]: run for run in results["runs"]}
    assert set(runs) == {"pytorch", "tensorflow"}
    pytorch, tensorflow = runs["pytorch"], runs["tensorflow"]
    # The same weights before training: the same loss on the same test set.
    assert pytorch["initial_test_loss"] == pytest.approx(tensorflow["initial_test_loss"], abs=1e-5)
    # The same batches and optimizer: the same model after one epoch.
    assert pytorch["test_loss"] == pytest.approx(tensorflow["test_loss"], abs=1e-4)
    # One epoch is enough to leave chance (10 %) far behind.
    assert pytorch["test_accuracy"] > 0.3


def test_the_cpu_results_are_committed(committed):
    assert "cpu" in committed


def test_committed_results_are_the_full_run(committed):
    for device, results in committed.items():
        assert results["stamp"]["device"] == device
        assert results["stamp"]["config"] == "full"
        assert [w["name"] for w in results["workloads"]] == [w.name for w in FULL.workloads]
        for workload, configured in zip(results["workloads"], FULL.workloads, strict=True):
            assert workload["batch_sizes"] == list(configured.batch_sizes)
        assert {row["workload"] for row in results["inference"]} == {
            w.name for w in FULL.inference_workloads
        }
        assert set(results["accuracy"]) == {"identical", "independent"}
        for cell in results["training"]:
            assert cell["timing"]["plan"]["repeats"] == FULL.repeats >= 5


def test_committed_results_were_measured_with_the_locked_versions(committed):
    for device, results in committed.items():
        stale = stale_versions(results, CPU_LOCK)
        name = results_file(PERFORMANCE_RESULTS, device).name
        assert not stale, f"{name} is stale ({'; '.join(stale)}): run `make perf`"


def test_stale_versions_are_reported(committed):
    older = copy.deepcopy(committed["cpu"])
    older["stamp"]["versions"]["PyTorch"] = "2.0.0"
    assert stale_versions(older, CPU_LOCK) == [
        f"PyTorch: measured with 2.0.0, cpu.lock pins {locked_versions(CPU_LOCK)['PyTorch']}"
    ]


def test_committed_plots_are_the_drawings_of_the_results(committed):
    for device, results in committed.items():
        paths = plot_paths(results_file(PERFORMANCE_RESULTS, device))
        for kind, svg in render_plots(results).items():
            drawn = paths[kind].read_text(encoding="utf-8")
            assert drawn == svg, f"{paths[kind].name} is not of the results: run `make perf`"


def test_page_claims_hold_for_the_committed_results(committed):
    """Every sentence of the page's prose that rests on the numbers holds, on every device."""
    for device, results in committed.items():
        assert claim_failures(results) == [], device


@pytest.mark.parametrize(
    ("damage", "claim"),
    [
        (
            lambda r: next(
                run for run in r["accuracy"]["identical"]["runs"] if run["framework"] == "pytorch"
            ).update(test_accuracy=0.5),
            "within one test image of each other",
        ),
        (
            lambda r: [
                run.update(test_accuracy=0.9) for run in r["accuracy"]["independent"]["runs"]
            ],
            "spreads over more than the source's gap",
        ),
        (
            lambda r: [
                cell["timing"].update(step_median=1.0)
                for cell in r["training"]
                if cell["mode"] == "tf-function"
            ],
            "tf.function's step is faster",
        ),
        (
            lambda r: [
                cell["timing"].update(step_median=cell["batch_size"])
                for cell in r["training"]
                if cell["mode"] == "pytorch-eager"
            ],
            "less time per example at the largest batch",
        ),
        (
            lambda r: r["training"][0]["timing"]["timed_updates"].__setitem__(0, 0),
            "every mode did the same work",
        ),
    ],
)
def test_a_claim_the_results_contradict_is_reported(committed, damage, claim):
    broken = copy.deepcopy(committed["cpu"])
    damage(broken)
    assert any(claim in failure for failure in claim_failures(broken))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda r: r.pop("training"), "no 'training'"),
        (
            lambda r: r["accuracy"]["identical"]["runs"][0].pop("test_loss"),
            "a identical run lacks ['test_loss']",
        ),
        (
            lambda r: r["accuracy"]["independent"].update(
                runs=[
                    x for x in r["accuracy"]["independent"]["runs"] if x["framework"] == "pytorch"
                ]
            ),
            "no tensorflow runs in 'independent'",
        ),
    ],
)
def test_malformed_results_are_rejected(committed, tmp_path, damage, message):
    broken = copy.deepcopy(committed["cpu"])
    damage(broken)
    path = tmp_path / "performance-cpu.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(PerformanceError, match=re.escape(message)):
        load_device_results(path)


def test_missing_results_are_one_clear_error(tmp_path):
    with pytest.raises(PerformanceError, match="make perf"):
        load_results(tmp_path / "performance-{device}.json")


def test_each_device_gets_its_own_section(committed):
    gpu = copy.deepcopy(committed["cpu"])
    gpu["stamp"].update(
        device="cuda", hardware="A GPU of some kind", tf32={"pytorch": False, "tensorflow": True}
    )
    page = render_page(f"# Title\n\n{PERFORMANCE_MARKER}\n", {"cpu": committed["cpu"], "cuda": gpu})
    assert PERFORMANCE_MARKER not in page
    cpu_part, gpu_part = page.split(f"### {DEVICE_TITLES['cuda']}\n")
    assert render_device(committed["cpu"], "performance-cpu.json") in cpu_part
    assert "A GPU of some kind" in gpu_part and "A GPU of some kind" not in cpu_part
    assert "(performance-cuda.svg)" in gpu_part and "(performance-cpu.svg)" in cpu_part
    assert "TensorFloat-32 matmuls: PyTorch off, TensorFlow on" in gpu_part


def test_a_busy_run_is_flagged_on_the_page(committed):
    busy = copy.deepcopy(committed["cpu"])
    busy["stamp"].update(busy=True, load_before=[3.0, 2.0, 1.0])
    assert "Measured on a busy machine" in render_device(busy, "performance-cpu.json")
    idle = copy.deepcopy(committed["cpu"])
    idle["stamp"].update(busy=False)
    assert "Measured on a busy machine" not in render_device(idle, "performance-cpu.json")


def test_a_busy_machine_is_refused_unless_allowed():
    assert check_idle([0.1, 0.1, 0.1], allow_busy=False) is False
    assert check_idle([bench_run.BUSY_LOAD + 1, 0.0, 0.0], allow_busy=True) is True
    with pytest.raises(BusyMachineError, match="--allow-busy"):
        check_idle([bench_run.BUSY_LOAD + 1, 0.0, 0.0], allow_busy=False)


def test_bench_on_a_busy_machine_is_one_message_and_a_failure(monkeypatch, capsys):
    monkeypatch.setattr(bench_run, "machine_load", lambda: [bench_run.BUSY_LOAD + 1, 0.0, 0.0])
    assert cli.main(["bench"]) != 0
    error = capsys.readouterr().err
    assert error.startswith("dlref: error: the machine is busy") and "Traceback" not in error


@pytest.mark.xdist_group("site")
def test_built_page_shows_the_committed_results(committed, built_site):
    html = (built_site / "comparison" / "performance" / "index.html").read_text(encoding="utf-8")
    for results in committed.values():
        assert results["stamp"]["hardware"] in html
    assert PERFORMANCE_MARKER not in html
    assert "Fairness check of this run" in html
