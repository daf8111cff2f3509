"""Checking that the PyTorch and TensorFlow sides of an example agree.

Each topic folder has a ``parity.toml`` with one table per check::

    [square]
    values = ["y", "dy_dx"]   # module-level names both scripts define
    expect = { dy_dx = 7.0 }  # optional: values both scripts must equal
    atol = 1e-6               # optional; rtol likewise

By default a table compares the example's two scripts, ``square_pytorch.py``
and ``square_tensorflow.py``. ``scripts = ["loop_pytorch", "fit_tensorflow"]``
compares any two scripts of the topic instead, e.g. a PyTorch training loop
with Keras ``fit``. After both ran, each named value is turned into a NumPy
array and the two must match in shape, dtype and value. A check whose outputs
cannot be compared says so with ``values = []`` and a ``reason``, so that
leaving parity out is always a decision someone wrote down.

A ``transfer`` sub-table goes further for two models: it copies the PyTorch
script's ``model`` weights into the Keras script's ``model`` (see
`dlref.examples.transfer_check`), runs both on one seeded input and requires every layer to
agree::

    [resnet18.transfer]
    input_shape = [1, 3, 64, 64]            # PyTorch layout
    flatten_from = { fc = [512, 1, 1] }     # optional, see LayerLink
    atol = 1e-4                             # optional; rtol likewise
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dlref.examples.discovery import FRAMEWORK_TITLES, Example
from dlref.examples.transfer_check import TransferCheck

PARITY_FILE = "parity.toml"
DEFAULT_ATOL = 1e-6
DEFAULT_RTOL = 1e-6
_KEYS = {"values", "expect", "scripts", "atol", "rtol", "reason", "transfer"}
_TRANSFER_KEYS = {"input_shape", "flatten_from", "atol", "rtol"}


class ParitySpecError(ValueError):
    """A ``parity.toml`` is malformed or does not match the examples beside it."""


@dataclass(frozen=True)
class ParitySpec:
    """What must agree between two scripts of a topic.

    Attributes:
        topic: The topic folder.
        name: The table's name; by default also the example it checks.
        values: Module-level names defined by both scripts, compared with each other.
        scripts: The two scripts' stems, e.g. ``("square_pytorch", "square_tensorflow")``.
        expect: Values both scripts must equal, by name.
        atol: Absolute tolerance for numeric values.
        rtol: Relative tolerance for numeric values.
        reason: Why nothing is compared, when ``values`` and ``expect`` are empty.
        transfer: A layer-by-layer comparison of the two scripts' ``model``s.
    """

    topic: str
    name: str
    values: tuple[str, ...]
    scripts: tuple[str, str]
    expect: dict[str, Any] = field(default_factory=dict)
    atol: float = DEFAULT_ATOL
    rtol: float = DEFAULT_RTOL
    reason: str = ""
    transfer: TransferCheck | None = None

    @property
    def compares(self) -> bool:
        """Whether the spec checks anything at all."""
        return bool(self.values or self.expect or self.transfer)


def load_specs(topic_dir: Path) -> dict[str, ParitySpec]:
    """Read a topic's ``parity.toml``.

    Args:
        topic_dir: The topic folder.

    Returns:
        The specs by table name; empty when the file does not exist.

    Raises:
        ParitySpecError: A table has unknown keys, checks nothing and gives no
            reason, or has values of the wrong type.
    """
    path = topic_dir / PARITY_FILE
    if not path.exists():
        return {}
    specs: dict[str, ParitySpec] = {}
    for name, table in tomllib.loads(path.read_text(encoding="utf-8")).items():
        where = f"{path} [{name}]"
        unknown = set(table) - _KEYS
        if unknown:
            raise ParitySpecError(f"{where}: unknown keys {sorted(unknown)}")
        values = table.get("values", [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ParitySpecError(f"{where}: 'values' must be a list of names")
        expect = table.get("expect", {})
        if not isinstance(expect, dict):
            raise ParitySpecError(f"{where}: 'expect' must be a table of name = value")
        scripts = table.get("scripts", [f"{name}_pytorch", f"{name}_tensorflow"])
        if not isinstance(scripts, list) or len(scripts) != 2:
            raise ParitySpecError(f"{where}: 'scripts' must name two scripts")
        spec = ParitySpec(
            topic=topic_dir.name,
            name=name,
            values=tuple(values),
            scripts=(str(scripts[0]), str(scripts[1])),
            expect=expect,
            atol=float(table.get("atol", DEFAULT_ATOL)),
            rtol=float(table.get("rtol", DEFAULT_RTOL)),
            reason=str(table.get("reason", "")),
            transfer=_transfer_check(where, table.get("transfer")),
        )
        if not spec.compares and not spec.reason:
            raise ParitySpecError(f"{where}: a table that compares nothing needs a 'reason'")
        specs[name] = spec
    return specs


def _transfer_check(where: str, table: Any) -> TransferCheck | None:
    if table is None:
        return None
    if not isinstance(table, dict) or "input_shape" not in table:
        raise ParitySpecError(f"{where}: 'transfer' must be a table with an 'input_shape'")
    unknown = set(table) - _TRANSFER_KEYS
    if unknown:
        raise ParitySpecError(f"{where}.transfer: unknown keys {sorted(unknown)}")
    return TransferCheck(
        input_shape=tuple(int(n) for n in table["input_shape"]),
        flatten_from={
            name: (int(c), int(h), int(w))
            for name, (c, h, w) in table.get("flatten_from", {}).items()
        },
        atol=float(table.get("atol", 1e-4)),
        rtol=float(table.get("rtol", 1e-4)),
    )


def check_specs_match(topic_dir: Path, pairs: list[Example]) -> list[str]:
    """List the mismatches between a topic's ``parity.toml`` and its examples.

    Every example with both sides needs a table of its name, and every table
    must name two scripts that exist.

    Args:
        topic_dir: The topic folder.
        pairs: The examples discovered in that folder.

    Returns:
        One message per problem; empty when the file and the folder agree.
    """
    path = topic_dir / PARITY_FILE
    specs = load_specs(topic_dir)
    stems = {snippet.path.stem for pair in pairs for snippet in pair.snippets}
    both = {pair.name for pair in pairs if len(pair.sides) == 2}
    problems = [
        f"{path}: add [{name}] stating which values must agree"
        for name in sorted(both - set(specs))
    ]
    problems += [
        f"{path}: [{spec.name}] names {stem}.py, which is not in {topic_dir}"
        for spec in specs.values()
        for stem in spec.scripts
        if stem not in stems
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
    label: str,
    left: Any,
    right: Any,
    atol: float,
    rtol: float,
    sides: tuple[str, str] = ("PyTorch", "TensorFlow"),
) -> list[str]:
    """Compare one named value from two scripts.

    Args:
        label: The value's name, used in messages.
        left: The value the first script left (by default the PyTorch one).
        right: The value the second script left.
        atol: Absolute tolerance for numbers.
        rtol: Relative tolerance for numbers.
        sides: How messages name the two scripts.

    Returns:
        One message per difference (shape, dtype, values); empty when they agree.
    """
    first, second = to_numpy(left), to_numpy(right)
    a, b = sides
    if first.shape != second.shape:
        return [f"{label}: shape {first.shape} in {a}, {second.shape} in {b}"]
    if first.dtype != second.dtype:
        return [f"{label}: dtype {first.dtype} in {a}, {second.dtype} in {b}"]
    if first.dtype.kind in "fc":
        if not np.allclose(first, second, atol=atol, rtol=rtol, equal_nan=True):
            return [_value_difference(label, first, second, (a, b), (atol, rtol))]
    elif not np.array_equal(first, second):
        return [f"{label}: {first.tolist()!r} in {a}, {second.tolist()!r} in {b}"]
    return []


def _value_difference(
    label: str,
    first: np.ndarray,
    second: np.ndarray,
    sides: tuple[str, str],
    tolerances: tuple[float, float],
) -> str:
    """Name both sides' values where two numeric values differ beyond tolerance.

    A scalar or a short array is shown whole; a longer one at its worst element.
    """
    gap = np.abs(first - second)
    worst = int(np.nanargmax(gap)) if gap.size else 0
    tolerance = f"atol={tolerances[0]:g}, rtol={tolerances[1]:g}"
    difference = f"differ by {float(gap.flat[worst]):.3g}; {tolerance}"
    if first.size <= 8:
        return f"{label}: {sides[0]} {_short(first)}, {sides[1]} {_short(second)} ({difference})"
    index = np.unravel_index(worst, first.shape)
    where = "[" + ", ".join(str(int(i)) for i in index) + "]"
    return (
        f"{label}: at {where}, {sides[0]} {first[index].item()!r}, "
        f"{sides[1]} {second[index].item()!r} ({difference})"
    )


def _short(array: np.ndarray) -> str:
    return repr(array.item()) if array.ndim == 0 else repr(array.tolist())


def _side_names(spec: ParitySpec) -> tuple[str, str]:
    default = (f"{spec.name}_pytorch", f"{spec.name}_tensorflow")
    if spec.scripts == default:
        return FRAMEWORK_TITLES["pytorch"], FRAMEWORK_TITLES["tensorflow"]
    return spec.scripts


def compare_runs(spec: ParitySpec, left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """Check two finished runs against a spec.

    Args:
        spec: What must agree.
        left: The first script's globals after it ran (``spec.scripts[0]``).
        right: The second script's globals after it ran (``spec.scripts[1]``).

    Returns:
        One message per problem; empty when the two runs agree with each other
        and with every expected value.
    """
    sides = _side_names(spec)
    namespaces = dict(zip(sides, (left, right), strict=True))
    problems: list[str] = []
    for label in dict.fromkeys((*spec.values, *spec.expect)):
        missing = [side for side, namespace in namespaces.items() if label not in namespace]
        if missing:
            problems.append(f"{label}: not defined by the {' and '.join(missing)} script")
    if problems:
        return problems
    for label in spec.values:
        problems += compare_values(label, left[label], right[label], spec.atol, spec.rtol, sides)
    for label, expected in spec.expect.items():
        for side, namespace in namespaces.items():
            actual = to_numpy(namespace[label])
            target = np.asarray(
                expected, dtype=actual.dtype if actual.dtype.kind in "iuf" else None
            )
            problems += compare_values(
                label, actual, target, spec.atol, spec.rtol, (side, "the stated value")
            )
    return problems
