"""Session-wide set-up for every test, under tests/ and in the docs' code blocks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from dlref.bridge.devices import DeviceError, check_required_gpu
from dlref.examples.runner import quiet_tensorflow

# Before any test or code block imports TensorFlow.
quiet_tensorflow()
# Shell blocks in the pages call `dlref`: the one installed beside this interpreter.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``xdist_group`` marker, so ``-p no:xdist`` passes ``--strict-markers``.

    pytest-xdist registers it too, but only while it is loaded.
    """
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once when DLREF_REQUIRE_GPU=1 and either framework sees no GPU.

    The GPU runner sets the variable, so a misconfigured runner cannot pass on the CPU.
    """
    try:
        check_required_gpu()
    except DeviceError as error:
        pytest.exit(str(error), returncode=pytest.ExitCode.USAGE_ERROR)


# Modules whose every test carries an xdist_group mark (per topic, or "site").
GROUPED_MODULES = ("tests/test_snippets.py::", "tests/test_site.py::")


# optionalhook: the hook exists only while pytest-xdist is loaded, and `-p no:xdist` must work.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: object, ids: list[str]) -> None:
    """Stop the run when ``--dist loadgroup`` silently fails to group tests.

    Tests of one topic share a worker so that each script runs once and the
    site is built once; pytest 9.2 broke that grouping without an error
    (pytest-xdist#1386), doubling the work. xdist appends ``@group`` to a
    grouped test's id: grouped modules without it mean grouping is off.
    """
    if getattr(node.config.option, "dist", None) != "loadgroup":  # type: ignore[attr-defined]
        return
    grouped = [test_id for test_id in ids if test_id.startswith(GROUPED_MODULES)]
    if grouped and not any("@" in test_id for test_id in grouped):
        pytest.exit(
            "--dist loadgroup is not grouping tests with this pytest and pytest-xdist "
            "(pytest-xdist#1386): install the versions pinned in requirements/",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
