"""Analytic FLOP counts, from a workload's layer list.

Counted: the multiply-adds of convolutions and dense layers, two FLOPs each,
the same unit as the matmul peak they are compared with. Not counted: biases,
activations, pooling and the loss, which are a small share of these models'
work and which no peak measures. A training step is the forward pass, the
gradient with respect to every weight (as many FLOPs as the forward pass of
that layer), and the gradient with respect to every layer's input except the
first layer's (its input needs no gradient), again as many as its forward
pass. `tests/test_flops.py` checks the formulas on layers counted by hand and
the totals against PyTorch's own FLOP counter.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlref.benchmark.workloads import Conv, Dense, Flatten, Pool, Workload


@dataclass(frozen=True)
class LayerFlops:
    """One layer's forward FLOPs per example.

    Attributes:
        layer: The layer.
        forward: FLOPs of its forward pass for one example (0 when not counted).
    """

    layer: object
    forward: int


def conv_flops(height: int, width: int, in_channels: int, out_channels: int, kernel: int) -> int:
    """Forward FLOPs of a stride-1 ``same`` convolution for one example.

    Args:
        height: Output height (equal to the input's with ``same`` padding).
        width: Output width.
        in_channels: Input channels.
        out_channels: Output channels.
        kernel: Kernel height and width.

    Returns:
        ``2 * height * width * out_channels * in_channels * kernel**2``.
    """
    return 2 * height * width * out_channels * in_channels * kernel * kernel


def dense_flops(in_features: int, out_features: int) -> int:
    """Forward FLOPs of a dense layer for one example.

    Args:
        in_features: Input features.
        out_features: Output features.

    Returns:
        ``2 * in_features * out_features``.
    """
    return 2 * in_features * out_features


def layer_flops(workload: Workload) -> list[LayerFlops]:
    """Walk the layer list, tracking the shape, and count each layer.

    Args:
        workload: The model.

    Returns:
        One entry per layer, in order.
    """
    shape = workload.input_shape
    counted = []
    for layer in workload.layers:
        forward = 0
        if isinstance(layer, Conv):
            height, width, channels = shape
            forward = conv_flops(height, width, channels, layer.channels, layer.kernel)
            shape = (height, width, layer.channels)
        elif isinstance(layer, Pool):
            height, width, channels = shape
            shape = (height // layer.size, width // layer.size, channels)
        elif isinstance(layer, Flatten):
            size = 1
            for dimension in shape:
                size *= dimension
            shape = (size,)
        elif isinstance(layer, Dense):
            forward = dense_flops(shape[0], layer.units)
            shape = (layer.units,)
        counted.append(LayerFlops(layer, forward))
    return counted


def forward_flops(workload: Workload, batch_size: int) -> int:
    """FLOPs of one forward pass over a batch.

    Args:
        workload: The model.
        batch_size: Examples in the batch.

    Returns:
        The sum over layers, times the batch size.
    """
    return batch_size * sum(entry.forward for entry in layer_flops(workload))


def training_flops(workload: Workload, batch_size: int) -> int:
    """FLOPs of one training step (forward and backward) over a batch.

    Args:
        workload: The model.
        batch_size: Examples in the batch.

    Returns:
        Forward, plus the weight gradients (one forward's worth), plus the input
        gradients of every counted layer but the first.
    """
    counted = [entry.forward for entry in layer_flops(workload) if entry.forward]
    return batch_size * (3 * sum(counted) - counted[0])
