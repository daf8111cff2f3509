import re

import keras
import numpy as np
import tensorflow as tf

# Keras convolutions take (N, H, W, C) by default (data_format="channels_last").
rng = np.random.default_rng(0)
images = rng.standard_normal((2, 7, 7, 3), dtype=np.float32)  # NHWC: 2 RGB images, 7x7
weight = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)  # (out, in, kh, kw), PyTorch's order
bias = rng.standard_normal(4, dtype=np.float32)

conv = keras.layers.Conv2D(4, kernel_size=3)
conv.build((None, 7, 7, 3))
conv.set_weights([weight.transpose(2, 3, 1, 0), bias])  # Keras kernel: (kh, kw, in, out)

# The batch goes in as it is.
output = conv(images)
print("input (N, H, W, C): ", tuple(images.shape))
print("output (N, H, W, C):", tuple(output.shape))
print("output[0, 0, 0]:", output[0, 0, 0].numpy().round(4))

# data_format="channels_first" takes (N, C, H, W), but TensorFlow's CPU kernels for
# convolutions only implement NHWC.
channels_first = keras.layers.Conv2D(4, kernel_size=3, data_format="channels_first")
try:
    with tf.device("/CPU:0"):
        channels_first(images.transpose(0, 3, 1, 2))
    channels_first_error = ""
except tf.errors.UnimplementedError as error:
    reason = re.search(r"The Conv2D op[^.]*\.", str(error)).group()
    channels_first_error = f"{type(error).__name__}: {reason}"
print("channels_first on the CPU:", channels_first_error)
