import torch
from torch import nn


class DigitNet(nn.Module):
    """Layers are attributes; forward() says how data flows through them."""

    def __init__(self, n_classes: int = 10):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(8 * 4 * 4, n_classes)

    def forward(self, images):
        x = torch.relu(self.conv(images))
        x = self.pool(x)
        return self.head(torch.flatten(x, start_dim=1))


torch.manual_seed(0)
model = DigitNet()
print("weight tensors before the first call:", len(list(model.parameters())))
images = torch.rand(5, 1, 8, 8)
logits_shape = tuple(model(images).shape)
parameter_count = sum(p.numel() for p in model.parameters())
for name, parameter in model.named_parameters():
    print(f"{name:<12} {tuple(parameter.shape)}")
print("logits:", logits_shape, "parameters:", parameter_count)
