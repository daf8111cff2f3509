import keras
import numpy as np

FEATURES, UNITS = 3, 2

# %% Weights in PyTorch's layout, drawn once: gate blocks stacked along the rows
# GRU blocks: reset (r), update (z), new (n), the same numbers as the PyTorch script.
rng = np.random.default_rng(0)
weight_ih = rng.normal(size=(3 * UNITS, FEATURES)).astype(np.float32)
weight_hh = rng.normal(size=(3 * UNITS, UNITS)).astype(np.float32)
bias_ih = rng.normal(size=3 * UNITS).astype(np.float32)
bias_hh = rng.normal(size=3 * UNITS).astype(np.float32)
x = rng.normal(size=(1, 4, FEATURES)).astype(np.float32)


def keras_order(blocks):
    """PyTorch's r, z, n blocks (rows) -> Keras's z, r, h blocks (columns after .T)."""
    r, z, n = np.split(blocks, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


# reset_after=True (the default) keeps PyTorch's two biases, as rows of a (2, 3 * units) array.
gru = keras.layers.GRU(UNITS, return_sequences=True)
gru.build((None, None, FEATURES))

# %% Copied as they are: transposed, but the gates in PyTorch's order
gru.set_weights([weight_ih.T, weight_hh.T, np.stack([bias_ih, bias_hh])])
output_torch_order = gru(x)
print("PyTorch's order:", output_torch_order[0].numpy().round(4), sep="\n")

# %% Reordered: update gate first, then reset
gru.set_weights(
    [
        keras_order(weight_ih).T,
        keras_order(weight_hh).T,
        np.stack([keras_order(bias_ih), keras_order(bias_hh)]),
    ]
)
output = gru(x)
print("Keras's order:", output[0].numpy().round(4), sep="\n")
