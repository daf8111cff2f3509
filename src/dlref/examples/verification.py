"""Re-verification that reruns only what changed, for authors (``dlref check``).

A group of scripts (see `dlref.examples.artefacts.CheckGroup`) that passed is
recorded under a key: a digest of everything its result depends on, namely
its scripts' bytes, the local modules they import (``dlref`` itself, or a
module beside the script), its topic's ``parity.toml``, ``figures.toml`` and
``values.toml``,
the committed files it generates, the lock file, the installed framework
versions, the Python version and the device. A later check reuses the
recorded pass while the key is the same, and reruns the group when it is not.

The record is a convenience, never evidence: ``make test`` and CI run
everything on a clean checkout, ``--all`` ignores the record, and a record
that cannot be read or was written by something else is discarded with one
line saying so.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from dlref.bridge.devices import DEVICE_ENV
from dlref.bridge.versions import PACKAGES
from dlref.examples.artefacts import CheckGroup
from dlref.examples.discovery import Snippet
from dlref.examples.figures import FIGURES_FILE
from dlref.examples.parity import PARITY_FILE
from dlref.examples.quoted_values import VALUES_FILE
from dlref.paths import CACHE_DIR, CPU_LOCK, PACKAGE_DIR, snippets_root

RECORD_FORMAT = "dlref-check-record/1"
RECORD_FILE = CACHE_DIR / "check-record.json"
#: A CUDA device node: present on a machine where the frameworks can see a GPU.
_GPU_DEVICE = Path("/dev/nvidia0")


def _digest(parts: Iterable[bytes]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def _file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b"(missing)"


def environment_key() -> str:
    """Digest what every run depends on outside the snippets folder.

    The lock file, each framework package's exact installed version, the
    Python version and the device the examples would run on. It reads
    package metadata only: no framework is imported.

    Returns:
        A hex digest.
    """
    versions = []
    for _, distributions in PACKAGES:
        for name in distributions:
            try:
                versions.append(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                continue
    device = f"{os.environ.get(DEVICE_ENV, '')}|gpu={_GPU_DEVICE.exists()}"
    parts = [_file_bytes(CPU_LOCK), platform.python_version().encode(), device.encode()]
    return _digest([*parts, *(version.encode() for version in versions)])


def local_modules(snippet: Snippet) -> list[Path]:
    """Return the local source files a script imports.

    ``dlref`` (every file of the package) and modules that sit beside the
    script; installed third-party packages are covered by the lock file.

    Args:
        snippet: The script.

    Returns:
        The files, sorted.
    """
    tree = ast.parse(snippet.path.read_bytes(), filename=str(snippet.path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    files: set[Path] = set()
    for name in names:
        if name == "dlref":
            files.update(PACKAGE_DIR.rglob("*.py"))
        elif (beside := snippet.path.parent / f"{name}.py").exists():
            files.add(beside)
    return sorted(files)


def group_key(group: CheckGroup, environment: str) -> str:
    """Digest everything a group's result depends on.

    Args:
        group: The group.
        environment: From `environment_key`.

    Returns:
        A hex digest; equal keys mean a recorded pass still holds.
    """
    topic_dir = snippets_root() / group.topic
    files = [topic_dir / PARITY_FILE, topic_dir / FIGURES_FILE, topic_dir / VALUES_FILE]
    for snippet in group.snippets:
        files += [snippet.path, *local_modules(snippet)]
    files += [artefact.path for artefact in group.artefacts]
    parts = [environment.encode()]
    for path in files:
        parts += [str(path).encode(), _file_bytes(path)]
    return _digest(parts)


@dataclass
class CheckRecord:
    """The keys of the groups that passed, kept in ``.cache/check-record.json``.

    Attributes:
        passed: The key each passing group had, by group key.
        notice: Why an unusable record was discarded, when one was.
    """

    passed: dict[str, str] = field(default_factory=dict)
    notice: str | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> CheckRecord:
        """Read the record, discarding one that is corrupt or not this checkout's.

        Args:
            path: The record file; `RECORD_FILE` when omitted.

        Returns:
            The record; empty (with a `notice`) when the file could not be trusted.
        """
        path = path or RECORD_FILE
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            valid = (
                isinstance(data, dict)
                and data.get("format") == RECORD_FORMAT
                and data.get("snippets") == str(snippets_root())
                and isinstance(data.get("passed"), dict)
                and all(isinstance(v, str) for v in data["passed"].values())
            )
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            valid = False
        if not valid:
            return cls(notice=f"discarded {path}: not a check record of this checkout")
        return cls(passed=dict(data["passed"]))

    def save(self, path: Path | None = None) -> None:
        """Write the record atomically (a crash leaves the old one or the new one).

        Args:
            path: The record file; `RECORD_FILE` when omitted.
        """
        path = path or RECORD_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": RECORD_FORMAT, "snippets": str(snippets_root()), "passed": self.passed}
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        partial.replace(path)
