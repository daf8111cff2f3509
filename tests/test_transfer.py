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
