import os

import numpy as np
import torch

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
torch.manual_seed(0)

# The same weights and inputs as weights_pytorch.py (multiples of 1/4).
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = torch.from_numpy((rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32))

model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(kernel1.T))
    model[0].bias.copy_(torch.from_numpy(bias1))
    model[2].weight.copy_(torch.from_numpy(kernel2.T))
    model[2].bias.copy_(torch.from_numpy(bias2))
model = model.to(device).eval()
features = features.to(device)

batch = torch.export.Dim("batch")  # any batch size
exported = torch.export.export(model, (features,), dynamic_shapes=({0: batch},))
torch.export.save(exported, "model.pt2")  # graph and weights in one file

loaded = torch.export.load("model.pt2")  # no Python class needed to run it
with torch.no_grad():
    y_loaded = loaded.module()(features).cpu().numpy()
    y_eager = model(features).cpu().numpy()
print(y_loaded)
print("same as the model:", np.array_equal(y_eager, y_loaded))
