import numpy as np
import torch
from torch import nn

# PyTorch convolutions take (N, C, H, W); images decoded by PIL, OpenCV or NumPy, and
# everything Keras passes around, are (N, H, W, C).
rng = np.random.default_rng(0)
images = rng.standard_normal((2, 7, 7, 3), dtype=np.float32)  # NHWC: 2 RGB images, 7x7
weight = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)  # (out, in, kh, kw)
bias = rng.standard_normal(4, dtype=np.float32)

conv = nn.Conv2d(3, 4, kernel_size=3)
with torch.no_grad():
    conv.weight.copy_(torch.from_numpy(weight))
    conv.bias.copy_(torch.from_numpy(bias))

x = torch.from_numpy(images)
try:
    conv(x)  # reads the 7 rows as 7 channels
    nhwc_error = ""
except RuntimeError as error:
    nhwc_error = f"{type(error).__name__}: {str(error).splitlines()[0]}"
print("NHWC batch into Conv2d:", nhwc_error)
# An image 3 pixels high is worse: its 3 rows look like 3 channels, and the call runs.
quiet = conv(torch.from_numpy(images[:, :3]))  # NHWC (2, 3, 7, 3), read as NCHW
print("3-pixel-high NHWC batch into Conv2d: runs, output", tuple(quiet.shape))

# The fix: move the channels to dimension 1 on the way in (and back, where NHWC is wanted).
with torch.no_grad():
    y = conv(x.permute(0, 3, 1, 2))  # (N, H, W, C) -> (N, C, H, W)
print("input (N, C, H, W): ", tuple(x.permute(0, 3, 1, 2).shape))
print("output (N, C, H, W):", tuple(y.shape))
output = y.permute(0, 2, 3, 1)  # back to NHWC, to compare with Keras
print("output (N, H, W, C):", tuple(output.shape))
print("output[0, 0, 0]:", output[0, 0, 0].numpy().round(4))
