import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

BATCH_SIZE = 64
EPOCHS = 4
LEARNING_RATE = 0.05
MOMENTUM = 0.9

# %% Data: training and validation batches
digits = load_digits()
x_train, x_val, y_train, y_val = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
train_data = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
val_data = TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val))
# shuffle=False keeps the batch order the TensorFlow side uses; training normally shuffles.
train_loader = DataLoader(train_data, batch_size=BATCH_SIZE, shuffle=False)
val_loader = DataLoader(val_data, batch_size=256)

# %% Model, loss and optimizer (the same starting weights as the TensorFlow side)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w1.T))
    model[0].bias.zero_()
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[2].bias.zero_()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

# %% The epoch loop: train on every batch, then a validation pass
history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
for epoch in range(EPOCHS):
    model.train()
    loss_sum, correct = 0.0, 0
    for x, y in train_loader:
        optimizer.zero_grad()
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(y)  # the mean of the epoch over samples, not batches
        correct += (logits.argmax(dim=1) == y).sum().item()
    history["loss"].append(loss_sum / len(train_data))
    history["accuracy"].append(correct / len(train_data))

    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for x, y in val_loader:
            logits = model(x)
            loss_sum += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
    history["val_loss"].append(loss_sum / len(val_data))
    history["val_accuracy"].append(correct / len(val_data))
    print(
        f"epoch {epoch + 1}  loss {history['loss'][-1]:.4f}  accuracy {history['accuracy'][-1]:.4f}"
        f"  val_loss {history['val_loss'][-1]:.4f}  val_accuracy {history['val_accuracy'][-1]:.4f}"
    )
curves = np.array([history[name] for name in ("loss", "accuracy", "val_loss", "val_accuracy")])
