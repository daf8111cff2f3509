"""Running a script that needs a fresh interpreter, and bringing its results back.

Keras reads its backend once, when ``keras`` is first imported; a test
worker or ``dlref check`` that already imported it (with TensorFlow) cannot
run a script on the PyTorch backend in the same process. A script that says
``# dlref:own-process: <reason>`` in its first lines is therefore run as
``python -m dlref.examples.isolated SCRIPT FOLDER RESULT``: the child runs it
exactly as `dlref.examples.runner.run_here` does, then writes what it printed
and every module-level value that is an array, a number or a string (what
parity checks and quoted values read) to ``RESULT``, an ``.npz`` file read
without pickle. The parent returns those as the run's namespace.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from dlref.examples.discovery import Snippet, snippet_at
from dlref.paths import PACKAGE_DIR

#: The key under which the child stores the script's standard output.
STDOUT_KEY = "__stdout__"
#: Array kinds carried back: booleans, integers, floats, complex numbers, strings.
_KINDS = "biufcU"
#: Lines of the child's standard error shown when it fails.
_ERROR_LINES = 12


class IsolatedRunError(RuntimeError):
    """A script run in its own process failed; the message holds the end of its stderr."""


def portable_values(namespace: dict[str, Any]) -> dict[str, np.ndarray]:
    """Keep the module-level values that survive as plain arrays.

    Args:
        namespace: A script's globals after it ran.

    Returns:
        Each public value that `dlref.examples.parity.to_numpy` turns into a
        non-object array, by name; modules, functions, models and the like
        are left out.
    """
    from dlref.examples.parity import to_numpy

    kept: dict[str, np.ndarray] = {}
    for name, value in namespace.items():
        if name.startswith("_") or callable(value) or type(value).__name__ == "module":
            continue
        try:
            array = to_numpy(value)
        except (TypeError, ValueError, RuntimeError):
            continue
        if array.dtype.kind in _KINDS:
            kept[name] = array
    return kept


def run_isolated(snippet: Snippet, folder: Path) -> tuple[str, dict[str, Any]]:
    """Run a script in a fresh ``python`` process, in ``folder``.

    Args:
        snippet: The script.
        folder: Its working directory.

    Returns:
        What it printed, and its portable module-level values (see
        `portable_values`), 0-d arrays turned back into Python scalars.

    Raises:
        IsolatedRunError: The script (or the child process) failed.
    """
    source_root = str(PACKAGE_DIR.parent)
    path = os.environ.get("PYTHONPATH")
    environment = {
        **os.environ,
        "PYTHONPATH": source_root + (os.pathsep + path if path else ""),
    }
    with tempfile.TemporaryDirectory(prefix="dlref-isolated-") as scratch:
        result_path = Path(scratch) / "result.npz"
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "dlref.examples.isolated",
                str(snippet.path),
                str(folder),
                str(result_path),
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0 or not result_path.exists():
            tail = "\n".join(child.stderr.strip().splitlines()[-_ERROR_LINES:])
            raise IsolatedRunError(
                f"snippets/{snippet.include_path} failed in its own process "
                f"(exit status {child.returncode}):\n{tail}"
            )
        with np.load(result_path, allow_pickle=False) as stored:
            values = {name: stored[name] for name in stored.files}
    stdout = str(values.pop(STDOUT_KEY))
    namespace = {name: array.item() if array.ndim == 0 else array for name, array in values.items()}
    return stdout, namespace


def main(argv: list[str]) -> int:
    """The child's side: run one script here and write its results.

    Args:
        argv: ``[SCRIPT, FOLDER, RESULT]``.

    Returns:
        The exit status.
    """
    from dlref.examples.runner import run_here

    script, folder, result = argv
    run = run_here(snippet_at(Path(script)), Path(folder))
    values = portable_values(run.namespace)
    np.savez(result, **values, **{STDOUT_KEY: np.asarray(run.stdout)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
