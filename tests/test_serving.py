"""The digit server over real HTTP: health, four agreeing backends, refusals, a bounded load."""

from __future__ import annotations

import copy
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from dlref import cli
from dlref.benchmark import run as bench_run
from dlref.benchmark.results import PerformanceError, stale_versions
from dlref.deploy import digits
from dlref.deploy.load import (
    EXAMPLE_MARKER,
    FULL,
    LOAD_MARKER,
    MODEL_SHARE,
    QUICK,
    REFUSALS_MARKER,
    LoadConfig,
    RunningServer,
    cpu_results_file,
    disagreements,
    load_backend,
    load_results,
    predict,
    probe_refusals,
    refusal_problems,
    render_load,
    render_page,
    request,
    result_problems,
    run_load,
)
from dlref.deploy.server import BACKENDS, HEALTH_PATH, Limits, bind, create_app
from dlref.paths import CPU_LOCK, DOCS_DIR

# One worker runs this module, so the server starts once (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("serving")

PAGE = DOCS_DIR / "production" / "serving.md"
#: float32 probabilities from four runtimes of the same weights: the model's own tolerance.
AGREEMENT_ATOL = digits.ATOL


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    """``dlref serve`` with all four backends, in its own process, once for this module."""
    from dlref.deploy.load import running_server

    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return load_results(cpu_results_file())


@contextmanager
def serving_in_thread(app: Any) -> Iterator[RunningServer]:
    """Another app under uvicorn in a thread: for faults planted in a server."""
    import uvicorn

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    host, port = sock.getsockname()
    try:
        yield RunningServer(f"http://{host}:{port}", host, port, os.getpid())
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _numpy_classifier(inputs: np.ndarray) -> np.ndarray:
    weights = np.random.default_rng(0).normal(size=(digits.INPUT_SIZE, digits.CLASSES))
    logits = inputs @ weights
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)


# --- the real server -------------------------------------------------------------------


def test_health(server):
    reply = request(server, "GET", HEALTH_PATH)
    assert reply.status == 200
    assert reply.body == {"status": "ok", "backends": list(BACKENDS)}


def test_the_four_backends_agree_on_the_sample_inputs(server):
    inputs = digits.sample_inputs()
    replies = {backend: predict(server, backend, inputs.tolist()) for backend in BACKENDS}
    for reply in replies.values():
        assert reply.status == 200, reply.body
        probabilities = np.asarray(reply.body["probabilities"])
        assert probabilities.shape == (len(inputs), digits.CLASSES)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
        assert reply.body["classes"] == probabilities.argmax(axis=1).tolist()
        assert reply.headers["server-timing"].startswith("model;dur=")
    probabilities = {backend: reply.body["probabilities"] for backend, reply in replies.items()}
    assert disagreements(probabilities, AGREEMENT_ATOL) == []
    classes = {backend: reply.body["classes"] for backend, reply in replies.items()}
    assert len({tuple(value) for value in classes.values()}) == 1, classes


def test_a_backend_that_disagrees_is_named():
    inputs = digits.sample_inputs()
    good = _numpy_classifier(inputs)
    off = good.copy()
    off[0, 0] += 2 * AGREEMENT_ATOL
    problems = disagreements({"pytorch": good, "keras": good, "onnx-keras": off}, AGREEMENT_ATOL)
    assert len(problems) == 1 and problems[0].startswith("onnx-keras differs from pytorch")
    assert disagreements({"pytorch": good, "keras": good[:1]}, AGREEMENT_ATOL)


def test_every_bad_request_is_refused_with_one_message_and_the_server_keeps_serving(
    server, committed
):
    records = probe_refusals(server, digits.INPUT_SIZE)
    assert refusal_problems(records) == []
    assert {record["status"] for record in records} <= set(range(400, 500))
    # The page's table is the record of these same answers.
    assert records == committed["refusals"], "the server's answers changed: run `dlref serve-bench`"
    assert request(server, "GET", HEALTH_PATH).status == 200
    assert predict(server, "keras", digits.sample_inputs()[:2].tolist()).status == 200


def test_a_server_that_accepts_everything_fails_the_refusal_check():
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    async def anything(request):
        if request.method == "GET":
            return PlainTextResponse("Not Found", status_code=404)
        return JSONResponse({"classes": [0]})

    app = Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST"])])
    with serving_in_thread(app) as lax:
        problems = refusal_problems(probe_refusals(lax, digits.INPUT_SIZE))
    assert any(problem.startswith("non-JSON: status 200, expected 400") for problem in problems)
    assert any("unknown route: the body is not one error message" in p for p in problems)


def test_a_backend_that_raises_gets_a_500_without_a_traceback_and_the_server_keeps_serving():
    def broken(inputs: np.ndarray) -> np.ndarray:
        raise RuntimeError("a secret detail of the failure")

    app = create_app({"pytorch": broken, "keras": _numpy_classifier}, Limits(digits.INPUT_SIZE))
    row = digits.sample_inputs()[:1].tolist()
    with serving_in_thread(app) as flaky:
        failed = predict(flaky, "pytorch", row)
        assert failed.status == 500
        assert list(failed.body) == ["error"] and "secret" not in failed.body["error"]
        assert predict(flaky, "keras", row).status == 200


def test_a_short_bounded_load_run(server):
    results = run_load(QUICK, bench_run.machine_load(), busy=True, server=server)
    assert result_problems(results) == []
    rows = results["backends"]
    assert [row["backend"] for row in rows] == list(BACKENDS)
    for row in rows:
        assert row["requests"] == QUICK.requests and row["failures"] == 0
        assert 0 < row["p50_ms"] <= row["p99_ms"]
        assert row["throughput_rps"] > 0 and row["model_p50_ms"] > 0
        assert set(row["rss_mib"]) == {"start", "middle", "end"}
    page = render_load(results)
    assert 'A quick run"' in page and "Measured on a busy machine" in page


def test_failed_requests_are_counted_and_fail_the_run():
    calls = [0]

    def every_third_fails(inputs: np.ndarray) -> np.ndarray:
        calls[0] += 1
        if calls[0] % 3 == 0:
            raise RuntimeError("planted")
        return _numpy_classifier(inputs)

    app = create_app({backend: every_third_fails for backend in BACKENDS}, Limits(64))
    config = LoadConfig(name="quick", clients=2, requests=12, warmup=0)
    with serving_in_thread(app) as flaky:
        row = load_backend(flaky, "pytorch", digits.sample_inputs().tolist(), config)
    assert row["requests"] == 12 and row["failures"] == 4
    assert row["failure_examples"][0].startswith("status 500")


# --- the committed results and the page ------------------------------------------------


def test_the_committed_results_are_a_full_run_with_the_locked_versions(committed):
    assert committed["stamp"]["config"] == "full"
    assert {key: committed["config"][key] for key in ("clients", "requests", "warmup")} == {
        "clients": FULL.clients,
        "requests": FULL.requests,
        "warmup": FULL.warmup,
    }
    assert stale_versions(committed, CPU_LOCK) == [], "run `dlref serve-bench`"


def test_the_page_claims_hold_for_the_committed_results(committed):
    assert result_problems(committed) == []


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda r: r["backends"][1].update(failures=1), "keras: 1 request(s) failed"),
        (lambda r: r["memory"].update(growth=0.2), "memory grew by 20.0 %"),
        (lambda r: r["refusals"][0].update(status=500), "non-JSON: status 500, expected 400"),
        (lambda r: r["refusals"][2].update(health_after=503), "/health answered 503 after it"),
        (lambda r: r["backends"].pop(), "the backends loaded were"),
        (
            lambda r: r["backends"][0].update(model_p50_ms=r["backends"][0]["p50_ms"]),
            "the model takes",
        ),
    ],
)
def test_results_that_contradict_the_page_are_reported(committed, damage, problem):
    broken = copy.deepcopy(committed)
    damage(broken)
    assert any(problem in message for message in result_problems(broken))


def test_the_page_example_is_what_the_server_answers_now(server, committed):
    example = committed["example"]
    reply = predict(server, BACKENDS[0], example["request"]["inputs"])
    assert reply.status == example["status"] == 200
    assert reply.body["classes"] == example["response"]["classes"]
    np.testing.assert_allclose(
        reply.body["probabilities"], example["response"]["probabilities"], atol=AGREEMENT_ATOL
    )


def test_the_page_renders_every_table_from_the_results(committed):
    markdown = PAGE.read_text(encoding="utf-8")
    for marker in (LOAD_MARKER, REFUSALS_MARKER, EXAMPLE_MARKER):
        assert markdown.count(marker) == 1, marker
    # The tolerance and the share the prose states are the ones the checks use.
    assert AGREEMENT_ATOL == 1e-5 and "agree within 10<sup>-5</sup>" in markdown
    assert MODEL_SHARE == 0.5 and "is less than\nhalf of each request's median latency" in markdown
    page = render_page(markdown, committed)
    assert "<!-- dlref:serving" not in page
    for row in committed["backends"]:
        assert f"| `{row['backend']}` | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} |" in page
    for record in committed["refusals"]:
        assert f"| {record['description']} | {record['status']} |" in page


def test_missing_results_are_one_clear_error(tmp_path):
    with pytest.raises(PerformanceError, match="dlref serve-bench"):
        load_results(tmp_path / "serving-cpu.json")


# --- the command line ------------------------------------------------------------------


def test_serve_on_a_port_in_use_is_one_clear_error(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = cli.main(["serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert status == cli.USAGE_ERROR
    assert err == f"dlref: error: port {port} on 127.0.0.1 is already in use: " + (
        "stop what uses it or pass --port\n"
    )


def test_serve_on_a_port_that_is_no_port_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", "--port", "70000"])
    assert exit_.value.code == cli.USAGE_ERROR
    assert "'70000' is not a port (0 to 65535)" in capsys.readouterr().err


def test_serve_bench_refuses_a_busy_machine(monkeypatch, capsys):
    monkeypatch.setattr(bench_run, "machine_load", lambda: [bench_run.BUSY_LOAD + 1, 0.0, 0.0])
    assert cli.main(["serve-bench"]) == cli.USAGE_ERROR
    assert "--allow-busy" in capsys.readouterr().err
