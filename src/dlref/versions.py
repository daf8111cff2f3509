"""The versions a run used, written as the table the home page shows.

`dlref snippets --update` writes ``snippets/verified-with.md`` while it
regenerates the outputs, so the table states what produced them; a test
rewrites it in memory and fails when the committed one differs.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from dlref.snippets import discover

VERSIONS_FILE = "verified-with.md"

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


def render_versions(snippets_dir: Path | None = None) -> str:
    """Return the Markdown table of versions and example counts.

    Args:
        snippets_dir: The snippets folder; the default one when omitted.

    Returns:
        A Markdown fragment, deterministic for a given set of versions and snippets.
    """
    pairs = discover(snippets_dir)
    scripts = sum(len(pair.sides) for pair in pairs)
    rows = [("Python", ".".join(platform.python_version_tuple()[:2]))]
    rows += [(label, public_version(names)) for label, names in PACKAGES]
    lines = [
        f"Every example on this site ({scripts} scripts in {len(pairs)} examples) "
        "was executed and its output captured with:",
        "",
        "| Package | Version |",
        "| --- | --- |",
    ]
    lines += [f"| {label} | {version} |" for label, version in rows]
    return "\n".join(lines) + "\n"
