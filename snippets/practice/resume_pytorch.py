import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 3
STOP_AFTER = 1  # the interrupted run saves a checkpoint after this many epochs
BATCH_SIZE = 64

# %% Data, model, and one epoch of shuffled mini-batches
digits = load_digits()
dataset = TensorDataset(
    torch.from_numpy((digits.data[:256] / 16.0).astype(np.float32)),
    torch.from_numpy(digits.target[:256]),
)
loss_fn = nn.CrossEntropyLoss()


def build():
    """A model with dropout, an optimizer with state, and the generator that shuffles."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)  # moments and a step count
    shuffler = torch.Generator().manual_seed(1)
    loader = DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True, generator=shuffler)
    return model, optimizer, shuffler, loader


def train_epoch(model, optimizer, loader):
    model.train()
    for x, y in loader:  # a new order every epoch, drawn from the loader's generator
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)  # dropout draws its masks from torch's global generator
        loss.backward()
        optimizer.step()


# %% The uninterrupted run
model, optimizer, shuffler, loader = build()
for _ in range(EPOCHS):
    train_epoch(model, optimizer, loader)
uninterrupted = {name: tensor.clone() for name, tensor in model.state_dict().items()}

# %% Train, save a checkpoint, stop
model, optimizer, shuffler, loader = build()
for _ in range(STOP_AFTER):
    train_epoch(model, optimizer, loader)
torch.save(
    {
        "epoch": STOP_AFTER,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "shuffler": shuffler.get_state(),
        "torch_rng": torch.get_rng_state(),
    },
    "checkpoint.pt",
)
print("checkpoint holds:", sorted(torch.load("checkpoint.pt")))

# %% Resume in a fresh model
model, optimizer, shuffler, loader = build()
torch.manual_seed(123)  # whatever state a new process starts in
checkpoint = torch.load("checkpoint.pt")  # weights_only=True: tensors, numbers, dicts
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
shuffler.set_state(checkpoint["shuffler"])
torch.set_rng_state(checkpoint["torch_rng"])
for _ in range(checkpoint["epoch"], EPOCHS):
    train_epoch(model, optimizer, loader)
resumed = model.state_dict()
same_weights = all(torch.equal(uninterrupted[name], resumed[name]) for name in resumed)
max_difference = max((uninterrupted[n] - resumed[n]).abs().max().item() for n in resumed)
print(
    f"resumed at epoch {STOP_AFTER}: same weights {same_weights}, max difference {max_difference}"
)

# %% The same resume, forgetting the shuffler
model, optimizer, shuffler, loader = build()
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
torch.set_rng_state(checkpoint["torch_rng"])
for _ in range(checkpoint["epoch"], EPOCHS):
    train_epoch(model, optimizer, loader)
careless = model.state_dict()
careless_differs = not all(torch.equal(uninterrupted[n], careless[n]) for n in careless)
careless_difference = max((uninterrupted[n] - careless[n]).abs().max().item() for n in careless)
print(f"without the shuffler's state: max difference {careless_difference:.4f}")
