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
- ``RNN``, ``LSTM``, ``GRU`` and ``SimpleRNN``, ``LSTM``, ``GRU``: the kernels
  are the weights transposed, gate block by gate block. LSTM gates are in the
  same order in both (input, forget, cell, output); GRU gates are not
  (PyTorch reset, update, new; Keras update, reset, candidate). PyTorch adds
  two biases, ``b_ih + b_hh``; Keras LSTM and SimpleRNN hold their sum, and
  Keras GRU with ``reset_after=True`` holds both, as a ``(2, 3 * units)``
  array. A GRU with ``reset_after=False`` computes another function and is
  refused. ``bidirectional=True`` pairs with ``Bidirectional``
  (``merge_mode="concat"``), ``num_layers > 1`` with ``RNN`` over
  ``StackedRNNCells``.
- ``MultiheadAttention`` and ``MultiHeadAttention``: the packed ``(3E, E)``
  input projection is split into the query, key and value kernels, each
  ``(E, heads, head_dim)``; the output projection becomes
  ``(heads, head_dim, E)``.
- ``LayerNorm`` and ``LayerNormalization``: weight and bias; eps must match
  (PyTorch's default 1e-5, Keras's 1e-3).

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
    """Modules that hold weights themselves; a ``MultiheadAttention`` counts as one.

    Its ``out_proj`` child is converted with it, as Keras keeps the output
    projection inside its ``MultiHeadAttention`` layer.
    """
    from torch import nn

    modules = {
        name: module
        for name, module in model.named_modules()
        if name and (any(True for _ in module.parameters(recurse=False)) or module._buffers)
    }
    wholes = [
        name for name, module in model.named_modules() if isinstance(module, nn.MultiheadAttention)
    ]
    return {
        name: module
        for name, module in modules.items()
        if not any(name.startswith(f"{whole}.") for whole in wholes if whole)
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


@dataclass(frozen=True)
class Conversion:
    """How some weights of a PyTorch module become weights of a Keras layer, and back.

    Most conversions take one array to one array. Some do not: PyTorch's two
    recurrent biases become one Keras bias, and its packed attention input
    projection becomes three Keras kernels.

    Attributes:
        torch_attrs: Attribute paths on the PyTorch module (``"out_proj.weight"``).
        keras_attrs: Attribute paths on the Keras layer (``"forward_layer.cell.kernel"``).
        to_keras: Turns the PyTorch arrays, in order, into the Keras arrays.
        to_torch: Turns the Keras arrays, in order, into the PyTorch arrays.
    """

    torch_attrs: tuple[str, ...]
    keras_attrs: tuple[str, ...]
    to_keras: Callable[[list[Array]], list[Array]]
    to_torch: Callable[[list[Array]], list[Array]]


def _one(
    torch_attr: str,
    keras_attr: str,
    to_keras: Callable[[Array], Array],
    to_torch: Callable[[Array], Array],
) -> Conversion:
    """A conversion of one array into one array."""
    return Conversion(
        (torch_attr,),
        (keras_attr,),
        lambda arrays: [to_keras(arrays[0])],
        lambda arrays: [to_torch(arrays[0])],
    )


def attribute(owner: Any, path: str) -> Any:
    """Follow a dotted attribute path; a number indexes a list (``"cell.cells.0.kernel"``).

    Args:
        owner: A PyTorch module or a Keras layer.
        path: The path.

    Returns:
        The tensor or variable it names.
    """
    for part in path.split("."):
        owner = owner[int(part)] if part.isdigit() else getattr(owner, part)
    return owner


def _same(array: Array) -> Array:
    return array


def _transpose(array: Array) -> Array:
    return array.T


def _linear_kernel(link: LayerLink) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    if link.flatten_from is None:
        return _transpose, _transpose
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

    The first conversion of learnable weights is the layer's main weight, the
    one whose gradient `dlref.bridge.model_diff.compare_models` compares.

    Args:
        module: The PyTorch module.
        layer: The Keras layer linked to it.
        link: The link (its ``flatten_from`` changes a ``Linear`` kernel's row order).

    Returns:
        The conversions, one per group of weights that convert together.

    Raises:
        TransferError: The layer type is not supported, or a setting differs.
    """
    from torch import nn

    kind = type(module).__name__
    if isinstance(module, nn.Linear):
        to_keras, to_torch = _linear_kernel(link)
        pairs = [_one("weight", "kernel", to_keras, to_torch)]
        return [*pairs, _one("bias", "bias", _same, _same)] if module.bias is not None else pairs
    if isinstance(module, nn.Conv2d):
        if module.groups != 1:
            raise TransferError(f"{link.torch_name}: grouped convolutions are not supported")
        _check_setting(link, "kernel size", module.kernel_size, tuple(layer.kernel_size))
        _check_setting(link, "stride", module.stride, tuple(layer.strides))
        _check_setting(link, "dilation", module.dilation, tuple(layer.dilation_rate))
        pairs = [
            _one(
                "weight",
                "kernel",
                lambda w: w.transpose(2, 3, 1, 0),  # OIHW -> HWIO
                lambda k: k.transpose(3, 2, 0, 1),  # HWIO -> OIHW
            )
        ]
        return [*pairs, _one("bias", "bias", _same, _same)] if module.bias is not None else pairs
    if isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d):
        _check_setting(link, "eps", module.eps, layer.epsilon)
        # PyTorch's momentum weighs the new batch statistic, Keras's the old running value.
        _check_setting(link, "momentum (Keras: 1 - PyTorch)", module.momentum, 1 - layer.momentum)
        pairs = [
            _one("running_mean", "moving_mean", _same, _same),
            _one("running_var", "moving_variance", _same, _same),
        ]
        if module.affine:
            pairs += [_one("weight", "gamma", _same, _same), _one("bias", "beta", _same, _same)]
        return pairs
    if isinstance(module, nn.Embedding):
        return [_one("weight", "embeddings", _same, _same)]
    if isinstance(module, nn.LayerNorm):
        return _layer_norm(module, layer, link)
    if isinstance(module, nn.RNN | nn.LSTM | nn.GRU):
        return _recurrent(module, layer, link)
    if isinstance(module, nn.MultiheadAttention):
        return _attention(module, layer, link)
    raise TransferError(f"{link.torch_name}: no conversion for PyTorch {kind}")


def _layer_norm(
    module: torch.nn.LayerNorm, layer: keras.Layer, link: LayerLink
) -> list[Conversion]:
    _check_setting(link, "eps", module.eps, layer.epsilon)
    axes = layer.axis if isinstance(layer.axis, list) else [layer.axis]
    try:  # an axis given as a positive number is the last one if it is rank - 1
        rank: int | None = len(layer.input.shape)
    except (AttributeError, ValueError):  # a layer never called on a Keras tensor
        rank = None
    last = [-1] if axes == [-1] or (rank is not None and axes == [rank - 1]) else axes
    _check_setting(link, "normalised axes (last only)", len(module.normalized_shape), len(axes))
    _check_setting(link, "normalised axis", [-1], last)
    affine = module.weight is not None
    _check_setting(link, "scale (elementwise_affine)", affine, bool(layer.scale))
    _check_setting(link, "bias (center)", module.bias is not None, bool(layer.center))
    pairs = [_one("weight", "gamma", _same, _same)] if affine else []
    return [*pairs, _one("bias", "beta", _same, _same)] if module.bias is not None else pairs


# Where each PyTorch gate block goes in Keras's order: Keras block k is PyTorch block
# _GATE_ORDER[kind][k]. LSTM: both i, f, g (Keras: c), o. GRU: PyTorch r, z, n; Keras z, r, h.
_GATE_ORDER = {"RNN": (0,), "LSTM": (0, 1, 2, 3), "GRU": (1, 0, 2)}
_KERAS_CELL = {"RNN": "SimpleRNNCell", "LSTM": "LSTMCell", "GRU": "GRUCell"}


def _reorder(order: tuple[int, ...], array: Array, inverse: bool = False) -> Array:
    """Reorder gate blocks along the first axis (PyTorch -> Keras, or back)."""
    blocks = np.split(array, len(order), axis=0)
    if inverse:
        restored: list[Array] = [blocks[0]] * len(order)
        for keras_index, torch_index in enumerate(order):
            restored[torch_index] = blocks[keras_index]
        return np.concatenate(restored, axis=0)
    return np.concatenate([blocks[i] for i in order], axis=0)


def _keras_cells(module: torch.nn.RNNBase, layer: keras.Layer, link: LayerLink) -> list[Any]:
    """The Keras cell of each PyTorch direction and layer, as ``(suffix, cell path)``."""
    import keras

    if module.bidirectional:
        if not isinstance(layer, keras.layers.Bidirectional):
            raise TransferError(
                f"{link.torch_name}: PyTorch bidirectional=True needs a Keras Bidirectional layer"
            )
        if module.num_layers != 1:
            raise TransferError(
                f"{link.torch_name}: a bidirectional stack has no single Keras layer; "
                "use one PyTorch module and one Keras Bidirectional layer per level"
            )
        _check_setting(link, "merge of directions", "concat", layer.merge_mode)
        return [("_l0", "forward_layer.cell"), ("_l0_reverse", "backward_layer.cell")]
    if isinstance(layer, keras.layers.Bidirectional):
        raise TransferError(f"{link.torch_name}: Keras Bidirectional needs bidirectional=True")
    _check_setting(link, "go_backwards", False, bool(layer.go_backwards))
    if isinstance(layer.cell, keras.layers.StackedRNNCells):
        _check_setting(link, "number of layers", module.num_layers, len(layer.cell.cells))
        return [(f"_l{k}", f"cell.cells.{k}") for k in range(module.num_layers)]
    _check_setting(link, "number of layers", module.num_layers, 1)
    return [("_l0", "cell")]


def _recurrent(module: torch.nn.RNNBase, layer: keras.Layer, link: LayerLink) -> list[Conversion]:
    kind = type(module).__name__
    order = _GATE_ORDER[kind]
    cells = _keras_cells(module, layer, link)
    if getattr(module, "proj_size", 0):
        raise TransferError(f"{link.torch_name}: LSTM proj_size has no Keras counterpart")

    def to_keras_kernel(weight: Array) -> Array:
        return _reorder(order, weight).T

    def to_torch_kernel(kernel: Array) -> Array:
        return _reorder(order, kernel.T, inverse=True)

    pairs: list[Conversion] = []
    for suffix, path in cells:
        cell = attribute(layer, path)
        _check_setting(link, "cell type", _KERAS_CELL[kind], type(cell).__name__)
        _check_setting(link, "hidden size (units)", module.hidden_size, cell.units)
        _check_setting(link, "bias (use_bias)", module.bias, bool(cell.use_bias))
        activation = module.nonlinearity if kind == "RNN" else "tanh"
        _check_setting(link, "activation", activation, cell.activation.__name__)
        if kind != "RNN":
            _check_setting(
                link, "recurrent activation", "sigmoid", cell.recurrent_activation.__name__
            )
        if kind == "GRU" and not cell.reset_after:
            raise TransferError(
                f"{link.torch_name} (PyTorch) and {link.keras_name} (Keras) differ in reset_after: "
                "PyTorch applies the reset gate after the recurrent matrix (Keras "
                "reset_after=True); reset_after=False computes another function"
            )

        pairs.append(_one(f"weight_ih{suffix}", f"{path}.kernel", to_keras_kernel, to_torch_kernel))
        pairs.append(
            _one(f"weight_hh{suffix}", f"{path}.recurrent_kernel", to_keras_kernel, to_torch_kernel)
        )
        if module.bias:
            pairs.append(_recurrent_bias(kind, order, suffix, path))
    return pairs


def _recurrent_bias(kind: str, order: tuple[int, ...], suffix: str, path: str) -> Conversion:
    """PyTorch's ``b_ih`` and ``b_hh`` against Keras's one bias (two rows for a GRU)."""
    names = (f"bias_ih{suffix}", f"bias_hh{suffix}")
    if kind == "GRU":
        # reset_after=True: row 0 is the input bias, row 1 the recurrent bias.
        return Conversion(
            names,
            (f"{path}.bias",),
            lambda b: [np.stack([_reorder(order, b[0]), _reorder(order, b[1])])],
            lambda k: [_reorder(order, k[0][0], True), _reorder(order, k[0][1], True)],
        )
    # The two biases are only ever added: Keras keeps the sum, and the way back puts
    # it all in b_ih (the split is not recoverable; the function is the same).
    return Conversion(
        names,
        (f"{path}.bias",),
        lambda b: [_reorder(order, b[0] + b[1])],
        lambda k: [_reorder(order, k[0], True), np.zeros_like(k[0])],
    )


def _attention(
    module: torch.nn.MultiheadAttention, layer: keras.Layer, link: LayerLink
) -> list[Conversion]:
    if not module._qkv_same_embed_dim:
        raise TransferError(
            f"{link.torch_name}: kdim or vdim other than embed_dim is not supported"
        )
    if module.bias_k is not None or module.add_zero_attn:
        raise TransferError(f"{link.torch_name}: add_bias_kv and add_zero_attn are not supported")
    embed, heads, head_dim = module.embed_dim, module.num_heads, module.head_dim
    _check_setting(link, "number of heads", heads, layer.num_heads)
    _check_setting(link, "head size (Keras key_dim)", head_dim, layer.key_dim)
    _check_setting(link, "value head size (Keras value_dim)", head_dim, layer.value_dim)
    _check_setting(link, "gated attention (Keras use_gate)", False, bool(layer._use_gate))
    _check_setting(link, "bias", module.in_proj_bias is not None, bool(layer.use_bias))
    projections = ("query_dense", "key_dense", "value_dense")

    def split_kernels(packed: list[Array]) -> list[Array]:
        # Rows of in_proj_weight: query, key, value; within each, head by head.
        return [w.T.reshape(embed, heads, head_dim) for w in np.split(packed[0], 3)]

    def pack_kernels(kernels: list[Array]) -> list[Array]:
        return [np.concatenate([k.reshape(embed, heads * head_dim).T for k in kernels])]

    pairs = [
        Conversion(
            ("in_proj_weight",),
            tuple(f"{p}.kernel" for p in projections),
            split_kernels,
            pack_kernels,
        ),
        _one(
            "out_proj.weight",
            "output_dense.kernel",
            lambda w: w.T.reshape(heads, head_dim, -1),
            lambda k: k.reshape(heads * head_dim, -1).T,
        ),
    ]
    if module.in_proj_bias is None:
        return pairs
    return [
        *pairs,
        Conversion(
            ("in_proj_bias",),
            tuple(f"{p}.bias" for p in projections),
            lambda b: [part.reshape(heads, head_dim) for part in np.split(b[0], 3)],
            lambda biases: [np.concatenate([b.reshape(-1) for b in biases])],
        ),
        _one("out_proj.bias", "output_dense.bias", _same, _same),
    ]


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
        for conversion in conversions(module, layer, link):
            sources = [
                attribute(module, name).detach().cpu().numpy() for name in conversion.torch_attrs
            ]
            for keras_attr, value in zip(
                conversion.keras_attrs, conversion.to_keras(sources), strict=True
            ):
                variable = attribute(layer, keras_attr)
                if tuple(variable.shape) != value.shape:
                    names = (", ".join(conversion.torch_attrs), keras_attr)
                    raise _shape_error(link, names, (value.shape, variable.shape))
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
        for conversion in conversions(module, layer, link):
            sources = [
                np.asarray(attribute(layer, name).numpy()) for name in conversion.keras_attrs
            ]
            for torch_attr, value in zip(
                conversion.torch_attrs, conversion.to_torch(sources), strict=True
            ):
                target = attribute(module, torch_attr)
                if tuple(target.shape) != value.shape:
                    names = (torch_attr, ", ".join(conversion.keras_attrs))
                    raise _shape_error(link, names, (value.shape, target.shape))
                with torch.no_grad():
                    target.copy_(torch.from_numpy(np.ascontiguousarray(value)))
