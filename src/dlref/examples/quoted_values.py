"""Numbers the pages quote, recorded from runs, so prose and output cannot drift.

A page never types a number a run produced. A topic's ``values.toml`` names
the module-level values its scripts leave behind that pages quote::

    [fc_share]                    # quoted as {{ value: architectures/fc_share }}
    script = "alexnet_pytorch"    # the script that computes it
    name = "fc_share"             # its module-level name (default: the table name)
    format = ".0%"                # a Python format spec (default: as str() writes it)

``dlref check --update`` records each script's quoted values in
``<script>.values.json`` beside it, an artefact like the outputs (current
when the numbers agree to within 1e-6, relatively); the build replaces each
``{{ value: TOPIC/NAME }}`` with the recorded value, formatted
(`dlref.site.values`).
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlref.examples.discovery import SnippetError
from dlref.examples.parity import to_numpy

VALUES_FILE = "values.toml"
RECORD_SUFFIX = ".values.json"
_KEYS = {"script", "name", "format"}


@dataclass(frozen=True)
class QuotedValue:
    """One value a page may quote.

    Attributes:
        topic: The topic folder's name.
        key: The table name, quoted as ``topic/key``.
        script: The stem of the script that computes it.
        name: The module-level name it has in that script.
        format: A format spec applied when a page shows it.
    """

    topic: str
    key: str
    script: str
    name: str
    format: str = ""

    @property
    def reference(self) -> str:
        """How a page names it: ``"topic/key"``."""
        return f"{self.topic}/{self.key}"


def load_quoted(topic_dir: Path) -> list[QuotedValue]:
    """Read a topic's ``values.toml``.

    Args:
        topic_dir: The topic folder.

    Returns:
        The quoted values in file order; empty when the file does not exist.

    Raises:
        SnippetError: A table lacks ``script`` or has unknown keys.
    """
    path = topic_dir / VALUES_FILE
    if not path.exists():
        return []
    quoted = []
    for key, table in tomllib.loads(path.read_text(encoding="utf-8")).items():
        unknown = set(table) - _KEYS
        if unknown or "script" not in table:
            raise SnippetError(
                f"{path} [{key}]: needs 'script' (and optionally 'name', 'format'); "
                f"unknown keys: {sorted(unknown)}"
            )
        quoted.append(
            QuotedValue(
                topic=topic_dir.name,
                key=key,
                script=str(table["script"]),
                name=str(table.get("name", key)),
                format=str(table.get("format", "")),
            )
        )
    return quoted


def record_path(topic_dir: Path, script: str) -> Path:
    """Where a script's quoted values are recorded.

    Args:
        topic_dir: The topic folder.
        script: The script's stem.

    Returns:
        ``<topic_dir>/<script>.values.json``.
    """
    return topic_dir / f"{script}{RECORD_SUFFIX}"


def plain(value: Any) -> Any:
    """Turn a value a script left (a tensor, a NumPy scalar, a number) into JSON's types.

    Args:
        value: The value.

    Returns:
        A ``float``, ``int``, ``bool`` or ``str``.

    Raises:
        SnippetError: The value holds more than one element.
    """
    array = to_numpy(value)
    if array.size != 1:
        raise SnippetError(f"a quoted value must be one number or string, not shape {array.shape}")
    item = array.reshape(()).item()
    return item if isinstance(item, bool | int | float | str) else str(item)


def render_record(values: dict[str, Any]) -> str:
    """Write a script's recorded values as JSON text.

    Args:
        values: The values by table name.

    Returns:
        Sorted, indented JSON with a final newline.
    """
    return json.dumps(values, indent=1, sort_keys=True) + "\n"


def records_match(committed: str, fresh: str) -> bool:
    """Whether committed values are current: same names, numbers within 1e-6 relatively.

    Args:
        committed: The committed JSON.
        fresh: The JSON of a fresh run.

    Returns:
        ``True`` when they agree.
    """
    old, new = json.loads(committed), json.loads(fresh)
    if old.keys() != new.keys():
        return False
    for key, value in new.items():
        before = old[key]
        if isinstance(value, float) and isinstance(before, int | float):
            if not math.isclose(before, value, rel_tol=1e-6, abs_tol=1e-12):
                return False
        elif before != value:
            return False
    return True


def format_value(value: Any, spec: str) -> str:
    """Show a recorded value as a page quotes it.

    Args:
        value: The recorded value.
        spec: A Python format spec, e.g. ``".0%"``; empty for ``str(value)``.

    Returns:
        The text.
    """
    return format(value, spec) if spec else str(value)
