import keras
import numpy as np

FEATURES, STEPS = 3, 4


def keras_order(blocks):
    """PyTorch's r, z, n gate blocks -> Keras's z, r, h."""
    r, z, n = np.split(blocks, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def keras_gru(units, reset_after, seed=0):
    """The PyTorch script's GRU weights, converted; its recurrent bias of the new gate is 0."""
    rng = np.random.default_rng(seed)
    weight_ih = rng.normal(size=(3 * units, FEATURES))
    weight_hh = rng.normal(size=(3 * units, units))
    bias_ih = rng.normal(size=3 * units)
    bias_hh = np.concatenate([rng.normal(size=2 * units), np.zeros(units)])
    gru = keras.layers.GRU(units, return_sequences=True, reset_after=reset_after)
    gru.build((None, None, FEATURES))
    bias = (
        np.stack([keras_order(bias_ih), keras_order(bias_hh)])
        if reset_after
        else keras_order(bias_ih + bias_hh)  # one bias: b_hn is 0, so nothing is lost
    )
    gru.set_weights([keras_order(weight_ih).T, keras_order(weight_hh).T, bias])
    return gru


x = np.random.default_rng(1).normal(size=(1, STEPS, FEATURES)).astype(np.float32)

# %% reset_after=True (the default): reset gate after the matrix, as in PyTorch
output = keras_gru(units=3, reset_after=True)(x)
print("reset_after=True, 3 units:", output[0].numpy().round(4), sep="\n")

# %% reset_after=False: hh = tanh(x W_h + b_h + (r * h) U_h), reset gate before the matrix
output_before = keras_gru(units=3, reset_after=False)(x)
print("reset_after=False, 3 units:", output_before[0].numpy().round(4), sep="\n")
output_one_unit = keras_gru(units=1, reset_after=False)(x)[0, :, 0]
print("reset_after=False, 1 unit: ", output_one_unit.numpy().round(4))
