import os

import numpy as np
import torch
from torch import nn

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
torch.manual_seed(0)

# Weights and inputs are multiples of 1/4: every sum below is exact in float32,
# so the output is the same on any device and in either framework.
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)  # (inputs, outputs)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
with torch.no_grad():  # nn.Linear stores its weight as (outputs, inputs): transpose
    model[0].weight.copy_(torch.from_numpy(kernel1.T))
    model[0].bias.copy_(torch.from_numpy(bias1))
    model[2].weight.copy_(torch.from_numpy(kernel2.T))
    model[2].bias.copy_(torch.from_numpy(bias2))

print("moved in place:", model.to(device) is model)  # a tensor's .to returns a copy instead
print("parameters on:", sorted({str(p.device) for p in model.parameters()}))

loader = torch.utils.data.DataLoader(torch.from_numpy(features), batch_size=4)
outputs = []
with torch.no_grad():
    for batch in loader:  # the loader yields CPU tensors: move each batch
        batch = batch.to(device)
        outputs.append(model(batch))
output = torch.cat(outputs)
print("output on:", output.device)
print(output.cpu().numpy())  # back to the CPU for NumPy

# Whether float32 matrix products and cuDNN convolutions may use TF32 on a GPU that has it.
print("TF32 matmuls allowed:", torch.backends.cuda.matmul.allow_tf32)
print("TF32 cuDNN convolutions allowed:", torch.backends.cudnn.allow_tf32)
