"""Moving weights between a PyTorch model and its Keras twin, and finding where they diverge.

Layers are paired by name, never by position: a Keras layer that holds
weights is named exactly like the qualified name of its PyTorch module
(``name="layer1.0.conv1"`` for ``model.layer1[0].conv1``). `links_by_name`
builds the pairing and refuses a model in which any weighted layer has no
partner. Each pair is converted by its layer type:

- ``Linear`` and ``Dense``: the kernel is the weight transposed; after a
  ``Flatten`` of a conv map its rows are reordered from CHW to HWC.
- ``Conv2d`` and ``Conv2D``: the kernel goes from OIHW to HWIO.
- ``BatchNorm1d/2d`` and ``BatchNormalization``: weight, bias, running mean
  and variance; eps and momentum must match (PyTorch 0.1 is Keras 0.9).
- ``Embedding`` and ``Embedding``: the same matrix.

Layers without weights (activations, pooling, dropout, flatten) are not
paired; `compare_models` still sees their effect in the outputs of the
weighted layers after them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pathlib import Path

    import keras
    import torch

    from dlref.parity import ParitySpec

Array = np.ndarray


class TransferError(ValueError):
    """Two models cannot exchange weights: a missing partner, a shape or a setting differs."""


@dataclass(frozen=True)
class LayerLink:
    """One PyTorch module and the Keras layer that holds the same weights.

    Attributes:
        torch_name: The module's qualified name, e.g. ``"layer1.0.conv1"``.
        keras_name: The Keras layer's name.
        flatten_from: For a ``Linear`` that reads a flattened conv map, that
            map's ``(channels, height, width)``: PyTorch flattens in CHW
            order, Keras in HWC order, so the kernel's rows are reordered.
    """

    torch_name: str
    keras_name: str
    flatten_from: tuple[int, int, int] | None = None


def _weighted_torch_modules(model: torch.nn.Module) -> dict[str, torch.nn.Module]:
    return {
        name: module
        for name, module in model.named_modules()
        if name and (any(True for _ in module.parameters(recurse=False)) or module._buffers)
    }


def _keras_layers(model: keras.Model) -> dict[str, keras.Layer]:
    """Every layer of a Sequential or Functional model, nested models included."""
    import keras

    layers: dict[str, keras.Layer] = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            layers.update(_keras_layers(layer))
        else:
            layers[layer.name] = layer
    return layers


def links_by_name(
    torch_model: torch.nn.Module,
    keras_model: keras.Model,
    flatten_from: dict[str, tuple[int, int, int]] | None = None,
) -> list[LayerLink]:
    """Pair every weighted PyTorch module with the Keras layer of the same name.

    Args:
        torch_model: The PyTorch model.
        keras_model: Its Keras twin (Sequential or Functional).
        flatten_from: For each ``Linear`` that follows a ``Flatten`` of a conv
            map, the map's ``(channels, height, width)``, by module name.

    Returns:
        One link per weighted module, in the PyTorch model's order.

    Raises:
        TransferError: A weighted module or layer has no partner of its name.
    """
    flatten_from = flatten_from or {}
    modules = _weighted_torch_modules(torch_model)
    layers = {name: layer for name, layer in _keras_layers(keras_model).items() if layer.weights}
    missing_in_keras = [name for name in modules if name not in layers]
    missing_in_torch = [name for name in layers if name not in modules]
    if missing_in_keras or missing_in_torch:
        raise TransferError(
            "layers without a partner of the same name: "
            f"PyTorch only {missing_in_keras}, Keras only {missing_in_torch}"
        )
    unknown = set(flatten_from) - set(modules)
    if unknown:
        raise TransferError(f"flatten_from names modules that do not exist: {sorted(unknown)}")
    return [LayerLink(name, name, flatten_from.get(name)) for name in modules]


# --- conversions, one per layer type ----------------------------------------

# (PyTorch attribute, Keras weight attribute, to Keras, to PyTorch)
Conversion = tuple[str, str, Callable[[Array], Array], Callable[[Array], Array]]


def _same(array: Array) -> Array:
    return array


def _linear_kernel(link: LayerLink) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    if link.flatten_from is None:
        return (lambda w: w.T), (lambda k: k.T)
    channels, height, width = link.flatten_from

    def to_keras(weight: Array) -> Array:
        out = weight.shape[0]
        chw = weight.reshape(out, channels, height, width)
        return chw.transpose(0, 2, 3, 1).reshape(out, -1).T

    def to_torch(kernel: Array) -> Array:
        out = kernel.shape[1]
        hwc = kernel.T.reshape(out, height, width, channels)
        return hwc.transpose(0, 3, 1, 2).reshape(out, -1)

    return to_keras, to_torch


def _conversions(module: torch.nn.Module, layer: keras.Layer, link: LayerLink) -> list[Conversion]:
    from torch import nn

    kind = type(module).__name__
    if isinstance(module, nn.Linear):
        to_keras, to_torch = _linear_kernel(link)
        pairs: list[Conversion] = [("weight", "kernel", to_keras, to_torch)]
        return [*pairs, ("bias", "bias", _same, _same)] if module.bias is not None else pairs
    if isinstance(module, nn.Conv2d):
        if module.groups != 1:
            raise TransferError(f"{link.torch_name}: grouped convolutions are not supported")
        _check_setting(link, "kernel size", module.kernel_size, tuple(layer.kernel_size))
        _check_setting(link, "stride", module.stride, tuple(layer.strides))
        _check_setting(link, "dilation", module.dilation, tuple(layer.dilation_rate))
        pairs = [
            (
                "weight",
                "kernel",
                lambda w: w.transpose(2, 3, 1, 0),  # OIHW -> HWIO
                lambda k: k.transpose(3, 2, 0, 1),  # HWIO -> OIHW
            )
        ]
        return [*pairs, ("bias", "bias", _same, _same)] if module.bias is not None else pairs
    if isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d):
        _check_setting(link, "eps", module.eps, layer.epsilon)
        # PyTorch's momentum weighs the new batch statistic, Keras's the old running value.
        _check_setting(link, "momentum (Keras: 1 - PyTorch)", module.momentum, 1 - layer.momentum)
        pairs = [
            ("running_mean", "moving_mean", _same, _same),
            ("running_var", "moving_variance", _same, _same),
        ]
        if module.affine:
            pairs += [("weight", "gamma", _same, _same), ("bias", "beta", _same, _same)]
        return pairs
    if isinstance(module, nn.Embedding):
        return [("weight", "embeddings", _same, _same)]
    raise TransferError(f"{link.torch_name}: no conversion for PyTorch {kind}")


def _check_setting(link: LayerLink, setting: str, torch_value: Any, keras_value: Any) -> None:
    same = (
        math.isclose(torch_value, keras_value, rel_tol=1e-9, abs_tol=1e-12)
        if isinstance(torch_value, float)
        else torch_value == keras_value
    )
    if not same:
        raise TransferError(
            f"{link.torch_name} (PyTorch) and {link.keras_name} (Keras) differ in {setting}: "
            f"{torch_value} against {keras_value}"
        )


def _resolve(
    torch_model: torch.nn.Module, keras_model: keras.Model, links: list[LayerLink]
) -> list[tuple[torch.nn.Module, keras.Layer]]:
    """Find each link's module and layer, walking the Keras model once."""
    layers = _keras_layers(keras_model)
    pairs = []
    for link in links:
        try:
            module = torch_model.get_submodule(link.torch_name)
        except AttributeError as error:
            raise TransferError(f"PyTorch model has no module {link.torch_name!r}") from error
        if link.keras_name not in layers:
            raise TransferError(f"Keras model has no layer {link.keras_name!r}")
        pairs.append((module, layers[link.keras_name]))
    return pairs


def _shape_error(link: LayerLink, names: tuple[str, str], shapes: tuple[Any, Any]) -> TransferError:
    return TransferError(
        f"{link.torch_name}.{names[0]} (PyTorch) and {link.keras_name}.{names[1]} (Keras) "
        f"do not match: converted shape {tuple(shapes[0])}, expected {tuple(shapes[1])}"
    )


def torch_to_keras(
    torch_model: torch.nn.Module, keras_model: keras.Model, links: list[LayerLink]
) -> None:
    """Copy every linked layer's weights from a PyTorch model into its Keras twin.

    Args:
        torch_model: The source.
        keras_model: The destination, already built.
        links: The pairing, e.g. from `links_by_name`.

    Raises:
        TransferError: A layer's settings or converted shapes do not match.
    """
    for link, (module, layer) in zip(links, _resolve(torch_model, keras_model, links), strict=True):
        for torch_attr, keras_attr, to_keras, _ in _conversions(module, layer, link):
            value = to_keras(getattr(module, torch_attr).detach().cpu().numpy())
            variable = getattr(layer, keras_attr)
            if tuple(variable.shape) != value.shape:
                raise _shape_error(link, (torch_attr, keras_attr), (value.shape, variable.shape))
            variable.assign(value)


def keras_to_torch(
    keras_model: keras.Model, torch_model: torch.nn.Module, links: list[LayerLink]
) -> None:
    """Copy every linked layer's weights from a Keras model into its PyTorch twin.

    Args:
        keras_model: The source.
        torch_model: The destination.
        links: The pairing, e.g. from `links_by_name`.

    Raises:
        TransferError: A layer's settings or converted shapes do not match.
    """
    import torch

    for link, (module, layer) in zip(links, _resolve(torch_model, keras_model, links), strict=True):
        for torch_attr, keras_attr, _, to_torch in _conversions(module, layer, link):
            value = to_torch(np.asarray(getattr(layer, keras_attr).numpy()))
            target = getattr(module, torch_attr)
            if tuple(target.shape) != value.shape:
                raise _shape_error(link, (torch_attr, keras_attr), (value.shape, target.shape))
            with torch.no_grad():
                target.copy_(torch.from_numpy(np.ascontiguousarray(value)))


# --- comparison ---------------------------------------------------------------


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
class ParityReport:
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


def _main_weight(module: torch.nn.Module, layer: keras.Layer, link: LayerLink) -> Conversion:
    """The conversion of the weight whose gradient is compared: kernel, gamma or embeddings.

    Every supported PyTorch layer calls that weight ``weight``.
    """
    for conversion in _conversions(module, layer, link):
        if conversion[0] == "weight":
            return conversion
    raise TransferError(f"{link.torch_name}: no learnable weight to compare (affine=False?)")


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


def compare_models(
    torch_model: torch.nn.Module,
    keras_model: keras.Model,
    links: list[LayerLink],
    inputs: Array,
) -> ParityReport:
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
    import tensorflow as tf
    import torch

    torch_model.eval()
    resolved = _resolve(torch_model, keras_model, links)
    main_weights = [
        _main_weight(module, layer, link)
        for link, (module, layer) in zip(links, resolved, strict=True)
    ]
    captured: dict[str, torch.Tensor] = {}
    hooks = []
    for link, (module, _) in zip(links, resolved, strict=True):
        hooks.append(
            module.register_forward_hook(
                # A copy: an in-place activation after the layer (ReLU(inplace=True),
                # as torchvision uses) would otherwise overwrite the captured output.
                lambda _m, _i, out, name=link.torch_name: captured.__setitem__(
                    name, out.detach().clone()
                )
            )
        )
    x = torch.tensor(inputs)
    floating_input = x.is_floating_point()
    x.requires_grad_(floating_input)  # token ids (for an Embedding) have no gradient
    try:
        torch_out = torch_model(x)
    finally:
        for hook in hooks:
            hook.remove()
    # The loss is a fixed random projection of the outputs: its gradient with
    # respect to every output is of order 1, so weight gradients are not
    # vanishingly small for a freshly initialised model.
    projection = np.random.default_rng(1).normal(size=tuple(torch_out.shape)).astype(np.float32)
    torch_model.zero_grad()
    (torch_out * torch.from_numpy(projection)).sum().backward()

    probe = keras.Model(
        keras_model.inputs, [layer.output for _, layer in resolved] + [keras_model.outputs[0]]
    )
    keras_x = tf.constant(_to_channels_last(np.asarray(inputs)))
    keras_weights = [
        getattr(layer, keras_attr)
        for (_, layer), (_, keras_attr, _, _) in zip(resolved, main_weights, strict=True)
    ]
    with tf.GradientTape() as tape:
        tape.watch(keras_x)
        *keras_layer_outs, keras_out = probe(keras_x, training=False)
        loss = tf.reduce_sum(keras_out * _to_channels_last(projection))
    input_grad, *weight_grads = tape.gradient(loss, [keras_x, *keras_weights])

    diffs = []
    results = zip(links, resolved, main_weights, keras_layer_outs, weight_grads, strict=True)
    for link, (module, layer), main_weight, keras_layer_out, weight_grad in results:
        torch_layer_out = _to_channels_last(captured[link.torch_name].detach().numpy())
        activation = getattr(layer, "activation", None)
        if activation is not None:
            # A Keras layer may fuse its activation (Conv2D(..., activation="relu")),
            # where PyTorch uses a separate module: compare after the same activation.
            torch_layer_out = np.asarray(activation(torch_layer_out))
        output_abs, output_rel = _diff(
            f"output of {link.torch_name}", torch_layer_out, np.asarray(keras_layer_out)
        )
        torch_attr, _, to_keras, _ = main_weight
        torch_grad = to_keras(getattr(module, torch_attr).grad.numpy())
        # An Embedding's gradient arrives as IndexedSlices: make it dense.
        grad_abs, grad_rel = _diff(
            f"weight gradient of {link.torch_name}",
            torch_grad,
            np.asarray(tf.convert_to_tensor(weight_grad)),
        )
        diffs.append(
            LayerDiff(link.torch_name, link.keras_name, output_abs, output_rel, grad_abs, grad_rel)
        )
    output_abs, _ = _diff(
        "final output", _to_channels_last(torch_out.detach().numpy()), np.asarray(keras_out)
    )
    input_grad_abs = (
        _diff("input gradient", _to_channels_last(x.grad.numpy()), np.asarray(input_grad))[0]
        if floating_input
        else 0.0
    )
    return ParityReport(layers=diffs, output_abs=output_abs, input_grad_abs=input_grad_abs)


# --- the transfer check of a parity table -------------------------------------

REPORT_SUFFIX = ".transfer.md"


def run_transfer_check(
    spec: ParitySpec, torch_namespace: dict[str, Any], keras_namespace: dict[str, Any]
) -> ParityReport:
    """Copy the PyTorch script's ``model`` into the Keras script's and compare them.

    Args:
        spec: A parity table with a ``transfer`` sub-table.
        torch_namespace: The PyTorch script's globals after it ran.
        keras_namespace: The Keras script's globals after it ran.

    Returns:
        The per-layer report on a seeded random input of the stated shape.

    Raises:
        TransferError: The models cannot exchange weights.
    """
    check = spec.transfer
    if check is None:
        raise TransferError(f"[{spec.name}] has no transfer table")
    torch_model, keras_model = torch_namespace["model"], keras_namespace["model"]
    links = links_by_name(torch_model, keras_model, check.flatten_from)
    torch_to_keras(torch_model, keras_model, links)
    inputs = np.random.default_rng(0).normal(size=check.input_shape).astype(np.float32)
    return compare_models(torch_model, keras_model, links, inputs)


def transfer_problems(spec: ParitySpec, report: ParityReport) -> list[str]:
    """Explain where a transfer check failed, if it did.

    Args:
        spec: The parity table (its ``transfer`` tolerances apply).
        report: The check's report.

    Returns:
        One message naming the first diverging layer, or nothing.
    """
    check = spec.transfer
    if check is None:
        return []
    divergence = report.first_divergence(check.atol, check.rtol)
    if divergence is None:
        return []
    return [
        f"{spec.topic}/{spec.name}: after copying the weights the models diverge at "
        f"{divergence.torch_name} (PyTorch) / {divergence.keras_name} (Keras):\n{report.table()}"
    ]


def render_report(report: ParityReport) -> str:
    """Write a report as the Markdown table a page includes.

    Args:
        report: The per-layer report.

    Returns:
        A table with one row per layer and a closing line on the final outputs.
    """
    lines = [
        "| Layer | Output: largest difference | relative | Weight gradient: largest difference "
        "| relative |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{d.torch_name}` | {d.output_abs:.1e} | {d.output_rel:.1e} "
        f"| {d.grad_abs:.1e} | {d.grad_rel:.1e} |"
        for d in report.layers
    ]
    lines += [
        "",
        f"Final output: largest difference {report.output_abs:.1e}; "
        f"gradient with respect to the input: {report.input_grad_abs:.1e}.",
    ]
    return "\n".join(lines) + "\n"


def report_layers(text: str) -> list[str]:
    """The layer names of a rendered report, in order.

    Args:
        text: A report written by `render_report`.

    Returns:
        The names in its first column.
    """
    return [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]


def report_is_current(path: Path, report: ParityReport) -> bool:
    """Whether the committed report at ``path`` covers the same layers as a fresh one.

    Only the layers must match: the differences' last digits vary by machine,
    and whether they are within tolerance is the check's job, not the file's.

    Args:
        path: The committed report.
        report: A fresh report.

    Returns:
        ``True`` when the file exists and lists the same layers in the same order.
    """
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    return report_layers(committed) == report_layers(render_report(report))


def report_path(topic_dir: Path, spec: ParitySpec) -> Path:
    """Where the update command writes a table's transfer report.

    Args:
        topic_dir: The topic folder.
        spec: The parity table.

    Returns:
        ``<topic_dir>/<table name>.transfer.md``.
    """
    return topic_dir / f"{spec.name}{REPORT_SUFFIX}"
