import torch
from torch import nn

# LeNet-5 in a modernised form, not the letter of LeCun et al. (1998): ReLU instead
# of the scaled tanh, max pooling instead of subsampling with a trained weight and bias
# per map, the second conv connected to all 6 maps instead of the paper's sparse table,
# and a linear output layer instead of RBF units. C5, a 5x5 conv over a 5x5 map, is the
# Linear(400, 120) it is equivalent to.
INPUT_SIZE = 32  # 32x32 grey-scale images (MNIST's 28x28 digits padded by 2)


class LeNet5(nn.Module):
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = self.pool1(torch.relu(self.conv1(x)))
        x = self.pool2(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # (N, C, H, W) -> (N, C*H*W), channel-major
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


torch.manual_seed(0)
model = LeNet5().eval()

# A forward hook prints each conv, pooling and linear layer as the data flows through it.
SHOWN = (nn.Conv2d, nn.MaxPool2d, nn.Linear)
names = {module: name for name, module in model.named_modules()}


def print_row(module, inputs, output):
    shape = str(tuple(output.shape))
    count = sum(p.numel() for p in module.parameters())
    print(f"{names[module]:<14}{shape:<22}{count:>12,}")


hooks = [m.register_forward_hook(print_row) for m in model.modules() if isinstance(m, SHOWN)]

print(f"{'layer':<14}{'output shape':<22}{'parameters':>12}")
images = torch.rand(1, 1, INPUT_SIZE, INPUT_SIZE)
with torch.no_grad():
    output_shape = tuple(model(images).shape)
for hook in hooks:
    hook.remove()  # the table is printed once; later calls run quietly
parameter_count = sum(p.numel() for p in model.parameters())
print(f"parameters: {parameter_count:,}")
