"""The versions table on the home page: which versions produced the outputs shown.

The table also counts the scripts and examples, so adding an example changes
it; it is an artefact like the outputs (see `dlref.examples.artefacts`),
rewritten by every ``dlref check --update`` and checked by every check.
"""

from __future__ import annotations

import platform
from pathlib import Path

from dlref.bridge.versions import PACKAGES, public_version
from dlref.examples.discovery import discover

VERSIONS_FILE = "verified-with.md"


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
