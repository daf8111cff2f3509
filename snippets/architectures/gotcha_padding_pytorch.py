import numpy as np
import torch
from torch import nn

# A 3x3 convolution with stride 2, "padded to keep the size": PyTorch pads what it is told,
# here 1 pixel on every side. (padding="same" exists too, but only for stride 1: with
# stride=2 the constructor raises ValueError.)
rng = np.random.default_rng(0)
images = rng.standard_normal((1, 8, 8, 1), dtype=np.float32)  # NHWC: one 8x8 image
weight = rng.standard_normal((2, 1, 3, 3), dtype=np.float32)  # (out, in, kh, kw)
bias = rng.standard_normal(2, dtype=np.float32)

conv = nn.Conv2d(1, 2, kernel_size=3, stride=2, padding=1)
with torch.no_grad():
    conv.weight.copy_(torch.from_numpy(weight))
    conv.bias.copy_(torch.from_numpy(bias))
    y = conv(torch.from_numpy(images).permute(0, 3, 1, 2))

output = y.permute(0, 2, 3, 1)  # NHWC, to compare with Keras
print("padding=1, output (N, H, W, C):", tuple(output.shape))
print("output[0, 0, :, 0]:", output[0, 0, :, 0].numpy().round(4))
