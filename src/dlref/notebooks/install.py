"""The first cell of a notebook: the locked versions, installed where this project is not.

In this project the cell does nothing (the kernel's environment is the locked
one). Opened in Colab or another fresh kernel, it installs exactly the
versions the notebook was executed with, read from the lock file: the lock is
the one list of versions, and the notebook's imports say which of them it needs.
"""

from __future__ import annotations

import ast
import functools
from importlib.metadata import packages_distributions

from dlref.bridge.versions import lock_pins, normalised_name
from dlref.paths import CPU_LOCK

# The lock is the CPU profile's; a reader's fresh kernel may have a GPU, and
# TensorFlow's CPU build is the same version under another name.
_READER_NAMES = {"tensorflow-cpu": "tensorflow"}


def locked_versions() -> dict[str, str]:
    """Read the exact pins of the CPU lock.

    Returns:
        The release by normalised distribution name (``scikit-learn``, ``torch``).
    """
    return lock_pins(CPU_LOCK)


def imported_distributions(code: str) -> list[str]:
    """Name the installed distributions that a notebook's code imports.

    Args:
        code: The notebook's code cells, joined.

    Returns:
        Normalised distribution names, sorted; the standard library is left out.
    """
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    providers = _providers()
    names = {name for module in modules for name in providers.get(module, [])}
    return sorted({normalised_name(name) for name in names})


def install_cell_source(code: str) -> str:
    """Write the install cell for a notebook's code.

    Args:
        code: The notebook's code cells, joined.

    Returns:
        The cell's source: a ``%pip install`` of the locked versions, run only
        when the ``dlref`` package (this project) is not importable.

    Raises:
        ValueError: The code imports a package the lock does not pin.
    """
    pins = locked_versions()
    needed = imported_distributions(code)
    unpinned = [name for name in needed if name not in pins]
    if unpinned:
        raise ValueError(f"the notebook imports packages the lock does not pin: {unpinned}")
    requirements = " ".join(f"{_READER_NAMES.get(name, name)}=={pins[name]}" for name in needed)
    return (
        "# Outside this project (in Colab, say), install the versions this notebook was run with.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("dlref") is None:\n'
        f"    %pip install --quiet {requirements}"
    )


@functools.cache
def _providers() -> dict[str, list[str]]:
    # Reads every installed distribution's metadata: a second or so, once per process.
    return packages_distributions()
