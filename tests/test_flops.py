"""The analytic FLOP counter: formulas checked by hand, totals checked against PyTorch's counter."""

from __future__ import annotations

import pytest

from dlref.benchmark import flops
from dlref.benchmark.workloads import (
    WORKLOADS,
    Conv,
    Dense,
    Flatten,
    Pool,
    Workload,
    build_torch,
    generated_batches,
    to_channels_first,
)


def _workload(input_shape: tuple[int, ...], *layers: object) -> Workload:
    return Workload("hand", "hand", input_shape, layers, 10, (1,), 1)  # type: ignore[arg-type]


def hand_count_errors() -> list[str]:
    """Compare the counter with counts done by hand; one message per disagreement."""
    # A Dense 3 -> 4: 12 multiply-adds per example; 2 FLOPs each.
    # A 3 x 3 convolution 1 -> 2 channels on a 4 x 4 image, same padding:
    # 16 output pixels x 2 channels x 9 taps = 288 multiply-adds.
    # Conv then 2 x 2 pool (2 x 2 x 2 = 8 features) then Dense 8 -> 5: 40 multiply-adds.
    cases = {
        "dense_flops(3, 4)": (flops.dense_flops(3, 4), 24),
        "conv_flops(4, 4, 1, 2, 3)": (flops.conv_flops(4, 4, 1, 2, 3), 576),
        "forward, Dense(4) on 3 features, batch 2": (
            flops.forward_flops(_workload((3,), Dense(4)), 2),
            48,
        ),
        # The first layer's input needs no gradient: forward + weight gradient only.
        "training, Dense(4) on 3 features, batch 2": (
            flops.training_flops(_workload((3,), Dense(4)), 2),
            96,
        ),
        "forward, conv-pool-dense on 4 x 4 x 1": (
            flops.forward_flops(_workload((4, 4, 1), Conv(2), Pool(), Flatten(), Dense(5)), 1),
            576 + 80,
        ),
        # conv: forward + weight gradient; dense: forward + weight + input gradients.
        "training, conv-pool-dense on 4 x 4 x 1": (
            flops.training_flops(_workload((4, 4, 1), Conv(2), Pool(), Flatten(), Dense(5)), 1),
            2 * 576 + 3 * 80,
        ),
    }
    return [
        f"{name}: counted {counted}, by hand {expected}"
        for name, (counted, expected) in cases.items()
        if counted != expected
    ]


def torch_count_mismatch(counted_as: Workload, built_as: Workload, batch_size: int = 4) -> str:
    """Compare the analytic training count of one layer list with PyTorch's count of a model."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    torch.manual_seed(0)
    model = build_torch(built_as)
    x, y = generated_batches(built_as, batch_size, 1)[0]
    with FlopCounterMode(display=False) as counter:
        loss = torch.nn.functional.cross_entropy(
            model(torch.from_numpy(to_channels_first(x))), torch.from_numpy(y)
        )
        loss.backward()
    counted = flops.training_flops(counted_as, batch_size)
    measured = counter.get_total_flops()
    return "" if counted == measured else f"analytic {counted}, PyTorch counted {measured}"


def test_counts_match_the_hand_counts():
    assert hand_count_errors() == []


def test_the_hand_check_catches_a_wrong_formula(monkeypatch):
    # A planted fault: multiply-adds counted as one FLOP, not two.
    monkeypatch.setattr(flops, "dense_flops", lambda i, o: i * o)
    errors = hand_count_errors()
    assert any(error.startswith("dense_flops(3, 4)") for error in errors)
    assert any("Dense(4) on 3 features" in error for error in errors)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_training_count_is_what_pytorch_counts(workload):
    assert torch_count_mismatch(workload, workload) == ""


def test_the_pytorch_check_catches_a_layer_list_that_is_not_the_model():
    # A planted fault: the counter is given 5 x 5 kernels, the model has 3 x 3.
    built = _workload((8, 8, 1), Conv(4), Pool(), Flatten(), Dense(10, relu=False))
    counted = _workload((8, 8, 1), Conv(4, kernel=5), Pool(), Flatten(), Dense(10, relu=False))
    assert torch_count_mismatch(counted, built).startswith("analytic")
