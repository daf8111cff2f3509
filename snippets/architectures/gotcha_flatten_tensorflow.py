import keras
import numpy as np

# A 2x2 feature map with 3 channels, each value naming its position: 100 * channel +
# 10 * row + column. Keras holds it as (N, H, W, C).
channel, row, column = np.indices((3, 2, 2))
feature_map = (100 * channel + 10 * row + column)[None].astype(np.float32).transpose(0, 2, 3, 1)
print("feature map (N, H, W, C):", feature_map.shape)

# Flattening walks the last dimension fastest: pixel by pixel, the channels of each pixel
# together. PyTorch's flatten of (N, C, H, W) gives all of channel 0 first.
flattened = keras.layers.Flatten()(feature_map)
print("Flatten():", flattened[0].numpy().astype(int).tolist())
flattened_hwc = flattened  # already (H, W, C): PyTorch's permute(0, 2, 3, 1).flatten(1)

rng = np.random.default_rng(0)
weight = rng.standard_normal((2, 12), dtype=np.float32) / 100  # (out, in), PyTorch's order
dense = keras.layers.Dense(2)
dense.build((None, 12))
dense.set_weights([weight.T, np.zeros(2, dtype=np.float32)])  # Keras kernel: (in, out)
output = dense(flattened)
print("Dense after Flatten():", output[0].numpy().round(4))
