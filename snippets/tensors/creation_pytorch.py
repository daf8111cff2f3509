import torch

torch.manual_seed(0)

from_list = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
zeros = torch.zeros(2, 3)
steps = torch.arange(0, 10, 2)
evenly = torch.linspace(0.0, 1.0, steps=5)
uniform = torch.rand(2, 2)  # seeded above, so the same numbers every run

print(from_list)
print(zeros)
print(steps, steps.dtype)  # the dtype is left out of the tensor's own repr
print(evenly)
print(uniform)
