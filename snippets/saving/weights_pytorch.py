import os
import pickle
import warnings
import zipfile

import numpy as np
import torch

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
torch.manual_seed(0)

# Weights and inputs are multiples of 1/4, the same as in the TensorFlow script:
# every sum is exact in float32, so outputs agree on any device and framework.
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)  # (inputs, outputs)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = torch.from_numpy((rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32))


def build():
    layers = [torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)]
    return torch.nn.Sequential(*layers).to(device)


model = build()
with torch.no_grad():  # Linear stores its weight as (outputs, inputs)
    model[0].weight.copy_(torch.from_numpy(kernel1.T))
    model[0].bias.copy_(torch.from_numpy(bias1))
    model[2].weight.copy_(torch.from_numpy(kernel2.T))
    model[2].bias.copy_(torch.from_numpy(bias2))
model.eval()
with torch.no_grad():
    y_before = model(features.to(device)).cpu().numpy()

torch.save(model.state_dict(), "model.pt")  # the tensors only, not the class
print({name: tuple(t.shape) for name, t in model.state_dict().items()})
print(sorted(zipfile.ZipFile("model.pt").namelist()))  # a zip archive

fresh = build()  # a new model, randomly initialised, that has the same layers
print(torch.load.__doc__.splitlines()[0])  # the documented default
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    state = torch.load("model.pt", map_location=device)  # weights_only=True by default
print("warnings:", len(caught))
print(fresh.load_state_dict(state))  # reports missing or unexpected keys
fresh.eval()
with torch.no_grad():
    y_loaded = fresh(features.to(device)).cpu().numpy()
print(y_loaded)
print("same as before saving:", np.array_equal(y_before, y_loaded))

# A key the model does not have is an error, unless strict=False.
extra = {**state, "extra": torch.zeros(1)}
try:
    fresh.load_state_dict(extra)
except RuntimeError as error:
    print(type(error).__name__ + ":", " ".join(str(error).split()))
print(fresh.load_state_dict(extra, strict=False))

# The whole module: a pickle of the Sequential class, refused by the default.
torch.save(model, "whole.pt")
try:
    torch.load("whole.pt", map_location=device)
except pickle.UnpicklingError as error:
    lines = [line.strip() for line in str(error).splitlines()]
    change = next(line for line in lines if "In PyTorch 2.6" in line)
    print(type(error).__name__ + ":", change.split(") ", 1)[1].split(". ")[0] + ".")
    refusal = next(line for line in lines if "Unsupported global" in line)
    print(" ", refusal.split("Unsupported global: ")[1].split(". ")[0])
whole = torch.load("whole.pt", map_location=device, weights_only=False)  # trusted file only
print("with weights_only=False:", type(whole).__name__)
