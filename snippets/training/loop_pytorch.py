import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

LEARNING_RATE = 0.1
MOMENTUM = 0.9
STEPS = 30

# %% Data: the same split and starting weights in both frameworks
# The same data, split and starting weights as the TensorFlow scripts.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

# %% Model
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w1.T))  # torch stores (out, in): the transpose
    model[0].bias.zero_()
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[2].bias.zero_()

# %% Loss and optimizer
loss_fn = nn.CrossEntropyLoss()  # takes logits; averages over the batch
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
inputs, targets = torch.from_numpy(x_train), torch.from_numpy(y_train)

# %% Training loop
losses = []
model.train()
for step in range(STEPS):  # one step per pass over the (full-batch) training set
    optimizer.zero_grad()  # gradients accumulate in .grad unless cleared
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step % 5 == 0 or step == STEPS - 1:
        print(f"step {step:2d}  loss {loss.item():.4f}")

# %% Evaluation
model.eval()
with torch.no_grad():
    logits = model(torch.from_numpy(x_test))
    test_loss = loss_fn(logits, torch.from_numpy(y_test)).item()
    test_accuracy = (logits.argmax(dim=1).numpy() == y_test).mean()
print(f"test loss {test_loss:.4f}  test accuracy {test_accuracy:.3f}")
