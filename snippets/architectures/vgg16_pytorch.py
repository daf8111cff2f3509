import torch
from torch import nn

# VGG-16 as torchvision builds it (configuration "D" of Simonyan and Zisserman 2014,
# without batch normalisation): 13 3x3 convs in five blocks, then three linear layers.
# The adaptive average pool makes the classifier's input 512 x 7 x 7 whatever the image
# size, so a 112x112 input has the same parameters as the usual 224x224 and runs faster.
INPUT_SIZE = 112

# Output channels of each 3x3 conv; "M" is a 2x2 max pool that halves the image.
CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class VGG16(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5):
        super().__init__()
        layers = []
        in_channels = 3
        for v in CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
                layers.append(nn.ReLU(inplace=True))
                in_channels = v
        self.features = nn.Sequential(*layers)  # features.0, features.2, features.4 (pool), ...
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),  # classifier.0
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),  # classifier.3
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),  # classifier.6
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)  # (N, C, H, W) -> (N, C*H*W), channel-major
        return self.classifier(x)


torch.manual_seed(0)
model = VGG16().eval()

# A forward hook prints each conv, pooling and linear layer as the data flows through it.
SHOWN = (nn.Conv2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d, nn.Linear)
names = {module: name for name, module in model.named_modules()}


def print_row(module, inputs, output):
    shape = str(tuple(output.shape))
    count = sum(p.numel() for p in module.parameters())
    print(f"{names[module]:<14}{shape:<22}{count:>12,}")


hooks = [m.register_forward_hook(print_row) for m in model.modules() if isinstance(m, SHOWN)]

print(f"{'layer':<14}{'output shape':<22}{'parameters':>12}")
images = torch.rand(1, 3, INPUT_SIZE, INPUT_SIZE)
with torch.no_grad():
    output_shape = tuple(model(images).shape)
for hook in hooks:
    hook.remove()  # the table is printed once; later calls run quietly
parameter_count = sum(p.numel() for p in model.parameters())
print(f"parameters: {parameter_count:,}")
