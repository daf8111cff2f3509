"""Finding the paired examples under ``snippets/``.

One topic is one folder, ``snippets/<topic>/``. Each example in it is a pair
of plain scripts, ``<name>_pytorch.py`` and ``<name>_tensorflow.py``, each
with its captured output beside it (``<name>_pytorch.out``). Discovery walks
the folders, so adding a file is all it takes for the tests to run it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Framework = Literal["pytorch", "tensorflow"]
FRAMEWORKS: tuple[Framework, ...] = ("pytorch", "tensorflow")
FRAMEWORK_TITLES: dict[Framework, str] = {"pytorch": "PyTorch", "tensorflow": "TensorFlow"}
SNIPPETS_ENV = "DLREF_SNIPPETS"

_NAME = r"[a-z0-9]+(?:_[a-z0-9]+)*"
_TOPIC_RE = re.compile(rf"^{_NAME}$")
_SCRIPT_RE = re.compile(rf"^(?P<name>{_NAME})_(?P<framework>pytorch|tensorflow)\.py$")


class SnippetError(ValueError):
    """The snippets folder breaks the layout, or an example does not exist."""


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
    packaged = Path(__file__).parent / "snippets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "snippets"


@dataclass(frozen=True)
class Snippet:
    """One runnable script: one framework's side of an example.

    Attributes:
        topic: The topic folder, e.g. ``"autograd"``.
        name: The example's name within the topic, e.g. ``"square"``.
        framework: ``"pytorch"`` or ``"tensorflow"``.
        path: The script's path.
    """

    topic: str
    name: str
    framework: Framework
    path: Path

    @property
    def output_path(self) -> Path:
        """The file holding the script's captured standard output."""
        return self.path.with_suffix(".out")

    @property
    def key(self) -> str:
        """A short unique label, e.g. ``"autograd/square_pytorch"``."""
        return f"{self.topic}/{self.path.stem}"


@dataclass(frozen=True)
class Pair:
    """One example: the PyTorch and TensorFlow scripts that show the same thing.

    Attributes:
        topic: The topic folder.
        name: The example's name within the topic.
        sides: The scripts by framework; an example may exist in one framework only.
    """

    topic: str
    name: str
    sides: dict[Framework, Snippet]

    @property
    def key(self) -> str:
        """The name a reader passes to ``dlref run``, e.g. ``"autograd/square"``."""
        return f"{self.topic}/{self.name}"

    @property
    def snippets(self) -> list[Snippet]:
        """The scripts in framework order (PyTorch first)."""
        return [self.sides[framework] for framework in FRAMEWORKS if framework in self.sides]


def topic_dirs(root: Path | None = None) -> list[Path]:
    """Return the topic folders, sorted by name.

    Args:
        root: The snippets folder; `snippets_root()` when omitted.

    Returns:
        One path per topic.

    Raises:
        SnippetError: A folder's name is not a valid topic name.
    """
    root = root or snippets_root()
    dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    for directory in dirs:
        if not _TOPIC_RE.match(directory.name):
            raise SnippetError(
                f"{directory}: a topic folder is named in lower case, digits and underscores"
            )
    return dirs


def discover(root: Path | None = None) -> list[Pair]:
    """Find every example under the snippets folder.

    Args:
        root: The snippets folder; `snippets_root()` when omitted.

    Returns:
        The pairs, sorted by topic and name.

    Raises:
        SnippetError: A script in a topic folder is not named
            ``<name>_pytorch.py`` or ``<name>_tensorflow.py``.
    """
    pairs: list[Pair] = []
    for directory in topic_dirs(root):
        sides_by_name: dict[str, dict[Framework, Snippet]] = {}
        for path in sorted(directory.glob("*.py")):
            match = _SCRIPT_RE.match(path.name)
            if match is None:
                raise SnippetError(
                    f"{path}: a snippet is named <name>_pytorch.py or <name>_tensorflow.py"
                )
            framework: Framework = match["framework"]  # type: ignore[assignment]
            name = match["name"]
            sides_by_name.setdefault(name, {})[framework] = Snippet(
                directory.name, name, framework, path
            )
        pairs.extend(
            Pair(directory.name, name, sides) for name, sides in sorted(sides_by_name.items())
        )
    return pairs


def find_pair(key: str, pairs: list[Pair] | None = None) -> Pair:
    """Return the example called ``topic/name``.

    Args:
        key: The example's name, e.g. ``"autograd/square"``.
        pairs: The examples to search; all of them when omitted.

    Returns:
        The matching pair.

    Raises:
        SnippetError: No example has that name; the message lists the valid ones.
    """
    pairs = discover() if pairs is None else pairs
    for pair in pairs:
        if pair.key == key:
            return pair
    valid = ", ".join(pair.key for pair in pairs)
    raise SnippetError(f"unknown example {key!r}; valid examples: {valid}")
