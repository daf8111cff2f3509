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
paired; `dlref.bridge.model_diff.compare_models` still sees their effect in
the outputs of the weighted layers after them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras
    import torch

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
    """Example every weighted PyTorch module with the Keras layer of the same name.

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


def conversions(module: torch.nn.Module, layer: keras.Layer, link: LayerLink) -> list[Conversion]:
    """Return how each weight of a linked layer converts between the frameworks.

    Args:
        module: The PyTorch module.
        layer: The Keras layer linked to it.
        link: The link (its ``flatten_from`` changes a ``Linear`` kernel's row order).

    Returns:
        One ``(PyTorch attribute, Keras attribute, to Keras, to PyTorch)`` per weight.

    Raises:
        TransferError: The layer type is not supported, or a setting differs.
    """
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


def resolve_links(
    torch_model: torch.nn.Module, keras_model: keras.Model, links: list[LayerLink]
) -> list[tuple[torch.nn.Module, keras.Layer]]:
    """Find each link's module and layer, walking the Keras model once.

    Args:
        torch_model: The PyTorch model.
        keras_model: The Keras twin.
        links: The pairing.

    Returns:
        ``(module, layer)`` for each link, in order.

    Raises:
        TransferError: A link names a module or layer that does not exist.
    """
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
    for link, (module, layer) in zip(
        links, resolve_links(torch_model, keras_model, links), strict=True
    ):
        for torch_attr, keras_attr, to_keras, _ in conversions(module, layer, link):
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

    for link, (module, layer) in zip(
        links, resolve_links(torch_model, keras_model, links), strict=True
    ):
        for torch_attr, keras_attr, _, to_torch in conversions(module, layer, link):
            value = to_torch(np.asarray(getattr(layer, keras_attr).numpy()))
            target = getattr(module, torch_attr)
            if tuple(target.shape) != value.shape:
                raise _shape_error(link, (torch_attr, keras_attr), (value.shape, target.shape))
            with torch.no_grad():
                target.copy_(torch.from_numpy(np.ascontiguousarray(value)))
