"""The digit classifier over HTTP: one ASGI app, four backends, strict request checks.

`create_app` builds a Starlette application around prediction functions;
`load_backends` makes those functions from the models of `dlref.deploy.digits`:
the PyTorch module and the Keras model run natively, and each one's ONNX
export runs in ONNX Runtime. `serve` binds a socket and runs the app under
uvicorn, which is what ``dlref serve`` does.

The routes:

- ``GET /health``: ``{"status": "ok", "backends": [...]}``.
- ``POST /v1/models/{backend}:predict`` with ``{"inputs": [[64 numbers], ...]}``:
  ``{"backend": ..., "probabilities": [[10 numbers], ...], "classes": [...]}``,
  with a ``Server-Timing: model;dur=<ms>`` header: the time spent in the model
  (in a worker thread, so the event loop keeps answering meanwhile; one call
  at a time per backend).

Every request the server refuses gets a 4xx status and a JSON body with one
``"error"`` message; an unexpected failure inside a backend gets a 500 with a
generic message (the traceback goes to the server's log, never to the client).
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The backends, in the order the server lists them: native runtimes, then ONNX Runtime.
BACKENDS = ("pytorch", "keras", "onnx-pytorch", "onnx-keras")
#: The largest request body read, in bytes; a longer one is refused before it is parsed.
MAX_BODY_BYTES = 256 * 1024
#: The most rows one request may hold.
MAX_ROWS = 64
PREDICT_PATH = "/v1/models/{backend}:predict"
HEALTH_PATH = "/health"
MODEL_FAILED = "the model failed on this request; the server logged the error"

#: A prediction function: float32 ``(n, INPUT_SIZE)`` rows in, ``(n, CLASSES)`` probabilities
#: out (the network ends in a softmax, so every runtime returns probabilities).
Predictor = Callable[[np.ndarray], np.ndarray]

_log = logging.getLogger(__name__)
_FLOAT32_MAX = float(np.finfo(np.float32).max)


class ServingError(RuntimeError):
    """The server cannot start (the port is taken, a backend is unknown)."""


class RequestError(Exception):
    """A request the server refuses, with its HTTP status and the message the client gets."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Limits:
    """What one request may hold.

    Attributes:
        input_size: Numbers per row.
        max_rows: Rows per request.
        max_body_bytes: Bytes of request body.
    """

    input_size: int
    max_rows: int = MAX_ROWS
    max_body_bytes: int = MAX_BODY_BYTES


def parse_inputs(body: bytes, limits: Limits) -> np.ndarray:
    """Check a request body and return its rows as one float32 array.

    Args:
        body: The raw request body.
        limits: The row length and the row count allowed.

    Returns:
        ``(n, limits.input_size)`` float32.

    Raises:
        RequestError: 400 when the body is not a JSON object, 422 when it is JSON
            but not ``{"inputs": rows}`` with rows of ``input_size`` finite numbers.
    """
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RequestError(400, f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise RequestError(400, "the body is nested too deeply to parse") from None
    except ValueError as error:  # NaN or Infinity, refused while parsing
        raise RequestError(422, str(error)) from None
    if not isinstance(document, dict) or "inputs" not in document:
        raise RequestError(422, 'the body must be a JSON object {"inputs": [[...], ...]}')
    extra = sorted(set(document) - {"inputs"})
    if extra:
        raise RequestError(422, f"unknown field(s) {extra}: the body holds only 'inputs'")
    rows = document["inputs"]
    size = limits.input_size
    if not isinstance(rows, list) or not rows:
        raise RequestError(422, f"'inputs' must be a non-empty list of rows of {size} numbers")
    if len(rows) > limits.max_rows:
        raise RequestError(
            422, f"'inputs' has {len(rows)} rows; at most {limits.max_rows} per request"
        )
    for index, row in enumerate(rows):
        if not isinstance(row, list):
            hint = " (wrap a single example in a list: [[...]])" if _is_number(row) else ""
            raise RequestError(
                422, f"inputs[{index}] is {_json_type(row)}, not a list of {size} numbers{hint}"
            )
        if len(row) != size:
            raise RequestError(422, f"inputs[{index}] has {len(row)} numbers; expected {size}")
        for column, value in enumerate(row):
            if not _is_number(value):
                raise RequestError(
                    422, f"inputs[{index}][{column}] is {_json_type(value)}; expected a number"
                )
            # Compared as Python numbers: a huge JSON integer must not reach NumPy.
            if not abs(value) <= _FLOAT32_MAX:
                raise RequestError(
                    422,
                    f"inputs[{index}][{column}] does not fit in float32 (larger than "
                    f"{_FLOAT32_MAX:.4g})",
                )
    return np.asarray(rows, dtype=np.float32)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number the model accepts: send finite numbers")


def _is_number(value: object) -> bool:
    # JSON true/false arrive as bool, a subclass of int: refuse them.
    return type(value) in (int, float)


def _json_type(value: object) -> str:
    names = {str: "a string", bool: "a boolean", dict: "an object", list: "a list"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def create_app(predictors: Mapping[str, Predictor], limits: Limits) -> Any:
    """Build the ASGI application.

    Args:
        predictors: Prediction functions by backend name.
        limits: What one request may hold.

    Returns:
        A Starlette application.
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    # One call at a time per backend: each runtime has one intra-op thread, and calls
    # let in together only queue inside it. Queued here, the wait counts in the
    # request's latency and not in the model's time.
    locks = {name: threading.Lock() for name in predictors}

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "backends": list(predictors)})

    async def predict(request: Request) -> JSONResponse:
        backend = request.path_params["backend"]
        try:
            if backend not in predictors:
                raise RequestError(
                    404, f"no backend {backend!r}; this server has: {', '.join(predictors)}"
                )
            content_type = request.headers.get("content-type", "").split(";")[0].strip()
            if content_type != "application/json":
                raise RequestError(
                    415, f"send Content-Type: application/json (got {content_type or 'none'!r})"
                )
            inputs = parse_inputs(await _read_body(request, limits.max_body_bytes), limits)
        except RequestError as refused:
            return error(refused.status, refused.message)
        except ClientDisconnect:
            return error(400, "the client closed the connection before sending the whole body")
        try:
            probabilities, model_seconds = await run_in_threadpool(
                _timed, predictors[backend], locks[backend], inputs
            )
        except Exception:
            # Answered here, not by Starlette's error middleware, which would re-raise
            # and make uvicorn close a keep-alive connection the client still uses.
            _log.exception("%s %s failed", request.method, request.url.path)
            return error(500, MODEL_FAILED)
        return JSONResponse(
            {
                "backend": backend,
                "probabilities": probabilities.tolist(),
                "classes": probabilities.argmax(axis=1).tolist(),
            },
            # The model's share of the request (W3C Server Timing), read by the load test.
            headers={"Server-Timing": f"model;dur={1e3 * model_seconds:.3f}"},
        )

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return error(exc.status_code, f"{exc.detail}: the routes are {_routes()}")

    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        _log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error(500, "the server failed on this request and logged the error")

    return Starlette(
        routes=[
            Route(HEALTH_PATH, health, methods=["GET"]),
            Route(PREDICT_PATH, predict, methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )


def _timed(
    predictor: Predictor, lock: threading.Lock, inputs: np.ndarray
) -> tuple[np.ndarray, float]:
    # Timed inside the worker thread and the lock: waiting is not the model's time.
    with lock:
        started = time.perf_counter()
        probabilities = predictor(inputs)
        return probabilities, time.perf_counter() - started


def _routes() -> str:
    return f"GET {HEALTH_PATH} and POST {PREDICT_PATH}"


async def _read_body(request: Any, max_bytes: int) -> bytes:
    """Read the body, refusing it as soon as it is longer than ``max_bytes``."""
    too_long = RequestError(413, f"the body is longer than the limit of {max_bytes} bytes")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_long
    chunks: list[bytes] = []
    length = 0
    async for chunk in request.stream():
        length += len(chunk)
        if length > max_bytes:
            raise too_long
        chunks.append(chunk)
    return b"".join(chunks)


def load_backends(names: Sequence[str] = BACKENDS, threads: int = 1) -> dict[str, Predictor]:
    """Load the digit classifier in each backend and warm each one up.

    Args:
        names: Backends from `BACKENDS`.
        threads: Intra-op threads of each runtime.

    Returns:
        A prediction function per backend, in the order given.

    Raises:
        ServingError: A name is not in `BACKENDS`.
    """
    unknown = [name for name in names if name not in BACKENDS]
    if unknown:
        raise ServingError(f"unknown backend {unknown[0]!r}; choose from {', '.join(BACKENDS)}")
    from dlref.deploy import digits

    makers: dict[str, Callable[[], Predictor]] = {
        "pytorch": lambda: _pytorch(digits.load_pytorch()),
        "keras": lambda: _keras(digits.load_keras(), digits.INPUT_SIZE),
        "onnx-pytorch": lambda: _onnx(digits.onnx_path("pytorch"), threads),
        "onnx-keras": lambda: _onnx(digits.onnx_path("keras"), threads),
    }
    _set_threads(names, threads)
    predictors = {name: makers[name]() for name in names}
    # Zeros, not the sample images: those need scikit-learn, which serving does not.
    warmup = np.zeros((1, digits.INPUT_SIZE), dtype=np.float32)
    for predictor in predictors.values():
        predictor(warmup)
    return predictors


def _set_threads(names: Sequence[str], threads: int) -> None:
    if "pytorch" in names:
        import torch

        torch.set_num_threads(threads)
    if "keras" in names:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def _pytorch(model: Any) -> Predictor:
    import torch

    model.eval()

    def predict(inputs: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return model(torch.from_numpy(inputs)).numpy()

    return predict


def _keras(model: Any, input_size: int) -> Predictor:
    import tensorflow as tf

    # One traced graph for any batch size, as a SavedModel signature would be: calling
    # the Keras model eagerly runs its layers' Python on every request.
    graph = tf.function(
        lambda inputs: model(inputs, training=False),
        input_signature=[tf.TensorSpec((None, input_size), tf.float32)],
    )

    def predict(inputs: np.ndarray) -> np.ndarray:
        return graph(inputs).numpy()

    return predict


def _onnx(path: Any, threads: int) -> Predictor:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def predict(inputs: np.ndarray) -> np.ndarray:
        return session.run(None, {name: inputs})[0]

    return predict


def bind(host: str, port: int) -> socket.socket:
    """Open the listening socket, with one clear error when the port is taken.

    The socket listens at once: a client that connects before uvicorn starts
    waits in the queue instead of being refused.

    Args:
        host: The address, e.g. ``127.0.0.1``.
        port: The port; 0 lets the system choose a free one.

    Returns:
        The bound socket.

    Raises:
        ServingError: The address is in use or cannot be bound.
    """
    # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets that say
    # they are TCP, and without it a keep-alive reply waits about 40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    # Rebinding a port that a stopped server left in TIME_WAIT is allowed; a live one is not.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ServingError(
                f"port {port} on {host} is already in use: stop what uses it or pass --port"
            ) from None
        raise ServingError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(socket.SOMAXCONN)
    return sock


def serve(
    predictors: Mapping[str, Predictor],
    sock: socket.socket,
    limits: Limits,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the app under uvicorn on a bound socket until interrupted.

    Args:
        predictors: Prediction functions by backend name.
        sock: What `bind` returned.
        limits: What one request may hold.
        announce: Called with the server's address once it listens.
    """
    import uvicorn

    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        create_app(predictors, limits), log_level="warning", access_log=False, lifespan="off"
    )
    announce(f"serving {', '.join(predictors)} on http://{host}:{port}")
    uvicorn.Server(config).run(sockets=[sock])
