import torch
from torch.utils.data import DataLoader, IterableDataset

torch.manual_seed(0)
indices = torch.arange(20)  # stand-ins for 20 samples: each one is its own index


def epoch_order(loader):
    """One pass over the loader: the sample indices of each batch."""
    return [batch.tolist() for batch in loader]


# The generator decides the permutation; shuffle=True draws a new one each epoch.
generator = torch.Generator().manual_seed(0)
loader = DataLoader(indices, batch_size=8, shuffle=True, generator=generator)
first_epoch = epoch_order(loader)
second_epoch = epoch_order(loader)
print("epoch 1:", first_epoch)
print("epoch 2:", second_epoch)
new_order_each_epoch = first_epoch != second_epoch
batch_sizes = [len(batch) for batch in first_epoch]
print("batch sizes:", batch_sizes)

# A fresh generator with the same seed replays the same sequence of epochs.
again = DataLoader(indices, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(0))
again_first = epoch_order(again)
same_seed_repeats = again_first == first_epoch
print("same seed, new loader:", same_seed_repeats)

# The same order every epoch: re-seed the generator before each one.
fixed_orders = []
for _ in range(2):
    generator.manual_seed(0)
    fixed_orders.append(epoch_order(loader))
fixed_order_repeats = fixed_orders[0] == fixed_orders[1]
print("re-seeded each epoch:", fixed_orders[0], fixed_order_repeats)

every_sample_once = all(
    sorted(i for batch in epoch for i in batch) == list(range(20))
    for epoch in (first_epoch, second_epoch)
)
print("every sample once per epoch:", every_sample_once)


# A stream without indices cannot be permuted: the loader refuses to shuffle it.
class Stream(IterableDataset):
    def __iter__(self):
        return iter(range(20))


try:
    DataLoader(Stream(), batch_size=8, shuffle=True)
except ValueError as error:
    print("ValueError:", error)
