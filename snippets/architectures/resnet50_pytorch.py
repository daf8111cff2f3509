import torch
from torch import nn

# ResNet-50 as torchvision builds it (He et al. 2015): a 7x7 stem, then four stages of
# 3, 4, 6 and 3 Bottleneck blocks, where every block adds its input back to its output.
# torchvision's "ResNet v1.5" puts a block's stride on its 3x3 conv; the paper puts it on
# the first 1x1 conv, which skips three in four pixels. Same weights, different outputs.
# The network ends in a global average pool, so a 112x112 input has the same parameters
# as the usual 224x224 and runs faster.
INPUT_SIZE = 112


class Bottleneck(nn.Module):
    """1x1 conv down to `planes` channels, 3x3 conv, 1x1 conv up to 4 x planes, shortcut."""

    expansion = 4  # output channels = planes * expansion

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None):
        super().__init__()
        # No conv bias: the batch norm right after it has its own shift.
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            # A 1x1 conv (with the block's stride) and a batch norm, where the shape changes.
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, layers: list[int], num_classes: int = 1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]  # layerN.0
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]  # layerN.1, ...
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)  # (N, 2048, 1, 1) -> (N, 2048)
        return self.fc(x)


torch.manual_seed(0)
model = ResNet(Bottleneck, [3, 4, 6, 3]).eval()

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
