import numpy as np
import torch
from torch import nn

# Features with a small spread (standard deviation about 0.02), as after a small init.
x = torch.from_numpy(np.random.default_rng(0).normal(scale=0.02, size=(2, 8)).astype(np.float32))

norm = nn.LayerNorm(8)  # eps=1e-5
print("eps:", norm.eps)
with torch.no_grad():
    output = norm(x)
print("output standard deviation:", output.std(dim=1, unbiased=False).numpy().round(4))
