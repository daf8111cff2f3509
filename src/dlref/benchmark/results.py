"""The performance page's numbers: read, summarise, draw and check the results file.

`dlref bench` (see `dlref.benchmark.experiment`) writes ``docs/comparison/performance.json``
and draws ``performance.svg`` beside it. At build time, `dlref.site.hooks`
replaces the page's marker with the tables rendered here, so the page always
shows the committed file. This module imports neither framework: the site
build and the checks stay fast.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlref.bridge.versions import PACKAGES
from dlref.examples.discovery import FRAMEWORK_TITLES
from dlref.examples.figures import stable_svg

PERFORMANCE_MARKER = "<!-- dlref:performance-results -->"
_RUN_KEYS = {
    "framework",
    "seed",
    "initial_test_loss",
    "test_loss",
    "test_accuracy",
    "epoch_seconds",
}


class PerformanceError(ValueError):
    """The results file is missing, malformed, or does not cover both frameworks."""


@dataclass(frozen=True)
class Summary:
    """One framework's results over all seeds.

    Attributes:
        runs: How many seeds it was trained with.
        accuracy_mean: Mean test accuracy.
        accuracy_sd: Its sample standard deviation over the seeds.
        loss_mean: Mean test loss.
        loss_sd: Its sample standard deviation.
        epoch_median: Median seconds per epoch over every epoch of every seed.
        epoch_low: The fastest epoch.
        epoch_high: The slowest epoch.
        first_epoch_median: Median seconds of the first epoch, which includes
            start-up work such as tracing.
    """

    runs: int
    accuracy_mean: float
    accuracy_sd: float
    loss_mean: float
    loss_sd: float
    epoch_median: float
    epoch_low: float
    epoch_high: float
    first_epoch_median: float


def svg_path(results_file: Path) -> Path:
    """The plot's path, beside the results file.

    Args:
        results_file: The JSON file.

    Returns:
        The same path with ``.svg``.
    """
    return results_file.with_suffix(".svg")


def load_results(path: Path) -> dict[str, Any]:
    """Read and check a results file.

    Args:
        path: The JSON file `dlref bench` wrote.

    Returns:
        Its content.

    Raises:
        PerformanceError: The file is missing or unreadable, a run lacks a
            field, or a framework has no runs.
    """
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PerformanceError(f"{path}: cannot read the results ({error})") from error
    for key in ("stamp", "config", "runs"):
        if key not in results:
            raise PerformanceError(f"{path}: no '{key}'")
    for run in results["runs"]:
        missing = _RUN_KEYS - set(run)
        if missing:
            raise PerformanceError(f"{path}: a run lacks {sorted(missing)}")
    for framework in FRAMEWORK_TITLES:
        if not any(run["framework"] == framework for run in results["runs"]):
            raise PerformanceError(f"{path}: no {framework} runs")
    return results


def summarize(results: dict[str, Any]) -> dict[str, Summary]:
    """Summarise each framework's runs.

    Args:
        results: A checked results file.

    Returns:
        A `Summary` per framework key.
    """
    summaries = {}
    for framework in FRAMEWORK_TITLES:
        runs = [run for run in results["runs"] if run["framework"] == framework]
        accuracies = [run["test_accuracy"] for run in runs]
        losses = [run["test_loss"] for run in runs]
        epochs = [seconds for run in runs for seconds in run["epoch_seconds"]]
        summaries[framework] = Summary(
            runs=len(runs),
            accuracy_mean=statistics.fmean(accuracies),
            accuracy_sd=statistics.stdev(accuracies) if len(runs) > 1 else 0.0,
            loss_mean=statistics.fmean(losses),
            loss_sd=statistics.stdev(losses) if len(runs) > 1 else 0.0,
            epoch_median=statistics.median(epochs),
            epoch_low=min(epochs),
            epoch_high=max(epochs),
            first_epoch_median=statistics.median(run["epoch_seconds"][0] for run in runs),
        )
    return summaries


def render_results(results: dict[str, Any]) -> str:
    """The page's Markdown: the stamp, the summary table and the per-seed table.

    Args:
        results: A checked results file.

    Returns:
        Markdown, the same for the same file.
    """
    stamp, config = results["stamp"], results["config"]
    summaries = summarize(results)
    py, tf = summaries["pytorch"], summaries["tensorflow"]
    versions = ", ".join(f"{label} {version}" for label, version in stamp["versions"].items())
    device = "CPU" if stamp["device"] == "cpu" else "GPU"
    lines = [
        f"Measured on {stamp['date']} on the {device} of this machine: "
        f"{stamp['hardware']}, {stamp['cpu_cores']} cores "
        f"(PyTorch used {stamp['torch_threads']} threads), with Python {stamp['python']}, "
        f"{versions}. {py.runs} seeds per framework, {config['epochs']} epochs each, "
        f"batch {config['batch_size']}, SGD with learning rate {config['learning_rate']} "
        f"and momentum {config['momentum']}, {config['train_examples']} training and "
        f"{config['test_examples']} test images.",
        "",
        "| | PyTorch | TensorFlow (Keras `fit`) |",
        "| --- | --- | --- |",
        f"| Test accuracy, mean ± sd over seeds | {_pct(py.accuracy_mean)} ± "
        f"{_pct(py.accuracy_sd)} | {_pct(tf.accuracy_mean)} ± {_pct(tf.accuracy_sd)} |",
        f"| Test loss, mean ± sd | {py.loss_mean:.4f} ± {py.loss_sd:.4f} | "
        f"{tf.loss_mean:.4f} ± {tf.loss_sd:.4f} |",
        f"| Seconds per epoch, median (fastest to slowest) | {py.epoch_median:.3f} "
        f"({py.epoch_low:.3f} to {py.epoch_high:.3f}) | {tf.epoch_median:.3f} "
        f"({tf.epoch_low:.3f} to {tf.epoch_high:.3f}) |",
        f"| First epoch, median seconds | {py.first_epoch_median:.3f} | "
        f"{tf.first_epoch_median:.3f} |",
        "",
        "| Seed | PyTorch accuracy | TensorFlow accuracy | Difference (points) |",
        "| --- | --- | --- | --- |",
    ]
    by_seed: dict[int, dict[str, float]] = {}
    for run in results["runs"]:
        by_seed.setdefault(run["seed"], {})[run["framework"]] = run["test_accuracy"]
    for seed, accuracies in sorted(by_seed.items()):
        difference = 100 * (accuracies["pytorch"] - accuracies["tensorflow"])
        lines.append(
            f"| {seed} | {_pct(accuracies['pytorch'])} | {_pct(accuracies['tensorflow'])} | "
            f"{difference:+.2f} |"
        )
    return "\n".join(lines) + "\n"


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.2f} %"


def render_page(markdown: str, results: dict[str, Any]) -> str:
    """Replace the page's marker with the rendered results.

    Args:
        markdown: The page's source.
        results: A checked results file.

    Returns:
        The page with the tables in place.
    """
    return markdown.replace(PERFORMANCE_MARKER, render_results(results))


def render_svg(results: dict[str, Any]) -> str:
    """Draw test accuracy per seed and the time of every epoch, as stable SVG.

    Args:
        results: A checked results file.

    Returns:
        The ``<svg>`` element; the same numbers always give the same bytes.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    markers = {"pytorch": "o", "tensorflow": "s"}
    figure, (accuracy_axes, time_axes) = plt.subplots(1, 2, figsize=(9, 3.6))
    for offset, (framework, title) in zip((-0.12, 0.12), FRAMEWORK_TITLES.items(), strict=True):
        runs = [run for run in results["runs"] if run["framework"] == framework]
        accuracy_axes.plot(
            [run["seed"] + offset for run in runs],
            [100 * run["test_accuracy"] for run in runs],
            markers[framework],
            label=title,
            fillstyle="none" if framework == "tensorflow" else "full",
        )
        time_axes.boxplot(
            [seconds for run in runs for seconds in run["epoch_seconds"]],
            positions=[0 if framework == "pytorch" else 1],
            widths=0.5,
        )
    accuracy_axes.set(title="Test accuracy by seed", xlabel="seed", ylabel="accuracy (%)")
    accuracy_axes.legend()
    time_axes.set(title="Seconds per epoch, every epoch", ylabel="seconds")
    time_axes.set_xticks([0, 1], list(FRAMEWORK_TITLES.values()))
    for axes in (accuracy_axes, time_axes):
        axes.title.set_fontsize(10)
        axes.grid(alpha=0.3)
    figure.tight_layout()
    return stable_svg(figure)


def locked_versions(lock_file: Path) -> dict[str, str]:
    """The release of each compared package that a lock file pins.

    Args:
        lock_file: A ``pip freeze``-style file such as ``requirements/cpu.lock``.

    Returns:
        Versions by row label (``"PyTorch"``), without local labels (``+cpu``).
    """
    pins = {}
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line)
        if match:
            # PEP 503 names: tensorflow_cpu and tensorflow-cpu are one package.
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            pins[name] = match.group(2).split("+", 1)[0]
    return {
        label: next((pins[name] for name in names if name in pins), "not pinned")
        for label, names in PACKAGES
    }


def stale_versions(results: dict[str, Any], lock_file: Path) -> list[str]:
    """List where the results were measured with other versions than the lock pins.

    Args:
        results: A checked results file.
        lock_file: The lock file the site is built with.

    Returns:
        One message per package that differs; empty when the results are current.
    """
    measured = results["stamp"]["versions"]
    return [
        f"{label}: measured with {measured.get(label)}, {lock_file.name} pins {pinned}"
        for label, pinned in locked_versions(lock_file).items()
        if measured.get(label) != pinned
    ]
