"""TensorBoard reads what both frameworks write, and the page shows it.

The snippet tests already check that each script reads back its own event file
with TensorBoard's reader. Here a real ``tensorboard`` server is started over
freshly written runs of both scripts, and its HTTP API must serve both runs
with the values each script logged: the proof that the tool itself, not just
a library inside it, sees the same curve from PyTorch and from TensorFlow.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dlref.paths import DOCS_DIR
from dlref.site.screenshots import (
    OUTPUT,
    RUNS,
    SERVER_TIMEOUT_S,
    TAG,
    VIEWPORT,
    get_json,
    tensorboard_server,
    wait_for_scalars,
    write_runs,
)

pytestmark = pytest.mark.xdist_group("tensorboard")

SCREENSHOT = OUTPUT
PAGE = DOCS_DIR / "production" / "tensorboard.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_screenshot_is_a_png_of_the_viewport_size_and_the_page_shows_it() -> None:
    data = SCREENSHOT.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{SCREENSHOT} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"]), (
        f"{SCREENSHOT} is {width}x{height}; run `make screenshots`"
    )
    # A failed capture (blank page, error page) compresses to a few kilobytes.
    assert len(data) > 20_000, f"{SCREENSHOT} is only {len(data)} bytes"
    assert f"]({SCREENSHOT.name})" in PAGE.read_text(), f"{PAGE} does not show {SCREENSHOT.name}"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[dict[str, dict[str, Any]], dict[str, list[list[float]]], Any]]:
    """Write both runs, start TensorBoard over them, and fetch what it serves."""
    with tempfile.TemporaryDirectory(prefix="dlref-tensorboard-") as workdir:
        namespaces = write_runs(Path(workdir))
        steps = len(namespaces["pytorch"]["losses"])
        with tensorboard_server(Path(workdir) / "runs") as base:
            scalars = wait_for_scalars(base, RUNS, TAG, steps, SERVER_TIMEOUT_S)
            runs = get_json(f"{base}/data/runs")
        yield namespaces, scalars, runs


def test_tensorboard_lists_one_run_per_framework(served) -> None:
    _, _, runs = served
    assert sorted(runs) == sorted(RUNS)


@pytest.mark.parametrize("framework", RUNS)
def test_tensorboard_serves_the_values_each_framework_logged(served, framework: str) -> None:
    namespaces, scalars, _ = served
    logged = namespaces[framework]["losses"]
    rows = scalars[framework]
    assert [int(step) for _, step, _ in rows] == list(range(len(logged)))
    # Both sides log float32 losses; JSON carries them as doubles, exactly.
    assert [value for _, _, value in rows] == logged


def test_tensorboard_shows_the_same_curve_for_both_frameworks(served) -> None:
    _, scalars, _ = served
    pytorch, tensorflow = (np.array([row[1:] for row in scalars[run]]) for run in RUNS)
    assert pytorch.shape == tensorflow.shape == (30, 2)
    np.testing.assert_allclose(pytorch, tensorflow, rtol=0, atol=1e-6)
