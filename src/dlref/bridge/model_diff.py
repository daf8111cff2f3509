"""Running a PyTorch model and its Keras twin on one input, and finding where they diverge.

After `dlref.bridge.transfer` copied the weights, `compare_models` runs both
models in inference mode and compares, for every linked layer, its output and
the loss's gradient with respect to its main weight. The result, a
`TransferReport`, names the first layer where the two differ.

Sequence layers are compared batch-first. A PyTorch recurrent layer returns
``(output, h_n)`` (``(output, (h_n, c_n))`` for an LSTM): its output sequence
is compared with a Keras layer that returns sequences, its last layer's final
hidden states (both directions, concatenated) with one that does not. A
``MultiheadAttention`` returns ``(output, weights)``: the output is compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dlref.bridge.transfer import (
    Array,
    Conversion,
    LayerLink,
    TransferError,
    attribute,
    conversions,
    resolve_links,
)

if TYPE_CHECKING:
    import keras
    import torch


@dataclass(frozen=True)
class LayerDiff:
    """How far one linked layer's results differ between the frameworks.

    Attributes:
        torch_name: The PyTorch module.
        keras_name: The Keras layer.
        output_abs: Largest absolute difference of the layer's outputs.
        output_rel: ``output_abs`` relative to the largest Keras output.
        grad_abs: Largest absolute difference of the loss's gradient with
            respect to the layer's main weight (kernel, gamma or embeddings).
        grad_rel: ``grad_abs`` relative to the largest Keras gradient.
    """

    torch_name: str
    keras_name: str
    output_abs: float
    output_rel: float
    grad_abs: float
    grad_rel: float


@dataclass(frozen=True)
class TransferReport:
    """Per-layer differences between two models run on the same input.

    Attributes:
        layers: One entry per linked layer, in forward order.
        output_abs: Largest absolute difference of the final outputs.
        input_grad_abs: Largest absolute difference of the loss's gradient
            with respect to the input.
    """

    layers: list[LayerDiff]
    output_abs: float
    input_grad_abs: float

    def first_divergence(self, atol: float = 1e-4, rtol: float = 1e-4) -> LayerDiff | None:
        """Return the layer where the two models start to differ.

        Outputs are checked in forward order: a wrong layer spoils every output
        after it, so the first differing output names it. When all outputs
        agree, weight gradients are checked in backward order, the order in
        which a wrong gradient spreads.

        Args:
            atol: Absolute tolerance.
            rtol: Relative tolerance; a value differs only when both are exceeded.

        Returns:
            The layer where the difference starts, or ``None`` when all agree.
        """
        for diff in self.layers:
            if diff.output_abs > atol and diff.output_rel > rtol:
                return diff
        for diff in reversed(self.layers):
            if diff.grad_abs > atol and diff.grad_rel > rtol:
                return diff
        return None

    def table(self) -> str:
        """Format the report as a fixed-width table, one layer a line."""
        width = max((len(d.torch_name) for d in self.layers), default=5)
        lines = [
            f"{'layer':<{width}}  {'output abs':>10}  {'rel':>8}  {'grad abs':>10}  {'rel':>8}"
        ]
        lines += [
            f"{d.torch_name:<{width}}  {d.output_abs:>10.2e}  {d.output_rel:>8.1e}  "
            f"{d.grad_abs:>10.2e}  {d.grad_rel:>8.1e}"
            for d in self.layers
        ]
        return "\n".join(lines)


@dataclass
class _SideResult:
    """What one framework's run left: per-layer outputs and weight gradients, channels-last."""

    layer_outputs: list[Array]
    weight_grads: list[Array]
    output: Array
    input_grad: Array | None


def _main_weight(module: torch.nn.Module, layer: keras.Layer, link: LayerLink) -> Conversion:
    """The conversion of the weight whose gradient is compared.

    It is the first conversion of learnable parameters (not running
    statistics): the kernel, gamma, embeddings or input projection.
    """
    parameters = {name for name, _ in module.named_parameters()}
    for conversion in conversions(module, layer, link):
        if all(name in parameters for name in conversion.torch_attrs):
            return conversion
    raise TransferError(f"{link.torch_name}: no learnable weight to compare (affine=False?)")


def _flat(arrays: list[Array]) -> Array:
    """Several converted weights as one vector, so that one number sums up their difference."""
    return np.concatenate([np.asarray(a, dtype=np.float32).reshape(-1) for a in arrays])


def _detached(value: Any) -> Any:
    """A copy of an output: a tensor, or the tuple a recurrent or attention layer returns."""
    if isinstance(value, tuple):
        return tuple(_detached(item) for item in value)
    return None if value is None else value.detach().clone()


def _comparable_torch_output(module: torch.nn.Module, output: Any, keras_ndim: int) -> Array:
    """A PyTorch module's output in the form the Keras layer returns (see the module notes)."""
    from torch import nn

    if not isinstance(output, tuple):
        return output.numpy()
    batch_first = getattr(module, "batch_first", True)
    if isinstance(module, nn.RNNBase):
        sequence, final = output
        final = final[0] if isinstance(module, nn.LSTM) else final  # (h_n, c_n) -> h_n
        if keras_ndim == 2:  # the Keras layer returns the final state only
            directions = 2 if module.bidirectional else 1
            last = final[-directions:]  # (directions, batch, hidden) of the last layer
            return last.permute(1, 0, 2).reshape(last.shape[1], -1).numpy()
        return (sequence if batch_first else sequence.transpose(0, 1)).numpy()
    first = output[0]
    return (first if batch_first else first.transpose(0, 1)).numpy()


def _to_channels_last(array: Array) -> Array:
    return array.transpose(0, 2, 3, 1) if array.ndim == 4 else array


def _diff(label: str, torch_value: Array, keras_value: Array) -> tuple[float, float]:
    if torch_value.shape != keras_value.shape:
        raise TransferError(
            f"{label}: shape {torch_value.shape} in PyTorch (channels-last), "
            f"{keras_value.shape} in Keras"
        )
    absolute = float(np.max(np.abs(torch_value - keras_value))) if torch_value.size else 0.0
    scale = float(np.max(np.abs(keras_value))) if keras_value.size else 0.0
    return absolute, absolute / max(scale, 1e-12)


def _loss_projection(shape: tuple[int, ...]) -> Array:
    """A fixed random projection of the outputs, used as the loss.

    Its gradient with respect to every output is of order 1, so weight
    gradients are not vanishingly small for a freshly initialised model.
    """
    return np.random.default_rng(1).normal(size=shape).astype(np.float32)


def _run_torch(
    torch_model: torch.nn.Module,
    links: list[LayerLink],
    resolved: list[tuple[Any, Any]],
    main_weights: list[Conversion],
    inputs: Array,
    keras_ndims: list[int],
) -> _SideResult:
    """Run the PyTorch model forward and backward, capturing each linked module's output."""
    import torch

    captured: dict[str, Any] = {}
    hooks = [
        module.register_forward_hook(
            # A copy: an in-place activation after the layer (ReLU(inplace=True),
            # as torchvision uses) would otherwise overwrite the captured output.
            lambda _m, _i, out, name=link.torch_name: captured.__setitem__(name, _detached(out))
        )
        for link, (module, _) in zip(links, resolved, strict=True)
    ]
    x = torch.tensor(inputs)
    floating_input = x.is_floating_point()
    x.requires_grad_(floating_input)  # token ids (for an Embedding) have no gradient
    try:
        out = torch_model(x)
    finally:
        for hook in hooks:
            hook.remove()
    torch_model.zero_grad()
    (out * torch.from_numpy(_loss_projection(tuple(out.shape)))).sum().backward()
    weight_grads = [
        _flat(
            conversion.to_keras(
                [attribute(module, name).grad.numpy() for name in conversion.torch_attrs]
            )
        )
        for (module, _), conversion in zip(resolved, main_weights, strict=True)
    ]
    return _SideResult(
        layer_outputs=[
            _to_channels_last(
                _comparable_torch_output(module, captured[link.torch_name], keras_ndim)
            )
            for link, (module, _), keras_ndim in zip(links, resolved, keras_ndims, strict=True)
        ],
        weight_grads=weight_grads,
        output=_to_channels_last(out.detach().numpy()),
        input_grad=_to_channels_last(x.grad.numpy()) if floating_input else None,
    )


def _run_keras(
    keras_model: keras.Model,
    resolved: list[tuple[Any, Any]],
    main_weights: list[Conversion],
    inputs: Array,
) -> _SideResult:
    """Run the Keras model under a tape, reading every linked layer's output through a probe."""
    import keras
    import tensorflow as tf

    probe = keras.Model(
        keras_model.inputs,
        [_first(layer.output) for _, layer in resolved] + [keras_model.outputs[0]],
    )
    x = tf.constant(_to_channels_last(np.asarray(inputs)))
    groups = [
        [attribute(layer, name) for name in conversion.keras_attrs]
        for (_, layer), conversion in zip(resolved, main_weights, strict=True)
    ]
    weights = [variable for group in groups for variable in group]
    with tf.GradientTape() as tape:
        tape.watch(x)
        *layer_outputs, out = probe(x, training=False)
        projection = _to_channels_last(_loss_projection(_channels_first_shape(out)))
        loss = tf.reduce_sum(out * projection)
    input_grad, *weight_grads = tape.gradient(loss, [x, *weights])
    # An Embedding's gradient arrives as IndexedSlices: make it dense.
    dense = [np.asarray(tf.convert_to_tensor(grad)) for grad in weight_grads]
    grouped, start = [], 0
    for group in groups:
        grouped.append(_flat(dense[start : start + len(group)]))
        start += len(group)
    return _SideResult(
        layer_outputs=[np.asarray(value) for value in layer_outputs],
        weight_grads=grouped,
        output=np.asarray(out),
        input_grad=None if input_grad is None else np.asarray(input_grad),
    )


def _first(output: Any) -> Any:
    """A layer's main output: the first of several (a Keras RNN with ``return_state=True``)."""
    return output[0] if isinstance(output, list | tuple) else output


def _channels_first_shape(keras_output: Any) -> tuple[int, ...]:
    """The PyTorch-layout shape of a Keras output, so that both draw the same projection."""
    shape = tuple(keras_output.shape)
    return (shape[0], shape[3], shape[1], shape[2]) if len(shape) == 4 else shape


def compare_models(
    torch_model: torch.nn.Module,
    keras_model: keras.Model,
    links: list[LayerLink],
    inputs: Array,
) -> TransferReport:
    """Run both models in inference mode and compare every linked layer.

    The loss is a fixed random projection of the outputs; its gradients with
    respect to the input and to each layer's main weight are compared after the same
    layout conversion the weights went through. Image tensors are compared
    channels-last, and a Keras layer with a fused activation is compared with
    the PyTorch module's output passed through that activation.

    Args:
        torch_model: The PyTorch model.
        keras_model: The Keras twin (Sequential or Functional) with the same weights.
        links: The pairing.
        inputs: One batch in PyTorch's layout (NCHW for images).

    Returns:
        The per-layer report. ``input_grad_abs`` is 0 for integer inputs
        (token ids), which have no gradient.

    Raises:
        TransferError: A BatchNorm layer has no learnable scale to compare.
    """
    import keras

    torch_model.eval()
    resolved = resolve_links(torch_model, keras_model, links)
    main_weights = [
        _main_weight(module, layer, link)
        for link, (module, layer) in zip(links, resolved, strict=True)
    ]
    keras_side = _run_keras(keras_model, resolved, main_weights, inputs)
    keras_ndims = [output.ndim for output in keras_side.layer_outputs]
    torch_side = _run_torch(torch_model, links, resolved, main_weights, inputs, keras_ndims)

    diffs = []
    for index, (link, (_, layer)) in enumerate(zip(links, resolved, strict=True)):
        torch_output = torch_side.layer_outputs[index]
        activation = (
            layer.activation
            if isinstance(layer, keras.layers.Dense | keras.layers.Conv2D)
            else None
        )
        if activation is not None:
            # A Keras layer may fuse its activation (Conv2D(..., activation="relu")),
            # where PyTorch uses a separate module: compare after the same activation.
            torch_output = np.asarray(activation(torch_output))
        output_abs, output_rel = _diff(
            f"output of {link.torch_name}", torch_output, keras_side.layer_outputs[index]
        )
        grad_abs, grad_rel = _diff(
            f"weight gradient of {link.torch_name}",
            torch_side.weight_grads[index],
            keras_side.weight_grads[index],
        )
        diffs.append(
            LayerDiff(link.torch_name, link.keras_name, output_abs, output_rel, grad_abs, grad_rel)
        )
    output_abs, _ = _diff("final output", torch_side.output, keras_side.output)
    input_grad_abs = (
        _diff("input gradient", torch_side.input_grad, keras_side.input_grad)[0]
        if torch_side.input_grad is not None and keras_side.input_grad is not None
        else 0.0
    )
    return TransferReport(layers=diffs, output_abs=output_abs, input_grad_abs=input_grad_abs)
