import os
import warnings
import zipfile

import numpy as np
import torch

torch.manual_seed(0)
TORCH_FOLDER = os.path.dirname(torch.__file__).encode()  # where torch is installed here

# The same weights and inputs as onnx_pytorch.py (multiples of 1/4, exact in float32).
rng = np.random.default_rng(0)
kernel1 = (rng.integers(-4, 5, size=(4, 3)) / 4).astype(np.float32)
bias1 = (rng.integers(-4, 5, size=3) / 4).astype(np.float32)
kernel2 = (rng.integers(-4, 5, size=(3, 2)) / 4).astype(np.float32)
bias2 = (rng.integers(-4, 5, size=2) / 4).astype(np.float32)
features = (rng.integers(-4, 5, size=(6, 4)) / 4).astype(np.float32)

model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
with torch.no_grad():  # a Linear weight is the Keras kernel transposed
    model[0].weight.copy_(torch.from_numpy(kernel1.T))
    model[0].bias.copy_(torch.from_numpy(bias1))
    model[2].weight.copy_(torch.from_numpy(kernel2.T))
    model[2].bias.copy_(torch.from_numpy(bias2))
# Export on the CPU: a program exported on a GPU is tied to that device.
model = model.eval()
inputs = torch.from_numpy(features)
with torch.no_grad():
    y_model = model(inputs).numpy()

# TorchScript still runs in this release, and says that it is deprecated.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    scripted = torch.jit.script(model)
    scripted.save("model_scripted.pt")
    loaded = torch.jit.load("model_scripted.pt")
for message in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught):
    print(message)
with torch.no_grad():
    y_scripted = loaded(inputs).numpy()
print("TorchScript matches the model:", np.array_equal(y_scripted, y_model))
with zipfile.ZipFile("model_scripted.pt") as archive:
    debug = [archive.read(n) for n in archive.namelist() if n.endswith(".debug_pkl")]
print("its debug records name torch's folder:", any(TORCH_FOLDER in d for d in debug))

# The replacement: torch.export, saved as a .pt2 archive and loaded without the class.
batch = torch.export.Dim("batch")
program = torch.export.export(model, (inputs,), dynamic_shapes=({0: batch},))
traced = [node for node in program.graph.nodes if "stack_trace" in node.meta]
print(
    "torch.export nodes with a stack trace:",
    len(traced),
    "| naming torch's folder:",
    all(TORCH_FOLDER.decode() in node.meta["stack_trace"] for node in traced),
)
for node in program.graph.nodes:  # as for ONNX: keep this machine's paths out of the file
    node.meta.pop("stack_trace", None)
torch.export.save(program, "model.pt2")
with zipfile.ZipFile("model.pt2") as archive:
    named = any(TORCH_FOLDER in archive.read(n) for n in archive.namelist())
reloaded = torch.export.load("model.pt2").module()
with torch.no_grad():
    y_exported = reloaded(inputs).numpy()
print("model.pt2:", os.path.getsize("model.pt2"), "bytes | names torch's folder:", named)
print("torch.export matches the model:", np.array_equal(y_exported, y_model))
