"""The transfer check of a parity table: copy one model into the other, compare, report.

A parity table's ``transfer`` sub-table (see `dlref.examples.parity`) asks for
it. The weights are copied by `dlref.bridge.transfer`, the two models are
compared by `dlref.bridge.model_diff`, and the per-layer report is written
beside the scripts as ``<table>.transfer.md`` for the page to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dlref.bridge.model_diff import TransferReport, compare_models
from dlref.bridge.transfer import TransferError, links_by_name, torch_to_keras

if TYPE_CHECKING:
    from dlref.examples.parity import ParitySpec


@dataclass(frozen=True)
class TransferCheck:
    """Copy one model's weights into the other and compare them layer by layer.

    Attributes:
        input_shape: The shape of the seeded random input, in PyTorch's layout.
        flatten_from: ``(channels, height, width)`` before a ``Flatten``, by the
            name of the ``Linear`` that follows it.
        atol: Absolute tolerance per layer.
        rtol: Relative tolerance per layer.
    """

    input_shape: tuple[int, ...]
    flatten_from: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    atol: float = 1e-4
    rtol: float = 1e-4


REPORT_SUFFIX = ".transfer.md"


def run_transfer_check(
    spec: ParitySpec, torch_namespace: dict[str, Any], keras_namespace: dict[str, Any]
) -> TransferReport:
    """Copy the PyTorch script's ``model`` into the Keras script's and compare them.

    Args:
        spec: A parity table with a ``transfer`` sub-table.
        torch_namespace: The PyTorch script's globals after it ran.
        keras_namespace: The Keras script's globals after it ran.

    Returns:
        The per-layer report on a seeded random input of the stated shape.

    Raises:
        TransferError: The models cannot exchange weights.
    """
    check = spec.transfer
    if check is None:
        raise TransferError(f"[{spec.name}] has no transfer table")
    torch_model, keras_model = torch_namespace["model"], keras_namespace["model"]
    links = links_by_name(torch_model, keras_model, check.flatten_from)
    torch_to_keras(torch_model, keras_model, links)
    inputs = np.random.default_rng(0).normal(size=check.input_shape).astype(np.float32)
    return compare_models(torch_model, keras_model, links, inputs)


def transfer_problems(spec: ParitySpec, report: TransferReport) -> list[str]:
    """Explain where a transfer check failed, if it did.

    Args:
        spec: The parity table (its ``transfer`` tolerances apply).
        report: The check's report.

    Returns:
        One message naming the first diverging layer, or nothing.
    """
    check = spec.transfer
    if check is None:
        return []
    divergence = report.first_divergence(check.atol, check.rtol)
    if divergence is None:
        return []
    return [
        f"{spec.topic}/{spec.name}: after copying the weights the models diverge at "
        f"{divergence.torch_name} (PyTorch) / {divergence.keras_name} (Keras):\n{report.table()}"
    ]


def render_report(report: TransferReport) -> str:
    """Write a report as the Markdown table a page includes.

    Args:
        report: The per-layer report.

    Returns:
        A table with one row per layer and a closing line on the final outputs.
    """
    lines = [
        "| Layer | Output: largest difference | relative | Weight gradient: largest difference "
        "| relative |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{d.torch_name}` | {d.output_abs:.1e} | {d.output_rel:.1e} "
        f"| {d.grad_abs:.1e} | {d.grad_rel:.1e} |"
        for d in report.layers
    ]
    lines += [
        "",
        f"Final output: largest difference {report.output_abs:.1e}; "
        f"gradient with respect to the input: {report.input_grad_abs:.1e}.",
    ]
    return "\n".join(lines) + "\n"


def report_layers(text: str) -> list[str]:
    """The layer names of a rendered report, in order.

    Args:
        text: A report written by `render_report`.

    Returns:
        The names in its first column.
    """
    return [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]


def report_is_current(path: Path, report: TransferReport) -> bool:
    """Whether the committed report at ``path`` covers the same layers as a fresh one.

    Only the layers must match: the differences' last digits vary by machine,
    and whether they are within tolerance is the check's job, not the file's.

    Args:
        path: The committed report.
        report: A fresh report.

    Returns:
        ``True`` when the file exists and lists the same layers in the same order.
    """
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    return report_layers(committed) == report_layers(render_report(report))


def report_path(topic_dir: Path, spec: ParitySpec) -> Path:
    """Where the update command writes a table's transfer report.

    Args:
        topic_dir: The topic folder.
        spec: The parity table.

    Returns:
        ``<topic_dir>/<table name>.transfer.md``.
    """
    return topic_dir / f"{spec.name}{REPORT_SUFFIX}"
