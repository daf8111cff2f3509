import numpy as np
import torch
from torch import nn

# One training step of batch normalization, starting from known running statistics.
rng = np.random.default_rng(0)
images = rng.standard_normal((64, 16, 16, 3), dtype=np.float32) + 2.0  # NHWC, mean near 2
gamma = rng.uniform(0.5, 1.5, 3).astype(np.float32)
beta = rng.standard_normal(3, dtype=np.float32)
initial_mean = np.zeros(3, dtype=np.float32)  # both frameworks start from 0 and 1
initial_var = np.ones(3, dtype=np.float32)
x = torch.from_numpy(images).permute(0, 3, 1, 2)  # (N, C, H, W)

bn = nn.BatchNorm2d(3)  # momentum=0.1, eps=1e-5
with torch.no_grad():
    bn.weight.copy_(torch.from_numpy(gamma))
    bn.bias.copy_(torch.from_numpy(beta))
    bn.running_mean.copy_(torch.from_numpy(initial_mean))
    bn.running_var.copy_(torch.from_numpy(initial_var))
print("momentum:", bn.momentum, " eps:", bn.eps)

# running = (1 - momentum) * running + momentum * batch statistic
with torch.no_grad():
    bn(x)  # a module starts in training mode
print("batch mean:               ", x.mean(dim=(0, 2, 3)).numpy().round(4))
running_mean_default = bn.running_mean.clone()
print("running mean after 1 step:", running_mean_default.numpy().round(4))
running_mean = running_mean_default  # Keras matches this with momentum=0.9, epsilon=1e-5
# The running variance is updated with the unbiased batch variance (divided by n - 1).
running_var = bn.running_var.clone()
print("running var after 1 step: ", running_var.numpy().round(4))

# Which batch variance went into that update: squared deviations summed and divided by n,
# or by n - 1?
n = images.shape[0] * images.shape[1] * images.shape[2]  # values per channel
variance = images.astype(np.float64).var(axis=(0, 1, 2))  # divided by n
for label, divisor in (("n", n), ("n - 1", n - 1)):
    update = 0.9 * initial_var + 0.1 * variance * n / divisor
    matches = bool(np.allclose(running_var.numpy(), update, rtol=0, atol=1e-6))
    print(f"running var uses the variance divided by {label}:", matches)

bn.eval()
with torch.no_grad():
    inference_output = bn(x).permute(0, 2, 3, 1)  # NHWC, to compare with Keras
print("inference_output[0, 0, 0]:", inference_output[0, 0, 0].numpy().round(4))
