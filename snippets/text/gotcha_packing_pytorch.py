import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

# Weights in PyTorch's layout and a padded batch, drawn once (the TensorFlow script too).
rng = np.random.default_rng(0)
weights = {
    "weight_ih_l0": rng.normal(size=(8, 3)),  # 4 gates x 2 units, 3 features
    "weight_hh_l0": rng.normal(size=(8, 2)),
    "bias_ih_l0": rng.normal(size=8),
    "bias_hh_l0": rng.normal(size=8),
}
lengths = torch.tensor([4, 2])  # the second sequence is 2 steps of real data, 2 of padding
x = rng.normal(size=(2, 4, 3)).astype(np.float32)
x[1, 2:] = 0.0
x = torch.from_numpy(x)

lstm = nn.LSTM(3, 2, batch_first=True)
lstm.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()})

# %% Unpacked: the padding steps run through the LSTM like data
with torch.no_grad():
    sequence_unmasked, (h_n, _) = lstm(x)
final_state_unmasked = h_n[0]

# %% Packed: each sequence stops at its length
packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
with torch.no_grad():
    packed_out, (h_n, _) = lstm(packed)
final_state = h_n[0]
sequence, _ = pad_packed_sequence(packed_out, batch_first=True)  # padding steps: zeros
print("final state, unpacked:", final_state_unmasked[1].numpy().round(4))
print("final state, packed:  ", final_state[1].numpy().round(4))
print("packed outputs of sequence 2:", sequence[1].numpy().round(4), sep="\n")
