"""Finding the examples under ``snippets/``.

One topic is one folder, ``snippets/<topic>/``. Each example in it is a pair
of plain scripts, ``<name>_pytorch.py`` and ``<name>_tensorflow.py``, each
with its captured output beside it (``<name>_pytorch.out``). Discovery walks
the folders, so adding a file is all it takes for the tests to run it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dlref.paths import snippets_root

Framework = Literal["pytorch", "tensorflow"]
FRAMEWORKS: tuple[Framework, ...] = ("pytorch", "tensorflow")
FRAMEWORK_TITLES: dict[Framework, str] = {"pytorch": "PyTorch", "tensorflow": "TensorFlow"}

_NAME = r"[a-z0-9]+(?:_[a-z0-9]+)*"
_TOPIC_RE = re.compile(rf"^{_NAME}$")
_MARKER_RE = re.compile(r"^#\s*dlref:(?P<marker>[a-z-]+):\s*(?P<reason>\S.*?)\s*$")
#: How many lines at the top of a script may hold its ``# dlref:<marker>: <reason>`` comments.
_MARKER_LINES = 5
_SCRIPT_RE = re.compile(rf"^(?P<name>{_NAME})_(?P<framework>pytorch|tensorflow)\.py$")


class SnippetError(ValueError):
    """The snippets folder breaks the layout, or an example does not exist."""


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

    @property
    def include_path(self) -> str:
        """The script relative to the snippets folder, e.g. ``"autograd/square_pytorch.py"``."""
        return f"{self.topic}/{self.path.name}"

    @property
    def test_only_reason(self) -> str | None:
        """Why the script is shown on no page, when its first lines declare it test-only.

        A script that only the tests need says so in a comment near its top,
        ``# dlref:test-only: <reason>``; every other script must be shown on
        some page.
        """
        return self._marker("test-only")

    @property
    def own_process_reason(self) -> str | None:
        """Why the script must run in a fresh interpreter, when its first lines say so.

        A script that chooses something only a fresh process can (Keras's
        backend, read once when ``keras`` is first imported) declares
        ``# dlref:own-process: <reason>``; `dlref.examples.runner.run_snippet`
        then starts it in its own ``python`` process.
        """
        return self._marker("own-process")

    def _marker(self, marker: str) -> str | None:
        with self.path.open(encoding="utf-8") as handle:
            for _, line in zip(range(_MARKER_LINES), handle, strict=False):
                match = _MARKER_RE.match(line)
                if match and match["marker"] == marker:
                    return match["reason"]
        return None


@dataclass(frozen=True)
class Example:
    """One example: the scripts, one per framework, that show the same thing.

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


def snippet_at(path: Path) -> Snippet:
    """Return the script at ``path``, read by the naming rule.

    Args:
        path: ``<topic>/<name>_<framework>.py``.

    Returns:
        The script, with its topic, name and framework.

    Raises:
        SnippetError: The file is not named ``<name>_pytorch.py`` or ``<name>_tensorflow.py``.
    """
    match = _SCRIPT_RE.match(path.name)
    if match is None:
        raise SnippetError(f"{path}: a snippet is named <name>_pytorch.py or <name>_tensorflow.py")
    framework: Framework = match["framework"]  # type: ignore[assignment]
    return Snippet(path.parent.name, match["name"], framework, path)


def discover(root: Path | None = None) -> list[Example]:
    """Find every example under the snippets folder.

    Args:
        root: The snippets folder; `snippets_root()` when omitted.

    Returns:
        The pairs, sorted by topic and name.

    Raises:
        SnippetError: A script in a topic folder is not named
            ``<name>_pytorch.py`` or ``<name>_tensorflow.py``.
    """
    pairs: list[Example] = []
    for directory in topic_dirs(root):
        sides_by_name: dict[str, dict[Framework, Snippet]] = {}
        for path in sorted(directory.glob("*.py")):
            snippet = snippet_at(path)
            sides_by_name.setdefault(snippet.name, {})[snippet.framework] = snippet
        pairs.extend(
            Example(directory.name, name, sides) for name, sides in sorted(sides_by_name.items())
        )
    return pairs


def find_example(key: str, pairs: list[Example] | None = None) -> Example:
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
    keys = [pair.key for pair in pairs]
    nearest = difflib.get_close_matches(key, keys, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(nearest)}?" if nearest else "`dlref list` names them all"
    raise SnippetError(f"unknown example {key!r}; {hint}")
