import keras
import numpy as np

# Weights in PyTorch's layout and a padded batch, drawn once (the PyTorch script too).
rng = np.random.default_rng(0)
weights = {
    "weight_ih_l0": rng.normal(size=(8, 3)),  # 4 gates x 2 units, 3 features
    "weight_hh_l0": rng.normal(size=(8, 2)),
    "bias_ih_l0": rng.normal(size=8),
    "bias_hh_l0": rng.normal(size=8),
}
lengths = np.array([4, 2])  # the second sequence is 2 steps of real data, 2 of padding
x = rng.normal(size=(2, 4, 3)).astype(np.float32)
x[1, 2:] = 0.0

lstm = keras.layers.LSTM(2, return_sequences=True, return_state=True)
lstm.build((None, None, 3))
lstm.set_weights(
    [
        weights["weight_ih_l0"].T,
        weights["weight_hh_l0"].T,
        weights["bias_ih_l0"] + weights["bias_hh_l0"],
    ]
)

# %% Unmasked: the padding steps run through the LSTM like data
sequence_unmasked, final_state_unmasked, _ = lstm(x)

# %% Masked: True where a step is real (Embedding(mask_zero=True) makes one from ids)
mask = np.arange(4)[None, :] < lengths[:, None]
sequence, final_state, _ = lstm(x, mask=mask)  # masked steps keep the previous state
print("final state, unmasked:", final_state_unmasked[1].numpy().round(4))
print("final state, masked:  ", final_state[1].numpy().round(4))
print("masked outputs of sequence 2:", sequence[1].numpy().round(4), sep="\n")
