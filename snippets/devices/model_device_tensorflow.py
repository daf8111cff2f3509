import os

import keras
import numpy as np
import tensorflow as tf

# CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
kind = os.environ.get("DLREF_DEVICE") or (
    "cuda" if tf.config.list_physical_devices("GPU") else "cpu"
)
device = "/GPU:0" if kind == "cuda" else "/CPU:0"
keras.utils.set_random_seed(0)

# Weights and inputs are multiples of 1/4: every sum below is exact in float32,
# so the output is the same on any device and in either framework.
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)  # (inputs, outputs)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

# Without tf.device, TensorFlow chooses: a visible GPU, else the CPU.
unplaced = keras.layers.Dense(3)
unplaced.build((None, 4))
print("chosen by TensorFlow:", unplaced.kernel.value.device)

with tf.device(device):  # variables created in this block live on that device
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
    )
model.set_weights([kernel1, bias1, kernel2, bias2])  # a Dense kernel is (inputs, outputs)
print("variables on:", sorted({v.value.device for v in model.weights}))

# The default device policy copies inputs that sit on another device, silently.
print("device policy:", tf.config.experimental.get_device_policy())
outputs = []
for batch in tf.data.Dataset.from_tensor_slices(features).batch(4):
    outputs.append(model(batch))  # TensorFlow copies each batch where it is needed
output = tf.concat(outputs, axis=0)
print("output on:", output.device)
print(output.numpy())

# Whether float32 matrix products may use TF32 on a GPU that has it.
print("TF32 matmuls allowed:", tf.config.experimental.tensor_float_32_execution_enabled())
