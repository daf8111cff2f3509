import json
import struct

import torch
from safetensors.torch import load_file, save_file
from torch import nn

# %% Save a state_dict as safetensors: tensors and a JSON header, no pickle
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
save_file(model.state_dict(), "model.safetensors", metadata={"epoch": "5"})

# %% What the file holds: an 8-byte length, a JSON header, then raw tensor bytes
with open("model.safetensors", "rb") as file:
    (header_size,) = struct.unpack("<Q", file.read(8))
    header = json.loads(file.read(header_size))
print("metadata:", header.pop("__metadata__"))
for name, entry in header.items():
    print(f"{name:9s} {entry['dtype']} {entry['shape']}")

# %% Load it back into a model you build
restored = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
print(restored.load_state_dict(load_file("model.safetensors")))
x = torch.randn(5, 4)
same_outputs = torch.equal(model(x), restored(x))
print("same outputs:", same_outputs)

# %% Tensors that share memory (tied weights) are refused
tied = nn.Linear(3, 3)
try:
    save_file({"a": tied.weight, "b": tied.weight}, "tied.safetensors")
except RuntimeError as error:
    lines = [line.strip() for line in str(error).strip().splitlines()]
    print("RuntimeError:", lines[0].split(":")[0])  # the names that follow come in any order
    print(lines[1])
