"""Running each script the way a reader does: alone, in a fresh interpreter, in an empty folder.

The tests and ``dlref check`` run scripts inside one process, which is what
keeps the suite fast, and which hides what only a standalone run meets: an
import another script left behind, state a reset does not cover, a crash at
interpreter exit. ``dlref standalone`` (``make standalone``) runs every
script as its own ``python`` process from an empty temporary folder and
compares what it printed with the committed output. It is a lane of its own,
not part of ``make test``: it costs several minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from dlref.examples.discovery import Snippet
from dlref.examples.outputs import normalise
from dlref.examples.runner import QUIET_TENSORFLOW_ENV

#: A script that takes longer than this is stopped and reported.
TIMEOUT_S = 300


@dataclass(frozen=True)
class StandaloneRun:
    """One script run as its own process.

    Attributes:
        snippet: The script.
        returncode: Its exit status (negative: killed by that signal).
        stdout: What it printed, normalised as outputs are.
        stderr: Its standard error, for the report of a failure.
        seconds: Wall time of the process.
    """

    snippet: Snippet
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def problem(self) -> str | None:
        """Say what went wrong, if anything.

        Returns:
            A message naming the script: a non-zero exit with the end of its
            standard error, or an output that differs from the committed one;
            ``None`` when the run matches.
        """
        label = f"snippets/{self.snippet.include_path}"
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-8:])
            return f"{label}: exited with status {self.returncode} when run alone\n{tail}"
        committed = self.snippet.output_path
        expected = normalise(committed.read_text(encoding="utf-8")) if committed.exists() else None
        if expected != self.stdout:
            return f"{label}: printed something else than {committed.name} when run alone"
        return None


def run_standalone(snippet: Snippet, python: str = sys.executable) -> StandaloneRun:
    """Run a script as ``python SCRIPT`` from an empty temporary folder.

    Args:
        snippet: The script.
        python: The interpreter.

    Returns:
        The run; a timeout counts as a failed run, not an exception.
    """
    environment = {**os.environ, **QUIET_TENSORFLOW_ENV}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlref-standalone-") as folder:
        try:
            result = subprocess.run(
                [python, str(snippet.path)],
                cwd=folder,
                env=environment,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
            returncode, stdout, stderr = result.returncode, result.stdout, result.stderr
        except subprocess.TimeoutExpired as expired:
            returncode, stdout = -9, ""
            stderr = f"stopped after {expired.timeout} s"
    return StandaloneRun(
        snippet=snippet,
        returncode=returncode,
        stdout=normalise(stdout),
        stderr=stderr,
        seconds=time.perf_counter() - start,
    )
