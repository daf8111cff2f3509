import os

import tensorflow as tf

# CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
kind = os.environ.get("DLREF_DEVICE") or (
    "cuda" if tf.config.list_physical_devices("GPU") else "cpu"
)
device = "/GPU:0" if kind == "cuda" else "/CPU:0"

with tf.device(device):  # ops created in this block run on that device
    x = tf.constant([1.0, 2.0])
    ones = tf.ones(2)
    total = x + ones
print(total.device)
print(total.numpy())  # .numpy() copies back from a GPU as needed
