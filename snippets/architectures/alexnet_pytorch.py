import torch
from torch import nn

# AlexNet as torchvision builds it (the one-GPU variant of Krizhevsky et al. 2012, with
# 64/192 filters in the first convs and no local response normalisation).
# The adaptive average pool makes the classifier's input 256 x 6 x 6 whatever the image
# size, so a 112x112 input has the same parameters as the usual 224x224 and runs faster.
INPUT_SIZE = 112


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),  # features.0
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # features.2
            nn.Conv2d(64, 192, kernel_size=5, padding=2),  # features.3
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # features.5
            nn.Conv2d(192, 384, kernel_size=3, padding=1),  # features.6
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),  # features.8
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),  # features.10
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # features.12
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),  # classifier.1
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),  # classifier.4
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),  # classifier.6
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)  # (N, C, H, W) -> (N, C*H*W), channel-major
        return self.classifier(x)


torch.manual_seed(0)
model = AlexNet().eval()

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
classifier_share = sum(p.numel() for p in model.classifier.parameters()) / parameter_count
print(f"in the three fully connected layers: {classifier_share:.1%}")
