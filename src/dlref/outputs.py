"""Captured outputs: normalising, comparing and rewriting the ``.out`` files.

Outputs are captured on the CPU. On a GPU the same script names a CUDA device
where the CPU run names the CPU; `normalise` maps those names onto the CPU
form so that one committed file checks both runs. Nothing else is rewritten:
a snippet must print only what is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

UPDATE_COMMAND = "dlref snippets --update"

_DEVICE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # PyTorch shows the device in a tensor's repr only when it is not the CPU.
    (re.compile(r", device='cuda:\d+'"), ""),
    (re.compile(r"\bcuda(?::\d+)?\b"), "cpu"),
    (re.compile(r"\bGPU:\d+\b"), "CPU:0"),
)


def normalise(text: str) -> str:
    """Return ``text`` with GPU device names replaced by their CPU form.

    Args:
        text: Output as printed by a snippet.

    Returns:
        The text as the CPU run would have printed it.
    """
    for pattern, replacement in _DEVICE_RULES:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class OutputCheck:
    """The comparison of a fresh run with the committed output file.

    Attributes:
        path: The committed output file.
        expected: Its content, or ``None`` when it does not exist.
        actual: What the fresh run printed, normalised.
    """

    path: Path
    expected: str | None
    actual: str

    @property
    def current(self) -> bool:
        """Whether the committed file matches the fresh run."""
        return self.expected is not None and normalise(self.expected) == self.actual

    def message(self) -> str:
        """Explain what is wrong and which command fixes it."""
        state = "is missing" if self.expected is None else "is stale"
        return f"{self.path} {state}: run `{UPDATE_COMMAND}` and commit the result"


def check_output(path: Path, printed: str) -> OutputCheck:
    """Compare a run's output with the committed file at ``path``.

    Args:
        path: The output file beside the snippet.
        printed: What the run printed.

    Returns:
        The comparison; see `OutputCheck.current`.
    """
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    return OutputCheck(path=path, expected=expected, actual=normalise(printed))


def write_output(path: Path, printed: str) -> bool:
    """Write a run's output to ``path`` if it differs from what is there.

    Args:
        path: The output file beside the snippet.
        printed: What the run printed.

    Returns:
        Whether the file changed.
    """
    text = normalise(printed)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
