import os

import torch

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)


def gelu(x):  # the tanh approximation of GELU: a handful of element-wise ops
    return 0.5 * x * (1 + torch.tanh(0.7978846 * (x + 0.044715 * x**3)))


# The default backend, "inductor", generates fused kernels: use it for speed.
# "aot_eager" captures the same graph but runs it with ordinary PyTorch ops,
# so that this tiny example does not spend seconds generating code.
compiled_gelu = torch.compile(gelu, backend="aot_eager")

x = torch.linspace(-3, 3, 7, device=device)
y = compiled_gelu(x)  # first call: capture the graph, compile it, run it
y_eager = gelu(x)  # the same Python function, run op by op
print(y.cpu())
same_as_eager = torch.allclose(y, y_eager)
print("same as eager:", same_as_eager)

# The graph torch.compile captured, one node per operation:
(graph,) = torch._dynamo.explain(gelu)(x).graphs
print([node.target.__name__ for node in graph.graph.nodes if node.op == "call_function"])
