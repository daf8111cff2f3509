import numpy as np
import torch
from torch import nn

FEATURES, STEPS = 3, 4


def pytorch_gru(units, seed=0):
    """A GRU with weights drawn in PyTorch's layout; the recurrent bias of the new gate is 0."""
    rng = np.random.default_rng(seed)
    weights = {
        "weight_ih_l0": rng.normal(size=(3 * units, FEATURES)),
        "weight_hh_l0": rng.normal(size=(3 * units, units)),
        "bias_ih_l0": rng.normal(size=3 * units),
        "bias_hh_l0": np.concatenate([rng.normal(size=2 * units), np.zeros(units)]),
    }
    gru = nn.GRU(FEATURES, units, batch_first=True)
    gru.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()})
    return gru


x = torch.from_numpy(np.random.default_rng(1).normal(size=(1, STEPS, FEATURES)).astype(np.float32))

# %% Candidate state: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), reset gate after the matrix
with torch.no_grad():
    output, _ = pytorch_gru(units=3)(x)
    output_one_unit = pytorch_gru(units=1)(x)[0][0, :, 0]
print("3 units:", output[0].numpy().round(4), sep="\n")
print("1 unit: ", output_one_unit.numpy().round(4))
