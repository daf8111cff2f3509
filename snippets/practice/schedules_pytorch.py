import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR, StepLR

BASE_LR = 0.1
STEPS = 12
WARMUP = 3


def learning_rates(make_scheduler):
    """The learning rate the optimizer uses at each of STEPS steps."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE_LR)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(STEPS):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # the training step would go here
        scheduler.step()  # then move the schedule on: here once per step
    return rates


# %% Step decay: halve the rate every 4 steps
step_rates = learning_rates(lambda optimizer: StepLR(optimizer, step_size=4, gamma=0.5))

# %% Cosine decay from BASE_LR to 0 over STEPS steps
cosine_rates = learning_rates(lambda optimizer: CosineAnnealingLR(optimizer, T_max=STEPS))

# %% Linear warm-up from BASE_LR / 10, then cosine decay
warmup_rates = learning_rates(
    lambda optimizer: SequentialLR(
        optimizer,
        [
            LinearLR(optimizer, start_factor=0.1, total_iters=WARMUP),
            CosineAnnealingLR(optimizer, T_max=STEPS - WARMUP),
        ],
        milestones=[WARMUP],
    )
)

# %% The three schedules, step by step
print("step  step-decay  cosine  warm-up+cosine")
for step in range(STEPS):
    print(
        f"{step:4d}  {step_rates[step]:10.5f}  {cosine_rates[step]:6.5f}  {warmup_rates[step]:.5f}"
    )
