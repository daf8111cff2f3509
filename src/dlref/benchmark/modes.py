"""The training modes, each building its model and step and handing the step to the timer.

Every mode trains the same workload on the same generated batches, already in
the framework's tensors on the device, with Adam at the same settings and a
softmax cross-entropy loss. One step is forward, loss, backward and optimizer
update, and nothing else: no metric, no data conversion. Keras ``fit`` is the
exception by design: it is the end-to-end idiom (its own input pipeline and
callbacks), timed per step from a callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dlref.benchmark.timing import Counters, Plan, Timing, time_steps
from dlref.benchmark.workloads import (
    Workload,
    build_keras,
    build_torch,
    examples_seen,
    generated_batches,
    to_channels_first,
)

if TYPE_CHECKING:
    import keras
    import torch

LEARNING_RATE = 1e-3
# Keras's default epsilon, given to both: the same optimizer on both sides.
EPSILON = 1e-7
#: Distinct batches a mode cycles through.
BATCHES = 4
SEED = 0


@dataclass(frozen=True)
class Mode:
    """One way of running a training step.

    Attributes:
        key: Identifier in the results.
        title: What it is, as the page labels it (``{backend}``: the compile backend).
        framework: ``"pytorch"`` or ``"tensorflow"``.
        run: Builds the model and times it: ``run(workload, batch_size, plan,
            torch_backend)``; only ``torch.compile`` reads the backend.
    """

    key: str
    title: str
    framework: str
    run: Callable[[Workload, int, Plan, str], Timing]


def _torch_setup(
    workload: Workload, batch_size: int
) -> tuple[torch.nn.Module, torch.optim.Optimizer, list[tuple[Any, Any]]]:
    import torch

    from dlref.bridge.devices import torch_device

    device = torch_device()
    torch.manual_seed(SEED)
    model = build_torch(workload).to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=EPSILON)
    batches = [
        (torch.from_numpy(to_channels_first(x)).to(device), torch.from_numpy(y).to(device))
        for x, y in generated_batches(workload, batch_size, BATCHES, SEED)
    ]
    return model, optimizer, batches


def _torch_counters(
    model: torch.nn.Module, optimizer: torch.optim.Optimizer
) -> Callable[[], Counters]:
    def read() -> Counters:
        parameters = list(model.parameters())
        steps = [optimizer.state.get(p, {}).get("step") for p in parameters]
        # Adam counts its updates per tensor; the step is taken when all were updated.
        updates = min(0 if s is None else int(s) for s in steps)
        return Counters(
            examples=examples_seen(model),
            updates=updates,
            weights=tuple(float(p.detach().double().sum()) for p in parameters),
            parameters=sum(p.numel() for p in parameters),
        )

    return read


def _torch_step(
    loss_of: Callable[[Any, Any], Any], optimizer: torch.optim.Optimizer
) -> Callable[[Any, Any], Any]:
    def step(x: Any, y: Any) -> Any:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(x, y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def _run_torch(workload: Workload, batch_size: int, plan: Plan, backend: str | None) -> Timing:
    import torch

    model, optimizer, batches = _torch_setup(workload, batch_size)
    loss_fn = torch.nn.CrossEntropyLoss()

    def loss_of(x: Any, y: Any) -> Any:
        return loss_fn(model(x), y)

    if backend is None:
        return time_steps(
            _torch_step(loss_of, optimizer),
            batches,
            plan,
            _torch_counters(model, optimizer),
            lambda loss: loss.item(),
        )
    # Every model and batch size is compiled from scratch: guards accumulated over
    # earlier runs would otherwise reach Dynamo's recompile limit, past which it
    # silently runs the function eagerly; raising there keeps the label honest.
    torch._dynamo.reset()
    with torch._dynamo.config.patch(fail_on_recompile_limit_hit=True):
        return time_steps(
            _torch_step(torch.compile(loss_of, backend=backend), optimizer),
            batches,
            plan,
            _torch_counters(model, optimizer),
            lambda loss: loss.item(),
        )


def _keras_setup(
    workload: Workload, batch_size: int
) -> tuple[keras.Model, keras.optimizers.Optimizer, list[tuple[Any, Any]], str]:
    import keras
    import tensorflow as tf

    from dlref.bridge.devices import tensorflow_device

    device = tensorflow_device()
    keras.utils.set_random_seed(SEED)
    with tf.device(device):
        model = build_keras(workload)
        optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON)
        optimizer.build(model.trainable_variables)
        batches = [
            (tf.constant(x), tf.constant(y))
            for x, y in generated_batches(workload, batch_size, BATCHES, SEED)
        ]
    return model, optimizer, batches, device


def _keras_counters(
    model: keras.Model, optimizer: keras.optimizers.Optimizer
) -> Callable[[], Counters]:
    def read() -> Counters:
        return Counters(
            examples=examples_seen(model),
            updates=int(optimizer.iterations.numpy()),
            weights=tuple(
                float(v.numpy().astype("float64").sum()) for v in model.trainable_variables
            ),
            parameters=sum(int(np.prod(v.shape)) for v in model.trainable_variables),
        )

    return read


def _run_tensorflow(
    workload: Workload, batch_size: int, plan: Plan, function: bool, jit_compile: bool
) -> Timing:
    import keras
    import tensorflow as tf

    model, optimizer, batches, device = _keras_setup(workload, batch_size)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss

    if function:
        step = tf.function(step, jit_compile=jit_compile)
    with tf.device(device):
        return time_steps(
            step, batches, plan, _keras_counters(model, optimizer), lambda loss: float(loss)
        )


def _run_keras_fit(workload: Workload, batch_size: int, plan: Plan, _backend: str) -> Timing:
    import keras
    import tensorflow as tf

    model, optimizer, batches, device = _keras_setup(workload, batch_size)
    read_counters = _keras_counters(model, optimizer)
    timing = Timing(plan, list(batches[0][0].shape))
    clock = _step_clock(plan, timing, read_counters)
    with tf.device(device):
        model.compile(
            optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        )
        # The same batches, in the same order, through the idiom's own input pipeline.
        x = tf.concat([x for x, _ in batches], axis=0)
        y = tf.concat([y for _, y in batches], axis=0)
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).repeat()
        model.fit(
            dataset,
            epochs=1,
            steps_per_epoch=plan.warmup + plan.repeats * plan.steps,
            callbacks=[clock],
            shuffle=False,
            verbose=0,
        )
    return timing


def _step_clock(
    plan: Plan, timing: Timing, read_counters: Callable[[], Counters]
) -> keras.callbacks.Callback:
    """A Keras callback that times each of ``fit``'s steps, from batch-begin to batch-end.

    A repeat's time is the sum of its steps' times; the counters are read
    before a repeat's first step starts its clock and after its last step stops it.
    """
    import keras

    class StepClock(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.started = 0.0
            self.repeat_seconds = 0.0
            self.before: Counters | None = None

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            timed = batch - plan.warmup
            if timed >= 0 and timed % plan.steps == 0:
                self.before = read_counters()
                self.repeat_seconds = 0.0
            self.started = time.perf_counter()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            seconds = time.perf_counter() - self.started
            timed = batch - plan.warmup
            if timed < 0:
                timing.warmup_seconds.append(seconds)
                return
            self.repeat_seconds += seconds
            if timed % plan.steps == plan.steps - 1 and self.before is not None:
                timing.record_repeat(self.repeat_seconds, self.before, read_counters())

    return StepClock()


TRAINING_MODES = (
    Mode(
        "pytorch-eager",
        "PyTorch eager",
        "pytorch",
        lambda w, b, p, _: _run_torch(w, b, p, backend=None),
    ),
    Mode(
        "pytorch-compile",
        "PyTorch torch.compile ({backend}; the optimizer step eager)",
        "pytorch",
        lambda w, b, p, backend: _run_torch(w, b, p, backend=backend),
    ),
    Mode(
        "tensorflow-eager",
        "TensorFlow eager, GradientTape",
        "tensorflow",
        lambda w, b, p, _: _run_tensorflow(w, b, p, function=False, jit_compile=False),
    ),
    Mode(
        "tf-function",
        "TensorFlow tf.function",
        "tensorflow",
        lambda w, b, p, _: _run_tensorflow(w, b, p, function=True, jit_compile=False),
    ),
    Mode(
        "tf-xla",
        "TensorFlow tf.function(jit_compile=True) (XLA)",
        "tensorflow",
        lambda w, b, p, _: _run_tensorflow(w, b, p, function=True, jit_compile=True),
    ),
    Mode(
        "keras-fit",
        "Keras fit (end-to-end: tf.data input, callbacks), timed per step",
        "tensorflow",
        _run_keras_fit,
    ),
)
