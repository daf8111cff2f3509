import torch
from torch import nn

# GoogLeNet (Inception v1, Szegedy et al. 2014) as torchvision builds it: batch norm after
# every conv (which the paper predates), no auxiliary classifiers, and branch3 with a 3x3
# conv where the paper has 5x5 (a known torchvision quirk, kept for its 6,624,904 weights).
# The network ends in a global average pool, so a 112x112 input has the same parameters
# as the usual 224x224 and runs faster.
INPUT_SIZE = 112


class BasicConv2d(nn.Module):
    """Conv (no bias: the batch norm's shift replaces it), batch norm, ReLU."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    """Four parallel branches whose outputs are stacked along the channels."""

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1),
            BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1),  # 5x5 in the paper
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x):
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return torch.cat(branches, dim=1)


class GoogLeNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.2):
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        # ceil_mode=True: a last, partial window counts (56 -> 28, not 27).
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)

        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)

        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x):
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        for block in (self.inception4a, self.inception4b, self.inception4c, self.inception4d):
            x = block(x)
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = torch.flatten(self.avgpool(x), 1)  # (N, 1024, 1, 1) -> (N, 1024)
        return self.fc(self.dropout(x))


torch.manual_seed(0)
model = GoogLeNet().eval()

# A forward hook on each top-level block prints its output shape and parameter count.
names = {module: name for name, module in model.named_children()}


def print_row(module, inputs, output):
    count = sum(p.numel() for p in module.parameters())
    print(f"{names[module]:<14}{tuple(output.shape)!s:<22}{count:>12,}")


hooks = [module.register_forward_hook(print_row) for module in names]

print(f"{'block':<14}{'output shape':<22}{'parameters':>12}")
images = torch.rand(1, 3, INPUT_SIZE, INPUT_SIZE)
with torch.no_grad():
    output_shape = tuple(model(images).shape)
for hook in hooks:
    hook.remove()  # the table is printed once; later calls run quietly
# Parameters only: batch norm's running mean and variance are buffers, not parameters.
parameter_count = sum(p.numel() for p in model.parameters())
print(f"parameters: {parameter_count:,}")
