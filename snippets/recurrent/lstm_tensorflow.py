import keras
import numpy as np

FEATURES, UNITS, STEPS = 8, 16, 6

keras.utils.set_random_seed(0)

# %% A bidirectional LSTM over a batch of sequences, then one label per step
# Layers are named like the PyTorch modules, so that weights can be paired by name.
inputs = keras.Input(shape=(STEPS, FEATURES))  # always (batch, time, features)
lstm = keras.layers.Bidirectional(
    keras.layers.LSTM(UNITS, return_sequences=True, return_state=True), name="lstm"
)
sequence, h_forward, c_forward, h_backward, c_backward = lstm(inputs)
outputs = keras.layers.Dense(4, name="head")(sequence)
model = keras.Model(inputs, outputs)

# %% What the layer returns
x = keras.random.normal((2, STEPS, FEATURES), seed=0)
probe = keras.Model(inputs, [sequence, h_forward, c_forward, h_backward, c_backward])
sequence, h_forward, c_forward, h_backward, c_backward = (np.asarray(t) for t in probe(x))
print("sequence:", sequence.shape)  # (batch, time, 2 * units): forward, then backward
print("h, c per direction:", h_forward.shape, c_forward.shape)  # (batch, units), 4 tensors
print("forward final state = last step:", np.array_equal(sequence[:, -1, :UNITS], h_forward))
print("backward final state = first step:", np.array_equal(sequence[:, 0, UNITS:], h_backward))

# %% Weights: four gate blocks, one bias
for weight in lstm.forward_layer.weights:
    print(f"{weight.path.split('/')[-1]:<18}{tuple(weight.shape)}")
output_shape = tuple(model(x).shape)
parameter_count = model.count_params()
print("output:", output_shape, " parameters:", parameter_count)
