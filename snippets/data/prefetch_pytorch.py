import numpy as np
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.dataloader import default_collate

torch.manual_seed(0)
digits = load_digits()
features = torch.from_numpy(digits.data[:20].astype(np.float32))
targets = torch.from_numpy(digits.target[:20])
dataset = TensorDataset(features, targets)  # samples are rows of these tensors


def scale_batch(samples):
    """Stack the samples into a batch, then map the whole batch at once."""
    x, y = default_collate(samples)
    return x / 16.0, y


# num_workers=0: the loop's own process builds each batch when asked, so there
# is nothing to prefetch, and prefetch_factor must stay None.
loader = DataLoader(dataset, batch_size=8, collate_fn=scale_batch, num_workers=0)
print("num_workers:", loader.num_workers, "prefetch_factor:", loader.prefetch_factor)
try:
    DataLoader(dataset, batch_size=8, prefetch_factor=2)  # no worker to prefetch with
except ValueError as error:
    print("prefetch_factor without workers:", type(error).__name__)

# With cores to spare, worker processes build batches ahead of the loop:
#   DataLoader(dataset, batch_size=8, collate_fn=scale_batch, num_workers=4,
#              prefetch_factor=2, persistent_workers=True, pin_memory=True)
# keeps up to 4 * 2 batches ready; pin_memory speeds up copies to a CUDA GPU.

batches = list(loader)
batch_sizes = [len(y) for x, y in batches]
x_all = torch.cat([x for x, y in batches])
y_all = torch.cat([y for x, y in batches])
in_order = bool(torch.equal(x_all, features / 16.0)) and bool(torch.equal(y_all, targets))
print(batch_sizes, x_all.shape, in_order)
