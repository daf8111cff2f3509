"""Session-wide set-up for every test, under tests/ and in the docs' code blocks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from dlref.devices import DeviceError, check_required_gpu
from dlref.runner import quiet_tensorflow

# Before any test or code block imports TensorFlow.
quiet_tensorflow()
# Shell blocks in the pages call `dlref`: the one installed beside this interpreter.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once when DLREF_REQUIRE_GPU=1 and either framework sees no GPU.

    The GPU runner sets the variable, so a misconfigured runner cannot pass on the CPU.
    """
    try:
        check_required_gpu()
    except DeviceError as error:
        pytest.exit(str(error), returncode=pytest.ExitCode.USAGE_ERROR)
