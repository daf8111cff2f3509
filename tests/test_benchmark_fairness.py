"""The benchmark's harness is fair: every mode does the same work, and the check can see when not.

The quick configuration times every training mode (PyTorch eager and
``torch.compile``, TensorFlow eager, ``tf.function``, XLA, Keras ``fit``) on a
small MLP at one batch size. The check (`dlref.benchmark.fairness`) then
compares what the modes did, from the model's example counter and the
optimizer's update count read around every timed repeat. The planted faults
below run a real step that does more (a second forward pass, as a metric
would) or less (a skipped update), and the check must name them.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from dlref.benchmark import modes
from dlref.benchmark.fairness import fairness_problems
from dlref.benchmark.flops import training_flops
from dlref.benchmark.run import QUICK, machine_load, run_benchmark
from dlref.benchmark.timing import Plan

# One worker runs the module, so the quick run below happens once per session.
pytestmark = pytest.mark.xdist_group("benchmark")

MODE_KEYS = [mode.key for mode in modes.TRAINING_MODES]
WORKLOAD = QUICK.workloads[0]
BATCH = WORKLOAD.batch_sizes[0]


@pytest.fixture(scope="module")
def quick_run() -> dict:
    # The whole run but the accuracy experiment, which test_performance.py runs.
    return run_benchmark(replace(QUICK, identical=None), machine_load(), busy=False)


@pytest.fixture(scope="module")
def quick_cells(quick_run) -> list[dict]:
    return quick_run["training"]


def test_the_run_states_threads_and_load(quick_run):
    stamp = quick_run["stamp"]
    threads = stamp["threads"]
    assert threads["torch_intra_op"] == threads["requested"]
    # TensorFlow's counts are set before its runtime starts; in a test process it
    # may have started already, and then they are read back, not set.
    if threads["tensorflow_set"]:
        assert threads["tensorflow_intra_op"] == threads["requested"]
    assert len(stamp["load_after"]) == len(stamp["load_before"]) == 3
    assert quick_run["fairness_problems"] == []


def _torch_eager_cell(plan: Plan) -> dict:
    timing = modes.TRAINING_MODES[0].run(WORKLOAD, BATCH, plan, QUICK.torch_backend)
    return {
        "workload": WORKLOAD.name,
        "batch_size": BATCH,
        "mode": "pytorch-eager",
        "framework": "pytorch",
        "flops_per_step": training_flops(WORKLOAD, BATCH),
        "timing": timing.as_dict(),
    }


def _replace_torch_eager(cells: list[dict], planted: dict) -> list[dict]:
    return [planted if cell["mode"] == "pytorch-eager" else cell for cell in cells]


def test_every_mode_does_the_same_work(quick_cells):
    assert sorted(cell["mode"] for cell in quick_cells) == sorted(MODE_KEYS)
    assert fairness_problems(quick_cells, MODE_KEYS) == []
    plan = quick_cells[0]["timing"]["plan"]
    for cell in quick_cells:
        timing = cell["timing"]
        # The same steps, on the same shapes, with the same FLOP count...
        assert timing["plan"] == plan
        assert timing["batch_shape"] == [BATCH, *WORKLOAD.input_shape]
        assert cell["flops_per_step"] == training_flops(WORKLOAD, BATCH)
        # ...and inside each timed repeat, one forward pass of one batch and one
        # update of every weight per step, counted by the model and the optimizer.
        assert timing["timed_examples"] == [plan["steps"] * BATCH] * plan["repeats"]
        assert timing["timed_updates"] == [plan["steps"]] * plan["repeats"]
        assert timing["weights_changed"] == [timing["weight_tensors"]] * plan["repeats"]
        assert len(timing["warmup_seconds"]) == plan["warmup"]
        assert timing["step_q1"] <= timing["step_median"] <= timing["step_q3"]


def test_a_step_with_an_extra_forward_pass_is_caught(quick_cells, monkeypatch):
    honest_step = modes._torch_step

    def step_with_a_metric(loss_of, optimizer):
        step = honest_step(loss_of, optimizer)

        def timed(x, y):
            loss_of(x, y)  # e.g. an accuracy computed on the batch, inside the timer
            return step(x, y)

        return timed

    monkeypatch.setattr(modes, "_torch_step", step_with_a_metric)
    plan = Plan(**quick_cells[0]["timing"]["plan"])
    cells = _replace_torch_eager(quick_cells, _torch_eager_cell(plan))
    problems = fairness_problems(cells, MODE_KEYS)
    assert any("pytorch-eager: examples through the forward pass" in p for p in problems)


def test_a_step_that_skips_updates_is_caught(quick_cells, monkeypatch):
    honest_step = modes._torch_step

    def lazy_step(loss_of, optimizer):
        calls = []

        def timed(x, y):
            calls.append(1)
            if len(calls) % 2:
                return honest_step(loss_of, optimizer)(x, y)
            return loss_of(x, y)  # forward and loss, no backward, no update

        return timed

    monkeypatch.setattr(modes, "_torch_step", lazy_step)
    plan = Plan(**quick_cells[0]["timing"]["plan"])
    cells = _replace_torch_eager(quick_cells, _torch_eager_cell(plan))
    problems = fairness_problems(cells, MODE_KEYS)
    assert any("pytorch-eager: optimizer updates" in p for p in problems)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda c: c["timing"]["plan"].update(steps=c["timing"]["plan"]["steps"] + 1), "plans"),
        (lambda c: c["timing"]["batch_shape"].__setitem__(-1, 1), "input shapes"),
        (lambda c: c.update(flops_per_step=c["flops_per_step"] // 2), "FLOP counts"),
        (lambda c: c["timing"]["warmup_seconds"].pop(), "warm-up steps timed"),
        (lambda c: c["timing"]["weights_changed"].__setitem__(0, 1), "trainable tensors changed"),
    ],
)
def test_recorded_differences_are_caught(quick_cells, damage, message):
    cells = copy.deepcopy(quick_cells)
    damage(next(cell for cell in cells if cell["mode"] == "keras-fit"))
    assert any(message in problem for problem in fairness_problems(cells, MODE_KEYS))


def test_a_missing_mode_is_caught(quick_cells):
    cells = [cell for cell in quick_cells if cell["mode"] != "tf-xla"]
    assert any("modes" in problem for problem in fairness_problems(cells, MODE_KEYS))
