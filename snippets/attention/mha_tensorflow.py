import keras

EMBED, HEADS, STEPS = 16, 4, 5

keras.utils.set_random_seed(0)

# %% Self-attention, then a linear head
inputs = keras.Input(shape=(STEPS, EMBED))
# key_dim is the size of one head, not of all heads together (PyTorch's embed_dim).
attention = keras.layers.MultiHeadAttention(HEADS, key_dim=EMBED // HEADS, name="attn")
attended = attention(inputs, inputs)  # query, value (key defaults to value)
outputs = keras.layers.Dense(2, name="head")(attended)
model = keras.Model(inputs, outputs)

# %% Weights: a kernel per projection, (embed, heads, head size); output (heads, head size, embed)
for weight in attention.weights:
    print(f"{weight.path.removeprefix('attn/'):<26}{tuple(weight.shape)}")
x = keras.random.normal((2, STEPS, EMBED), seed=0)
output_shape = tuple(model(x).shape)
parameter_count = attention.count_params()
print("output:", output_shape, " attention parameters:", parameter_count)
