import torch
from torch import nn

# Defaults that make two "identical" models train differently unless set explicitly.
adam = torch.optim.Adam([torch.zeros(1, requires_grad=True)])
adam_epsilon = adam.defaults["eps"]
print("Adam eps:", adam_epsilon)

batch_norm = nn.BatchNorm1d(4)
bn_momentum, bn_epsilon = batch_norm.momentum, batch_norm.eps
print("BatchNorm momentum:", bn_momentum, " eps:", bn_epsilon)

print("CrossEntropyLoss reduction:", nn.CrossEntropyLoss().reduction)

torch.manual_seed(0)
linear = nn.Linear(64, 32)
bound = 1 / 64**0.5  # kaiming_uniform_(a=sqrt(5)) works out to U(-1/sqrt(fan_in), +1/sqrt(fan_in))
print("Linear weight within 1/sqrt(fan_in):", bool(linear.weight.abs().max() <= bound))
print("Linear bias all zero:", bool((linear.bias == 0).all()))

# PyTorch losses take (prediction, target). The other order raises no error here.
bce = nn.BCELoss()
prediction, target = torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])
print("BCELoss(prediction, target):", round(bce(prediction, target).item(), 4))
print("BCELoss(target, prediction):", round(bce(target, prediction).item(), 4))
