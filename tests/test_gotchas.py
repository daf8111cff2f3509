"""The gotcha pairs show real differences between the frameworks, and their fixes work.

Parity tests check that the fixed values agree; these check the other half of each
example: that the difference a page warns about is still there. If a framework release
changed a default so that the difference disappeared, the page would be wrong and the
matching test here fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlref.examples.discovery import find_example
from dlref.examples.parity import to_numpy

pytestmark = pytest.mark.xdist_group("topic-architectures")


def _runs(snippet_runs, key: str) -> tuple[dict, dict]:
    """The namespaces the PyTorch and TensorFlow scripts of one example leave behind."""
    pair = find_example(key)
    pytorch, tensorflow = (
        snippet_runs.get(pair.sides[framework]).namespace for framework in ("pytorch", "tensorflow")
    )
    return pytorch, tensorflow


def _max_diff(left, right) -> float:
    first, second = to_numpy(left), to_numpy(right)
    assert first.shape == second.shape
    return float(np.max(np.abs(first.astype(np.float64) - second)))


def test_layout_torch_rejects_nhwc_and_the_permuted_batch_matches_keras(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_layout")
    # The same NHWC batch: Keras convolves it, PyTorch reads its 7 rows as channels.
    assert pytorch["images"].shape == tensorflow["images"].shape == (2, 7, 7, 3)
    assert pytorch["nhwc_error"].startswith("RuntimeError: ")
    assert "to have 3 channels, but got 7 channels instead" in pytorch["nhwc_error"]
    assert tuple(pytorch["y"].shape) == (2, 4, 5, 5)  # PyTorch's own output is NCHW
    assert tuple(tensorflow["output"].shape) == (2, 5, 5, 4)
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5


def test_padding_same_is_asymmetric_and_explicit_padding_matches_torch(snippet_runs):
    import torch
    import torch.nn.functional as F

    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_padding")
    assert to_numpy(tensorflow["output_same"]).shape == to_numpy(pytorch["output"]).shape
    assert _max_diff(pytorch["output"], tensorflow["output_same"]) > 1e-3
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5

    # What the comment says "same" does here: no padding at the top and left, one row
    # and one column at the bottom and right.
    conv = pytorch["conv"]
    x = torch.from_numpy(pytorch["images"]).permute(0, 3, 1, 2)
    with torch.no_grad():
        bottom_right = F.conv2d(F.pad(x, (0, 1, 0, 1)), conv.weight, conv.bias, stride=2)
    assert _max_diff(bottom_right.permute(0, 2, 3, 1), tensorflow["output_same"]) < 1e-5


def test_batchnorm_momentum_conventions_differ_until_keras_uses_0_9(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_batchnorm")
    images = pytorch["images"].astype(np.float64)
    assert np.array_equal(images, tensorflow["images"])
    batch_mean = images.mean(axis=(0, 1, 2))
    initial_mean = pytorch["initial_mean"]
    assert np.array_equal(initial_mean, tensorflow["initial_mean"])

    def fraction_moved(running_mean):
        return (to_numpy(running_mean) - initial_mean) / (batch_mean - initial_mean)

    # One step moves PyTorch's running mean 10% of the way, Keras's default 1%.
    np.testing.assert_allclose(fraction_moved(pytorch["running_mean_default"]), 0.1, rtol=1e-4)
    np.testing.assert_allclose(fraction_moved(tensorflow["running_mean_default"]), 0.01, rtol=1e-4)
    assert _max_diff(pytorch["running_mean_default"], tensorflow["running_mean_default"]) > 0.1

    # With momentum=0.9 and epsilon=1e-5 the two agree.
    assert _max_diff(pytorch["running_mean"], tensorflow["running_mean"]) < 1e-5
    assert _max_diff(pytorch["inference_output"], tensorflow["inference_output"]) < 1e-4

    # Left over: PyTorch updates the running variance with the unbiased batch variance,
    # Keras with the biased one (the two differ by ~6e-6 here, float32 noise ~1e-7).
    n = images.shape[0] * images.shape[1] * images.shape[2]
    biased = images.var(axis=(0, 1, 2))
    initial_var = pytorch["initial_var"]
    np.testing.assert_allclose(
        to_numpy(pytorch["running_var"]), 0.9 * initial_var + 0.1 * biased * n / (n - 1), atol=1e-6
    )
    np.testing.assert_allclose(
        to_numpy(tensorflow["running_var"]), 0.9 * initial_var + 0.1 * biased, atol=1e-6
    )


def test_dropout_torch_default_call_trains_keras_default_call_infers(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_dropout")
    assert pytorch["default_call_is_deterministic"] is False
    assert tensorflow["default_call_is_deterministic"] is True
    # Both dropped units in training, and agree once both are in inference mode.
    assert (to_numpy(pytorch["first"]) == 0).any()
    assert (tensorflow["training_output"] == 0).any()
    assert _max_diff(pytorch["inference_output"], tensorflow["inference_output"]) < 1e-5


def test_flatten_orders_differ_and_the_permuted_order_matches_keras(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_flatten")
    torch_flat, keras_flat = to_numpy(pytorch["flattened"]), to_numpy(tensorflow["flattened"])
    assert torch_flat.shape == keras_flat.shape == (1, 12)
    assert not np.array_equal(torch_flat, keras_flat)
    assert sorted(torch_flat[0]) == sorted(keras_flat[0])  # same values, other order
    assert np.array_equal(to_numpy(pytorch["flattened_hwc"]), keras_flat)
    # The same Dense weights give another result after PyTorch's own flatten.
    assert _max_diff(pytorch["output_chw"], tensorflow["output"]) > 1e-2
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-4


def test_default_bias_init_differs(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "training/defaults")
    assert (to_numpy(pytorch["linear"].bias) != 0).any()
    assert (to_numpy(tensorflow["dense"].bias) == 0).all()
