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

# Each test joins the xdist group of the topic whose runs it reads, so every
# script runs once per session, on the worker that already ran its topic.
ARCHITECTURES = pytest.mark.xdist_group("topic-architectures")


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


@ARCHITECTURES
def test_layout_torch_rejects_nhwc_and_the_permuted_batch_matches_keras(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_layout")
    # The same NHWC batch: Keras convolves it, PyTorch reads its 7 rows as channels.
    assert pytorch["images"].shape == tensorflow["images"].shape == (2, 7, 7, 3)
    assert pytorch["nhwc_error"].startswith("RuntimeError: ")
    assert "to have 3 channels, but got 7 channels instead" in pytorch["nhwc_error"]
    assert tuple(pytorch["y"].shape) == (2, 4, 5, 5)  # PyTorch's own output is NCHW
    assert tuple(tensorflow["output"].shape) == (2, 5, 5, 4)
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5


@ARCHITECTURES
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


@ARCHITECTURES
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


@ARCHITECTURES
def test_dropout_torch_default_call_trains_keras_default_call_infers(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "architectures/gotcha_dropout")
    assert pytorch["default_call_is_deterministic"] is False
    assert tensorflow["default_call_is_deterministic"] is True
    # Both dropped units in training, and agree once both are in inference mode.
    assert (to_numpy(pytorch["first"]) == 0).any()
    assert (tensorflow["training_output"] == 0).any()
    assert _max_diff(pytorch["inference_output"], tensorflow["inference_output"]) < 1e-5


@ARCHITECTURES
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


@ARCHITECTURES
def test_default_bias_init_differs(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "training/defaults")
    assert (to_numpy(pytorch["linear"].bias) != 0).any()
    assert (to_numpy(tensorflow["dense"].bias) == 0).all()


# --- sequences: recurrent layers, padding, attention -------------------------------


@pytest.mark.xdist_group("topic-recurrent")
def test_gru_gate_order_differs_and_reordering_matches(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "recurrent/gotcha_gate_order")
    assert _max_diff(pytorch["output"], tensorflow["output_torch_order"]) > 0.1
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5


@pytest.mark.xdist_group("topic-recurrent")
def test_lstm_gates_share_an_order_but_pytorch_keeps_two_biases(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "recurrent/lstm")
    units, directions = pytorch["UNITS"], 2
    # 4 gates x units extra per direction: PyTorch's b_hh beside b_ih.
    extra = pytorch["parameter_count"] - tensorflow["parameter_count"]
    assert extra == 4 * units * directions
    # Same gate order: the transfer's LSTM conversion reorders nothing (see test_transfer).
    from dlref.bridge.transfer import _GATE_ORDER

    assert _GATE_ORDER["LSTM"] == (0, 1, 2, 3) and _GATE_ORDER["GRU"] == (1, 0, 2)


@pytest.mark.xdist_group("topic-recurrent")
def test_gru_reset_after_false_differs_for_more_than_one_unit(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "recurrent/gotcha_reset_after")
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5
    before = to_numpy(tensorflow["output_before"])
    # The first step starts from h = 0, where the reset gate has nothing to act on.
    assert _max_diff(to_numpy(pytorch["output"])[:, :1], before[:, :1]) < 1e-5
    assert _max_diff(pytorch["output"], before) > 1e-3
    # With one unit, r * (u h) equals (r h) * u: the two conventions coincide.
    assert _max_diff(pytorch["output_one_unit"], tensorflow["output_one_unit"]) < 1e-5


def test_gru_reset_after_false_cannot_be_matched_by_any_pytorch_gru():
    """The candidate of unit j depends on the reset gate of unit i != j only in Keras.

    PyTorch's candidate is n_j = tanh(a_j + r_j * (W_hn h + b_hn)_j): raising the reset
    gate of unit 0 (through its input bias) changes n_0 and nothing else, whatever the
    weights. Keras's reset_after=False candidate is tanh(a + (r * h) U): unit 1 changes too.
    """
    import keras

    def one_step(reset_bias_0):
        cell = keras.layers.GRUCell(2, reset_after=False)
        cell.build((None, 1))
        kernel = np.zeros((1, 6), np.float32)
        recurrent = np.zeros((2, 6), np.float32)
        recurrent[:, 4:] = [[0.0, 1.0], [1.0, 0.0]]  # candidate: h swapped between units
        bias = np.array([-30, -30, reset_bias_0, 0, 0, 0], np.float32)  # z = 0: output = hh
        cell.set_weights([kernel, recurrent, bias])
        h = np.array([[1.0, 1.0]], np.float32)
        return np.asarray(cell(np.zeros((1, 1), np.float32), [h])[0])[0]

    closed, open_ = one_step(-30.0), one_step(30.0)  # reset gate of unit 0: 0, then 1
    assert abs(open_[1] - closed[1]) > 0.5  # unit 1's candidate follows unit 0's gate
    assert abs(open_[0] - closed[0]) < 1e-6

    torch = pytest.importorskip("torch")
    gru = torch.nn.GRUCell(1, 2)
    with torch.no_grad():
        gru.weight_ih.zero_()
        gru.weight_hh.normal_()
        gru.bias_hh.normal_()
        gru.bias_ih.zero_()
        h = torch.ones(1, 2)
        gru.bias_ih[0] = -30.0  # reset gate of unit 0 closed
        closed_t = gru(torch.zeros(1, 1), h)[0]
        gru.bias_ih[0] = 30.0  # open
        open_t = gru(torch.zeros(1, 1), h)[0]
    assert abs(float(open_t[1] - closed_t[1])) < 1e-6  # unit 1 never sees unit 0's gate


@pytest.mark.xdist_group("topic-recurrent")
def test_batch_first_false_reads_the_batch_as_time_without_error(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "recurrent/gotcha_batch_first")
    default = to_numpy(pytorch["output_default"])
    assert default.shape == to_numpy(pytorch["output"]).shape  # (4, 5, 2) both: no error
    assert _max_diff(default, pytorch["output"]) > 1e-2
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5


@pytest.mark.xdist_group("topic-text")
def test_keras_pads_at_the_front_by_default_and_pytorch_at_the_end(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "text/vocabulary")
    front = to_numpy(tensorflow["padded_default"])
    assert (front[1, :3] == 0).all() and (to_numpy(pytorch["padded"])[1, 3:] == 0).all()
    assert np.array_equal(to_numpy(pytorch["padded"]), to_numpy(tensorflow["padded"]))
    # padding_idx keeps row 0 at zero; mask_zero leaves it an ordinary row.
    assert not to_numpy(pytorch["embedding"].weight[0]).any()
    assert to_numpy(tensorflow["embedding"].embeddings)[0].any()


@pytest.mark.xdist_group("topic-text")
def test_packing_and_masking_agree_on_final_states_not_on_padded_outputs(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "text/gotcha_packing")
    # Without packing or a mask, the padding changes the short sequence's final state.
    assert _max_diff(pytorch["final_state"], pytorch["final_state_unmasked"]) > 1e-2
    assert _max_diff(pytorch["final_state"], tensorflow["final_state"]) < 1e-5
    # At padded steps PyTorch's unpacked output is zero, Keras repeats the last state.
    torch_padded = to_numpy(pytorch["sequence"])[1, 2:]
    keras_padded = to_numpy(tensorflow["sequence"])[1, 2:]
    assert not torch_padded.any()
    np.testing.assert_allclose(keras_padded, np.broadcast_to(keras_padded[0], (2, 2)))
    assert _max_diff(keras_padded[0], to_numpy(tensorflow["final_state"])[1]) < 1e-6


@pytest.mark.xdist_group("topic-attention")
def test_attention_mask_polarity_differs(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "attention/gotcha_mask")
    keep = to_numpy(pytorch["keep"])
    assert np.array_equal(keep, to_numpy(tensorflow["keep"]))
    # nn.MultiheadAttention's key_padding_mask: True = ignore. Given keep, it attends
    # only to the padding; Keras's attention_mask: True = attend.
    wrong = to_numpy(pytorch["weights_wrong"])[0]
    assert np.allclose(wrong[:, ~keep[0]].sum(axis=1), 1.0)
    assert np.allclose(to_numpy(tensorflow["weights"])[0][:, ~keep[0]], 0.0)
    assert _max_diff(pytorch["weights"], tensorflow["weights"]) < 1e-6


@pytest.mark.xdist_group("topic-attention")
def test_layer_norm_epsilon_defaults_differ(snippet_runs):
    pytorch, tensorflow = _runs(snippet_runs, "attention/gotcha_layernorm")
    assert pytorch["norm"].eps == 1e-5 and tensorflow["norm_default"].epsilon == 1e-3
    assert _max_diff(pytorch["output"], tensorflow["output_default"]) > 0.5
    assert _max_diff(pytorch["output"], tensorflow["output"]) < 1e-5
