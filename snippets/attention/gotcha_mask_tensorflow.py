import keras
import numpy as np

EMBED = 4
rng = np.random.default_rng(0)
x = rng.normal(size=(1, 3, EMBED)).astype(np.float32)
keep = np.array([[True, True, False]])  # True: a real token; the last one is padding

# One head with identity projections, so that only the mask makes a difference.
attention = keras.layers.MultiHeadAttention(num_heads=1, key_dim=EMBED)
attention(x, x)  # builds the layer
eye = np.eye(EMBED, dtype=np.float32)
for dense in (attention.query_dense, attention.key_dense, attention.value_dense):
    dense.set_weights([eye.reshape(EMBED, 1, EMBED), np.zeros((1, EMBED), np.float32)])
attention.output_dense.set_weights([eye.reshape(1, EMBED, EMBED), np.zeros(EMBED, np.float32)])

# %% MultiHeadAttention: True in attention_mask means "attend to this key"
mask = keep[:, None, :]  # (batch, query steps, key steps), broadcast over the queries
output, weights = attention(x, x, attention_mask=mask, return_attention_scores=True)
weights = np.asarray(weights)[:, 0]  # (batch, heads, query, key): the one head
print("attention_mask=keep, weights:", weights[0].round(3), sep="\n")
