"""A screenshot of TensorBoard showing the runs that both frameworks wrote.

``dlref screenshots`` (``make screenshots``) runs ``snippets/tensorboard/scalars_pytorch.py``
and ``scalars_tensorflow.py`` in a temporary folder, so that their event files
land in ``runs/pytorch`` and ``runs/tensorflow``; starts ``tensorboard`` on
that folder, bound to 127.0.0.1 on a free port; opens its Time Series
dashboard in headless Chromium, with every request that does not go to
127.0.0.1 refused; and saves the page as a PNG once the loss chart holds both
runs. The server is stopped and the folder deleted whatever happens.

The PNG is not byte-for-byte reproducible (the data table shows relative wall
times, and fonts render differently across machines); what the page shows is
the command and the versions that produced it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from dlref.examples.discovery import find_example
from dlref.examples.runner import QUIET_TENSORFLOW_ENV, run_snippet
from dlref.paths import DOCS_DIR
from dlref.site.browser import LOCAL_HOST, chromium, local_page

EXAMPLE = "tensorboard/scalars"
RUNS = ("pytorch", "tensorflow")  # the run folders the scripts write under runs/
TAG = "loss"
HOST = LOCAL_HOST
OUTPUT = DOCS_DIR / "production" / "tensorboard-scalars.png"
VIEWPORT = {"width": 1280, "height": 800}
SERVER_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
PAGE_TIMEOUT_MS = 30_000
SETTLE_MS = 1_000  # the chart is a canvas: no DOM event says it finished drawing


def write_runs(workdir: Path) -> dict[str, dict[str, Any]]:
    """Run the two scalar scripts in ``workdir``, which receives ``runs/<framework>``.

    The scripts go through `dlref.examples.runner.run_snippet`, as in the
    tests; what they print is discarded.

    Args:
        workdir: The working directory for both scripts.

    Returns:
        Each script's module globals after it ran, by framework name.
    """
    return {
        snippet.framework: run_snippet(snippet, workdir).namespace
        for snippet in find_example(EXAMPLE).snippets
    }


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def get_json(url: str) -> Any:
    """Fetch ``url`` and decode its JSON body (one second at most)."""
    with urllib.request.urlopen(url, timeout=1.0) as response:
        return json.load(response)


def scalars_url(base: str, run: str, tag: str) -> str:
    """The scalars plugin's route for one run and tag.

    Args:
        base: The server's address, e.g. ``"http://127.0.0.1:6006"``.
        run: The run's name, its folder relative to the logdir.
        tag: The scalar's tag.

    Returns:
        The address that answers ``[[wall_time, step, value], ...]``.
    """
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return f"{base}/data/plugin/scalars/scalars?{query}"


def wait_for_scalars(
    base: str, runs: Sequence[str], tag: str, count: int, timeout: float
) -> dict[str, list[list[float]]]:
    """Poll the server until every run serves ``count`` points of ``tag``.

    Args:
        base: The server's address.
        runs: The run names to wait for.
        tag: The scalar's tag.
        count: How many points each run must serve.
        timeout: Seconds to wait before giving up.

    Returns:
        Each run's ``[wall_time, step, value]`` rows, as served.

    Raises:
        TimeoutError: Some run still served fewer points when time ran out.
    """
    deadline = time.monotonic() + timeout
    served: dict[str, list[list[float]]] = {}
    while True:
        for run in runs:
            with contextlib.suppress(OSError, ValueError):  # not listening yet, or no such run
                served[run] = get_json(scalars_url(base, run, tag))
        if all(len(served.get(run, [])) >= count for run in runs):
            return served
        if time.monotonic() > deadline:
            counts = {run: len(served.get(run, [])) for run in runs}
            raise TimeoutError(f"TensorBoard at {base} served {counts} points of {tag!r}")
        time.sleep(0.25)


@contextlib.contextmanager
def tensorboard_server(logdir: Path, *, timeout: float = SERVER_TIMEOUT_S) -> Iterator[str]:
    """Run ``tensorboard --logdir logdir`` on 127.0.0.1 for the ``with`` block.

    The server's temporary files (``.tensorboard-info``) go to ``logdir``'s
    parent instead of the system's temporary folder.

    Args:
        logdir: The folder whose subfolders are the runs.
        timeout: Seconds the server may take to answer its first request.

    Yields:
        The server's address, e.g. ``"http://127.0.0.1:40123"``.

    Raises:
        RuntimeError: The server exited or did not answer in time; the message
            holds the end of its log.
    """
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, **QUIET_TENSORFLOW_ENV, "TMPDIR": str(logdir.parent)}
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir)]
    command += ["--host", HOST, "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + timeout
            while True:
                with contextlib.suppress(OSError, ValueError):
                    get_json(f"{base}/data/runs")
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"TensorBoard did not start at {base}:\n{tail}")
                time.sleep(0.25)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_S)


def capture(base: str, output: Path) -> None:
    """Save TensorBoard's Time Series dashboard, loss chart enlarged, as a PNG.

    Smoothing is set to 0 so that the lines are the logged values. Every
    request to a host other than 127.0.0.1 is aborted.

    Args:
        base: The server's address.
        output: Where to write the PNG.
    """
    with chromium() as browser:
        page = local_page(browser, viewport=VIEWPORT)
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{base}/#timeseries")
        card = page.locator("scalar-card").filter(has_text=TAG)
        table = card.locator("scalar-card-data-table")
        for run in RUNS:
            table.filter(has_text=run).wait_for()
        smoothing = page.locator(".scalars-smoothing input.slider-input")
        smoothing.fill("0")
        smoothing.press("Enter")
        card.get_by_label("Toggle full size mode").click()
        card.locator("canvas, svg.line").first.wait_for()
        page.wait_for_timeout(SETTLE_MS)
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))


def take_screenshot(output: Path = OUTPUT) -> None:
    """Write both runs, serve them with TensorBoard, and save the screenshot.

    Args:
        output: Where to write the PNG.
    """
    with tempfile.TemporaryDirectory(prefix="dlref-tensorboard-") as workdir:
        namespaces = write_runs(Path(workdir))
        logdir = Path(workdir) / "runs"
        steps = len(namespaces[RUNS[0]]["losses"])
        with tensorboard_server(logdir) as base:
            wait_for_scalars(base, RUNS, TAG, steps, SERVER_TIMEOUT_S)
            capture(base, output)
