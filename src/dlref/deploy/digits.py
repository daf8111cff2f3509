"""The digit classifier that the deployment pages serve, in PyTorch and in Keras.

The network reads one 8x8 grey image from scikit-learn's bundled digits,
flattened row by row to 64 ``float32`` values scaled from 0-16 to [0, 1], and
returns 10 class probabilities (a softmax is part of the network, so every
runtime returns probabilities, not logits):

    pixels (N, 64) -> Dense 32, ReLU -> Dense 10 -> softmax -> probabilities (N, 10)

It is trained once, deterministically, in PyTorch; its weights are copied into
the Keras twin with `dlref.bridge.transfer`, so both frameworks hold the same
network. Both are exported to ONNX with their own exporter: PyTorch's
``torch.onnx.export(dynamo=True)`` and Keras's ``Model.export(format="onnx")``
(tf2onnx underneath), each with a dynamic batch dimension.

The artefacts are committed in `MODELS_DIR` and published with the site:

- ``digits.safetensors``: the PyTorch weights;
- ``digits.weights.h5``: the Keras weights;
- ``digits-pytorch.onnx`` and ``digits-keras.onnx``: the two exports;
- ``digits-samples.json``: a few held-out images, their labels, and what Python's
  ONNX Runtime returns for them from each export.

`export` retrains and re-exports into a scratch folder, then compares each
committed file with the fresh one by what it computes (bytes may differ between
runs of an exporter); with ``update=True`` it rewrites the files that differ.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dlref.paths import DOCS_DIR

if TYPE_CHECKING:
    import keras
    import torch

#: Values per input image: 8x8 pixels, flattened row by row.
INPUT_SIZE: int = 64
#: Output classes: the digits 0 to 9.
CLASSES: int = 10
#: Where the committed artefacts live; the site publishes them from here as they are.
MODELS_DIR = DOCS_DIR / "production" / "models"

HIDDEN = 32
#: The bundled images hold whole numbers from 0 to 16.
PIXEL_MAX = 16.0
#: The first images are for training, the rest are held out.
TRAIN_IMAGES = 1500
SEED = 0
STEPS = 300
LEARNING_RATE = 0.01
#: Two numbers "agree" within this: the same network, computed another way.
ATOL = 1e-5

WEIGHTS_TORCH = "digits.safetensors"
WEIGHTS_KERAS = "digits.weights.h5"
SAMPLES = "digits-samples.json"
FRAMEWORKS = ("pytorch", "keras")


def onnx_path(framework: str) -> Path:
    """Return the committed ONNX export of one framework's model.

    Args:
        framework: ``"pytorch"`` or ``"keras"``.

    Returns:
        The path of ``digits-<framework>.onnx`` in `MODELS_DIR`.

    Raises:
        ValueError: ``framework`` is neither.
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}, not {framework!r}")
    return MODELS_DIR / _onnx_name(framework)


def _onnx_name(framework: str) -> str:
    return f"digits-{framework}.onnx"


def _dataset() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = (digits.data / PIXEL_MAX).astype(np.float32)
    return pixels, digits.target.astype(np.int64)


def sample_inputs() -> np.ndarray:
    """Return the fixed test images: the first held-out image of each digit, 0 to 9.

    Returns:
        A ``float32`` array of shape ``(10, 64)``, values in [0, 1]; row ``i`` shows digit ``i``.
    """
    pixels, labels = _dataset()
    held_out = np.arange(TRAIN_IMAGES, len(labels))
    first = [held_out[labels[held_out] == digit][0] for digit in range(CLASSES)]
    return pixels[first]


def _torch_model() -> torch.nn.Module:
    import torch
    from torch import nn

    class DigitsMLP(nn.Module):
        """Pixels to digit probabilities: one hidden layer."""

        def __init__(self) -> None:
            super().__init__()
            self.hidden = nn.Linear(INPUT_SIZE, HIDDEN)
            self.logits = nn.Linear(HIDDEN, CLASSES)

        def forward(self, pixels: torch.Tensor) -> torch.Tensor:
            return torch.softmax(self.logits(torch.relu(self.hidden(pixels))), dim=-1)

    return DigitsMLP()


def _keras_model() -> keras.Model:
    import keras

    # Functional, not Sequential: tf2onnx cannot convert a Keras 3 Sequential model.
    pixels = keras.Input((INPUT_SIZE,), name="pixels")
    hidden = keras.layers.Dense(HIDDEN, activation="relu", name="hidden")(pixels)
    logits = keras.layers.Dense(CLASSES, name="logits")(hidden)
    probabilities = keras.layers.Softmax(name="probabilities")(logits)
    return keras.Model(pixels, probabilities, name="digits")


def _train() -> torch.nn.Module:
    """Full-batch Adam on the training images, seeded: the same weights on every run."""
    import torch

    torch.manual_seed(SEED)
    model = _torch_model()
    pixels, labels = _dataset()
    x = torch.from_numpy(pixels[:TRAIN_IMAGES])
    y = torch.from_numpy(labels[:TRAIN_IMAGES])
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    for _ in range(STEPS):
        optimizer.zero_grad()
        # The model ends in a softmax: the loss takes the log of its probabilities.
        loss = torch.nn.functional.nll_loss(torch.log(model(x) + 1e-12), y)
        loss.backward()
        optimizer.step()
    return model.eval()


def _transferred(torch_model: torch.nn.Module) -> keras.Model:
    from dlref.bridge.transfer import links_by_name, torch_to_keras

    keras_model = _keras_model()
    torch_to_keras(torch_model, keras_model, links_by_name(torch_model, keras_model))
    return keras_model


def load_pytorch(models_dir: Path = MODELS_DIR) -> torch.nn.Module:
    """Return the PyTorch model with the committed weights, in eval mode.

    Args:
        models_dir: The folder that holds ``digits.safetensors``.

    Returns:
        The model: ``(N, 64)`` float32 pixels in, ``(N, 10)`` probabilities out.
    """
    from safetensors.torch import load_file

    model = _torch_model()
    model.load_state_dict(load_file(models_dir / WEIGHTS_TORCH))
    return model.eval()


def load_keras(models_dir: Path = MODELS_DIR) -> keras.Model:
    """Return the Keras model with the committed weights.

    Args:
        models_dir: The folder that holds ``digits.weights.h5``.

    Returns:
        The model: ``(N, 64)`` float32 pixels in, ``(N, 10)`` probabilities out.
    """
    model = _keras_model()
    model.load_weights(models_dir / WEIGHTS_KERAS)
    return model


def _write_artefacts(torch_model: torch.nn.Module, folder: Path) -> None:
    """Save both models' weights, both ONNX exports and the samples file into ``folder``."""
    import torch
    from safetensors.torch import save_file

    save_file(
        {name: value.contiguous() for name, value in torch_model.state_dict().items()},
        folder / WEIGHTS_TORCH,
    )
    keras_model = _transferred(torch_model)
    keras_model.save_weights(folder / WEIGHTS_KERAS)

    inputs = sample_inputs()
    # The exporter logs that torchvision's operators are not registered (they are not
    # used here); torch and tf2onnx trigger deprecation warnings about their own code.
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        program = torch.onnx.export(
            torch_model,
            (torch.from_numpy(inputs),),
            input_names=["pixels"],
            output_names=["probabilities"],
            dynamic_shapes={"pixels": {0: torch.export.Dim("batch")}},
            dynamo=True,
            verbose=False,
        )
        program.save(str(folder / _onnx_name("pytorch")))
        keras_model(inputs)  # Keras exports only a model that has been called once.
        keras_model.export(str(folder / _onnx_name("keras")), format="onnx", verbose=False)

    samples = {
        "about": "Held-out images of scikit-learn's digits (first of each class), scaled to "
        "[0, 1], and the probabilities Python's ONNX Runtime returns for them from each export.",
        "labels": list(range(CLASSES)),
        "inputs": inputs.tolist(),
        "outputs": {
            framework: _run_onnx(folder / _onnx_name(framework), inputs).tolist()
            for framework in FRAMEWORKS
        },
        "held_out_accuracy": round(_held_out_accuracy(torch_model), 4),
    }
    (folder / SAMPLES).write_text(json.dumps(samples, indent=1) + "\n", encoding="utf-8")


def _held_out_accuracy(torch_model: torch.nn.Module) -> float:
    import torch

    pixels, labels = _dataset()
    with torch.no_grad():
        predicted = torch_model(torch.from_numpy(pixels[TRAIN_IMAGES:])).argmax(-1).numpy()
    return float((predicted == labels[TRAIN_IMAGES:]).mean())


def _run_onnx(path: Path, inputs: np.ndarray) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: inputs})[0]


def _differs(expected: Any, actual: Any) -> str | None:
    """Describe how two nested lists of numbers differ beyond `ATOL`, or return None."""
    expected, actual = np.asarray(expected, dtype=np.float64), np.asarray(actual, dtype=np.float64)
    if expected.shape != actual.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    gap = float(np.max(np.abs(expected - actual), initial=0.0))
    return f"differs by up to {gap:.2e} (tolerance {ATOL:g})" if gap > ATOL else None


def _compare_torch_weights(committed: Path, fresh: Path) -> str | None:
    from safetensors.numpy import load_file

    old, new = load_file(committed), load_file(fresh)
    if old.keys() != new.keys():
        return f"holds tensors {sorted(old)}, expected {sorted(new)}"
    for name in new:
        if problem := _differs(new[name], old[name]):
            return f"tensor {name} {problem}"
    return None


def _compare_keras_weights(committed: Path, fresh: Path) -> str | None:
    old, new = _keras_model(), _keras_model()
    old.load_weights(committed)
    new.load_weights(fresh)
    for variable, old_value, new_value in zip(
        new.weights, old.get_weights(), new.get_weights(), strict=True
    ):
        if problem := _differs(new_value, old_value):
            return f"weight {variable.path} {problem}"
    return None


def _compare_onnx(committed: Path, fresh: Path) -> str | None:
    inputs = sample_inputs()
    problem = _differs(_run_onnx(fresh, inputs), _run_onnx(committed, inputs))
    return f"outputs on the samples {problem}" if problem else None


def _compare_samples(committed: Path, fresh: Path) -> str | None:
    old, new = (json.loads(path.read_text(encoding="utf-8")) for path in (committed, fresh))
    for key in ("labels", "inputs", "held_out_accuracy"):
        if old.get(key) != new[key]:
            return f"{key} differ from a fresh run"
    for framework in FRAMEWORKS:
        recorded = old.get("outputs", {}).get(framework)
        if recorded is None:
            return f"has no outputs for {framework}"
        if problem := _differs(new["outputs"][framework], recorded):
            return f"{framework} outputs {problem}"
    return None


def _disagreements(torch_model: torch.nn.Module, folder: Path) -> list[str]:
    """The two frameworks, and their exports, must compute the same probabilities."""
    import torch

    inputs = sample_inputs()
    with torch.no_grad():
        reference = torch_model(torch.from_numpy(inputs)).numpy()
    results = {
        "Keras": np.asarray(_transferred(torch_model)(inputs)),
        **{
            f"ONNX export of {framework}": _run_onnx(folder / _onnx_name(framework), inputs)
            for framework in FRAMEWORKS
        },
    }
    return [
        f"{name} disagrees with PyTorch: {problem}"
        for name, result in results.items()
        if (problem := _differs(reference, result))
    ]


def export(update: bool, models_dir: Path = MODELS_DIR) -> list[str]:
    """Retrain and re-export the network, and check or rewrite the committed artefacts.

    One code path for both: a fresh run writes every artefact into a scratch
    folder; each committed file is compared with its fresh twin by what it
    computes. Nothing is written while the frameworks disagree.

    Args:
        update: Rewrite the committed files that are missing or differ, instead of
            reporting them.
        models_dir: The folder of committed artefacts (the site's, unless a test
            points elsewhere).

    Returns:
        The problems found, one sentence each; empty when everything matches (or,
        with ``update``, when every stale file was rewritten).
    """
    comparers: dict[str, Callable[[Path, Path], str | None]] = {
        WEIGHTS_TORCH: _compare_torch_weights,
        WEIGHTS_KERAS: _compare_keras_weights,
        **{_onnx_name(framework): _compare_onnx for framework in FRAMEWORKS},
        SAMPLES: _compare_samples,
    }
    torch_model = _train()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dlref-deploy-") as scratch:
        fresh_dir = Path(scratch)
        _write_artefacts(torch_model, fresh_dir)
        if disagreements := _disagreements(torch_model, fresh_dir):
            return disagreements
        for name, compare in comparers.items():
            committed, fresh = models_dir / name, fresh_dir / name
            if not committed.is_file():
                problem = "is missing"
            else:
                try:
                    problem = compare(committed, fresh)
                except Exception as error:  # a damaged file fails to load in many ways
                    problem = f"cannot be read ({type(error).__name__}: {error})"
            if problem is None:
                continue
            if update:
                models_dir.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(fresh, committed)
            else:
                problems.append(f"{committed.name} {problem}")
    return problems
