import keras
import numpy as np

# One sequence, 2 heads, 4 steps, head size 3; its last step is padding.
rng = np.random.default_rng(0)
q, k, v = (rng.normal(size=(1, 2, 4, 3)).astype(np.float32) for _ in range(3))
# keras.ops wants (batch, time, heads, head size): swap the PyTorch script's axes 1 and 2.
q, k, v = (np.swapaxes(t, 1, 2) for t in (q, k, v))


def heads_first(t):
    """Back to (batch, heads, time, head size), to compare with PyTorch."""
    return np.swapaxes(np.asarray(t), 1, 2)


# %% Plain attention: softmax(q k^T / sqrt(d)) v
output = heads_first(keras.ops.dot_product_attention(q, k, v))

# %% Causal: step t sees steps 0..t
output_causal = heads_first(keras.ops.dot_product_attention(q, k, v, is_causal=True))

# %% Padding: a boolean mask, True where a key may be attended to
keep = np.array([[True, True, True, False]])  # (query steps or 1, key steps); last key: padding
output_padded = heads_first(keras.ops.dot_product_attention(q, k, v, mask=keep))
print("causal, head 0:", output_causal[0, 0].round(4), sep="\n")
print("padded, head 0:", output_padded[0, 0].round(4), sep="\n")
