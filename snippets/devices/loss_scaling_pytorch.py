import os
import warnings

import numpy as np
import torch
from torch import nn

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
torch.manual_seed(0)

# Two samples; the first misses its target by 1.5.
features = torch.tensor([[1.0, 0.5], [0.5, 1.0]], device=device)
targets = torch.tensor([[-1.25], [0.0]], device=device)
model = nn.Linear(2, 1, bias=False).to(device)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.5, -0.5]]))
optimizer = torch.optim.SGD(model.parameters(), lr=0.125)
scaler = torch.amp.GradScaler(device.type, init_scale=2.0**16)  # 2**16 is the default

scales, weights = [], []
for step in range(2):
    optimizer.zero_grad()
    with torch.autocast(device_type=device.type, dtype=torch.float16):
        loss = nn.functional.mse_loss(model(features), targets)
    scale = scaler.get_scale()
    scaler.scale(loss).backward()  # gradients of loss * scale
    scaler.step(optimizer)  # unscales them; skips the step if any is inf or nan
    scaler.update()  # halves the scale after a skipped step
    scales.append(scale)
    # copy(): on the CPU, .numpy() shares memory with the parameter
    weights.append(model.weight.detach().cpu().numpy().ravel().copy())
    new_scale = scaler.get_scale()
    print(f"step {step}: scale {scale:.0f} -> {new_scale:.0f}, weights {weights[-1]}")
scales = np.array(scales)
weights = np.array(weights)

# The older torch.cuda.amp spellings still work, but warn that they are deprecated:
for old, new in [
    (torch.cuda.amp.GradScaler, "torch.amp.GradScaler"),
    (torch.cuda.amp.autocast, "torch.amp.autocast"),
]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old(enabled=False)
    (warning,) = [w for w in caught if issubclass(w.category, FutureWarning)]
    named = new in str(warning.message)
    print(f"old {old.__name__}: {warning.category.__name__}, names {new}: {named}")
