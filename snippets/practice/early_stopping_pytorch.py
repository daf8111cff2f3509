import copy

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

MAX_EPOCHS = 30
PATIENCE = 3  # epochs without a better validation loss before stopping
LEARNING_RATE = 0.2
MOMENTUM = 0.9
BATCH_SIZE = 40

# %% Data: a small training set, so that the model soon overfits
digits = load_digits()
x_train, x_val, y_train, y_val = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
x_train, y_train = torch.from_numpy(x_train[:120]), torch.from_numpy(y_train[:120])
x_val, y_val = torch.from_numpy(x_val), torch.from_numpy(y_val)

# %% Model, loss and optimizer (the same starting weights as the TensorFlow side)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 64)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 10)).astype(np.float32)
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w1.T))
    model[0].bias.zero_()
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[2].bias.zero_()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

# %% Train, watch the validation loss, keep the best weights
val_losses = []
best_loss, best_epoch, best_state, wait = float("inf"), 0, None, 0
for epoch in range(MAX_EPOCHS):
    model.train()
    for start in range(0, len(x_train), BATCH_SIZE):
        optimizer.zero_grad()
        x, y = x_train[start : start + BATCH_SIZE], y_train[start : start + BATCH_SIZE]
        loss_fn(model(x), y).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_losses.append(loss_fn(model(x_val), y_val).item())
    if val_losses[-1] < best_loss:
        best_loss, best_epoch, wait = val_losses[-1], epoch, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        wait += 1
        if wait >= PATIENCE:
            break
stopped_epoch = epoch
model.load_state_dict(best_state)  # model selection: the best epoch, not the last

# %% Report
with torch.no_grad():
    final_val_loss = loss_fn(model(x_val), y_val).item()
print(f"epochs run: {len(val_losses)}, stopped after epoch {stopped_epoch + 1}")
print(f"best epoch: {best_epoch + 1}, validation loss {best_loss:.4f}")
print(f"validation loss of the restored model: {final_val_loss:.4f}")
