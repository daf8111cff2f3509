import keras
import numpy as np

# Weights in PyTorch's layout and a batch, drawn once; the PyTorch script draws the same.
rng = np.random.default_rng(0)
weights = {
    "weight_ih_l0": rng.normal(size=(8, 3)),  # 4 gates x 2 units, 3 features
    "weight_hh_l0": rng.normal(size=(8, 2)),
    "bias_ih_l0": rng.normal(size=8),
    "bias_hh_l0": rng.normal(size=8),
}
x = rng.normal(size=(4, 5, 3)).astype(np.float32)  # 4 sequences of 5 steps

# %% Keras recurrent layers always read (batch, time, features)
lstm = keras.layers.LSTM(2, return_sequences=True)
lstm.build((None, None, 3))
# Gates in the same order (input, forget, cell, output); Keras keeps one bias: the sum.
lstm.set_weights(
    [
        weights["weight_ih_l0"].T,
        weights["weight_hh_l0"].T,
        weights["bias_ih_l0"] + weights["bias_hh_l0"],
    ]
)
output = lstm(x)
print("Keras:", tuple(output.shape))
