import os

import torch

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)

x = torch.tensor([1.0, 2.0])  # created on the CPU
x = x.to(device)  # copied to the chosen device
ones = torch.ones(2, device=device)  # created there directly
total = x + ones  # operands must be on the same device
print(total.device.type)
print(total.cpu().numpy())  # NumPy needs the data back on the CPU
