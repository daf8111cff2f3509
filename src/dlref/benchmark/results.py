"""The performance page's numbers: read, check, summarise and draw the results files.

`dlref bench` (`dlref.benchmark.run`) writes one results file per device,
``docs/comparison/performance-<device>.json``, and draws its plots beside it. At
build time `dlref.site.hooks` replaces the page's marker with the tables
rendered here, one section per device, never mixed. This module imports
neither framework: the site build and the checks stay fast.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from dlref.benchmark.fairness import fairness_problems
from dlref.bridge.versions import PACKAGES, lock_pins
from dlref.examples.discovery import FRAMEWORK_TITLES
from dlref.examples.figures import stable_svg
from dlref.paths import PERFORMANCE_RESULTS

PERFORMANCE_MARKER = "<!-- dlref:performance-results -->"
_KEYS = ("stamp", "modes", "workloads", "peak", "training", "inference", "accuracy")
_ACCURACY_RUN_KEYS = {"framework", "seed", "initial_test_loss", "test_loss", "test_accuracy"}
DEVICE_TITLES = {"cpu": "CPU", "cuda": "GPU"}
INFERENCE_TITLES = {
    "pytorch-eager": "PyTorch eager",
    "pytorch-compile": "PyTorch torch.compile (inductor)",
    "tensorflow-eager": "TensorFlow eager",
    "tf-function": "TensorFlow tf.function",
    "onnx-from-pytorch": "ONNX Runtime (CPU), model exported by torch.onnx.export",
    "onnx-from-tensorflow": "ONNX Runtime (CPU), model converted by tf2onnx",
}


class PerformanceError(ValueError):
    """A results file is missing or malformed, or the run that would write one cannot."""


def results_file(pattern: Path, device: str) -> Path:
    """The results file of one device.

    Args:
        pattern: `dlref.paths.PERFORMANCE_RESULTS`, with a ``{device}`` field.
        device: ``"cpu"`` or ``"cuda"``.

    Returns:
        The file's path.
    """
    return pattern.with_name(pattern.name.format(device=device))


def plot_paths(results_path: Path) -> dict[str, Path]:
    """The plots drawn beside a results file.

    Args:
        results_path: A device's JSON file.

    Returns:
        ``scaling`` (per-sample time against batch size) and ``accuracy``.
    """
    return {
        "scaling": results_path.with_suffix(".svg"),
        "accuracy": results_path.with_name(f"{results_path.stem}-accuracy.svg"),
    }


def load_device_results(path: Path) -> dict[str, Any]:
    """Read and check one device's results file.

    Args:
        path: The JSON file `dlref bench` wrote.

    Returns:
        Its content.

    Raises:
        PerformanceError: The file is unreadable, lacks a section, an accuracy
            run lacks a field, or a framework has no runs.
    """
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PerformanceError(f"{path}: cannot read the results ({error})") from error
    for key in _KEYS:
        if key not in results:
            raise PerformanceError(f"{path}: no '{key}'")
    for name, experiment in results["accuracy"].items():
        for run in experiment["runs"]:
            missing = _ACCURACY_RUN_KEYS - set(run)
            if missing:
                raise PerformanceError(f"{path}: a {name} run lacks {sorted(missing)}")
        for framework in FRAMEWORK_TITLES:
            if not any(run["framework"] == framework for run in experiment["runs"]):
                raise PerformanceError(f"{path}: no {framework} runs in '{name}'")
    return results


def load_results(pattern: Path) -> dict[str, dict[str, Any]]:
    """Read every device's results file.

    Args:
        pattern: `dlref.paths.PERFORMANCE_RESULTS`, with a ``{device}`` field.

    Returns:
        The checked results by device (``"cpu"`` first).

    Raises:
        PerformanceError: No results file exists, or one is malformed.
    """
    found = {}
    for device in DEVICE_TITLES:
        path = results_file(pattern, device)
        if path.exists():
            found[device] = load_device_results(path)
    if not found:
        raise PerformanceError(
            f"no results file {results_file(pattern, '<device>')}: run `make perf`"
        )
    return found


def modes_of(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The training modes of a run, by key, in the order they ran.

    Args:
        results: One device's results.

    Returns:
        ``{key: {"key", "title", "framework"}}``.
    """
    return {mode["key"]: mode for mode in results["modes"]}


def workloads_of(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The timed workloads of a run, by name, in the order they ran.

    Args:
        results: One device's results.

    Returns:
        ``{name: {"name", "title", "input_shape", "batch_sizes"}}``.
    """
    return {workload["name"]: workload for workload in results["workloads"]}


def cells(results: dict[str, Any], workload: str) -> dict[tuple[str, int], dict[str, Any]]:
    """A workload's training measurements by mode and batch size.

    Args:
        results: One device's results.
        workload: The workload's name.

    Returns:
        ``{(mode, batch_size): cell}``.
    """
    return {
        (cell["mode"], cell["batch_size"]): cell
        for cell in results["training"]
        if cell["workload"] == workload
    }


def peak_gflops(results: dict[str, Any]) -> float:
    """The highest matmul rate measured (GFLOP/s).

    Args:
        results: One device's results.

    Returns:
        GFLOP/s, or 0 when the peak was not measured.
    """
    return max((row["gflops"] for row in results["peak"]), default=0.0)


def percent_of_peak(results: dict[str, Any], cell: dict[str, Any]) -> float:
    """A training step's achieved FLOP rate as a percentage of the matmul peak.

    Args:
        results: One device's results.
        cell: One training measurement.

    Returns:
        ``100 * flops_per_step / step_median / peak``.
    """
    rate = cell["flops_per_step"] / cell["timing"]["step_median"] / 1e9
    return 100 * rate / peak_gflops(results)


def per_sample_microseconds(cell: dict[str, Any]) -> float:
    """The median step time divided by the batch size, in microseconds.

    Args:
        cell: One training measurement.

    Returns:
        Microseconds per example.
    """
    return 1e6 * cell["timing"]["step_median"] / cell["batch_size"]


def accuracy_by_framework(experiment: dict[str, Any]) -> dict[str, list[float]]:
    """Test accuracies of an accuracy experiment, by framework, in seed order.

    Args:
        experiment: ``results["accuracy"]["identical"]`` or ``["independent"]``.

    Returns:
        ``{"pytorch": [...], "tensorflow": [...]}``.
    """
    return {
        framework: [
            run["test_accuracy"]
            for run in sorted(experiment["runs"], key=lambda run: run["seed"])
            if run["framework"] == framework
        ]
        for framework in FRAMEWORK_TITLES
    }


def largest_cross_gap(experiment: dict[str, Any]) -> float:
    """The largest difference between a PyTorch run and a TensorFlow run, in points.

    Args:
        experiment: An accuracy experiment.

    Returns:
        ``100 * max |a - b|`` over every pair of one run from each framework.
    """
    accuracies = accuracy_by_framework(experiment)
    return 100 * max(abs(a - b) for a in accuracies["pytorch"] for b in accuracies["tensorflow"])


def claim_failures(results: dict[str, Any]) -> list[str]:
    """Check the page's prose against one device's results.

    Each message quotes the sentence of the page that the results no longer
    support.

    Args:
        results: One device's results.

    Returns:
        One message per claim that does not hold; empty when all hold.
    """
    failures = []
    if fairness_problems(results["training"], list(modes_of(results))):
        failures.append("'every mode did the same work': the fairness check fails")
    small = cells(results, "small-cnn")
    batches = workloads_of(results).get("small-cnn", {}).get("batch_sizes", [])
    if batches:
        for mode in modes_of(results):
            if per_sample_microseconds(small[(mode, batches[-1])]) >= per_sample_microseconds(
                small[(mode, batches[0])]
            ):
                failures.append(
                    f"'on the small CNN, every mode spends less time per example at the largest "
                    f"batch than at the smallest': not for {mode}"
                )
        for batch in batches:
            graph = small[("tf-function", batch)]["timing"]["step_median"]
            eager = small[("tensorflow-eager", batch)]["timing"]["step_median"]
            if graph >= eager:
                failures.append(
                    f"'on the small CNN, tf.function's step is faster than the same step run "
                    f"eagerly, at every batch size': not at batch {batch}"
                )
    identical = results["accuracy"].get("identical")
    if identical:
        accuracies = accuracy_by_framework(identical)
        one_image = 1 / identical["config"]["test_examples"]
        gaps = [
            abs(a - b) for a, b in zip(accuracies["pytorch"], accuracies["tensorflow"], strict=True)
        ]
        # Accuracies are float32 fractions: allow their rounding, not a second image.
        if max(gaps) > one_image * 1.001:
            failures.append(
                "'on every seed the two frameworks end within one test image of each other': no"
            )
        spreads = [max(values) - min(values) for values in accuracies.values()]
        if min(spreads) <= max(gaps):
            failures.append(
                "'between seeds, with the framework fixed, the accuracy moves more than between "
                "the frameworks with the seed fixed': it does not"
            )
    independent = results["accuracy"].get("independent")
    if independent:
        for framework, values in accuracy_by_framework(independent).items():
            if 100 * (max(values) - min(values)) < SOURCE_GAP_POINTS:
                failures.append(
                    f"'one framework alone, run after run, spreads over more than the "
                    f"source's gap': not {framework}"
                )
        if largest_cross_gap(independent) < SOURCE_GAP_POINTS:
            failures.append(
                "'the largest gap between one PyTorch run and one TensorFlow run' spreads over "
                "more than the source's gap: it does not"
            )
    return failures


#: The gap the page's source reports from one run each (72 % against 69 %).
SOURCE_GAP_POINTS = 3.0


def _ms(seconds: float) -> str:
    milliseconds = 1e3 * seconds
    return f"{milliseconds:.0f}" if milliseconds >= 100 else f"{milliseconds:.3g}"


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.2f} %"


def _stamp_lines(results: dict[str, Any]) -> list[str]:
    stamp = results["stamp"]
    threads = stamp["threads"]
    versions = ", ".join(f"{label} {version}" for label, version in stamp["versions"].items())
    others = ", ".join(f"{label} {version}" for label, version in stamp["other_versions"].items())
    blas = ", ".join(
        dict.fromkeys(f"{pool['library']} with {pool['threads']} threads" for pool in stamp["blas"])
    )
    tensorflow_threads = threads["tensorflow_intra_op"] or "its default (one per core)"
    lines = [
        f"Measured on {stamp['date']} on {stamp['hardware']} ({stamp['cpu_cores']} CPU cores), "
        f"with Python {stamp['python']}, {versions}, {others}. Threads: PyTorch "
        f"{threads['torch_intra_op']} intra-op and {threads['torch_inter_op']} inter-op, "
        f"TensorFlow {tensorflow_threads} intra-op, ONNX Runtime {threads['requested']}; "
        f"NumPy's BLAS: {blas or 'not reported'}. Load average (1, 5, 15 minutes) before the "
        f"run: {', '.join(map(str, stamp['load_before']))}; after it (including the run's own "
        f"work): {', '.join(map(str, stamp['load_after']))}.",
        "",
    ]
    if stamp["device"] == "cuda":
        tf32 = stamp["tf32"]
        lines[0] += (
            f" TensorFloat-32 matmuls: PyTorch {'on' if tf32['pytorch'] else 'off'}, "
            f"TensorFlow {'on' if tf32['tensorflow'] else 'off'} (their defaults)."
        )
    sections = stamp["section_seconds"]
    lines += [
        f"The run took {sum(section['wall'] for section in sections.values()):.0f} s: "
        + ", ".join(f"{name} {section['wall']:.0f} s" for name, section in sections.items())
        + ".",
        "",
    ]
    if stamp["busy"]:
        lines += [
            '!!! warning "Measured on a busy machine"',
            f"    The 1-minute load average was {stamp['load_before'][0]} before the run "
            f"(more than {stamp['busy_load']}): other work shared the CPUs, and these timings "
            "include its interference. They show that the benchmark runs, not how fast "
            "anything is.",
            "",
        ]
    if stamp["config"] != "full":
        lines += [
            f'!!! warning "A {stamp["config"]} run"',
            "    These results come from a shortened run, not from `make perf`.",
            "",
        ]
    return lines


def _peak_lines(results: dict[str, Any]) -> list[str]:
    sizes = sorted({row["size"] for row in results["peak"]})
    rate = {(row["library"], row["size"]): row["gflops"] for row in results["peak"]}
    libraries = ("numpy", "pytorch", "tensorflow")
    lines = [
        "| float32 matmul, GFLOP/s | " + " | ".join(f"{size} x {size}" for size in sizes) + " |",
        "| --- |" + " --- |" * len(sizes),
    ]
    for library in libraries:
        title = {"numpy": "NumPy"}.get(library, FRAMEWORK_TITLES.get(library, library))
        lines.append(
            f"| {title} | " + " | ".join(f"{rate[(library, size)]:.1f}" for size in sizes) + " |"
        )
    lines += ["", f"This machine's measured peak: **{peak_gflops(results):.1f} GFLOP/s**.", ""]
    return lines


def _training_lines(results: dict[str, Any]) -> list[str]:
    lines = []
    for name, workload in workloads_of(results).items():
        by_cell = cells(results, name)
        batches = workload["batch_sizes"]
        first = by_cell[(next(iter(modes_of(results))), batches[0])]
        plans = ", ".join(
            f"batch {b}: {by_cell[(next(iter(modes_of(results))), b)]['timing']['plan']['steps']} "
            f"steps, {by_cell[(next(iter(modes_of(results))), b)]['flops_per_step'] / 1e9:.3g} "
            "GFLOP per step"
            for b in batches
        )
        lines += [
            f"**{workload['title']}**: {first['timing']['parameters']} trainable parameters; "
            f"{first['timing']['plan']['warmup']} warm-up steps, then "
            f"{first['timing']['plan']['repeats']} repeats of ({plans}).",
            "",
            "| Mode | "
            + " | ".join(f"batch {b}: ms per step (IQR) · % of peak" for b in batches)
            + " |",
            "| --- |" + " --- |" * len(batches),
        ]
        for mode, described in modes_of(results).items():
            row = []
            for batch in batches:
                cell = by_cell[(mode, batch)]
                timing = cell["timing"]
                row.append(
                    f"{_ms(timing['step_median'])} ({_ms(timing['step_q1'])} to "
                    f"{_ms(timing['step_q3'])}) · {percent_of_peak(results, cell):.2g} %"
                )
            lines.append(f"| {described['title']} | " + " | ".join(row) + " |")
        lines.append("")
    lines += [
        "First step, in seconds (included in no time above: tracing, compiling and the "
        "first call's set-up). The `torch.compile` row is its cold compile: the run starts "
        "from an empty inductor cache.",
        "",
        "| Mode | "
        + " | ".join(
            f"{name}, batch {b}"
            for name, workload in workloads_of(results).items()
            for b in workload["batch_sizes"]
        )
        + " |",
        "| --- |" + " --- |" * sum(len(w["batch_sizes"]) for w in workloads_of(results).values()),
    ]
    for mode, described in modes_of(results).items():
        firsts = [
            f"{cells(results, name)[(mode, b)]['timing']['warmup_seconds'][0]:.2f}"
            for name, workload in workloads_of(results).items()
            for b in workload["batch_sizes"]
        ]
        lines.append(f"| {described['title']} | " + " | ".join(firsts) + " |")
    compile_firsts = "; ".join(
        f"{name} batch {b}: "
        f"{cells(results, name)[('pytorch-compile', b)]['timing']['warmup_seconds'][0]:.1f} s"
        for name, workload in workloads_of(results).items()
        for b in workload["batch_sizes"]
    )
    problems = results.get("fairness_problems", [])
    lines += [
        "",
        f"`torch.compile`'s cold compile (its first step at each batch size): {compile_firsts}.",
        "",
        "Fairness check of this run: "
        + ("every mode did the same work." if not problems else "; ".join(problems)),
        "",
    ]
    return lines


def _inference_lines(results: dict[str, Any]) -> list[str]:
    lines = []
    for name in dict.fromkeys(row["workload"] for row in results["inference"]):
        rows = [row for row in results["inference"] if row["workload"] == name]
        batches = sorted({row["batch_size"] for row in rows})
        by = {(row["mode"], row["batch_size"]): row for row in rows}
        lines += [
            f"**{workloads_of(results)[name]['title']}**, {rows[0]['calls']} timed calls each, "
            "milliseconds per call:",
            "",
            "| Mode | " + " | ".join(f"batch {b}: median · p90" for b in batches) + " |",
            "| --- |" + " --- |" * len(batches),
        ]
        for mode, title in INFERENCE_TITLES.items():
            values = [
                f"{_ms(by[(mode, b)]['median'])} · {_ms(by[(mode, b)]['p90'])}" for b in batches
            ]
            lines.append(f"| {title} | " + " | ".join(values) + " |")
        exports = {mode: by[(mode, batches[0])].get("export_seconds") for mode in INFERENCE_TITLES}
        lines += [
            "",
            "Export to ONNX took "
            + " and ".join(
                f"{seconds:.1f} s ({INFERENCE_TITLES[mode].split(', ')[1]})"
                for mode, seconds in exports.items()
                if seconds is not None
            )
            + ".",
            "",
        ]
    return lines


def _accuracy_lines(results: dict[str, Any]) -> list[str]:
    lines = []
    identical = results["accuracy"].get("identical")
    if identical:
        config = identical["config"]
        accuracies = accuracy_by_framework(identical)
        lines += [
            f"**Identical start**: {len(config['seeds'])} seeds, {config['epochs']} epochs, "
            f"batch {config['batch_size']}, SGD with learning rate {config['learning_rate']} "
            f"and momentum {config['momentum']}, {config['train_examples']} training and "
            f"{config['test_examples']} test images.",
            "",
            "| Seed | PyTorch accuracy | TensorFlow accuracy | Difference (points) |",
            "| --- | --- | --- | --- |",
        ]
        for seed, a, b in zip(
            sorted(config["seeds"]), accuracies["pytorch"], accuracies["tensorflow"], strict=True
        ):
            lines.append(f"| {seed} | {_pct(a)} | {_pct(b)} | {100 * (a - b):+.2f} |")
        lines.append("")
    independent = results["accuracy"].get("independent")
    if independent:
        config = independent["config"]
        accuracies = accuracy_by_framework(independent)
        lines += [
            f"**Independent runs**: {len(config['seeds'])} runs per framework, each from its "
            f"own initialisation and batch order, {config['epochs']} epochs on "
            f"{config['train_examples']} training images, {config['test_examples']} test images.",
            "",
            "| | PyTorch | TensorFlow |",
            "| --- | --- | --- |",
        ]
        summary = {
            "Mean ± sd": lambda v: f"{_pct(statistics.fmean(v))} ± {_pct(statistics.stdev(v))}",
            "Lowest run": lambda v: _pct(min(v)),
            "Highest run": lambda v: _pct(max(v)),
        }
        for label, show in summary.items():
            lines.append(
                f"| {label} | {show(accuracies['pytorch'])} | {show(accuracies['tensorflow'])} |"
            )
        lines += [
            "",
            "The largest gap between one PyTorch run and one TensorFlow run: "
            f"**{largest_cross_gap(independent):.1f} points**.",
            "",
        ]
    return lines


def render_device(results: dict[str, Any], results_name: str) -> str:
    """One device's section of the page.

    Args:
        results: That device's checked results.
        results_name: The results file's name, for the plots' links.

    Returns:
        Markdown, the same for the same file.
    """
    device = DEVICE_TITLES.get(results["stamp"]["device"], results["stamp"]["device"])
    plots = {kind: path.name for kind, path in plot_paths(Path(results_name)).items()}
    lines = [
        f"### {device}",
        "",
        *_stamp_lines(results),
        f"#### Matrix-multiply peak ({device})",
        "",
        *_peak_lines(results),
        f"#### Training steps ({device})",
        "",
        *_training_lines(results),
        f"![Time per example against batch size, log axes, one line per mode, one panel per "
        f"workload ({device})]({plots['scaling']})",
        "",
        f"#### Inference latency ({device})",
        "",
        *_inference_lines(results),
        f"#### Accuracy ({device})",
        "",
        *_accuracy_lines(results),
        f"![Test accuracy of every run, identical start and independent runs ({device})]"
        f"({plots['accuracy']})",
        "",
    ]
    return "\n".join(lines)


def render_page(markdown: str, by_device: dict[str, dict[str, Any]]) -> str:
    """Replace the page's marker with one section per device.

    Args:
        markdown: The page's source.
        by_device: What `load_results` returned.

    Returns:
        The page with the tables in place.
    """
    sections = [
        render_device(results, results_file(PERFORMANCE_RESULTS, device).name)
        for device, results in by_device.items()
    ]
    return markdown.replace(PERFORMANCE_MARKER, "\n".join(sections))


def render_scaling_svg(results: dict[str, Any]) -> str:
    """Draw per-example time against batch size, log axes, one panel per workload.

    Args:
        results: One device's results.

    Returns:
        The ``<svg>`` element; the same numbers always give the same bytes.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    workloads = workloads_of(results)
    figure, panels = plt.subplots(
        1, len(workloads), figsize=(4 * len(workloads), 3.8), squeeze=False
    )
    styles = ("o-", "s--", "^-", "v--", "D-", "x:")
    for axes, (name, workload) in zip(panels[0], workloads.items(), strict=True):
        by_cell = cells(results, name)
        for style, (mode, described) in zip(styles, modes_of(results).items(), strict=False):
            axes.plot(
                workload["batch_sizes"],
                [per_sample_microseconds(by_cell[(mode, b)]) for b in workload["batch_sizes"]],
                style,
                label=described["title"].split(" (")[0],
            )
        axes.set(xscale="log", yscale="log", title=workload["title"], xlabel="batch size")
        axes.set_xticks(workload["batch_sizes"], [str(b) for b in workload["batch_sizes"]])
        axes.title.set_fontsize(9)
        axes.grid(alpha=0.3, which="both")
    panels[0][0].set_ylabel("µs per example (median step / batch)")
    handles, labels = panels[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=8)
    figure.tight_layout(rect=(0, 0.14, 1, 1))
    return stable_svg(figure)


def render_accuracy_svg(results: dict[str, Any]) -> str:
    """Draw every run's test accuracy: identical start by seed, and independent runs.

    Args:
        results: One device's results.

    Returns:
        The ``<svg>`` element; the same numbers always give the same bytes.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    experiments = {
        "identical": "Identical start: accuracy by seed",
        "independent": "Independent runs: accuracy by run",
    }
    present = [name for name in experiments if name in results["accuracy"]]
    figure, panels = plt.subplots(1, len(present), figsize=(4.5 * len(present), 3.4), squeeze=False)
    markers = {"pytorch": "o", "tensorflow": "s"}
    for axes, name in zip(panels[0], present, strict=True):
        experiment = results["accuracy"][name]
        for offset, (framework, title) in zip((-0.12, 0.12), FRAMEWORK_TITLES.items(), strict=True):
            runs = [run for run in experiment["runs"] if run["framework"] == framework]
            axes.plot(
                [run["seed"] + offset for run in runs],
                [100 * run["test_accuracy"] for run in runs],
                markers[framework],
                label=title,
                fillstyle="none" if framework == "tensorflow" else "full",
            )
        axes.set(title=experiments[name], xlabel="seed", ylabel="test accuracy (%)")
        axes.title.set_fontsize(10)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    return stable_svg(figure)


def render_plots(results: dict[str, Any]) -> dict[str, str]:
    """Every plot of one device's results, by the kind `plot_paths` names.

    Args:
        results: One device's results.

    Returns:
        ``{"scaling": svg, "accuracy": svg}``.
    """
    return {"scaling": render_scaling_svg(results), "accuracy": render_accuracy_svg(results)}


def locked_versions(lock_file: Path) -> dict[str, str]:
    """The release of each compared package that a lock file pins.

    Args:
        lock_file: A ``pip freeze``-style file such as ``requirements/cpu.lock``.

    Returns:
        Versions by row label (``"PyTorch"``), without local labels (``+cpu``).
    """
    pins = lock_pins(lock_file)
    return {
        label: next((pins[name] for name in names if name in pins), "not pinned")
        for label, names in PACKAGES
    }


def stale_versions(results: dict[str, Any], lock_file: Path) -> list[str]:
    """List where the results were measured with other versions than the lock pins.

    Args:
        results: One device's checked results.
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
