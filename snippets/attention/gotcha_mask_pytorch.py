import numpy as np
import torch
from torch import nn

EMBED = 4
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.normal(size=(1, 3, EMBED)).astype(np.float32))
keep = torch.tensor([[True, True, False]])  # True: a real token; the last one is padding

# One head with identity projections, so that only the mask makes a difference.
attention = nn.MultiheadAttention(EMBED, num_heads=1, batch_first=True)
with torch.no_grad():
    attention.in_proj_weight.copy_(torch.eye(EMBED).repeat(3, 1))
    attention.in_proj_bias.zero_()
    attention.out_proj.weight.copy_(torch.eye(EMBED))
    attention.out_proj.bias.zero_()

# %% nn.MultiheadAttention: True in key_padding_mask means "ignore this key"
with torch.no_grad():
    output, weights = attention(x, x, x, key_padding_mask=~keep)
    _, weights_wrong = attention(x, x, x, key_padding_mask=keep)  # the keep-mask passed as is
print("key_padding_mask=~keep, weights:", weights[0].numpy().round(3), sep="\n")
print("key_padding_mask=keep, weights:", weights_wrong[0].numpy().round(3), sep="\n")
