import keras
import numpy as np

# A Keras layer or model called directly runs in inference mode (training=False): dropout
# is off unless the call says training=True. fit() passes training=True; predict() and
# evaluate() pass training=False.
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 4), dtype=np.float32)
weight = rng.standard_normal((8, 4), dtype=np.float32)  # (out, in), PyTorch's order
bias = rng.standard_normal(8, dtype=np.float32)

model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dropout(0.5)])
model.layers[0].set_weights([weight.T, bias])  # Keras kernel: (in, out)

first, second = model(x), model(x)
inference_output = model(x, training=False)
default_call_is_deterministic = bool(
    np.array_equal(first, second) and np.array_equal(first, inference_output)
)
print("model(x) twice, same result as inference:", default_call_is_deterministic)

# Dropout in a hand-written training step needs the flag.
training_output = model(x, training=True).numpy()
zeros = int((training_output == 0).sum())
print("zeros in model(x, training=True):", zeros, "of", training_output.size)
print("inference_output[0]:", inference_output[0].numpy().round(4))
