"""The timed models: one layer list per workload, built in both frameworks.

A workload is described once, as a list of layers (`Conv`, `Pool`, `Flatten`,
`Dense`); `build_torch` and `build_keras` build the same network from it, and
`dlref.benchmark.flops` counts its arithmetic from the same list. The data are
generated (seeded), so no workload downloads anything. Every timed model ends
with an `example counter`: a non-trainable scalar that the forward pass
increases by the batch size, in the model's own graph. Reading it before and
after a timed region says how many examples the region pushed through the
model, whatever compiled it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras
    import torch


@dataclass(frozen=True)
class Conv:
    """A 2-D convolution, stride 1, ``same`` padding, followed by a ReLU.

    Attributes:
        channels: Output channels.
        kernel: Kernel height and width.
    """

    channels: int
    kernel: int = 3


@dataclass(frozen=True)
class Pool:
    """A max-pool with a square window and the same stride.

    Attributes:
        size: Window size and stride.
    """

    size: int = 2


@dataclass(frozen=True)
class Flatten:
    """Flatten everything but the batch dimension."""


@dataclass(frozen=True)
class Dense:
    """A fully connected layer, with a ReLU unless it is the classifier.

    Attributes:
        units: Output features.
        relu: Whether a ReLU follows.
    """

    units: int
    relu: bool = True


Layer = Conv | Pool | Flatten | Dense


@dataclass(frozen=True)
class Workload:
    """One timed model and its data.

    Attributes:
        name: Short identifier used in the results.
        title: What a reader sees.
        input_shape: One example's shape, channels last (``(8, 8, 1)``) or ``(features,)``.
        layers: The network, first layer first.
        classes: Number of classes of the generated labels.
        batch_sizes: The batch sizes it is timed at.
        samples_per_repeat: Examples one timed repeat processes; the steps per
            repeat are this divided by the batch size (at least 2).
    """

    name: str
    title: str
    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]
    classes: int
    batch_sizes: tuple[int, ...]
    samples_per_repeat: int

    def steps_per_repeat(self, batch_size: int) -> int:
        """Steps in one timed repeat at a batch size, the same for every mode.

        Args:
            batch_size: Examples per step.

        Returns:
            ``samples_per_repeat // batch_size``, at least 2.
        """
        return max(2, self.samples_per_repeat // batch_size)


SMALL_CNN = Workload(
    name="small-cnn",
    title="Small CNN, 8 x 8 x 1 (the digits network)",
    input_shape=(8, 8, 1),
    layers=(Conv(16), Pool(), Conv(32), Pool(), Flatten(), Dense(10, relu=False)),
    classes=10,
    batch_sizes=(16, 64, 256),
    samples_per_repeat=512,
)
MLP = Workload(
    name="mlp",
    title="MLP, 256 → 1024 → 1024 → 10",
    input_shape=(256,),
    layers=(Dense(1024), Dense(1024), Dense(10, relu=False)),
    classes=10,
    batch_sizes=(16, 64, 256),
    samples_per_repeat=512,
)
WIDE_CNN = Workload(
    name="wide-cnn",
    title="Wider CNN, 32 x 32 x 3",
    input_shape=(32, 32, 3),
    layers=(Conv(16), Conv(32), Pool(), Conv(64), Pool(), Flatten(), Dense(10, relu=False)),
    classes=10,
    batch_sizes=(8, 32, 128),
    samples_per_repeat=128,
)
WORKLOADS = (SMALL_CNN, MLP, WIDE_CNN)


def generated_batches(
    workload: Workload, batch_size: int, count: int, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded random inputs and labels, channels last, as NumPy arrays.

    Args:
        workload: Gives the example shape and the number of classes.
        batch_size: Examples per batch.
        count: Number of batches.
        seed: The generator's seed.

    Returns:
        ``count`` pairs of float32 inputs and int64 labels.
    """
    rng = np.random.default_rng(seed)
    return [
        (
            rng.standard_normal((batch_size, *workload.input_shape), dtype=np.float32),
            rng.integers(0, workload.classes, size=batch_size).astype(np.int64),
        )
        for _ in range(count)
    ]


def to_channels_first(images: np.ndarray) -> np.ndarray:
    """NHWC to NCHW (a copy), as PyTorch's convolutions expect; 2-D arrays pass unchanged.

    Args:
        images: A batch, channels last.

    Returns:
        The batch in PyTorch's layout.
    """
    return images if images.ndim == 2 else np.ascontiguousarray(images.transpose(0, 3, 1, 2))


def build_torch(workload: Workload, count_examples: bool = True) -> torch.nn.Module:
    """Build the workload's network in PyTorch (channels first).

    Args:
        workload: The layer list.
        count_examples: End the network with an `example counter`.

    Returns:
        An ``nn.Sequential``.
    """
    from torch import nn

    channels = workload.input_shape[-1]
    features = channels if len(workload.input_shape) == 1 else None
    modules: list[nn.Module] = []
    shape = workload.input_shape
    for layer in workload.layers:
        if isinstance(layer, Conv):
            modules += [
                nn.Conv2d(channels, layer.channels, layer.kernel, padding="same"),
                nn.ReLU(),
            ]
            channels = layer.channels
            shape = (*shape[:2], channels)
        elif isinstance(layer, Pool):
            modules.append(nn.MaxPool2d(layer.size))
            shape = (shape[0] // layer.size, shape[1] // layer.size, channels)
        elif isinstance(layer, Flatten):
            modules.append(nn.Flatten())
            features = int(np.prod(shape))
        else:
            assert features is not None, "a Dense layer needs flat features"
            modules.append(nn.Linear(features, layer.units))
            if layer.relu:
                modules.append(nn.ReLU())
            features = layer.units
    if count_examples:
        modules.append(_torch_example_counter())
    return nn.Sequential(*modules)


def build_keras(workload: Workload, count_examples: bool = True) -> keras.Model:
    """Build the workload's network in Keras (channels last), as a Functional model.

    Functional, not Sequential: tf2onnx converts only the former (see the
    deployment page).

    Args:
        workload: The layer list.
        count_examples: End the network with an `example counter`.

    Returns:
        A ``keras.Model``.
    """
    import keras

    inputs = keras.Input(workload.input_shape)
    outputs = inputs
    for layer in workload.layers:
        if isinstance(layer, Conv):
            outputs = keras.layers.Conv2D(
                layer.channels, layer.kernel, padding="same", activation="relu"
            )(outputs)
        elif isinstance(layer, Pool):
            outputs = keras.layers.MaxPooling2D(layer.size)(outputs)
        elif isinstance(layer, Flatten):
            outputs = keras.layers.Flatten()(outputs)
        else:
            outputs = keras.layers.Dense(layer.units, activation="relu" if layer.relu else None)(
                outputs
            )
    if count_examples:
        outputs = _keras_example_counter()(outputs)
    return keras.Model(inputs, outputs)


def _torch_example_counter() -> torch.nn.Module:
    import torch
    from torch import nn

    class ExampleCounter(nn.Module):
        """Adds the batch size to a buffer on every forward call; passes its input on."""

        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("seen", torch.zeros((), dtype=torch.float32))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.seen.add_(x.shape[0])
            return x

    return ExampleCounter()


def _keras_example_counter() -> keras.layers.Layer:
    import keras

    class ExampleCounter(keras.layers.Layer):
        """Adds the batch size to a non-trainable weight on every call; passes its input on."""

        def build(self, input_shape: Any) -> None:
            self.seen = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, x: Any) -> Any:
            self.seen.assign_add(keras.ops.cast(keras.ops.shape(x)[0], "float32"))
            return x

        def compute_output_spec(self, x: Any) -> Any:
            return keras.KerasTensor(x.shape, x.dtype)

    return ExampleCounter(name="example_counter")


def examples_seen(model: Any) -> int:
    """Read a model's `example counter`.

    Args:
        model: A model built by `build_torch` or `build_keras`.

    Returns:
        The examples its forward pass has processed since it was built.
    """
    if hasattr(model, "get_layer"):
        return int(model.get_layer("example_counter").seen.numpy())
    return int(model[-1].seen.item())
