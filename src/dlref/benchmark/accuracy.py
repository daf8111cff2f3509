"""The accuracy experiments: one small CNN, trained in both frameworks over many seeds.

A common comparison reports "PyTorch 72% / TensorFlow 69%" from a single run of
each. Two experiments say what such a gap can mean.

- **Identical start** (`identical_runs`): for every seed, PyTorch initialises
  the network, `dlref.bridge.transfer` copies those weights into the Keras twin,
  and both train on the same batches in the same order with the same
  optimizer. What differs between the frameworks is then only the frameworks.
- **Independent runs** (`independent_runs`): each framework initialises the
  network its own way, from its own seed, and draws its own batch order, on a
  task made hard by training on a small part of the digits. This is what two
  single runs in two frameworks are, and the spread shows how far apart two
  such runs land by chance.

Nothing here is timed: speed is `dlref.benchmark.modes`'s business.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras
    import torch

# The flattened feature map before the classifier: 32 channels of 2 x 2.
FLATTEN_SHAPE = (32, 2, 2)


@dataclass(frozen=True)
class AccuracyConfig:
    """What one accuracy experiment does.

    Attributes:
        seeds: One training per seed and framework.
        epochs: Passes over the training set.
        train_examples: Training images used, from the start of the training
            split; ``None`` for all of them.
        batch_size: Examples per step.
        learning_rate: SGD's learning rate.
        momentum: SGD's momentum.
    """

    seeds: tuple[int, ...]
    epochs: int
    train_examples: int | None = None
    batch_size: int = 32
    learning_rate: float = 0.05
    momentum: float = 0.9


IDENTICAL = AccuracyConfig(seeds=tuple(range(8)), epochs=10)
INDEPENDENT = AccuracyConfig(seeds=tuple(range(8)), epochs=10, train_examples=256)
QUICK_IDENTICAL = AccuracyConfig(seeds=(0,), epochs=1)
# Keras's seeds are offset: an independent run's two frameworks share no random stream.
INDEPENDENT_SEED_OFFSET = 1000


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
    model: torch.nn.Module, data: Digits, config: AccuracyConfig, orders: list[np.ndarray]
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
    for order in orders:
        model.train()
        index = torch.from_numpy(order).to(device)
        for first in range(0, len(order), config.batch_size):
            batch = index[first : first + config.batch_size]
            optimizer.zero_grad()
            loss_fn(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
    test_loss, test_accuracy = evaluate()
    return {
        "initial_test_loss": initial_loss,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
    }


def _train_keras(
    model: keras.Model, data: Digits, config: AccuracyConfig, orders: list[np.ndarray]
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
        # The batches PyTorch sees, in its order: one fit per epoch, or a single fit
        # over all epochs' orders when the set divides into whole batches (the same
        # batches, without a fit call's set-up per epoch).
        whole = len(data.x_train) % config.batch_size == 0
        for order in [np.concatenate(orders)] if whole else orders:
            model.fit(
                data.x_train[order],
                data.y_train[order],
                batch_size=config.batch_size,
                epochs=1,
                shuffle=False,
                verbose=0,
            )
        test_loss, test_accuracy = model.evaluate(
            data.x_test, data.y_test, batch_size=512, verbose=0
        )
    return {
        "initial_test_loss": float(initial_loss),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
    }


def _subset(data: Digits, config: AccuracyConfig) -> Digits:
    if config.train_examples is None:
        return data
    count = config.train_examples
    return Digits(data.x_train[:count], data.y_train[:count], data.x_test, data.y_test)


def _report(progress: Callable[[str], None] | None, run: dict[str, Any]) -> None:
    if progress is not None:
        progress(
            f"{run['framework']:<10} seed {run['seed']}: test accuracy {run['test_accuracy']:.4f}"
        )


def identical_runs(
    config: AccuracyConfig, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Train the CNN per seed in both frameworks from the same weights on the same batches.

    Args:
        config: Seeds, epochs and optimizer settings.
        progress: Called with one line after each training, e.g. ``print``.

    Returns:
        ``config`` (with the data sizes) and ``runs``, one per seed and framework.
    """
    import keras
    import torch

    from dlref.bridge.transfer import links_by_name, torch_to_keras

    data = _subset(load_digits_split(), config)
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
            runs.append(
                {"framework": framework, "seed": seed, **train(model, data, config, orders)}
            )
            _report(progress, runs[-1])
        keras.utils.clear_session()
    return _experiment(config, data, runs)


def independent_runs(
    config: AccuracyConfig, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Train the CNN per seed in both frameworks, each from its own initialisation and order.

    Args:
        config: Seeds, epochs, training-set size and optimizer settings.
        progress: Called with one line after each training, e.g. ``print``.

    Returns:
        ``config`` (with the data sizes) and ``runs``, one per seed and framework.
    """
    import keras
    import torch

    data = _subset(load_digits_split(), config)
    runs = []
    for seed in config.seeds:
        torch.manual_seed(seed)
        torch_orders = epoch_orders(seed, len(data.x_train), config.epochs)
        run = _train_pytorch(build_torch_model(), data, config, torch_orders)
        runs.append({"framework": "pytorch", "seed": seed, **run})
        _report(progress, runs[-1])
        keras_seed = seed + INDEPENDENT_SEED_OFFSET
        keras.utils.set_random_seed(keras_seed)
        keras_orders = epoch_orders(keras_seed, len(data.x_train), config.epochs)
        run = _train_keras(build_keras_model(), data, config, keras_orders)
        runs.append({"framework": "tensorflow", "seed": seed, **run})
        _report(progress, runs[-1])
        keras.utils.clear_session()
    return _experiment(config, data, runs)


def _experiment(config: AccuracyConfig, data: Digits, runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "config": {
            **asdict(config),
            "train_examples": len(data.x_train),
            "test_examples": len(data.x_test),
        },
        "runs": runs,
    }
