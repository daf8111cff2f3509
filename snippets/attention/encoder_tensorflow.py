import keras
import numpy as np

EMBED, HEADS, FEEDFORWARD, STEPS = 16, 4, 32, 6

keras.utils.set_random_seed(0)


# %% Sinusoidal positional encoding (Vaswani et al., 2017), added to the inputs
def positional_encoding(steps, size):
    position = np.arange(steps, dtype=np.float32)[:, None]
    rates = np.exp(np.arange(0, size, 2, dtype=np.float32) * (-np.log(10000.0) / size))
    encoding = np.zeros((steps, size), dtype=np.float32)
    encoding[:, 0::2] = np.sin(position * rates)
    encoding[:, 1::2] = np.cos(position * rates)
    return encoding


# %% One encoder layer, named like nn.TransformerEncoderLayer's parts
def encoder_layer(x, name, norm_first):
    layers = keras.layers
    attention = layers.MultiHeadAttention(HEADS, EMBED // HEADS, name=f"{name}.self_attn")
    norm1 = layers.LayerNormalization(epsilon=1e-5, name=f"{name}.norm1")  # Keras default: 1e-3
    norm2 = layers.LayerNormalization(epsilon=1e-5, name=f"{name}.norm2")
    linear1 = layers.Dense(FEEDFORWARD, activation="relu", name=f"{name}.linear1")
    linear2 = layers.Dense(EMBED, name=f"{name}.linear2")

    def feedforward(h):
        return layers.Dropout(0.1)(linear2(layers.Dropout(0.1)(linear1(h))))

    def self_attention(h):
        return layers.Dropout(0.1)(attention(h, h))

    if norm_first:  # pre-norm: x + f(norm(x))
        x = x + self_attention(norm1(x))
        return x + feedforward(norm2(x))
    x = norm1(x + self_attention(x))  # post-norm: norm(x + f(x))
    return norm2(x + feedforward(x))


# %% Two encoder layers: post-norm and pre-norm
inputs = keras.Input(shape=(STEPS, EMBED))
x = inputs + positional_encoding(STEPS, EMBED)  # a constant of the model
x = encoder_layer(x, "post", norm_first=False)
outputs = encoder_layer(x, "pre", norm_first=True)
model = keras.Model(inputs, outputs)

x = keras.random.normal((2, STEPS, EMBED), seed=0)
output_shape = tuple(model(x).shape)
parameter_count = model.count_params()
print("output:", output_shape, " parameters:", parameter_count)
