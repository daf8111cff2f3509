import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

MAX_NORM = 0.5

# %% One batch, and starting weights shared with the TensorFlow side
digits = load_digits()
x = torch.from_numpy((digits.data[:64] / 16.0).astype(np.float32))
y = torch.from_numpy(digits.target[:64])
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)


def update_norms(clip):
    """Take one SGD step (lr=1) with clipped gradients; return the norm of each tensor's update."""
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(w1.T))
        model[0].bias.zero_()
        model[2].weight.copy_(torch.from_numpy(w2.T))
        model[2].bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    before = [p.detach().clone() for p in model.parameters()]
    nn.functional.cross_entropy(model(x), y).backward()
    clip(model.parameters())
    optimizer.step()
    return [(b - p.detach()).norm().item() for b, p in zip(before, model.parameters())]


# %% No clipping, then clip_grad_norm_, then each tensor clipped on its own
unclipped = update_norms(lambda parameters: None)
# One norm over all the gradients together; all scaled by the same factor.
global_clipped = update_norms(lambda parameters: nn.utils.clip_grad_norm_(parameters, MAX_NORM))
# The same call on one tensor at a time clips each gradient to MAX_NORM separately.
per_tensor_clipped = update_norms(
    lambda parameters: [nn.utils.clip_grad_norm_(p, MAX_NORM) for p in parameters]
)

# %% Norms of the update of each tensor (weight, bias, weight, bias)
print("no clipping:        ", np.round(unclipped, 4), "total", round(np.linalg.norm(unclipped), 4))
print(
    "clip_grad_norm_:    ",
    np.round(global_clipped, 4),
    "total",
    round(np.linalg.norm(global_clipped), 4),
)
print("per tensor:         ", np.round(per_tensor_clipped, 4))
