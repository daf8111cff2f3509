"""The installed framework packages: one table of their names, and their versions.

Every place that names a package (the versions table on the home page,
``dlref doctor``, the performance results' stamp, the lock-file check) reads
`PACKAGES`, so a renamed distribution is changed once.
"""

from __future__ import annotations

from importlib import metadata

# (row label, distribution names to try): the CPU and GPU profiles install
# TensorFlow under different distribution names.
PACKAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PyTorch", ("torch",)),
    ("TensorFlow", ("tensorflow-cpu", "tensorflow")),
    ("Keras", ("keras",)),
    ("NumPy", ("numpy",)),
)


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
