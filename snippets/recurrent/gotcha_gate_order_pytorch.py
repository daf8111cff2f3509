import numpy as np
import torch
from torch import nn

FEATURES, UNITS = 3, 2

# %% Weights in PyTorch's layout, drawn once: gate blocks stacked along the rows
# GRU blocks: reset (r), update (z), new (n). The TensorFlow script draws the same numbers.
rng = np.random.default_rng(0)
weight_ih = rng.normal(size=(3 * UNITS, FEATURES)).astype(np.float32)
weight_hh = rng.normal(size=(3 * UNITS, UNITS)).astype(np.float32)
bias_ih = rng.normal(size=3 * UNITS).astype(np.float32)
bias_hh = rng.normal(size=3 * UNITS).astype(np.float32)
x = rng.normal(size=(1, 4, FEATURES)).astype(np.float32)

gru = nn.GRU(FEATURES, UNITS, batch_first=True)
with torch.no_grad():
    for name, value in [
        ("weight_ih_l0", weight_ih),
        ("weight_hh_l0", weight_hh),
        ("bias_ih_l0", bias_ih),
        ("bias_hh_l0", bias_hh),
    ]:
        getattr(gru, name).copy_(torch.from_numpy(value))

# %% Run
with torch.no_grad():
    output, _ = gru(torch.from_numpy(x))
print(output[0].numpy().round(4))
