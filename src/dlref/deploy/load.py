"""A bounded load test of the digit server, its refusals on record, and the page's tables.

`running_server` starts ``dlref serve`` (uvicorn, `dlref.deploy.server`) on
127.0.0.1 in its own process, on a port the system picks. `run_load` sends a
fixed number of requests per backend from N client threads, each on its own
keep-alive connection, and records the latency percentiles, the throughput,
every failed request, the model's share of each request (from the server's
``Server-Timing`` header) and the server's resident memory before, halfway
through and after each backend's run. `probe_refusals` sends each request of
`bad_requests` and records the status and message the server answered.

``dlref serve-bench`` runs all of it and writes
``docs/production/serving-<device>.json``; at build time `dlref.site.hooks`
replaces the serving page's markers with the tables `render_page` draws from
that file. This module imports neither framework: the server process does.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlref.benchmark.results import PerformanceError, results_file
from dlref.benchmark.run import BUSY_LOAD, OTHER_PACKAGES, machine_load
from dlref.bridge.versions import PACKAGES, public_version
from dlref.deploy.server import (
    BACKENDS,
    HEALTH_PATH,
    MAX_BODY_BYTES,
    MAX_ROWS,
    PREDICT_PATH,
    ServingError,
)
from dlref.paths import DOCS_DIR, PACKAGE_DIR

#: The load test's results, one file per device (``{device}``: ``cpu``).
SERVING_RESULTS = DOCS_DIR / "production" / "serving-{device}.json"
LOAD_MARKER = "<!-- dlref:serving-load -->"
REFUSALS_MARKER = "<!-- dlref:serving-refusals -->"
EXAMPLE_MARKER = "<!-- dlref:serving-example -->"
#: The serving page's markers, each replaced by a table or record of the results.
MARKERS = (LOAD_MARKER, REFUSALS_MARKER, EXAMPLE_MARKER)
#: "Memory steady": the server's resident memory after the last timed request is at
#: most this fraction above what it was before the first (after the warm-up requests).
STEADY_GROWTH = 0.02
#: The page says that the model's own time is less than this share of the median request.
MODEL_SHARE = 0.5
#: Seconds the server may take to import both frameworks and load four backends.
START_TIMEOUT = 180.0
_MIB = 1024 * 1024
_KEYS = ("stamp", "config", "backends", "memory", "refusals", "example")


@dataclass(frozen=True)
class LoadConfig:
    """What one load run sends.

    Attributes:
        name: ``"full"`` or ``"quick"``, stored in the results.
        clients: Concurrent client threads, each with its own connection.
        requests: Timed requests per backend, shared among the clients.
        warmup: Untimed requests per backend before the timed ones.
        rows: Rows (digit images) per request.
        threads: Intra-op threads of each runtime in the server.
    """

    name: str
    clients: int
    requests: int
    warmup: int
    rows: int = 1
    threads: int = 1


FULL = LoadConfig(name="full", clients=8, requests=2000, warmup=200)
#: The test suite's run: it checks that the load test works, its times are not results.
QUICK = LoadConfig(name="quick", clients=4, requests=60, warmup=8)


@dataclass(frozen=True)
class RunningServer:
    """A server process started by `running_server`.

    Attributes:
        url: ``http://127.0.0.1:<port>``, no trailing slash.
        host: ``127.0.0.1``.
        port: The port the system chose.
        pid: The server's process id.
    """

    url: str
    host: str
    port: int
    pid: int


@contextmanager
def running_server(threads: int = 1) -> Iterator[RunningServer]:
    """Start ``dlref serve`` on 127.0.0.1 in its own process; stop it on exit.

    Args:
        threads: Intra-op threads of each runtime in the server.

    Yields:
        The running server, once it listens.

    Raises:
        ServingError: The server exited or did not announce its address in time.
    """
    command = [sys.executable, "-m", "dlref.cli", "serve", "--host", "127.0.0.1", "--port", "0"]
    command += ["--threads", str(threads)]
    # The child runs this same dlref, wherever it was imported from.
    path = os.environ.get("PYTHONPATH")
    source_root = str(PACKAGE_DIR.parent)
    environment = {**os.environ, "PYTHONPATH": source_root + (os.pathsep + path if path else "")}
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, text=True, env=environment
        )
        try:
            line = _announcement(process, log)
            match = re.search(r"http://([\d.]+):(\d+)", line)
            if match is None:
                raise ServingError(f"the server announced no address: {line!r}")
            host, port = match.group(1), int(match.group(2))
            server = RunningServer(f"http://{host}:{port}", host, port, process.pid)
            health = request(server, "GET", HEALTH_PATH)
            if health.status != 200:
                raise ServingError(f"the server is not healthy: {health.status} {health.body}")
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _announcement(process: subprocess.Popen[str], log: Any) -> str:
    assert process.stdout is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not found or not found[0]:
        process.kill()
        process.wait()
        log.seek(0)
        tail = "\n".join(log.read().splitlines()[-15:])
        raise ServingError(f"the server did not start (exit status {process.poll()}):\n{tail}")
    return found[0].strip()


@dataclass(frozen=True)
class Reply:
    """What the server answered to one request.

    Attributes:
        status: The HTTP status.
        body: The JSON body, or the raw text when it is not JSON.
        headers: The response headers, names in lower case.
    """

    status: int
    body: Any
    headers: dict[str, str]


def request(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes | Iterator[bytes] | None = None,
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> Reply:
    """Send one request and read the whole reply.

    Args:
        server: Where to send it.
        method: ``GET`` or ``POST``.
        path: The path, e.g. ``/health``.
        body: Bytes, or an iterator of chunks (sent with chunked encoding, no length).
        headers: Request headers.
        connection: A keep-alive connection to reuse; a new one when omitted.

    Returns:
        The reply.
    """
    own = connection is None
    conn = connection or http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        conn.request(
            method,
            path,
            body=body,
            headers=headers or {},
            encode_chunked=body is not None and not isinstance(body, bytes),
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            content: Any = json.loads(raw)
        except ValueError:
            content = raw.decode("utf-8", "replace")
        return Reply(response.status, content, {k.lower(): v for k, v in response.getheaders()})
    finally:
        if own:
            conn.close()


def predict_body(inputs: Sequence[Sequence[float]]) -> bytes:
    """The JSON body of a prediction request.

    Args:
        inputs: Rows of numbers.

    Returns:
        ``{"inputs": [[...], ...]}`` as bytes.
    """
    return json.dumps({"inputs": [[float(v) for v in row] for row in inputs]}).encode()


def predict(server: RunningServer, backend: str, inputs: Sequence[Sequence[float]]) -> Reply:
    """Ask one backend for the probabilities of some rows.

    Args:
        server: The running server.
        backend: A name from `dlref.deploy.server.BACKENDS`.
        inputs: Rows of 64 numbers.

    Returns:
        The reply.
    """
    return request(server, "POST", predict_path(backend), predict_body(inputs), _JSON)


def predict_path(backend: str) -> str:
    """The prediction route of one backend."""
    return PREDICT_PATH.format(backend=backend)


_JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class BadRequest:
    """A request the server must refuse.

    Attributes:
        name: A short label.
        description: What is wrong with it, for the page.
        method: The HTTP method.
        path: The path.
        body: The body: bytes, or a list of chunks sent without a length.
        headers: The request headers.
        status: The status the server must answer.
    """

    name: str
    description: str
    method: str
    path: str
    body: bytes | list[bytes] | None
    headers: dict[str, str]
    status: int


def bad_requests(input_size: int) -> list[BadRequest]:
    """Every kind of bad request the page shows, each answered with a 4xx.

    Args:
        input_size: Numbers per row the model takes.

    Returns:
        The requests, in the page's order.
    """
    row = [0.0] * input_size
    path = predict_path(BACKENDS[0])

    def post(name: str, description: str, body: bytes | list[bytes], status: int) -> BadRequest:
        return BadRequest(name, description, "POST", path, body, _JSON, status)

    oversized = b" " * (MAX_BODY_BYTES + 1)
    return [
        post("non-JSON", "a body that is not JSON", b"six, seven", 400),
        post("wrong shape", f"a row of {input_size - 1} numbers", predict_body([row[1:]]), 422),
        post(
            "not a batch",
            "one row not wrapped in a list",
            json.dumps({"inputs": row}).encode(),
            422,
        ),
        post(
            "wrong type",
            "a string among the numbers",
            json.dumps({"inputs": [[*row[:5], "0.5", *row[6:]]]}).encode(),
            422,
        ),
        post(
            "too deep",
            "each number wrapped in its own list",
            json.dumps({"inputs": [[[v] for v in row]]}).encode(),
            422,
        ),
        post(
            "NaN",
            "a NaN among the numbers",
            b'{"inputs": [[NaN' + b", 0" * (input_size - 1) + b"]]}",
            422,
        ),
        post(
            "nested too deep",
            "a hundred thousand nested lists",
            b'{"inputs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            400,
        ),
        post("overflow", "a number too large for float32", predict_body([[1e39, *row[1:]]]), 422),
        post(
            "huge integer",
            "a 400-digit integer",
            b'{"inputs": [[1' + b"0" * 399 + b", 0" * (input_size - 1) + b"]]}",
            422,
        ),
        post("empty batch", "no rows at all", b'{"inputs": []}', 422),
        post("too many rows", f"{MAX_ROWS + 1} rows", predict_body([row] * (MAX_ROWS + 1)), 422),
        post(
            "wrong field", "the rows under another name", json.dumps({"input": [row]}).encode(), 422
        ),
        post(
            "oversized body",
            f"{MAX_BODY_BYTES + 1} bytes with their length declared",
            oversized,
            413,
        ),
        post(
            "oversized stream",
            f"{MAX_BODY_BYTES + 1} bytes sent in chunks, with no length declared",
            [oversized[i : i + 16384] for i in range(0, len(oversized), 16384)],
            413,
        ),
        BadRequest(
            "wrong content type",
            "a valid body sent as text/plain",
            "POST",
            path,
            predict_body([row]),
            {"Content-Type": "text/plain"},
            415,
        ),
        BadRequest(
            "unknown backend",
            "a backend the server does not have",
            "POST",
            predict_path("tensorrt"),
            predict_body([row]),
            _JSON,
            404,
        ),
        BadRequest("wrong method", "GET on the prediction route", "GET", path, None, {}, 405),
        BadRequest(
            "unknown route", "a path the server does not have", "GET", "/predict", None, {}, 404
        ),
    ]


def probe_refusals(server: RunningServer, input_size: int) -> list[dict[str, Any]]:
    """Send every bad request and record the answers.

    Args:
        server: The running server.
        input_size: Numbers per row the model takes.

    Returns:
        One record per request: ``name``, ``description``, ``request`` (method and
        path), ``expected`` and ``status``, ``response`` (the body), and
        ``health_after``, the status of ``GET /health`` sent right after it.
    """
    records = []
    for bad in bad_requests(input_size):
        body = iter(bad.body) if isinstance(bad.body, list) else bad.body
        reply = request(server, bad.method, bad.path, body, bad.headers)
        records.append(
            {
                "name": bad.name,
                "description": bad.description,
                "request": f"{bad.method} {bad.path}",
                "expected": bad.status,
                "status": reply.status,
                "response": reply.body,
                "health_after": request(server, "GET", HEALTH_PATH).status,
            }
        )
    return records


def refusal_problems(records: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the server's refusals.

    Args:
        records: What `probe_refusals` returned.

    Returns:
        One message per request answered with another status than expected, or
        without a JSON body holding one ``"error"`` message, or after which the
        server did not answer ``GET /health`` with 200.
    """
    problems = []
    for record in records:
        if record["health_after"] != 200:
            problems.append(f"{record['name']}: /health answered {record['health_after']} after it")
        if record["status"] != record["expected"]:
            problems.append(
                f"{record['name']}: status {record['status']}, expected {record['expected']}"
            )
        body = record["response"]
        if not (isinstance(body, dict) and list(body) == ["error"] and body["error"]):
            problems.append(f"{record['name']}: the body is not one error message: {body!r}")
    return problems


def disagreements(probabilities: dict[str, Sequence[Sequence[float]]], atol: float) -> list[str]:
    """Compare every backend's probabilities with the first backend's.

    Args:
        probabilities: Each backend's reply for the same rows, by backend.
        atol: The largest absolute difference allowed.

    Returns:
        One message per backend whose probabilities differ by more than ``atol``
        or whose shape differs; empty when all agree.
    """
    import numpy as np

    (reference_name, reference), *others = (
        (name, np.asarray(values, dtype=np.float64)) for name, values in probabilities.items()
    )
    problems = []
    for name, values in others:
        if values.shape != reference.shape:
            problems.append(f"{name}: shape {values.shape}, {reference_name}: {reference.shape}")
            continue
        gap = float(np.abs(values - reference).max())
        if gap > atol:
            problems.append(f"{name} differs from {reference_name} by up to {gap:.2e} > {atol}")
    return problems


def _rss(pid: int) -> int:
    import psutil

    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.NoSuchProcess:
        raise ServingError(f"the server (process {pid}) exited during the load test") from None


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _clients(
    server: RunningServer,
    backend: str,
    body: bytes,
    count: int,
    clients: int,
    halfway: Callable[[], None],
) -> tuple[list[float], list[float], list[str], float]:
    """Send ``count`` requests from ``clients`` threads; latencies, model times, failures, wall."""
    latencies: list[float] = []
    model_ms: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    remaining = [count]
    path = predict_path(backend)

    def client() -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        try:
            while True:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                    if remaining[0] == count // 2:
                        halfway()
                started = time.perf_counter()
                try:
                    reply = request(server, "POST", path, body, _JSON, connection=conn)
                    problem = _reply_problem(reply)
                except (OSError, http.client.HTTPException) as error:
                    reply, problem = None, f"{type(error).__name__}: {error}"
                    conn.close()
                    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        failures.append(problem)
                    elif reply is not None:
                        model_ms.append(float(reply.headers["server-timing"].split("dur=")[1]))
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, model_ms, failures, time.perf_counter() - started


def _reply_problem(reply: Reply) -> str | None:
    if reply.status != 200:
        return f"status {reply.status}: {reply.body}"
    if not isinstance(reply.body, dict) or "classes" not in reply.body:
        return f"no classes in the reply: {reply.body!r}"
    if "server-timing" not in reply.headers:
        return "no Server-Timing header"
    return None


def load_backend(
    server: RunningServer, backend: str, inputs: Sequence[Sequence[float]], config: LoadConfig
) -> dict[str, Any]:
    """Warm one backend up, then time ``config.requests`` requests from ``config.clients`` clients.

    Args:
        server: The running server.
        backend: The backend to load.
        inputs: Rows to cycle through, ``config.rows`` per request.
        config: The load.

    Returns:
        ``backend``, ``requests``, ``failures`` (a count) and up to five
        ``failure_examples``, ``p50_ms``, ``p99_ms``, ``mean_ms``,
        ``throughput_rps``, ``wall_s``, ``model_p50_ms`` and ``rss_mib``
        (``start``, ``middle``, ``end``).
    """
    body = predict_body(inputs[: config.rows])
    _clients(server, backend, body, config.warmup, config.clients, lambda: None)
    rss = {"start": _rss(server.pid)}
    latencies, model_ms, failures, wall = _clients(
        server,
        backend,
        body,
        config.requests,
        config.clients,
        lambda: rss.__setitem__("middle", _rss(server.pid)),
    )
    rss["end"] = _rss(server.pid)
    return {
        "backend": backend,
        "requests": len(latencies),
        "failures": len(failures),
        "failure_examples": failures[:5],
        "p50_ms": round(1e3 * statistics.median(latencies), 3),
        "p99_ms": round(1e3 * _percentile(latencies, 0.99), 3),
        "mean_ms": round(1e3 * statistics.fmean(latencies), 3),
        "throughput_rps": round(len(latencies) / wall, 1),
        "wall_s": round(wall, 2),
        "model_p50_ms": round(statistics.median(model_ms), 3) if model_ms else None,
        "rss_mib": {point: round(value / _MIB, 1) for point, value in rss.items()},
    }


def run_load(
    config: LoadConfig,
    load_before: list[float],
    busy: bool,
    progress: Callable[[str], None] = lambda line: None,
    server: RunningServer | None = None,
) -> dict[str, Any]:
    """Start the server, record its refusals and an example, then load every backend.

    Args:
        config: The load.
        load_before: `dlref.benchmark.run.machine_load` before anything started.
        busy: Whether `dlref.benchmark.run.check_idle` found the machine busy.
        progress: Called with a line after each backend, e.g. ``print``.
        server: A server already running with ``config.threads`` (the tests'); when
            omitted, `running_server` starts one and stops it afterwards.

    Returns:
        The results, as `write_results` stores them.

    Raises:
        ServingError: The server did not start.
    """
    started = time.perf_counter()
    if server is None:
        with running_server(config.threads) as started_server:
            measured = _measure(started_server, config, progress)
    else:
        measured = _measure(server, config, progress)
    rows = measured["backends"]
    start, end = rows[0]["rss_mib"]["start"], rows[-1]["rss_mib"]["end"]
    return {
        "stamp": {
            "date": datetime.now(UTC).date().isoformat(),
            "config": config.name,
            "python": platform.python_version(),
            "versions": {label: public_version(names) for label, names in PACKAGES},
            "other_versions": {
                label: public_version(names)
                for label, names in (
                    *OTHER_PACKAGES,
                    ("Starlette", ("starlette",)),
                    ("uvicorn", ("uvicorn",)),
                )
            },
            "device": "cpu",
            "hardware": _hardware(),
            "cpu_cores": os.cpu_count(),
            "load_before": load_before,
            "load_after": machine_load(),
            "busy_load": BUSY_LOAD,
            "busy": busy,
            "seconds": round(time.perf_counter() - started, 1),
        },
        "config": {**asdict(config), "max_rows": MAX_ROWS, "max_body_bytes": MAX_BODY_BYTES},
        "memory": {
            "start_mib": start,
            "end_mib": end,
            "growth": round((end - start) / start, 4),
            "steady_growth": STEADY_GROWTH,
        },
        **measured,
    }


def _measure(
    server: RunningServer, config: LoadConfig, progress: Callable[[str], None]
) -> dict[str, Any]:
    from dlref.deploy import digits

    inputs = digits.sample_inputs().tolist()
    refusals = probe_refusals(server, digits.INPUT_SIZE)
    example = predict(server, BACKENDS[0], inputs[:1])
    rows = []
    for backend in BACKENDS:
        row = load_backend(server, backend, inputs, config)
        rows.append(row)
        progress(
            f"{backend}: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
            f"{row['throughput_rps']} requests/s, {row['failures']} failed"
        )
    return {
        "backends": rows,
        "refusals": refusals,
        "example": {
            "request": {"inputs": inputs[:1]},
            "status": example.status,
            "response": example.body,
        },
    }


def _hardware() -> str:
    from dlref.benchmark.run import _hardware as hardware

    return hardware("cpu")


def result_problems(results: dict[str, Any]) -> list[str]:
    """Check what the page says about a run against the run.

    Args:
        results: One device's results.

    Returns:
        One message per claim that does not hold: a failed request, a backend
        missing, memory that grew more than `STEADY_GROWTH`, a refusal that is
        not a 4xx with one message, a model that takes `MODEL_SHARE` or more of
        the median request.
    """
    problems = []
    names = [row["backend"] for row in results["backends"]]
    if names != list(BACKENDS):
        problems.append(f"the backends loaded were {names}, not {list(BACKENDS)}")
    for row in results["backends"]:
        if row["failures"]:
            problems.append(f"{row['backend']}: {row['failures']} request(s) failed")
        if row["requests"] != results["config"]["requests"]:
            problems.append(f"{row['backend']}: {row['requests']} requests timed")
        if row["model_p50_ms"] >= MODEL_SHARE * row["p50_ms"]:
            problems.append(
                f"{row['backend']}: the model takes {row['model_p50_ms']} ms of a "
                f"{row['p50_ms']} ms request, not less than {100 * MODEL_SHARE:.0f} %"
            )
    memory = results["memory"]
    if memory["growth"] > memory["steady_growth"]:
        problems.append(
            f"memory grew by {100 * memory['growth']:.1f} % (more than "
            f"{100 * memory['steady_growth']:.0f} %)"
        )
    problems += refusal_problems(results["refusals"])
    return problems


def write_results(results: dict[str, Any], path: Path) -> None:
    """Write the results as stable, readable JSON.

    Args:
        results: What `run_load` returned.
        path: The file to write.
    """
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_results(path: Path) -> dict[str, Any]:
    """Read one device's results file.

    Args:
        path: What `write_results` wrote.

    Returns:
        Its content.

    Raises:
        PerformanceError: The file is missing, unreadable or lacks a section.
    """
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PerformanceError(f"no results file {path}: run `dlref serve-bench`") from None
    except (OSError, json.JSONDecodeError) as error:
        raise PerformanceError(f"{path}: cannot read the results ({error})") from None
    missing = [key for key in _KEYS if key not in results]
    if missing:
        raise PerformanceError(f"{path}: no {missing}")
    return results


def render_load(results: dict[str, Any]) -> str:
    """The load test's stamp and table, in Markdown.

    Args:
        results: One device's results.

    Returns:
        Markdown, the same for the same file.
    """
    stamp, config, memory = results["stamp"], results["config"], results["memory"]
    versions = ", ".join(
        f"{label} {version}"
        for label, version in {**stamp["versions"], **stamp["other_versions"]}.items()
    )
    lines = [
        f"Measured on {stamp['date']} on {stamp['hardware']} ({stamp['cpu_cores']} CPU cores), "
        f"with Python {stamp['python']}, {versions}. The server ran each runtime with "
        f"{config['threads']} intra-op thread(s); {config['clients']} client threads ran on "
        "the same machine. Load average (1, 5, 15 minutes) before the run: "
        f"{', '.join(map(str, stamp['load_before']))}; after it (including the run's own "
        f"work): {', '.join(map(str, stamp['load_after']))}. The run took "
        f"{stamp['seconds']:.0f} s.",
        "",
    ]
    if stamp["busy"]:
        lines += [
            '!!! warning "Measured on a busy machine"',
            f"    The 1-minute load average was {stamp['load_before'][0]} before the run "
            f"(more than {stamp['busy_load']}): other work shared the CPUs, and these figures "
            "include its interference. They show that the load test runs, not how fast "
            "the server is.",
            "",
        ]
    if stamp["config"] != "full":
        lines += [
            f'!!! warning "A {stamp["config"]} run"',
            "    These results come from a shortened run, not from `dlref serve-bench`.",
            "",
        ]
    lines += [
        f"{config['requests']} timed requests per backend (after {config['warmup']} untimed), "
        f"{config['rows']} row per request, from {config['clients']} concurrent clients:",
        "",
        "| Backend | p50 (ms) | p99 (ms) | Requests/s | Failed | Model p50 (ms) "
        "| Model's share of p50 | Server memory: start · middle · end (MiB) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in results["backends"]:
        rss = row["rss_mib"]
        lines.append(
            f"| `{row['backend']}` | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} "
            f"| {row['throughput_rps']:.0f} | {row['failures']} of {row['requests']} "
            f"| {row['model_p50_ms']:.3f} | {100 * row['model_p50_ms'] / row['p50_ms']:.0f} % "
            f"| {rss['start']:.0f} · {rss['middle']:.0f} · {rss['end']:.0f} |"
        )
    lines += [
        "",
        f"The server's resident memory went from {memory['start_mib']:.0f} MiB before the "
        f"first timed request to {memory['end_mib']:.0f} MiB after the last one: "
        f"{100 * memory['growth']:+.1f} %, against a limit of "
        f'{100 * memory["steady_growth"]:.0f} % for "steady".',
        "",
    ]
    return "\n".join(lines)


def render_refusals(results: dict[str, Any]) -> str:
    """The table of bad requests and the server's answers, in Markdown.

    Args:
        results: One device's results.

    Returns:
        Markdown, the same for the same file.
    """
    lines = ["| Request | Status | The server's answer |", "| --- | --- | --- |"]
    for record in results["refusals"]:
        message = json.dumps(record["response"]).replace("|", "\\|")
        lines.append(f"| {record['description']} | {record['status']} | `{message}` |")
    return "\n".join([*lines, ""])


def render_example(results: dict[str, Any]) -> str:
    """One recorded request and its reply, as JSON blocks.

    Args:
        results: One device's results.

    Returns:
        Markdown, the same for the same file.
    """
    example = results["example"]
    response = dict(example["response"])
    response["probabilities"] = [[round(p, 6) for p in row] for row in response["probabilities"]]
    return "\n".join(
        [
            f"Request to `{predict_path(BACKENDS[0])}`:",
            "",
            "```json",
            json.dumps(example["request"]),
            "```",
            "",
            f"Reply (status {example['status']}; probabilities rounded to six places here):",
            "",
            "```json",
            json.dumps(response),
            "```",
            "",
        ]
    )


def render_page(markdown: str, results: dict[str, Any]) -> str:
    """Replace the serving page's markers with the tables of a results file.

    Args:
        markdown: The page's source.
        results: The CPU results.

    Returns:
        The page with the tables in place.
    """
    renderers = (render_load, render_refusals, render_example)
    for marker, render in zip(MARKERS, renderers, strict=True):
        markdown = markdown.replace(marker, render(results))
    return markdown


def cpu_results_file() -> Path:
    """The CPU results file, ``docs/production/serving-cpu.json``."""
    return results_file(SERVING_RESULTS, "cpu")
