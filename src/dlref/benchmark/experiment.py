"""The performance experiment: one small CNN, trained the same way in both frameworks.

One of this site's sources reports "PyTorch 72% / TensorFlow 69%" from a single
run of each. This experiment makes the comparison fair and repeats it: for
every seed, PyTorch initialises the network, `dlref.bridge.transfer` copies those
weights into the Keras twin, and both train on the same batches in the same
order with the same optimizer. What differs between the frameworks is then
only the frameworks; what differs between seeds is the ordinary spread of
training. `dlref bench` runs it and writes the results file that the
performance page renders.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dlref.bridge.versions import PACKAGES, public_version

if TYPE_CHECKING:
    import keras
    import torch

# The flattened feature map before the classifier: 32 channels of 2 x 2.
FLATTEN_SHAPE = (32, 2, 2)


@dataclass(frozen=True)
class BenchConfig:
    """What one run of the experiment does.

    Attributes:
        seeds: One training per seed and framework; the seed fixes the initial
            weights and the order of the batches.
        epochs: Passes over the training set.
        batch_size: Examples per step.
        learning_rate: SGD's learning rate.
        momentum: SGD's momentum.
    """

    seeds: tuple[int, ...]
    epochs: int
    batch_size: int = 32
    learning_rate: float = 0.05
    momentum: float = 0.9


FULL = BenchConfig(seeds=(0, 1, 2, 3, 4, 5, 6, 7), epochs=10)
QUICK = BenchConfig(seeds=(0,), epochs=1)


@dataclass(frozen=True)
class Digits:
    """scikit-learn's bundled 8 x 8 digits, channels last, scaled to [0, 1].

    Attributes:
        x_train: Training images, ``(1347, 8, 8, 1)`` float32.
        y_train: Their labels, int64.
        x_test: Test images, ``(450, 8, 8, 1)`` float32.
        y_test: Their labels, int64.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits_split() -> Digits:
    """Load the digits and split them as the Training loops page does.

    Returns:
        The fixed 75/25 split (``random_state=0``).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., np.newaxis]
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=0.25, random_state=0
    )
    return Digits(x_train, y_train, x_test, y_test)


def build_torch_model() -> torch.nn.Module:
    """The CNN in PyTorch, with module names that match the Keras layers.

    Returns:
        conv(16) - pool - conv(32) - pool - flatten - linear(10), with ReLUs.
    """
    from torch import nn

    return nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(1, 16, 3, padding=1),
            relu1=nn.ReLU(),
            pool1=nn.MaxPool2d(2),
            conv2=nn.Conv2d(16, 32, 3, padding=1),
            relu2=nn.ReLU(),
            pool2=nn.MaxPool2d(2),
            flatten=nn.Flatten(),
            fc=nn.Linear(32 * 2 * 2, 10),
        )
    )


def build_keras_model() -> keras.Model:
    """The same CNN in Keras, channels last.

    Returns:
        The twin of `build_torch_model`, built for 8 x 8 x 1 inputs.
    """
    import keras

    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, name="fc"),
        ]
    )


def epoch_orders(seed: int, examples: int, epochs: int) -> list[np.ndarray]:
    """The order of the training examples in every epoch, shared by both frameworks.

    Args:
        seed: The run's seed.
        examples: The training set's size.
        epochs: How many epochs.

    Returns:
        One permutation per epoch.
    """
    rng = np.random.default_rng(seed)
    return [rng.permutation(examples) for _ in range(epochs)]


def _train_pytorch(
    model: torch.nn.Module, data: Digits, config: BenchConfig, orders: list[np.ndarray]
) -> dict[str, Any]:
    import torch

    from dlref.bridge.devices import torch_device

    device = torch_device()
    model = model.to(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(
        model.parameters(), lr=config.learning_rate, momentum=config.momentum
    )
    # NCHW, as PyTorch's convolutions expect.
    x_train = torch.from_numpy(data.x_train.transpose(0, 3, 1, 2).copy()).to(device)
    y_train = torch.from_numpy(data.y_train).to(device)
    x_test = torch.from_numpy(data.x_test.transpose(0, 3, 1, 2).copy()).to(device)
    y_test = torch.from_numpy(data.y_test).to(device)

    def evaluate() -> tuple[float, float]:
        model.eval()
        with torch.no_grad():
            logits = model(x_test)
            loss = loss_fn(logits, y_test).item()
            accuracy = (logits.argmax(dim=1) == y_test).float().mean().item()
        return loss, accuracy

    initial_loss, _ = evaluate()
    epoch_seconds = []
    for order in orders:
        start = time.perf_counter()
        model.train()
        index = torch.from_numpy(order).to(device)
        for first in range(0, len(order), config.batch_size):
            batch = index[first : first + config.batch_size]
            optimizer.zero_grad()
            loss_fn(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        epoch_seconds.append(time.perf_counter() - start)
    test_loss, test_accuracy = evaluate()
    return {
        "initial_test_loss": initial_loss,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "epoch_seconds": epoch_seconds,
    }


def _train_keras(
    model: keras.Model, data: Digits, config: BenchConfig, orders: list[np.ndarray]
) -> dict[str, Any]:
    import keras
    import tensorflow as tf

    from dlref.bridge.devices import tensorflow_device

    with tf.device(tensorflow_device()):
        model.compile(
            optimizer=keras.optimizers.SGD(
                learning_rate=config.learning_rate, momentum=config.momentum
            ),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        initial_loss, _ = model.evaluate(data.x_test, data.y_test, batch_size=512, verbose=0)
        epoch_seconds = []
        for order in orders:
            start = time.perf_counter()
            # One fit per epoch, on this epoch's order: the batches PyTorch sees.
            model.fit(
                data.x_train[order],
                data.y_train[order],
                batch_size=config.batch_size,
                epochs=1,
                shuffle=False,
                verbose=0,
            )
            epoch_seconds.append(time.perf_counter() - start)
        test_loss, test_accuracy = model.evaluate(
            data.x_test, data.y_test, batch_size=512, verbose=0
        )
    return {
        "initial_test_loss": float(initial_loss),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "epoch_seconds": epoch_seconds,
    }


def _hardware(device_kind: str) -> str:
    if device_kind == "cuda":
        import torch

        return torch.cuda.get_device_name(0)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _stamp() -> dict[str, Any]:
    import torch

    from dlref.bridge.devices import torch_device

    kind = torch_device().type
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "python": platform.python_version(),
        "versions": {label: public_version(names) for label, names in PACKAGES},
        "device": kind,
        "hardware": _hardware(kind),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
    }


def run_benchmark(
    config: BenchConfig, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Train the CNN once per seed in each framework and time every epoch.

    Args:
        config: Seeds, epochs and optimizer settings.
        progress: Called with one line after each training, e.g. ``print``.

    Returns:
        The results: ``stamp`` (date, versions, device), ``config`` and
        ``runs``, one per seed and framework, as `write_results` stores them.
    """
    import keras
    import torch

    from dlref.bridge.transfer import links_by_name, torch_to_keras

    data = load_digits_split()
    runs = []
    for seed in config.seeds:
        torch.manual_seed(seed)
        torch_model = build_torch_model()
        keras.utils.set_random_seed(seed)
        keras_model = build_keras_model()
        links = links_by_name(torch_model, keras_model, flatten_from={"fc": FLATTEN_SHAPE})
        torch_to_keras(torch_model, keras_model, links)  # the same initial weights
        orders = epoch_orders(seed, len(data.x_train), config.epochs)
        for framework, train, model in (
            ("pytorch", _train_pytorch, torch_model),
            ("tensorflow", _train_keras, keras_model),
        ):
            run = {"framework": framework, "seed": seed, **train(model, data, config, orders)}
            runs.append(run)
            if progress is not None:
                progress(
                    f"{framework:<10} seed {seed}: test accuracy {run['test_accuracy']:.4f}, "
                    f"median epoch {float(np.median(run['epoch_seconds'])):.3f} s"
                )
        keras.utils.clear_session()
    return {
        "stamp": _stamp(),
        "config": {
            **asdict(config),
            "train_examples": len(data.x_train),
            "test_examples": len(data.x_test),
        },
        "runs": runs,
    }


def write_results(results: dict[str, Any], path: Path) -> None:
    """Write the results as stable, readable JSON.

    Args:
        results: What `run_benchmark` returned.
        path: The file to write.
    """
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
