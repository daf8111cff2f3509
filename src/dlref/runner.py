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
from typing import Any

from dlref.snippets import Snippet

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

        keras.utils.clear_session()
        keras.config.set_dtype_policy("float32")
    if "torch" in sys.modules:
        import torch

        torch.set_default_dtype(torch.float32)
    if "torch._dynamo" in sys.modules:
        import torch._dynamo

        # torch.compile remembers, per function, which input sizes changed.
        torch._dynamo.reset()


def run_snippet(snippet: Snippet) -> SnippetRun:
    """Execute a snippet as ``__main__`` in a temporary working directory.

    Args:
        snippet: The script to run.

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
        with (
            tempfile.TemporaryDirectory(prefix="dlref-run-") as workdir,
            contextlib.chdir(workdir),
            contextlib.redirect_stdout(buffer),
        ):
            namespace = runpy.run_path(str(snippet.path), run_name="__main__")
    finally:
        sys.argv = saved_argv
    return SnippetRun(snippet=snippet, stdout=buffer.getvalue(), namespace=namespace)
