"""Where things are: the one place that knows the layout of a checkout.

Every other module asks here for a path instead of climbing ``parents[...]``
from its own file. The snippets folder can also come from an installed wheel
(which carries a copy) or from ``DLREF_SNIPPETS``; the rest exists only in a
checkout.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SNIPPETS_ENV = "DLREF_SNIPPETS"

#: The installed package's own folder (``src/dlref`` in a checkout).
PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout this package runs from (``src/dlref/paths.py`` → the top folder).
CHECKOUT = PACKAGE_DIR.parents[1]

DOCS_DIR = CHECKOUT / "docs"
MKDOCS_FILE = CHECKOUT / "mkdocs.yml"
REQUIREMENTS_DIR = CHECKOUT / "requirements"
CPU_LOCK = REQUIREMENTS_DIR / "cpu.lock"
#: Caches that belong to this checkout: libraries' caches, the check record.
CACHE_DIR = CHECKOUT / ".cache"
#: The npm packages the site checks run (axe-core, Lighthouse), installed by ``npm ci``.
NODE_MODULES = CHECKOUT / "node_modules"
#: The comparison table's rows, rendered into its page at build time.
COMPARISON_TABLE = DOCS_DIR / "comparison" / "table.toml"
#: The case studies' sources: ``notebooks/<study>/<study>_<framework>.py`` (percent format).
NOTEBOOKS_DIR = CHECKOUT / "notebooks"
#: Where the executed notebooks and the studies' pages are (``docs/case-studies/``).
CASE_STUDIES_DIR = DOCS_DIR / "case-studies"
#: The performance benchmark's results, one file per device (``{device}`` is ``cpu`` or
#: ``cuda``), rendered into its page at build time.
PERFORMANCE_RESULTS = DOCS_DIR / "comparison" / "performance-{device}.json"


def snippets_root() -> Path:
    """Return the folder that holds the topic folders.

    ``DLREF_SNIPPETS`` wins when set; an installed wheel carries its own copy;
    otherwise the package runs from a checkout and the folder is at its top.

    Returns:
        The path of the snippets folder.
    """
    override = os.environ.get(SNIPPETS_ENV)
    if override:
        return Path(override)
    packaged = PACKAGE_DIR / "snippets"
    if packaged.is_dir():
        return packaged
    return CHECKOUT / "snippets"


def in_checkout() -> bool:
    """Return whether the package runs from a checkout (with pages and a lock file)."""
    return MKDOCS_FILE.is_file()


def repository() -> tuple[str, str]:
    """Return the public repository (``owner/name``) and branch the site is edited from.

    Read from ``edit_uri`` in ``mkdocs.yml``, the one place that names them.

    Returns:
        ``("dlref/dlref", "main")`` for ``https://github.com/dlref/dlref/edit/main/docs/``.

    Raises:
        ValueError: ``edit_uri`` is missing or not a GitHub edit address.
    """
    match = re.search(
        r"^edit_uri:\s*https://github\.com/(?P<repo>[\w.-]+/[\w.-]+)/edit/(?P<branch>[\w.-]+)/",
        MKDOCS_FILE.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    if match is None:
        raise ValueError(f"{MKDOCS_FILE}: no GitHub edit_uri to name the repository")
    return match["repo"], match["branch"]
