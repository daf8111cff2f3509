"""Inference latency: one forward call at a time, in each framework and in ONNX Runtime.

Every call is timed on its own, from an input already on the device to the
output on the host (the NumPy array a caller would use), so the median and
the 90th percentile are of single calls. ONNX Runtime runs the model exported
from each framework: PyTorch's with ``torch.onnx.export`` (the torch.export
route), Keras's with ``tf2onnx.convert.from_keras``, as on the deployment page.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dlref.benchmark.workloads import Workload, build_keras, build_torch, to_channels_first

INFERENCE_BATCHES = (1, 64)
SEED = 0


def _latencies(call: Callable[[], Any], warmup: int, calls: int) -> dict[str, Any]:
    first = time.perf_counter()
    call()
    first_seconds = time.perf_counter() - first
    for _ in range(warmup - 1):
        call()
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return {
        "first_call_seconds": first_seconds,
        "calls": calls,
        "median": statistics.median(seconds),
        "p90": statistics.quantiles(seconds, n=10, method="inclusive")[8],
    }


def _onnx_session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _export_torch(model: Any, workload: Workload, path: Path) -> None:
    import torch

    example = torch.zeros(2, *to_channels_first(np.zeros((1, *workload.input_shape))).shape[1:])
    # The exporter logs that torchvision's operators are not registered (they are not
    # used here) and triggers a deprecation warning inside torch: neither is about this model.
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        program = torch.onnx.export(
            model.cpu(),
            (example,),
            input_names=["x"],
            output_names=["logits"],
            dynamic_shapes=({0: torch.export.Dim("batch")},),
            dynamo=True,
            verbose=False,
        )
    program.save(str(path))


def _export_keras(model: Any, workload: Workload, path: Path) -> None:
    import onnx
    import tensorflow as tf
    import tf2onnx

    signature = [tf.TensorSpec((None, *workload.input_shape), tf.float32, name="x")]
    onnx_model, _ = tf2onnx.convert.from_keras(model, input_signature=signature, opset=18)
    onnx.save(onnx_model, str(path))


def _inference_calls(
    x: np.ndarray,
    torch_model: Any,
    compiled: Any,
    keras_model: Any,
    keras_function: Any,
    sessions: tuple[Any, Any],
) -> dict[str, Callable[[], Any]]:
    import tensorflow as tf
    import torch

    from dlref.bridge.devices import tensorflow_device, torch_device

    x_first = to_channels_first(x)
    torch_x = torch.from_numpy(x_first).to(torch_device())
    with tf.device(tensorflow_device()):
        tf_x = tf.constant(x)

    def torch_call(model: Any) -> Any:
        with torch.no_grad():
            return model(torch_x).cpu().numpy()

    torch_session, keras_session = sessions
    return {
        "pytorch-eager": lambda: torch_call(torch_model),
        "pytorch-compile": lambda: torch_call(compiled),
        "tensorflow-eager": lambda: keras_model(tf_x, training=False).numpy(),
        "tf-function": lambda: keras_function(tf_x).numpy(),
        "onnx-from-pytorch": lambda: torch_session.run(None, {"x": x_first})[0],
        "onnx-from-tensorflow": lambda: keras_session.run(None, {"x": x})[0],
    }


def measure_inference(
    workload: Workload, threads: int, calls: int, warmup: int = 3
) -> list[dict[str, Any]]:
    """Time single forward calls of one workload in every inference mode.

    Args:
        workload: The model (built without its example counter).
        threads: Intra-op threads for ONNX Runtime (the frameworks' are set by the run).
        calls: Timed calls per mode and batch size.
        warmup: Untimed calls first; the first call's time is kept on its own.

    Returns:
        One row per mode and batch size: ``mode``, ``batch_size`` and the latencies.
    """
    import keras
    import tensorflow as tf
    import torch

    from dlref.bridge.devices import tensorflow_device, torch_device

    device = torch_device()
    torch.manual_seed(SEED)
    torch_model = build_torch(workload, count_examples=False).to(device).eval()
    keras.utils.set_random_seed(SEED)
    with tf.device(tensorflow_device()):
        keras_model = build_keras(workload, count_examples=False)
    compiled = torch.compile(torch_model)

    @tf.function
    def keras_function(x: Any) -> Any:
        return keras_model(x, training=False)

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        torch_onnx, keras_onnx = Path(folder, "torch.onnx"), Path(folder, "keras.onnx")
        exports = {}
        for name, export, model, path in (
            ("pytorch", _export_torch, torch_model, torch_onnx),
            ("tensorflow", _export_keras, keras_model, keras_onnx),
        ):
            start = time.perf_counter()
            export(model, workload, path)
            exports[name] = time.perf_counter() - start
        torch_model.to(device)
        sessions = (_onnx_session(torch_onnx, threads), _onnx_session(keras_onnx, threads))
        for batch_size in INFERENCE_BATCHES:
            rng = np.random.default_rng(batch_size)
            x = rng.standard_normal((batch_size, *workload.input_shape), dtype=np.float32)
            calls_by_mode = _inference_calls(
                x, torch_model, compiled, keras_model, keras_function, sessions
            )
            for mode, call in calls_by_mode.items():
                rows.append(
                    {"mode": mode, "batch_size": batch_size, **_latencies(call, warmup, calls)}
                )
    for row in rows:
        if row["mode"].startswith("onnx-from-"):
            row["export_seconds"] = exports[row["mode"].removeprefix("onnx-from-")]
    return rows
