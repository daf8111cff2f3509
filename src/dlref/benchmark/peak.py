"""This machine's float32 matrix-multiply rate: the limit each step is compared with.

Square float32 matmuls of several sizes, in NumPy, PyTorch and TensorFlow, each
timed as the median of several calls after a warm-up call. The peak is the
highest rate of any of them: the best this machine was seen to do on the
operation a dense or convolution layer reduces to.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SIZES = (256, 512, 1024, 2048)


def _median_seconds(call: Callable[[], Any], calls: int) -> float:
    call()  # warm-up: allocation, kernel selection
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def _matmuls(a: np.ndarray, b: np.ndarray) -> dict[str, Callable[[], Any]]:
    import tensorflow as tf
    import torch

    from dlref.bridge.devices import tensorflow_device, torch_device

    device = torch_device()
    ta, tb = torch.from_numpy(a).to(device), torch.from_numpy(b).to(device)
    with tf.device(tensorflow_device()):
        fa, fb = tf.constant(a), tf.constant(b)
    return {
        "numpy": lambda: a @ b,
        "pytorch": lambda: (ta @ tb)[0, 0].item(),
        "tensorflow": lambda: tf.linalg.matmul(fa, fb)[0, 0].numpy(),
    }


def matmul_rates(sizes: tuple[int, ...] = SIZES, calls: int = 5) -> list[dict[str, Any]]:
    """Measure ``n x n`` float32 matmul rates in the three libraries.

    Each call's result is brought back to the host, so a GPU's queued work is
    inside the time (for NumPy that is where it already is).

    Args:
        sizes: Matrix sizes.
        calls: Timed calls per size and library; the median is kept.

    Returns:
        One row per library and size: ``library``, ``size``, ``seconds``, ``gflops``.
    """
    rows = []
    for size in sizes:
        rng = np.random.default_rng(size)
        a = rng.standard_normal((size, size), dtype=np.float32)
        b = rng.standard_normal((size, size), dtype=np.float32)
        for library, call in _matmuls(a, b).items():
            seconds = _median_seconds(call, calls)
            rows.append(
                {
                    "library": library,
                    "size": size,
                    "seconds": seconds,
                    "gflops": 2 * size**3 / seconds / 1e9,
                }
            )
    return rows


def peak_gflops(rows: list[dict[str, Any]]) -> float:
    """The highest rate among measured matmuls.

    Args:
        rows: What `matmul_rates` returned.

    Returns:
        GFLOP/s.
    """
    return max(row["gflops"] for row in rows)
