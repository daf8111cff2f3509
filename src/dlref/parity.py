"""Checking that the PyTorch and TensorFlow sides of an example agree.

Each topic folder has a ``parity.toml`` with one table per example::

    [square]
    values = ["dy_dx"]   # module-level names both scripts define
    atol = 1e-6          # optional; rtol likewise

After both scripts ran, each named value is turned into a NumPy array and the
two must match in shape, dtype and value. An example whose outputs cannot be
compared (a device listing, say) says so with ``values = []`` and a
``reason``, so that leaving parity out is always a decision someone wrote down.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dlref.snippets import Pair

PARITY_FILE = "parity.toml"
DEFAULT_ATOL = 1e-6
DEFAULT_RTOL = 1e-6


class ParitySpecError(ValueError):
    """A ``parity.toml`` is malformed or does not match the examples beside it."""


@dataclass(frozen=True)
class ParitySpec:
    """What must agree between the two sides of one example.

    Attributes:
        topic: The topic folder.
        name: The example's name.
        values: Module-level names defined by both scripts.
        atol: Absolute tolerance for numeric values.
        rtol: Relative tolerance for numeric values.
        reason: Why nothing is compared, when ``values`` is empty.
    """

    topic: str
    name: str
    values: tuple[str, ...]
    atol: float = DEFAULT_ATOL
    rtol: float = DEFAULT_RTOL
    reason: str = ""


def load_specs(topic_dir: Path) -> dict[str, ParitySpec]:
    """Read a topic's ``parity.toml``.

    Args:
        topic_dir: The topic folder.

    Returns:
        The specs by example name; empty when the file does not exist.

    Raises:
        ParitySpecError: An entry has unknown keys, no values and no reason,
            or values of the wrong type.
    """
    path = topic_dir / PARITY_FILE
    if not path.exists():
        return {}
    specs: dict[str, ParitySpec] = {}
    for name, table in tomllib.loads(path.read_text(encoding="utf-8")).items():
        unknown = set(table) - {"values", "atol", "rtol", "reason"}
        if unknown:
            raise ParitySpecError(f"{path} [{name}]: unknown keys {sorted(unknown)}")
        values = table.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ParitySpecError(f"{path} [{name}]: 'values' must be a list of names")
        if not values and not table.get("reason"):
            raise ParitySpecError(f"{path} [{name}]: an entry with no values needs a 'reason'")
        specs[name] = ParitySpec(
            topic=topic_dir.name,
            name=name,
            values=tuple(values),
            atol=float(table.get("atol", DEFAULT_ATOL)),
            rtol=float(table.get("rtol", DEFAULT_RTOL)),
            reason=str(table.get("reason", "")),
        )
    return specs


def check_specs_match(topic_dir: Path, pairs: list[Pair]) -> list[str]:
    """List the mismatches between a topic's ``parity.toml`` and its examples.

    Every example with both sides needs an entry; an entry must name an
    example that has both sides.

    Args:
        topic_dir: The topic folder.
        pairs: The examples discovered in that folder.

    Returns:
        One message per problem; empty when the file and the folder agree.
    """
    specs = load_specs(topic_dir)
    both = {pair.name for pair in pairs if len(pair.sides) == 2}
    problems = [
        f"{topic_dir / PARITY_FILE}: add [{name}] stating which values must agree"
        for name in sorted(both - set(specs))
    ]
    problems += [
        f"{topic_dir / PARITY_FILE}: [{name}] names no example with both frameworks"
        for name in sorted(set(specs) - both)
    ]
    return problems


def to_numpy(value: Any) -> np.ndarray:
    """Turn a tensor, shape, dtype or plain value of either framework into an array.

    Args:
        value: A ``torch.Tensor``, ``tf.Tensor``/``tf.Variable``, ``torch.Size``,
            ``tf.TensorShape``, ``torch.dtype``, ``tf.DType``, or anything
            `numpy.asarray` accepts.

    Returns:
        The value as an array; a dtype becomes a string array of its name
        (``"float32"``), so the two frameworks' dtypes compare equal.
    """
    module = type(value).__module__
    if module.startswith("torch"):
        import torch

        if isinstance(value, torch.Tensor):
            return value.detach().cpu().numpy()
        if isinstance(value, torch.dtype):
            return np.asarray(str(value).removeprefix("torch."))
        if isinstance(value, torch.Size):
            return np.asarray(list(value), dtype=np.int64)
    if module.startswith("tensorflow"):
        import tensorflow as tf

        if isinstance(value, tf.DType):
            return np.asarray(value.name)
        if isinstance(value, tf.TensorShape):
            return np.asarray(value.as_list(), dtype=np.int64)
        return np.asarray(value.numpy())
    return np.asarray(value)


def compare_values(
    label: str, pytorch_value: Any, tensorflow_value: Any, atol: float, rtol: float
) -> list[str]:
    """Compare one named value from the two sides.

    Args:
        label: The value's name, used in messages.
        pytorch_value: The value the PyTorch script left.
        tensorflow_value: The value the TensorFlow script left.
        atol: Absolute tolerance for numbers.
        rtol: Relative tolerance for numbers.

    Returns:
        One message per difference (shape, dtype, values); empty when they agree.
    """
    left, right = to_numpy(pytorch_value), to_numpy(tensorflow_value)
    if left.shape != right.shape:
        return [f"{label}: shape {left.shape} in PyTorch, {right.shape} in TensorFlow"]
    if left.dtype != right.dtype:
        return [f"{label}: dtype {left.dtype} in PyTorch, {right.dtype} in TensorFlow"]
    if left.dtype.kind in "fc":
        if not np.allclose(left, right, atol=atol, rtol=rtol):
            worst = float(np.max(np.abs(left - right)))
            return [f"{label}: values differ by up to {worst:.3g} (atol={atol}, rtol={rtol})"]
    elif not np.array_equal(left, right):
        return [f"{label}: {left.tolist()!r} in PyTorch, {right.tolist()!r} in TensorFlow"]
    return []


def compare_runs(
    spec: ParitySpec, pytorch_namespace: dict[str, Any], tensorflow_namespace: dict[str, Any]
) -> list[str]:
    """Compare every value a spec names between two finished runs.

    Args:
        spec: What must agree.
        pytorch_namespace: The PyTorch script's globals after it ran.
        tensorflow_namespace: The TensorFlow script's globals after it ran.

    Returns:
        One message per problem; empty when the two sides agree.
    """
    problems: list[str] = []
    for label in spec.values:
        missing = [
            side
            for side, namespace in (
                ("PyTorch", pytorch_namespace),
                ("TensorFlow", tensorflow_namespace),
            )
            if label not in namespace
        ]
        if missing:
            problems.append(f"{label}: not defined by the {' and '.join(missing)} script")
            continue
        problems += compare_values(
            label, pytorch_namespace[label], tensorflow_namespace[label], spec.atol, spec.rtol
        )
    return problems
