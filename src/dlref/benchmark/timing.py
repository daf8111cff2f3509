"""The timer every mode shares: warm-up steps, then repeats of a fixed number of steps.

A repeat's time runs from before its first step to after its last step's loss
has been read back to the host (which waits for the device), so work a
framework queued is inside the repeat that queued it. Around every repeat, and
outside its time, the harness reads the model's `example counter` and the
optimizer's update count: their differences say what the timed region did,
whatever compiled it. `dlref.benchmark.fairness` compares them between modes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Plan:
    """How many steps a mode runs, and how they are grouped.

    Attributes:
        warmup: Steps run first and timed one by one, not counted in the
            repeats (the first includes tracing or compiling).
        repeats: Timed repeats.
        steps: Steps per repeat.
    """

    warmup: int
    repeats: int
    steps: int


@dataclass(frozen=True)
class Counters:
    """What a model and its optimizer have done so far, read from their state.

    Attributes:
        examples: Examples through the forward pass (the `example counter`).
        updates: Optimizer updates applied.
        weights: A fingerprint of every trainable tensor (one sum each), to tell
            which of them an update changed.
        parameters: Trainable numbers in the model.
    """

    examples: int
    updates: int
    weights: tuple[float, ...]
    parameters: int


@dataclass
class Timing:
    """One mode's measurement at one batch size.

    Attributes:
        plan: What was run.
        batch_shape: The input shape of every step, as the harness fed it.
        warmup_seconds: Each warm-up step.
        repeat_seconds: Each repeat, all its steps.
        timed_examples: Examples the forward pass counted in each repeat.
        timed_updates: Optimizer updates counted in each repeat.
        weights_changed: In each repeat, how many trainable tensors changed,
            out of ``weight_tensors``.
        weight_tensors: The model's number of trainable tensors.
        parameters: The model's number of trainable numbers.
    """

    plan: Plan
    batch_shape: list[int]
    warmup_seconds: list[float] = field(default_factory=list)
    repeat_seconds: list[float] = field(default_factory=list)
    timed_examples: list[int] = field(default_factory=list)
    timed_updates: list[int] = field(default_factory=list)
    weights_changed: list[int] = field(default_factory=list)
    weight_tensors: int = 0
    parameters: int = 0

    def record_repeat(self, seconds: float, before: Counters, after: Counters) -> None:
        """Store one repeat's time and what its counters say it did.

        Args:
            seconds: The repeat's duration.
            before: Counters read just before it.
            after: Counters read just after it.
        """
        self.repeat_seconds.append(seconds)
        self.timed_examples.append(after.examples - before.examples)
        self.timed_updates.append(after.updates - before.updates)
        self.weights_changed.append(
            sum(a != b for a, b in zip(before.weights, after.weights, strict=True))
        )
        self.weight_tensors = len(after.weights)
        self.parameters = after.parameters

    def as_dict(self) -> dict[str, Any]:
        """The measurement as plain data for the results file, with its step statistics."""
        steps = self.plan.steps
        per_step = sorted(seconds / steps for seconds in self.repeat_seconds)
        quartiles = statistics.quantiles(per_step, n=4, method="inclusive")
        return {
            **asdict(self),
            "step_median": statistics.median(per_step),
            "step_q1": quartiles[0],
            "step_q3": quartiles[2],
        }


def time_steps(
    step: Callable[..., Any],
    batches: Sequence[tuple[Any, Any]],
    plan: Plan,
    read_counters: Callable[[], Counters],
    to_host: Callable[[Any], float],
) -> Timing:
    """Time a training step function: the one timer of every mode but Keras ``fit``.

    Args:
        step: One training step, ``step(x, y) -> loss``, on data already on the device.
        batches: The batches, cycled through in order.
        plan: Warm-up steps, repeats and steps per repeat.
        read_counters: Reads the model's and the optimizer's counters.
        to_host: Reads a loss back as a float (waits for the device).

    Returns:
        The measurement.
    """
    timing = Timing(plan, list(batches[0][0].shape))
    for index in range(plan.warmup):
        start = time.perf_counter()
        to_host(step(*batches[index % len(batches)]))
        timing.warmup_seconds.append(time.perf_counter() - start)
    for _ in range(plan.repeats):
        before = read_counters()
        start = time.perf_counter()
        for index in range(plan.steps):
            loss = step(*batches[index % len(batches)])
        to_host(loss)
        seconds = time.perf_counter() - start
        timing.record_repeat(seconds, before, read_counters())
    return timing
