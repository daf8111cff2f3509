import warnings

import numpy as np
import torch

rng = np.random.default_rng(0)  # the same weights and inputs as the TensorFlow script
weight = rng.standard_normal((3, 2)).astype(np.float32)
bias = rng.standard_normal(2).astype(np.float32)
x = torch.from_numpy(rng.standard_normal((4, 3)).astype(np.float32))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 2)
        with torch.no_grad():
            self.linear.weight.copy_(torch.from_numpy(weight.T))  # stored as (out, in)
            self.linear.bias.copy_(torch.from_numpy(bias))

    def forward(self, x):
        return torch.relu(self.linear(x))


model = Net().eval()
batch = torch.export.Dim("batch")  # the first dimension may vary
exported = torch.export.export(model, (x,), dynamic_shapes={"x": {0: batch}})
print([op.target.name() for op in exported.graph.nodes if op.op == "call_function"])
print([(spec.arg.name, spec.kind.name) for spec in exported.graph_signature.input_specs])

torch.export.save(exported, "net.pt2")  # one file: graph, weights and signature
loaded = torch.export.load("net.pt2")
with torch.no_grad():  # inference: no autograd record
    y = loaded.module()(x)  # runs without the Net class
    same_as_eager = torch.allclose(y, model(x))
    other_batch = loaded.module()(torch.zeros(7, 3))
print(y)
print("same as eager:", same_as_eager)
print("another batch size:", tuple(other_batch.shape))


# export traces forward() once: a Python branch on a tensor's value cannot be recorded.
class Branchy(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x + 1
        return x - 1


try:
    torch.export.export(Branchy(), (x,))
except RuntimeError as error:
    print("branch on a value:", type(error).__name__)
    print(" ", str(error).split(" (unhinted")[0])

# TorchScript still runs, but warns that it is deprecated:
for make_graph in (torch.jit.script, lambda m: torch.jit.trace(m, (x,))):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_graph(model)
    print(caught[0].category.__name__, caught[0].message)
