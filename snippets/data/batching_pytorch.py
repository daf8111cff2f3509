import numpy as np
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, Dataset

digits = load_digits()  # ships with scikit-learn: no download
features = digits.data[:20].astype(np.float32)  # 20 images of 8x8 pixels, flattened, 0..16
targets = digits.target[:20]  # int64 labels 0..9


class Digits(Dataset):
    """A map-style dataset: its length, and one sample by index."""

    def __init__(self, features, targets, transform=None):
        self.features = features
        self.targets = targets
        self.transform = transform

    def __len__(self):
        return len(self.features)

    def __getitem__(self, index):
        x = torch.from_numpy(self.features[index])
        y = torch.tensor(self.targets[index])
        if self.transform is not None:
            x = self.transform(x)  # the map step runs per sample, when it is read
        return x, y


dataset = Digits(features, targets, transform=lambda x: x / 16.0)  # pixels to [0, 1]
print(len(dataset), dataset[0][0].shape, dataset[0][1])

loader = DataLoader(dataset, batch_size=8)  # no shuffling unless asked
batch_sizes = [len(y) for x, y in loader]
num_batches = len(loader)
print(num_batches, batch_sizes)  # the last batch holds the 4 left over

first_x, first_y = next(iter(loader))
x_dtype, y_dtype = first_x.dtype, first_y.dtype
print(first_x.shape, x_dtype, first_y.shape, y_dtype)
print(first_y)
print(first_x[0, :8])  # the first row of the first image, mapped

dropped = DataLoader(dataset, batch_size=8, drop_last=True)
batch_sizes_dropped = [len(y) for x, y in dropped]
print(len(dropped), batch_sizes_dropped)
