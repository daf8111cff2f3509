import keras
import numpy as np

# Keras convolutions take (N, H, W, C) by default (data_format="channels_last").
rng = np.random.default_rng(0)
images = rng.standard_normal((2, 7, 7, 3), dtype=np.float32)  # NHWC: 2 RGB images, 7x7
weight = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)  # (out, in, kh, kw), PyTorch's order
bias = rng.standard_normal(4, dtype=np.float32)

conv = keras.layers.Conv2D(4, kernel_size=3)
conv.build((None, 7, 7, 3))
conv.set_weights([weight.transpose(2, 3, 1, 0), bias])  # Keras kernel: (kh, kw, in, out)

# The batch goes in as it is. Conv2D(..., data_format="channels_first") would take
# (N, C, H, W), but TensorFlow's CPU kernels only implement NHWC: on the CPU the call fails
# with "The Conv2D op currently only supports the NHWC tensor format on the CPU".
output = conv(images)
print("input (N, H, W, C): ", tuple(images.shape))
print("output (N, H, W, C):", tuple(output.shape))
print("output[0, 0, 0]:", output[0, 0, 0].numpy().round(4))
