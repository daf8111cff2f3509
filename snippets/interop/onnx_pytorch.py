import os

import numpy as np
import onnxruntime as ort
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

# The model, data and training of the Training loops page, in onnx_tensorflow.py too.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w1.T))  # torch stores (out, in): the transpose
    model[0].bias.zero_()
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[2].bias.zero_()

# Train on the CPU: this page is about the file, and the CPU gives the same bits everywhere.
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
inputs, targets = torch.from_numpy(x_train), torch.from_numpy(y_train)
for _ in range(30):  # 30 full-batch steps
    optimizer.zero_grad()
    loss_fn(model(inputs), targets).backward()
    optimizer.step()
model.eval()
kernel1_trained = model[0].weight.detach().numpy().T  # in Keras's (in, out) layout
with torch.no_grad():
    logits = model(torch.from_numpy(x_test)).numpy()
print(f"trained: test accuracy {(logits.argmax(axis=1) == y_test).mean():.3f}")

onnx_program = torch.onnx.export(
    model,
    (torch.from_numpy(x_test[:1]),),
    input_names=["pixels"],
    output_names=["logits"],
    dynamic_shapes=({0: torch.export.Dim("batch")},),
    dynamo=True,
    verbose=False,
)
for node in onnx_program.model.graph:  # keep this machine's paths out of the file
    node.metadata_props.pop("pkg.torch.onnx.stack_trace", None)
onnx_program.save("digits.onnx")
print("digits.onnx:", os.path.getsize("digits.onnx"), "bytes")

# What a server runs: ONNX Runtime only, neither framework.
session = ort.InferenceSession("digits.onnx", providers=["CPUExecutionProvider"])
onnx_logits = session.run(["logits"], {"pixels": x_test})[0]
predicted = onnx_logits.argmax(axis=1)
print("ONNX Runtime matches the model:", np.allclose(onnx_logits, logits, atol=1e-5))
print("first ten test digits:", predicted[:10])
