import torch
from torch import nn

# Defaults that make two "identical" models train differently unless set explicitly.
adam = torch.optim.Adam([torch.zeros(1, requires_grad=True)])
print("Adam eps:", adam.defaults["eps"])

batch_norm = nn.BatchNorm1d(4)
print("BatchNorm momentum:", batch_norm.momentum, " eps:", batch_norm.eps)

print("CrossEntropyLoss reduction:", nn.CrossEntropyLoss().reduction)

torch.manual_seed(0)
linear = nn.Linear(64, 32)
bound = 1 / 64**0.5  # kaiming_uniform_(a=sqrt(5)) works out to U(-1/sqrt(fan_in), +1/sqrt(fan_in))
print("Linear weight within 1/sqrt(fan_in):", bool(linear.weight.abs().max() <= bound))
print("Linear bias all zero:", bool((linear.bias == 0).all()))
