import numpy as np
import torch
import torch.nn.functional as F

# One sequence, 2 heads, 4 steps, head size 3; its last step is padding.
rng = np.random.default_rng(0)
q, k, v = (torch.from_numpy(rng.normal(size=(1, 2, 4, 3)).astype(np.float32)) for _ in range(3))
# PyTorch's layout: (batch, heads, time, head size).

# %% Plain attention: softmax(q k^T / sqrt(d)) v
output = F.scaled_dot_product_attention(q, k, v)

# %% Causal: step t sees steps 0..t
output_causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)

# %% Padding: a boolean mask, True where a key may be attended to
keep = torch.tensor([[True, True, True, False]])  # (query steps or 1, key steps); last key: padding
output_padded = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
print("causal, head 0:", output_causal[0, 0].numpy().round(4), sep="\n")
print("padded, head 0:", output_padded[0, 0].numpy().round(4), sep="\n")
