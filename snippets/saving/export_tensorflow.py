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

# The same weights and inputs as weights_tensorflow.py (multiples of 1/4).
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

with tf.device(device):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
    )
    model.set_weights([kernel1, bias1, kernel2, bias2])
    y_eager = model.predict(features, verbose=0)

    model.export("saved", verbose=False)  # a SavedModel folder, for TF Serving, TFLite, ...
    print(sorted(os.listdir("saved")))

    loaded = tf.saved_model.load("saved")  # a TensorFlow object, not a Keras model
    methods = {name: hasattr(loaded, name) for name in ["fit", "predict"]}
    print(type(loaded).__name__, methods)
    y_loaded = loaded.serve(features).numpy()  # the endpoint Keras exported
    served = loaded.signatures["serving_default"](tf.constant(features))
print(y_loaded)
print("same as the model:", np.array_equal(y_eager, y_loaded))
print("serving signature returns", {k: tuple(v.shape) for k, v in served.items()})
