"""Did every mode do the same work? The check of the training results, mode against mode.

It reads only the results (plain data), so it checks a run just made and the
committed results file alike. At each workload and batch size, every mode must
have run the same plan (warm-up steps, repeats, steps per repeat) on inputs of
the same shape, with the same FLOP count and the same number of trainable
parameters; and inside every timed repeat the model's own counters must show
exactly one forward pass of one batch per step and one optimizer update per
step that changed every trainable tensor. A step that did extra work (a metric,
a second forward pass) or less (a skipped update) shows in the counters.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def channels_last(shape: list[int], framework: str) -> list[int]:
    """A batch's shape in TensorFlow's layout, to compare PyTorch's NCHW with NHWC.

    Args:
        shape: The shape the harness fed.
        framework: ``"pytorch"`` or ``"tensorflow"``.

    Returns:
        The shape with channels last.
    """
    if framework == "pytorch" and len(shape) == 4:
        batch, channels, height, width = shape
        return [batch, height, width, channels]
    return list(shape)


def _cell_problems(cell: dict[str, Any]) -> list[str]:
    timing = cell["timing"]
    plan = timing["plan"]
    where = f"{cell['workload']} batch {cell['batch_size']} {cell['mode']}"
    problems = []
    if len(timing["warmup_seconds"]) != plan["warmup"]:
        problems.append(f"{where}: {len(timing['warmup_seconds'])} warm-up steps timed")
    if len(timing["repeat_seconds"]) != plan["repeats"]:
        problems.append(f"{where}: {len(timing['repeat_seconds'])} repeats timed")
    expected_examples = plan["steps"] * cell["batch_size"]
    for name, counted, expected in (
        ("examples through the forward pass", timing["timed_examples"], expected_examples),
        ("optimizer updates", timing["timed_updates"], plan["steps"]),
        ("trainable tensors changed", timing["weights_changed"], timing["weight_tensors"]),
    ):
        wrong = sorted({value for value in counted if value != expected})
        if wrong:
            problems.append(f"{where}: {name} per repeat {wrong}, expected {expected}")
    return problems


def fairness_problems(training: list[dict[str, Any]], modes: list[str]) -> list[str]:
    """List every way the modes' work differed.

    Args:
        training: The results' training cells (``workload``, ``batch_size``,
            ``mode``, ``framework``, ``flops_per_step``, ``timing``).
        modes: The mode keys every workload and batch size must have.

    Returns:
        One message per difference; empty when the work was the same.
    """
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for cell in training:
        groups[(cell["workload"], cell["batch_size"])].append(cell)
    problems = []
    for (workload, batch_size), cells in sorted(groups.items()):
        where = f"{workload} batch {batch_size}"
        present = [cell["mode"] for cell in cells]
        if sorted(present) != sorted(modes):
            problems.append(f"{where}: modes {sorted(present)}, expected {sorted(modes)}")
        for label, value in (
            ("plans", lambda c: c["timing"]["plan"]),
            ("input shapes", lambda c: channels_last(c["timing"]["batch_shape"], c["framework"])),
            ("FLOP counts", lambda c: c["flops_per_step"]),
            ("trainable parameters", lambda c: c["timing"]["parameters"]),
        ):
            seen = {repr(value(cell)) for cell in cells}
            if len(seen) > 1:
                problems.append(f"{where}: the modes differ in {label}: {sorted(seen)}")
        for cell in cells:
            if cell["timing"]["batch_shape"][0] != batch_size:
                problems.append(
                    f"{where} {cell['mode']}: fed batches of {cell['timing']['batch_shape'][0]}"
                )
            problems += _cell_problems(cell)
    return problems
