import torch

# torch.compile remembers, per function and for the whole process, which sizes
# have changed between calls. Forget it, so that running this script a second
# time in one process (a notebook) compiles as a fresh process does.
torch._dynamo.reset()

compiles = 0


def counting_backend(graph_module, example_inputs):
    """A torch.compile backend: called once per graph captured, never on a cache hit."""
    global compiles
    compiles += 1
    return graph_module.forward  # run the captured graph as it is


def scale(x, factor):
    return x * factor


compiled_scale = torch.compile(scale, backend=counting_backend)


def call(label, x, factor):
    compiled_scale(x, factor)
    print(f"{label:<26} compiles: {compiles}")


call("float32 [3], factor 2", torch.tensor([1.0, 2.0, 3.0]), 2)
call("same again", torch.tensor([4.0, 5.0, 6.0]), 2)  # reuses the graph
call("float32 [4]", torch.tensor([1.0, 2.0, 3.0, 4.0]), 2)  # new shape: now dynamic
call("float32 [5]", torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), 2)  # covered
call("int64 [3]", torch.tensor([1, 2, 3]), 2)  # new dtype
call("factor 3 (Python int)", torch.tensor([1.0, 2.0, 3.0]), 3)  # new Python value
call("factor 4 (Python int)", torch.tensor([1.0, 2.0, 3.0]), 4)  # covered
call("factor 5.0 (tensor)", torch.tensor([1.0, 2.0, 3.0]), torch.tensor(5.0))
call("factor 6.0 (tensor)", torch.tensor([1.0, 2.0, 3.0]), torch.tensor(6.0))  # same spec


# dynamic=True compiles for symbolic sizes from the first call: one graph.
def double(x):
    return x * 2


compiles = 0
compiled_double = torch.compile(double, backend=counting_backend, dynamic=True)
for n in (3, 4, 5, 6):
    doubled = compiled_double(torch.ones(n))
graphs_for_any_length = compiles
print("with dynamic=True, compiles:", graphs_for_any_length)


# dynamic=False: a new graph for every new length.
def triple(x):
    return x * 3


compiles = 0
compiled_triple = torch.compile(triple, backend=counting_backend, dynamic=False)
for n in (3, 4, 5, 6):
    tripled = compiled_triple(torch.ones(n))
print("with dynamic=False, compiles:", compiles)
