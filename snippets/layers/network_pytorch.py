import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)

digits = load_digits()  # 8x8 images of handwritten digits, bundled with scikit-learn
n_features = digits.data.shape[1]  # 64 pixels: the width of the input layer
n_classes = len(np.unique(digits.target))  # 10 digits: the width of the output layer
batch = torch.tensor(digits.data[:5] / 16.0, dtype=torch.float32)

network = nn.Sequential(
    nn.Linear(n_features, 32),  # hidden layer 1
    nn.ReLU(),
    nn.Linear(32, 16),  # hidden layer 2
    nn.ReLU(),
    nn.Linear(16, n_classes),  # output layer: one score (logit) per class
)

shapes, parameter_counts = [], []
x = batch
print(f"{'input':<10} {tuple(x.shape)}")
for layer in network:
    x = layer(x)
    count = sum(p.numel() for p in layer.parameters())
    shapes.append(tuple(x.shape))
    parameter_counts.append(count)
    print(f"{type(layer).__name__:<10} {tuple(x.shape)!s:<10} {count:>5} parameters")

parameter_count = sum(parameter_counts)
print("total parameters:", parameter_count)
print("output width == number of classes:", x.shape[1] == n_classes)
print("first layer's weight matrix:", tuple(network[0].weight.shape))  # (out, in)
