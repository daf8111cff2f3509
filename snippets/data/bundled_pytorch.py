import os

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
torch.manual_seed(0)

# 569 tumours, 30 measurements each; bundled with scikit-learn, so no download.
features, targets = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    features.astype(np.float32), targets, test_size=0.2, random_state=0
)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # statistics of the training set only
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
print(x_train.shape, x_test.shape, x_train.dtype, y_train.dtype)

train_set = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
test_set = TensorDataset(torch.from_numpy(x_test), torch.from_numpy(y_test))
train_loader = DataLoader(
    train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0)
)
test_loader = DataLoader(test_set, batch_size=64)  # evaluation: no shuffling
num_train_batches, num_test_batches = len(train_loader), len(test_loader)
print(num_train_batches, num_test_batches)

train_label_counts = torch.zeros(2, dtype=torch.int64)
for x, y in train_loader:
    x, y = x.to(device), y.to(device)  # batches come out on the CPU; a training step moves them
    train_label_counts += torch.bincount(y, minlength=2).cpu()
print(x.device.type, x.shape)  # the last, partial batch
print("labels per class, one epoch:", train_label_counts.tolist())

test_x = torch.cat([x for x, y in test_loader])
test_y = torch.cat([y for x, y in test_loader])
print(test_x.shape, test_y[:10])
