"""Running a snippet in this process and capturing what it prints.

Importing TensorFlow costs seconds; running a snippet in the current process
means a test worker or the update command pays for each framework once, not
once per script. Each run gets a fresh namespace, a fresh working directory
and its own ``sys.argv``, as if started with ``python <script>``.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlref.examples.discovery import Snippet

# TensorFlow's C++ start-up lines and oneDNN's notice go to stderr, and oneDNN
# reorders float sums: keep both out of captured runs. Effective only before
# TensorFlow is first imported.
QUIET_TENSORFLOW_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


@dataclass
class SnippetRun:
    """What one execution of a snippet left behind.

    Attributes:
        snippet: The script that ran.
        stdout: Everything it printed to standard output.
        namespace: Its module globals when it finished, for parity checks.
    """

    snippet: Snippet
    stdout: str
    namespace: dict[str, Any]


def quiet_tensorflow() -> None:
    """Set TensorFlow's logging variables unless the user already chose values."""
    for name, value in QUIET_TENSORFLOW_ENV.items():
        os.environ.setdefault(name, value)


def reset_framework_state() -> None:
    """Give the next script the global state a fresh ``python`` process would have.

    Scripts share one process, so what one leaves behind would change what the
    next prints: Keras numbers layer names per session (``dense``, then
    ``dense_1``) and keeps a global dtype policy; PyTorch keeps a default dtype
    and ``torch.compile``'s caches.
    Only frameworks already imported are touched.
    """
    if "keras" in sys.modules:
        import keras

        # No gc.collect() (free_memory=True): with both frameworks loaded it takes
        # about half a second, paid once per script, and changes no output.
        keras.utils.clear_session(free_memory=False)
        keras.config.set_dtype_policy("float32")
    if "torch" in sys.modules:
        import torch

        torch.set_default_dtype(torch.float32)
    if "torch._dynamo" in sys.modules:
        import torch._dynamo

        # torch.compile remembers, per function, which input sizes changed.
        torch._dynamo.reset()


def run_snippet(snippet: Snippet, workdir: Path | None = None) -> SnippetRun:
    """Execute a snippet as ``__main__``, by default in a fresh temporary folder.

    A script marked ``# dlref:own-process: <reason>`` runs in a fresh
    ``python`` process instead (see `dlref.examples.isolated`); its namespace
    then holds only its arrays, numbers and strings.

    Args:
        snippet: The script to run.
        workdir: The working directory to run it in, for a caller that needs
            the files the script writes; a temporary folder, removed
            afterwards, when omitted.

    Returns:
        Its printed output and final globals. An exception raised by the
        script propagates unchanged (from its own process: as an
        `dlref.examples.isolated.IsolatedRunError`).
    """
    if snippet.own_process_reason is None:
        return run_here(snippet, workdir)
    from dlref.examples.isolated import run_isolated

    with contextlib.ExitStack() as stack:
        folder = workdir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="dlref-run-"))
        )
        stdout, namespace = run_isolated(snippet, folder)
    return SnippetRun(snippet=snippet, stdout=stdout, namespace=namespace)


def run_here(snippet: Snippet, workdir: Path | None = None) -> SnippetRun:
    """Execute a snippet as ``__main__`` in this process, whatever its markers say.

    Args:
        snippet: The script to run.
        workdir: The working directory to run it in; a temporary folder,
            removed afterwards, when omitted.

    Returns:
        Its printed output and final globals. An exception raised by the
        script propagates unchanged.
    """
    quiet_tensorflow()
    reset_framework_state()
    buffer = io.StringIO()
    saved_argv = sys.argv
    sys.argv = [str(snippet.path)]
    try:
        with contextlib.ExitStack() as stack:
            folder = workdir or Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="dlref-run-"))
            )
            stack.enter_context(contextlib.chdir(folder))
            stack.enter_context(contextlib.redirect_stdout(buffer))
            namespace = runpy.run_path(str(snippet.path), run_name="__main__")
    finally:
        sys.argv = saved_argv
    return SnippetRun(snippet=snippet, stdout=buffer.getvalue(), namespace=namespace)


class RunCache:
    """Runs each script at most once; everything that checks it reads the same run.

    The output check, the parity check, the figures and the transfer reports
    of a topic all need its scripts' runs. One cache per process (the CLI, or
    a test worker) keeps each script to a single execution.
    """

    def __init__(self) -> None:
        self._runs: dict[Path, SnippetRun] = {}

    def get(self, snippet: Snippet) -> SnippetRun:
        """Return the run of a script, running it on first request.

        Args:
            snippet: The script.

        Returns:
            Its run.
        """
        if snippet.path not in self._runs:
            self._runs[snippet.path] = run_snippet(snippet)
        return self._runs[snippet.path]

    def namespace(self, snippet: Snippet) -> dict[str, Any]:
        """Return a script's globals after it ran.

        Args:
            snippet: The script.

        Returns:
            Its module globals.
        """
        return self.get(snippet).namespace
