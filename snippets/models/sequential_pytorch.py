import torch
from torch import nn

torch.manual_seed(0)

# A small CNN for 8x8 grey-scale digits. PyTorch images are channels-first: (N, C, H, W).
model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(8 * 4 * 4, 10),
)
print(model)

images = torch.rand(5, 1, 8, 8)
logits_shape = tuple(model(images).shape)
parameter_count = sum(p.numel() for p in model.parameters())
print("logits:", logits_shape, "parameters:", parameter_count)
