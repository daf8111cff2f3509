import os
import zipfile

import keras
import numpy as np
import tensorflow as tf

# CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
kind = os.environ.get("DLREF_DEVICE") or (
    "cuda" if tf.config.list_physical_devices("GPU") else "cpu"
)
device = "/GPU:0" if kind == "cuda" else "/CPU:0"
keras.utils.set_random_seed(0)

# Weights and inputs are multiples of 1/4, the same as in the PyTorch script:
# every sum is exact in float32, so outputs agree on any device and framework.
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)  # (inputs, outputs)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

with tf.device(device):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
    )
    model.set_weights([kernel1, bias1, kernel2, bias2])  # Dense stores (inputs, outputs)
    y_before = model.predict(features, verbose=0)

    model.save("model.keras")  # architecture, weights and compile state in one file
    print(sorted(zipfile.ZipFile("model.keras").namelist()))  # a zip archive

    loaded = keras.models.load_model("model.keras")  # rebuilt from the config: no class needed
    y_loaded = loaded.predict(features, verbose=0)
print([layer.name for layer in loaded.layers])
print(y_loaded)
print("same as before saving:", np.array_equal(y_before, y_loaded))

# Weights alone, into a model you build yourself, like a PyTorch state_dict:
model.save_weights("model.weights.h5")  # the name must end in .weights.h5
fresh = keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
)
fresh.load_weights("model.weights.h5")
print("weights only, same:", np.array_equal(y_before, fresh.predict(features, verbose=0)))
try:
    model.save_weights("model.h5")  # without the .weights.h5 ending
except ValueError as error:
    print("save_weights('model.h5'): ValueError:", str(error).split(". ")[0] + ".")
