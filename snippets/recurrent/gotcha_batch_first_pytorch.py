import numpy as np
import torch
from torch import nn

# Weights in PyTorch's layout and a batch, drawn once; the TensorFlow script draws the same.
rng = np.random.default_rng(0)
weights = {
    "weight_ih_l0": rng.normal(size=(8, 3)),  # 4 gates x 2 units, 3 features
    "weight_hh_l0": rng.normal(size=(8, 2)),
    "bias_ih_l0": rng.normal(size=8),
    "bias_hh_l0": rng.normal(size=8),
}
x = torch.from_numpy(rng.normal(size=(4, 5, 3)).astype(np.float32))  # 4 sequences of 5 steps

lstm = nn.LSTM(input_size=3, hidden_size=2)  # batch_first=False: (time, batch, features)
lstm.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()})

# %% The default reads the batch as 4 steps of 5 sequences, and raises nothing
with torch.no_grad():
    output_default, _ = lstm(x)
print("batch_first=False:", tuple(output_default.shape), "(no error)")

# %% batch_first=True, or a transpose in and out, reads it as meant
lstm.batch_first = True  # the same weights, the other layout
with torch.no_grad():
    output, _ = lstm(x)
print("batch_first=True: ", tuple(output.shape))
print("same numbers:", torch.allclose(output_default, output))
