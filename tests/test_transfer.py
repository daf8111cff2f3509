"""The weight-transfer engine: property tests per layer type, and the faults it must name."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from dlref.bridge.model_diff import compare_models
from dlref.bridge.transfer import (
    TransferError,
    keras_to_torch,
    links_by_name,
    torch_to_keras,
)

PROPERTY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Stack(nn.Module):
    """A PyTorch model from named children, applied in order."""

    def __init__(self, **layers: nn.Module):
        super().__init__()
        for name, layer in layers.items():
            self.add_module(name, layer)

    def forward(self, x):
        for layer in self.children():
            x = layer(x)
        return x


def _keras(input_shape, *layers) -> keras.Model:
    inputs = keras.Input(input_shape)
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)


def _check_round_trip(torch_model, keras_model, inputs, flatten_from=None):
    """Copy PyTorch -> Keras, compare every layer, copy back, and require identical weights."""
    links = links_by_name(torch_model, keras_model, flatten_from)
    torch_to_keras(torch_model, keras_model, links)
    report = compare_models(torch_model, keras_model, links, inputs)
    assert report.first_divergence() is None, report.table()
    assert report.output_abs < 1e-4
    before = {k: v.clone() for k, v in torch_model.state_dict().items()}
    for parameter in torch_model.parameters():
        parameter.data.zero_()
    keras_to_torch(keras_model, torch_model, links)
    for name, value in torch_model.state_dict().items():
        assert torch.equal(value, before[name]), name


@PROPERTY
@given(
    n_in=st.integers(1, 12),
    n_out=st.integers(1, 12),
    bias=st.booleans(),
    batch=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_linear_and_dense(n_in, n_out, bias, batch, seed):
    torch.manual_seed(seed)
    model = Stack(fc=nn.Linear(n_in, n_out, bias=bias))
    twin = _keras((n_in,), keras.layers.Dense(n_out, use_bias=bias, name="fc"))
    inputs = np.random.default_rng(seed).normal(size=(batch, n_in)).astype(np.float32)
    _check_round_trip(model, twin, inputs)


@PROPERTY
@given(
    channels=st.tuples(st.integers(1, 3), st.integers(1, 4)),
    kernel=st.sampled_from([1, 2, 3, 5]),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    size=st.integers(6, 10),
    seed=st.integers(0, 2**16),
)
def test_conv2d_then_flatten_into_linear(channels, kernel, stride, padding, size, seed):
    """Explicit zero padding makes any stride match; Flatten reorders the Linear's rows."""
    c_in, c_out = channels
    torch.manual_seed(seed)
    conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding)
    side = (size + 2 * padding - kernel) // stride + 1
    model = Stack(conv=conv, flat=nn.Flatten(), fc=nn.Linear(c_out * side * side, 3))
    twin = _keras(
        (size, size, c_in),
        keras.layers.ZeroPadding2D(padding),
        keras.layers.Conv2D(c_out, kernel, strides=stride, name="conv"),
        keras.layers.Flatten(),
        keras.layers.Dense(3, name="fc"),
    )
    inputs = np.random.default_rng(seed).normal(size=(2, c_in, size, size)).astype(np.float32)
    _check_round_trip(model, twin, inputs, flatten_from={"fc": (c_out, side, side)})


@PROPERTY
@given(
    channels=st.integers(1, 5),
    eps=st.sampled_from([1e-5, 1e-3]),
    momentum=st.sampled_from([0.1, 0.01]),
    seed=st.integers(0, 2**16),
)
def test_batchnorm_running_statistics(channels, eps, momentum, seed):
    torch.manual_seed(seed)
    norm = nn.BatchNorm2d(channels, eps=eps, momentum=momentum)
    with torch.no_grad():
        norm.running_mean.uniform_(-2, 2)
        norm.running_var.uniform_(0.2, 3)
        norm.weight.uniform_(0.5, 1.5)
        norm.bias.uniform_(-1, 1)
    model = Stack(norm=norm)
    twin = _keras(
        (4, 4, channels),
        keras.layers.BatchNormalization(epsilon=eps, momentum=1 - momentum, name="norm"),
    )
    inputs = np.random.default_rng(seed).normal(size=(2, channels, 4, 4)).astype(np.float32)
    _check_round_trip(model, twin, inputs)


@PROPERTY
@given(
    vocabulary=st.integers(2, 20),
    dim=st.integers(1, 6),
    length=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_embedding(vocabulary, dim, length, seed):
    torch.manual_seed(seed)
    model = Stack(embed=nn.Embedding(vocabulary, dim))
    twin = _keras((length,), keras.layers.Embedding(vocabulary, dim, name="embed"))
    tokens = np.random.default_rng(seed).integers(0, vocabulary, size=(2, length))
    _check_round_trip(model, twin, tokens)


@PROPERTY
@given(
    pool=st.sampled_from(["max", "average"]),
    window=st.integers(1, 3),
    stride=st.integers(1, 3),
    rate=st.floats(0.0, 0.9),
    seed=st.integers(0, 2**16),
)
def test_pooling_and_dropout_between_weighted_layers(pool, window, stride, rate, seed):
    """Layers without weights are not linked, but their effect is compared after them."""
    torch.manual_seed(seed)
    size, side = 8, (8 - window) // stride + 1
    torch_pool = nn.MaxPool2d if pool == "max" else nn.AvgPool2d
    keras_pool = keras.layers.MaxPooling2D if pool == "max" else keras.layers.AveragePooling2D
    model = Stack(
        conv=nn.Conv2d(2, 3, 3, padding=1),
        pool=torch_pool(window, stride),
        drop=nn.Dropout(rate),
        flat=nn.Flatten(),
        fc=nn.Linear(3 * side * side, 2),
    )
    twin = _keras(
        (size, size, 2),
        keras.layers.Conv2D(3, 3, padding="same", name="conv"),
        keras_pool(window, strides=stride),
        keras.layers.Dropout(rate),
        keras.layers.Flatten(),
        keras.layers.Dense(2, name="fc"),
    )
    inputs = np.random.default_rng(seed).normal(size=(2, 2, size, size)).astype(np.float32)
    _check_round_trip(model, twin, inputs, flatten_from={"fc": (3, side, side)})


# --- faults the engine must catch and name -------------------------------------


def _small_cnn():
    torch.manual_seed(0)
    model = Stack(
        conv1=nn.Conv2d(3, 4, 3, padding=1),
        relu1=nn.ReLU(),
        conv2=nn.Conv2d(4, 4, 3, padding=1),
        relu2=nn.ReLU(),
        flat=nn.Flatten(),
        fc=nn.Linear(4 * 6 * 6, 5),
    )
    twin = _keras(
        (6, 6, 3),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv1"),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv2"),
        keras.layers.Flatten(),
        keras.layers.Dense(5, name="fc"),
    )
    links = links_by_name(model, twin, flatten_from={"fc": (4, 6, 6)})
    torch_to_keras(model, twin, links)
    inputs = np.random.default_rng(0).normal(size=(2, 3, 6, 6)).astype(np.float32)
    return model, twin, links, inputs


def test_a_wrongly_transposed_kernel_is_caught_and_named():
    model, twin, links, inputs = _small_cnn()
    assert compare_models(model, twin, links, inputs).first_divergence() is None
    kernel = twin.get_layer("conv2").kernel
    kernel.assign(np.transpose(kernel.numpy(), (1, 0, 2, 3)))  # height and width swapped
    divergence = compare_models(model, twin, links, inputs).first_divergence()
    assert divergence is not None and divergence.torch_name == "conv2"


def test_a_forgotten_flatten_reorder_is_named_at_the_dense_layer():
    model, twin, _, inputs = _small_cnn()
    plain = links_by_name(model, twin)  # no flatten_from: rows copied in CHW order
    torch_to_keras(model, twin, plain)
    divergence = compare_models(model, twin, plain, inputs).first_divergence()
    assert divergence is not None and divergence.torch_name == "fc"


def test_a_shape_mismatch_names_both_layers():
    model = Stack(fc=nn.Linear(4, 3))
    twin = _keras((4,), keras.layers.Dense(2, name="fc"))
    with pytest.raises(TransferError, match=r"fc\.weight \(PyTorch\) and fc\.kernel \(Keras\)"):
        torch_to_keras(model, twin, links_by_name(model, twin))


def test_a_layer_without_a_partner_is_refused():
    model = Stack(fc=nn.Linear(4, 3), head=nn.Linear(3, 2))
    twin = _keras((4,), keras.layers.Dense(3, name="fc"), keras.layers.Dense(2, name="out"))
    with pytest.raises(TransferError, match=r"PyTorch only \['head'\], Keras only \['out'\]"):
        links_by_name(model, twin)


def test_batchnorm_defaults_do_not_match_and_say_so():
    model = Stack(norm=nn.BatchNorm2d(3))  # eps 1e-5, momentum 0.1
    twin = _keras((4, 4, 3), keras.layers.BatchNormalization(name="norm"))  # 1e-3, 0.99
    with pytest.raises(TransferError, match=r"norm .* differ in eps: 1e-05 against 0.001"):
        torch_to_keras(model, twin, links_by_name(model, twin))


def test_an_in_place_activation_after_a_layer_does_not_fake_a_divergence():
    """torchvision's ReLU(inplace=True) overwrites the BatchNorm output it follows."""
    torch.manual_seed(0)
    model = Stack(conv=nn.Conv2d(2, 3, 3, bias=False), bn=nn.BatchNorm2d(3), relu=nn.ReLU(True))
    twin = _keras(
        (6, 6, 2),
        keras.layers.Conv2D(3, 3, use_bias=False, name="conv"),
        keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="bn"),
        keras.layers.ReLU(),
    )
    inputs = np.random.default_rng(0).normal(size=(2, 2, 6, 6)).astype(np.float32)
    _check_round_trip(model, twin, inputs)


# --- sequence layers -------------------------------------------------------------

SEQUENCE = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_KERAS_RECURRENT = {"RNN": "SimpleRNN", "LSTM": "LSTM", "GRU": "GRU"}


class Recurrent(nn.Module):
    """A recurrent layer as the Keras layer returns it: the sequence, or the final states."""

    def __init__(self, rnn: nn.RNNBase, sequences: bool):
        super().__init__()
        self.rnn, self.sequences = rnn, sequences

    def forward(self, x):
        sequence, final = self.rnn(x if self.rnn.batch_first else x.transpose(0, 1))
        if self.sequences:
            return sequence if self.rnn.batch_first else sequence.transpose(0, 1)
        final = final[0] if isinstance(final, tuple) else final  # LSTM: (h_n, c_n)
        directions = 2 if self.rnn.bidirectional else 1
        return final[-directions:].permute(1, 0, 2).reshape(x.shape[0], -1)


def _keras_recurrent(kind, units, layers, bidirectional, sequences, name="rnn"):
    if layers > 1:
        cell = getattr(keras.layers, f"{_KERAS_RECURRENT[kind]}Cell")
        stacked = keras.layers.StackedRNNCells([cell(units) for _ in range(layers)])
        return keras.layers.RNN(stacked, return_sequences=sequences, name=name)
    layer = getattr(keras.layers, _KERAS_RECURRENT[kind])
    if bidirectional:
        return keras.layers.Bidirectional(layer(units, return_sequences=sequences), name=name)
    return layer(units, return_sequences=sequences, name=name)


def _check_both_ways(torch_model, keras_model, inputs):
    """PyTorch -> Keras agrees layer by layer; Keras -> PyTorch -> Keras gives the same weights.

    PyTorch's two recurrent biases become one Keras bias, so the way back cannot
    restore PyTorch's split: the Keras weights are the ones that must survive.
    """
    links = links_by_name(torch_model, keras_model)
    torch_to_keras(torch_model, keras_model, links)
    report = compare_models(torch_model, keras_model, links, inputs)
    assert report.first_divergence() is None, report.table()
    before = [w.copy() for w in keras_model.get_weights()]
    keras_to_torch(keras_model, torch_model, links)
    for weight in keras_model.weights:
        weight.assign(np.zeros(weight.shape, dtype=weight.dtype))
    torch_to_keras(torch_model, keras_model, links)
    for restored, original in zip(keras_model.get_weights(), before, strict=True):
        np.testing.assert_allclose(restored, original, atol=1e-6)
    return report


@SEQUENCE
@given(
    kind=st.sampled_from(["RNN", "LSTM", "GRU"]),
    shape=st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 5), st.integers(1, 6)),
    layout=st.sampled_from(["single", "bidirectional", "stacked"]),
    sequences=st.booleans(),
    batch_first=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_recurrent_layers(kind, shape, layout, sequences, batch_first, seed):
    batch, steps, features, units = shape
    torch.manual_seed(seed)
    layers, bidirectional = (2, False) if layout == "stacked" else (1, layout == "bidirectional")
    rnn = getattr(nn, kind)(
        features, units, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first
    )
    model = Recurrent(rnn, sequences)
    twin = _keras(
        (steps, features), _keras_recurrent(kind, units, layers, bidirectional, sequences)
    )
    inputs = np.random.default_rng(seed).normal(size=(batch, steps, features)).astype(np.float32)
    links = links_by_name(model, twin)
    assert [link.torch_name for link in links] == ["rnn"]
    _check_both_ways(model, twin, inputs)


class SelfAttention(nn.Module):
    """Self-attention as a Keras ``MultiHeadAttention(x, x)`` computes it."""

    def __init__(self, embed: int, heads: int, bias: bool, batch_first: bool):
        super().__init__()
        self.attn = nn.MultiheadAttention(embed, heads, bias=bias, batch_first=batch_first)

    def forward(self, x):
        x = x if self.attn.batch_first else x.transpose(0, 1)
        out = self.attn(x, x, x, need_weights=False)[0]
        return out if self.attn.batch_first else out.transpose(0, 1)


def _keras_self_attention(steps, embed, heads, bias=True):
    inputs = keras.Input((steps, embed))
    attention = keras.layers.MultiHeadAttention(heads, embed // heads, use_bias=bias, name="attn")
    return keras.Model(inputs, attention(inputs, inputs))


# head_dim >= 2: with head_dim 1 a Keras bias of shape (heads, 1) meets Keras 3.15's
# TensorFlow `ops.add`, which takes any bias that squeezes to a vector matching axis 1
# for an NCHW `bias_add`, and adds it along the time axis when steps == heads.
@SEQUENCE
@given(
    heads=st.integers(1, 3),
    head_dim=st.integers(2, 4),
    steps=st.integers(1, 5),
    bias=st.booleans(),
    batch_first=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_multi_head_attention(heads, head_dim, steps, bias, batch_first, seed):
    torch.manual_seed(seed)
    embed = heads * head_dim
    model = SelfAttention(embed, heads, bias, batch_first)
    with torch.no_grad():  # PyTorch starts its biases at zero: make them count
        for name, parameter in model.named_parameters():
            if name.endswith("bias"):
                parameter.uniform_(-0.5, 0.5)
    twin = _keras_self_attention(steps, embed, heads, bias)
    inputs = np.random.default_rng(seed).normal(size=(2, steps, embed)).astype(np.float32)
    _check_round_trip(model, twin, inputs)


@SEQUENCE
@given(
    features=st.integers(2, 8),
    eps=st.sampled_from([1e-5, 1e-3]),
    affine=st.sampled_from([(True, True), (True, False)]),
    seed=st.integers(0, 2**16),
)
def test_layer_norm(features, eps, affine, seed):
    torch.manual_seed(seed)
    _, center = affine
    norm = nn.LayerNorm(features, eps=eps, bias=center)
    with torch.no_grad():
        for parameter in norm.parameters():
            parameter.uniform_(-1.5, 1.5)
    model = Stack(norm=norm)
    twin = _keras(
        (3, features), keras.layers.LayerNormalization(epsilon=eps, center=center, name="norm")
    )
    inputs = np.random.default_rng(seed).normal(size=(2, 3, features)).astype(np.float32)
    _check_round_trip(model, twin, inputs)


def _keras_encoder_layer(steps, embed, heads, feedforward, norm_first):
    """The Keras twin of ``nn.TransformerEncoderLayer(..., batch_first=True)``, layer for layer."""
    layers = keras.layers
    inputs = keras.Input((steps, embed))
    attention = layers.MultiHeadAttention(heads, embed // heads, name="block.self_attn")
    norm1 = layers.LayerNormalization(epsilon=1e-5, name="block.norm1")
    norm2 = layers.LayerNormalization(epsilon=1e-5, name="block.norm2")
    linear1 = layers.Dense(feedforward, activation="relu", name="block.linear1")
    linear2 = layers.Dense(embed, name="block.linear2")
    x = inputs
    if norm_first:
        h = norm1(x)
        x = x + attention(h, h)
        x = x + linear2(linear1(norm2(x)))
    else:
        x = norm1(x + attention(x, x))
        x = norm2(x + linear2(linear1(x)))
    return keras.Model(inputs, x)


@SEQUENCE
@given(
    heads=st.integers(1, 2),
    head_dim=st.integers(2, 3),
    feedforward=st.integers(1, 6),
    steps=st.integers(1, 4),
    norm_first=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_transformer_encoder_layer(heads, head_dim, feedforward, steps, norm_first, seed):
    """``out_proj`` belongs to the attention layer: it is converted with it, not paired alone."""
    torch.manual_seed(seed)
    embed = heads * head_dim
    block = nn.TransformerEncoderLayer(
        embed, heads, feedforward, dropout=0.0, batch_first=True, norm_first=norm_first
    )
    model = Stack(block=block)
    twin = _keras_encoder_layer(steps, embed, heads, feedforward, norm_first)
    inputs = np.random.default_rng(seed).normal(size=(2, steps, embed)).astype(np.float32)
    names = [link.torch_name for link in links_by_name(model, twin)]
    assert "block.self_attn" in names and "block.self_attn.out_proj" not in names
    _check_round_trip(model, twin, inputs)


# --- faults in sequence layers ---------------------------------------------------


def _transferred(torch_model, keras_model, inputs):
    links = links_by_name(torch_model, keras_model)
    torch_to_keras(torch_model, keras_model, links)
    assert compare_models(torch_model, keras_model, links, inputs).first_divergence() is None
    return links


def _swap_blocks(array, first, second, blocks, axis):
    parts = np.split(array, blocks, axis=axis)
    parts[first], parts[second] = parts[second], parts[first]
    return np.concatenate(parts, axis=axis)


@pytest.mark.parametrize(("kind", "gates"), [("LSTM", 4), ("GRU", 3)])
def test_swapped_gates_are_caught_and_named(kind, gates):
    """Two gate blocks of the kernel swapped (PyTorch's order kept for a GRU, say)."""
    torch.manual_seed(0)
    model = Stack(
        encoder=nn.Linear(3, 3),
        rnn=Recurrent(getattr(nn, kind)(3, 4, batch_first=True), sequences=True),
        head=nn.Linear(4, 2),
    )
    twin = _keras(
        (5, 3),
        keras.layers.Dense(3, name="encoder"),
        _keras_recurrent(kind, 4, 1, False, True, name="rnn.rnn"),
        keras.layers.Dense(2, name="head"),
    )
    inputs = np.random.default_rng(0).normal(size=(2, 5, 3)).astype(np.float32)
    links = _transferred(model, twin, inputs)
    kernel = twin.get_layer("rnn.rnn").cell.kernel
    kernel.assign(_swap_blocks(kernel.numpy(), 0, 1, gates, axis=1))
    divergence = compare_models(model, twin, links, inputs).first_divergence()
    assert divergence is not None and divergence.torch_name == "rnn.rnn"


def test_a_transposed_attention_projection_is_caught_and_named():
    torch.manual_seed(0)
    model = Stack(encoder=nn.Linear(4, 4), attention=SelfAttention(4, 2, True, True))
    inputs_k = keras.Input((3, 4))
    x = keras.layers.Dense(4, name="encoder")(inputs_k)
    x = keras.layers.MultiHeadAttention(2, 2, name="attention.attn")(x, x)
    twin = keras.Model(inputs_k, x)
    inputs = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    links = _transferred(model, twin, inputs)
    kernel = twin.get_layer("attention.attn").query_dense.kernel
    square = kernel.numpy().reshape(4, 4)
    kernel.assign(square.T.reshape(4, 2, 2))  # PyTorch's (out, in) copied without the transpose
    divergence = compare_models(model, twin, links, inputs).first_divergence()
    assert divergence is not None and divergence.torch_name == "attention.attn"


def test_gru_reset_after_false_is_refused_and_named():
    model = Stack(rnn=Recurrent(nn.GRU(3, 4, batch_first=True), sequences=True))
    twin = _keras(
        (5, 3), keras.layers.GRU(4, reset_after=False, return_sequences=True, name="rnn.rnn")
    )
    with pytest.raises(TransferError, match=r"rnn\.rnn .* differ in reset_after"):
        torch_to_keras(model, twin, links_by_name(model, twin))


def test_layer_norm_defaults_do_not_match_and_say_so():
    model = Stack(norm=nn.LayerNorm(4))  # eps 1e-5
    twin = _keras((3, 4), keras.layers.LayerNormalization(name="norm"))  # epsilon 1e-3
    with pytest.raises(TransferError, match=r"norm .* differ in eps: 1e-05 against 0.001"):
        torch_to_keras(model, twin, links_by_name(model, twin))


def test_keras_gate_order_on_a_pytorch_gru_is_a_different_function():
    """Copying a GRU kernel without reordering its gates changes the outputs, not the shapes."""
    torch.manual_seed(0)
    model = Stack(rnn=Recurrent(nn.GRU(3, 4, batch_first=True), sequences=True))
    twin = _keras((5, 3), keras.layers.GRU(4, return_sequences=True, name="rnn.rnn"))
    inputs = np.random.default_rng(0).normal(size=(2, 5, 3)).astype(np.float32)
    links = _transferred(model, twin, inputs)
    gru = model.rnn.rnn
    cell = twin.get_layer("rnn.rnn").cell
    cell.kernel.assign(gru.weight_ih_l0.detach().numpy().T)  # r, z, n read as z, r, h
    cell.recurrent_kernel.assign(gru.weight_hh_l0.detach().numpy().T)
    cell.bias.assign(np.stack([gru.bias_ih_l0.detach().numpy(), gru.bias_hh_l0.detach().numpy()]))
    divergence = compare_models(model, twin, links, inputs).first_divergence()
    assert divergence is not None and divergence.torch_name == "rnn.rnn"


def test_layer_norm_over_another_axis_is_refused_and_named():
    model = Stack(norm=nn.LayerNorm(4))
    twin = _keras((4, 4), keras.layers.LayerNormalization(axis=1, epsilon=1e-5, name="norm"))
    with pytest.raises(
        TransferError, match=r"norm .* differ in normalised axis: \[-1\] against \[1\]"
    ):
        torch_to_keras(model, twin, links_by_name(model, twin))


def test_a_bidirectional_module_needs_a_bidirectional_layer():
    model = Stack(rnn=Recurrent(nn.LSTM(3, 2, batch_first=True, bidirectional=True), True))
    twin = _keras((5, 3), keras.layers.LSTM(4, return_sequences=True, name="rnn.rnn"))
    with pytest.raises(TransferError, match=r"rnn\.rnn: PyTorch bidirectional=True needs"):
        torch_to_keras(model, twin, links_by_name(model, twin))
