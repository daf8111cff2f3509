import os

import numpy as np
import torch
from torch import nn

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
torch.manual_seed(0)

rng = np.random.default_rng(0)
kernel = rng.normal(scale=0.5, size=(4, 3)).astype(np.float32)  # (inputs, outputs)
bias = rng.normal(scale=0.5, size=3).astype(np.float32)
features = rng.normal(size=(5, 4)).astype(np.float32)
targets = rng.normal(size=(5, 3)).astype(np.float32)

layer = nn.Linear(4, 3).to(device)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(kernel.T))
    layer.bias.copy_(torch.from_numpy(bias))
x = torch.from_numpy(features).to(device)
y = torch.from_numpy(targets).to(device)

# Inside the block, each op runs in the dtype autocast lists for it.
with torch.autocast(device_type=device.type, dtype=torch.bfloat16):
    output = layer(x)  # linear: bfloat16
    loss = nn.functional.mse_loss(output, y)  # mse_loss: float32
loss.backward()
probabilities = torch.softmax(output.float(), dim=-1)  # after the block, in float32

weight_dtype = layer.weight.dtype
output_dtype = output.dtype
loss_dtype = loss.dtype
grad_dtype = layer.weight.grad.dtype
print("weights:      ", weight_dtype)
print("output:       ", output_dtype)
print("loss:         ", loss_dtype)
print("gradients:    ", grad_dtype)
print("probabilities:", probabilities.dtype)

# On the CPU, autocast has no float32 rule for softmax: a bfloat16 input stays bfloat16.
with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    cpu_softmax = torch.softmax(torch.ones(2, 3, dtype=torch.bfloat16), dim=-1)
print("softmax under CPU autocast:", cpu_softmax.dtype)

output_values = output.float()  # NumPy has no bfloat16: compare as float32
with torch.no_grad():
    reference = layer(x)  # outside autocast: float32 throughout
error = (output_values - reference).abs().max().item()
print("within 0.02 of float32:", error < 0.02)
