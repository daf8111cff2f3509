import os

import numpy as np
import onnx
import onnxruntime as ort
import torch

torch.manual_seed(0)

# The same weights and inputs as onnx_tensorflow.py (multiples of 1/4, exact in float32).
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
# Export on the CPU: the file is then the same whichever machine made it, and
# ONNX Runtime chooses where to run it when it loads it.
model = model.eval()
with torch.no_grad():
    y_model = model(torch.from_numpy(features)).numpy()

# The exporter traces the model with torch.export, then translates it (needs onnxscript).
batch = torch.export.Dim("batch")
onnx_program = torch.onnx.export(
    model,
    (torch.zeros(1, 4),),
    input_names=["features"],
    output_names=["logits"],
    dynamic_shapes=({0: batch},),  # any batch size, not only the example's 1
    dynamo=True,
    verbose=False,  # the default prints the exporter's progress
)
# Each node records the Python stack trace that made it, with this machine's
# absolute paths: drop it, so the file neither reveals them nor depends on them.
for node in onnx_program.model.graph:
    node.metadata_props.pop("pkg.torch.onnx.stack_trace", None)
onnx_program.save("model.onnx")
print("model.onnx:", os.path.getsize("model.onnx"), "bytes")
saved = onnx.load("model.onnx")
print("metadata on each node:", sorted({p.key for n in saved.graph.node for p in n.metadata_props}))
print("shapes of intermediate values:", len(saved.graph.value_info))

session = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
(onnx_input,) = session.get_inputs()
print("input:", onnx_input.name, onnx_input.shape)  # a str is a symbolic dimension
y_exported = session.run(["logits"], {"features": features})[0]
print(y_exported)
print("max difference from the model:", float(np.abs(y_exported - y_model).max()))
