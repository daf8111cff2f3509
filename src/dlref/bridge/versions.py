"""The installed framework packages: one table of their names, and their versions.

Every place that names a package (the versions table on the home page,
``dlref doctor``, the performance results' stamp, the lock-file check) reads
`PACKAGES`, so a renamed distribution is changed once.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

# (row label, distribution names to try): the CPU and GPU profiles install
# TensorFlow under different distribution names.
PACKAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PyTorch", ("torch",)),
    ("TensorFlow", ("tensorflow-cpu", "tensorflow")),
    ("Keras", ("keras",)),
    ("NumPy", ("numpy",)),
)


_PIN_RE = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(?P<version>[^\s;#]+)")


def normalised_name(name: str) -> str:
    """Return a distribution's PEP 503 name: ``tensorflow_cpu`` and ``TensorFlow-CPU`` are one.

    Args:
        name: A distribution name as written anywhere.

    Returns:
        The name in lower case, runs of ``-``, ``_`` and ``.`` as one ``-``.
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(lock_file: Path) -> dict[str, str]:
    """Read every exact pin of a lock file.

    Args:
        lock_file: A ``pip freeze``-style file such as ``requirements/cpu.lock``.

    Returns:
        The release by normalised distribution name, without local labels
        (``torch`` → ``2.13.0``, not ``2.13.0+cpu``: the label names a build on
        another index, the release is the same).
    """
    pins = {}
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        match = _PIN_RE.match(line.strip())
        if match:
            pins[normalised_name(match["name"])] = match["version"].split("+", 1)[0]
    return pins


def public_version(distributions: tuple[str, ...]) -> str:
    """Return an installed package's version without its local build label.

    ``2.13.0+cpu`` and ``2.13.0+cu128`` are the same release of PyTorch; the
    table names the release.

    Args:
        distributions: Distribution names to try, in order.

    Returns:
        The version, or ``"not installed"``.
    """
    for name in distributions:
        try:
            return metadata.version(name).split("+", 1)[0]
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def package_version(label: str) -> str:
    """Return the installed version of a package of `PACKAGES`, by its label.

    Args:
        label: The row label, e.g. ``"TensorFlow"``.

    Returns:
        The version without a local build label, or ``"not installed"``.

    Raises:
        KeyError: No package has that label.
    """
    return public_version(dict(PACKAGES)[label])
