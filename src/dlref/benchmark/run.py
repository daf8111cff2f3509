"""One benchmark run: check the machine, set the threads, measure, stamp, write.

`run_benchmark` runs the sections in order (matmul peak, training modes,
inference latency, the two accuracy experiments) and returns one results
dictionary; `write_results` stores it as the device's results file, which the
performance page renders (`dlref.benchmark.results`). `machine_load` is read
before the frameworks are imported, so that the run's own start-up does not
count as another user's load.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlref.benchmark.accuracy import (
    IDENTICAL,
    INDEPENDENT,
    QUICK_IDENTICAL,
    AccuracyConfig,
    identical_runs,
    independent_runs,
)
from dlref.benchmark.fairness import fairness_problems
from dlref.benchmark.flops import training_flops
from dlref.benchmark.results import PerformanceError
from dlref.benchmark.timing import Plan
from dlref.benchmark.workloads import MLP, WORKLOADS, Workload
from dlref.bridge.versions import PACKAGES, public_version

#: A 1-minute load average above this, before the run, means someone else is using the CPUs.
BUSY_LOAD = 0.5
INDUCTOR_CACHE_ENV = "TORCHINDUCTOR_CACHE_DIR"
#: Other packages whose versions the results record.
OTHER_PACKAGES = (("ONNX Runtime", ("onnxruntime",)), ("tf2onnx", ("tf2onnx",)))


class BusyMachineError(PerformanceError):
    """The machine was busy before the run, and the run was not allowed to proceed."""


@dataclass(frozen=True)
class BenchConfig:
    """What one run measures.

    Attributes:
        name: ``"full"`` or ``"quick"``, stored in the results.
        workloads: The timed models (each at its own batch sizes).
        warmup: Warm-up steps per mode and batch size.
        repeats: Timed repeats per mode and batch size.
        torch_backend: The backend of the ``torch.compile`` mode.
        matmul_sizes: Matrix sizes of the peak measurement (empty: skipped).
        inference_workloads: Workloads whose inference latency is measured.
        inference_calls: Timed calls per inference mode and batch size.
        identical: The identical-start accuracy experiment, or ``None``.
        independent: The independent-runs accuracy experiment, or ``None``.
    """

    name: str
    workloads: tuple[Workload, ...]
    warmup: int
    repeats: int
    torch_backend: str = "inductor"
    matmul_sizes: tuple[int, ...] = (256, 512, 1024, 2048)
    inference_workloads: tuple[Workload, ...] = ()
    inference_calls: int = 30
    identical: AccuracyConfig | None = None
    independent: AccuracyConfig | None = None


FULL = BenchConfig(
    name="full",
    workloads=WORKLOADS,
    warmup=3,
    repeats=5,
    inference_workloads=WORKLOADS,
    identical=IDENTICAL,
    independent=INDEPENDENT,
)
#: The test suite's run: one small workload at one batch size, every mode, few steps.
#: ``torch.compile`` uses the ``aot_eager`` backend here (the same captured graphs
#: without inductor's C++ compilation, which takes minutes on a cold cache).
QUICK = BenchConfig(
    name="quick",
    workloads=(Workload(**{**MLP.__dict__, "batch_sizes": (8,), "samples_per_repeat": 16}),),
    warmup=1,
    repeats=2,
    torch_backend="aot_eager",
    matmul_sizes=(128,),
    identical=QUICK_IDENTICAL,
)


def machine_load() -> list[float]:
    """The 1-, 5- and 15-minute load averages (empty where the system has none)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def check_idle(load: list[float], allow_busy: bool) -> bool:
    """Decide whether the machine is busy, and refuse a busy one unless allowed.

    Args:
        load: `machine_load` before the run.
        allow_busy: Run anyway (the results are then flagged busy).

    Returns:
        Whether the machine is busy.

    Raises:
        BusyMachineError: It is busy and ``allow_busy`` is false.
    """
    busy = bool(load) and load[0] > BUSY_LOAD
    if busy and not allow_busy:
        raise BusyMachineError(
            f"the machine is busy (1-minute load average {load[0]}, more than {BUSY_LOAD}): "
            "timings would measure the other work too. Stop it and wait a minute, or pass "
            "--allow-busy to run anyway with the results flagged busy."
        )
    return busy


def set_threads(threads: int) -> dict[str, Any]:
    """Give both frameworks the same number of threads, and read back what they use.

    TensorFlow accepts its thread counts only before its runtime starts; in a
    process where it already started (the test suite), its counts are read
    back, not set.

    Args:
        threads: Intra-op threads for each framework.

    Returns:
        The counts in effect: ``torch_intra_op``, ``torch_inter_op``,
        ``tensorflow_intra_op``, ``tensorflow_inter_op`` (0 is TensorFlow's
        "one per core" default), and whether TensorFlow's were set.
    """
    import tensorflow as tf
    import torch

    torch.set_num_threads(threads)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        tensorflow_set = True
    except RuntimeError:
        tensorflow_set = False
    return {
        "requested": threads,
        "torch_intra_op": torch.get_num_threads(),
        "torch_inter_op": torch.get_num_interop_threads(),
        "tensorflow_intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
        "tensorflow_inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        "tensorflow_set": tensorflow_set,
    }


def _hardware(device_kind: str) -> str:
    if device_kind == "cuda":
        import torch

        return torch.cuda.get_device_name(0)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _tf32() -> dict[str, bool]:
    # On a GPU, either framework may run float32 matmuls in TensorFloat-32: say which did.
    import tensorflow as tf
    import torch

    return {
        "pytorch": bool(torch.backends.cuda.matmul.allow_tf32),
        "tensorflow": bool(tf.config.experimental.tensor_float_32_execution_enabled()),
    }


def _blas() -> list[dict[str, Any]]:
    from threadpoolctl import threadpool_info

    return [
        {"library": pool["internal_api"], "threads": pool["num_threads"]}
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
    ]


class _Sections:
    """Times each section of the run, wall and CPU, for the results and the budget."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.seconds: dict[str, dict[str, float]] = {}

    def run(self, name: str, work: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.seconds[name] = {
            "wall": round(time.perf_counter() - wall, 2),
            "cpu": round(time.process_time() - cpu, 2),
        }
        self.progress(f"{name}: {self.seconds[name]['wall']} s")
        return result


def time_training(
    config: BenchConfig, progress: Callable[[str], None] = lambda line: None
) -> list[dict[str, Any]]:
    """Time every training mode on every workload and batch size of a configuration.

    Args:
        config: Workloads, warm-up steps, repeats and the compile backend.
        progress: Called with a line after each measurement.

    Returns:
        One cell per workload, batch size and mode: ``workload``, ``batch_size``,
        ``mode``, ``framework``, ``flops_per_step``, ``wall_seconds`` and ``timing``
        (`dlref.benchmark.timing.Timing.as_dict`).
    """
    from dlref.benchmark.modes import TRAINING_MODES

    cells = []
    for workload in config.workloads:
        for batch_size in workload.batch_sizes:
            plan = Plan(config.warmup, config.repeats, workload.steps_per_repeat(batch_size))
            for mode in TRAINING_MODES:
                wall = time.perf_counter()
                timing = mode.run(workload, batch_size, plan, config.torch_backend).as_dict()
                cells.append(
                    {
                        "workload": workload.name,
                        "batch_size": batch_size,
                        "mode": mode.key,
                        "framework": mode.framework,
                        "flops_per_step": training_flops(workload, batch_size),
                        "wall_seconds": round(time.perf_counter() - wall, 2),
                        "timing": timing,
                    }
                )
                progress(
                    f"  {workload.name} batch {batch_size} {mode.key}: "
                    f"{1e3 * timing['step_median']:.2f} ms/step, "
                    f"first step {timing['warmup_seconds'][0]:.2f} s"
                )
    return cells


def run_benchmark(
    config: BenchConfig,
    load_before: list[float],
    busy: bool,
    progress: Callable[[str], None] = lambda line: None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Run every section of the benchmark.

    Args:
        config: What to measure.
        load_before: The load averages read before the frameworks were imported.
        busy: Whether `check_idle` found the machine busy.
        progress: Called with a line after each measurement, e.g. ``print``.
        threads: Intra-op threads for each framework; one per core when ``None``.

    Returns:
        The results, as `write_results` stores them.
    """
    from dlref.bridge.devices import torch_device

    thread_counts = set_threads(threads or os.cpu_count() or 1)
    device = torch_device().type
    sections = _Sections(progress)
    # An empty inductor cache: the first torch.compile step's time is a cold compile.
    from threadpoolctl import threadpool_limits

    previous = os.environ.get(INDUCTOR_CACHE_ENV)
    # NumPy's BLAS gets the frameworks' thread count too (for the matmul peak).
    with (
        threadpool_limits(limits=thread_counts["requested"], user_api="blas"),
        tempfile.TemporaryDirectory(prefix="dlref-inductor-") as cache,
    ):
        os.environ[INDUCTOR_CACHE_ENV] = cache
        blas = _blas()
        try:
            measured = _measure(config, thread_counts, sections, progress)
        finally:
            if previous is None:
                del os.environ[INDUCTOR_CACHE_ENV]
            else:
                os.environ[INDUCTOR_CACHE_ENV] = previous
    return {
        "stamp": {
            "date": datetime.now(UTC).date().isoformat(),
            "config": config.name,
            "python": platform.python_version(),
            "versions": {label: public_version(names) for label, names in PACKAGES},
            "other_versions": {label: public_version(names) for label, names in OTHER_PACKAGES},
            "device": device,
            "hardware": _hardware(device),
            "cpu_cores": os.cpu_count(),
            "threads": thread_counts,
            "blas": blas,
            "load_before": load_before,
            "load_after": machine_load(),
            "busy_load": BUSY_LOAD,
            "busy": busy,
            "torch_compile_backend": config.torch_backend,
            "tf32": _tf32(),
            "section_seconds": sections.seconds,
        },
        **measured,
    }


def _measure(
    config: BenchConfig,
    threads: dict[str, Any],
    sections: _Sections,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    from dlref.benchmark.inference import measure_inference
    from dlref.benchmark.modes import TRAINING_MODES
    from dlref.benchmark.peak import matmul_rates

    peak = (
        sections.run("matmul peak", lambda: matmul_rates(config.matmul_sizes))
        if config.matmul_sizes
        else []
    )
    training = sections.run("training", lambda: time_training(config, progress))
    inference = sections.run(
        "inference",
        lambda: [
            {"workload": workload.name, **row}
            for workload in config.inference_workloads
            for row in measure_inference(workload, threads["requested"], config.inference_calls)
        ],
    )
    accuracy = {}
    for name, experiment, accuracy_config in (
        ("identical", identical_runs, config.identical),
        ("independent", independent_runs, config.independent),
    ):
        if accuracy_config is not None:
            accuracy[name] = sections.run(
                f"accuracy ({name})", lambda e=experiment, c=accuracy_config: e(c, progress)
            )
    modes = [mode.key for mode in TRAINING_MODES]
    return {
        "modes": [
            {
                "key": mode.key,
                "title": mode.title.format(backend=config.torch_backend),
                "framework": mode.framework,
            }
            for mode in TRAINING_MODES
        ],
        "workloads": [
            {
                "name": workload.name,
                "title": workload.title,
                "input_shape": list(workload.input_shape),
                "batch_sizes": list(workload.batch_sizes),
            }
            for workload in config.workloads
        ],
        "peak": peak,
        "training": training,
        "fairness_problems": fairness_problems(training, modes),
        "inference": inference,
        "accuracy": accuracy,
    }


def write_results(results: dict[str, Any], path: Path) -> None:
    """Write the results as stable, readable JSON.

    Args:
        results: What `run_benchmark` returned.
        path: The file to write.
    """
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
