import numpy as np
import torch
from torch import nn

# A 2x2 feature map with 3 channels, each value naming its position: 100 * channel +
# 10 * row + column. PyTorch holds it as (N, C, H, W).
channel, row, column = np.indices((3, 2, 2))
feature_map = torch.from_numpy((100 * channel + 10 * row + column)[None].astype(np.float32))
print("feature map (N, C, H, W):", tuple(feature_map.shape))

# Flattening walks the last dimension fastest: channel by channel, all of channel 0 first.
flattened = feature_map.flatten(1)
print("flatten(1):                    ", flattened[0].int().tolist())

# Keras flattens (H, W, C): pixel by pixel, the channels of each pixel together.
flattened_hwc = feature_map.permute(0, 2, 3, 1).flatten(1)
print("permute(0, 2, 3, 1).flatten(1):", flattened_hwc[0].int().tolist())

# Why it matters: a Linear with the weights of a Keras Dense that follows Flatten.
rng = np.random.default_rng(0)
weight = rng.standard_normal((2, 12), dtype=np.float32) / 100  # (out, in)
linear = nn.Linear(12, 2)
with torch.no_grad():
    linear.weight.copy_(torch.from_numpy(weight))
    linear.bias.zero_()
    output_chw = linear(flattened)  # each weight meets the wrong feature
    output = linear(flattened_hwc)
print("Linear after flatten(1):     ", output_chw[0].numpy().round(4))
print("Linear after (H, W, C) order:", output[0].numpy().round(4))
