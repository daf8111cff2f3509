# dlref:own-process: Keras reads KERAS_BACKEND once, when keras is first imported
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

os.environ["KERAS_BACKEND"] = "torch"  # before the first `import keras`
import keras

STEPS = 20

# %% Data and starting weights, the same on both sides
digits = load_digits()
x = (digits.data[:512] / 16.0).astype(np.float32)
y = digits.target[:512]
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)


# %% A torch module with a Keras layer inside
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(32, activation="relu")  # a Keras layer...
        self.hidden.build((None, 64))
        self.out = nn.Linear(32, 10)  # ...next to a torch one

    def forward(self, inputs):
        return self.out(self.hidden(inputs))


model = Classifier()
model.hidden.set_weights([w1, np.zeros(32, np.float32)])
with torch.no_grad():
    model.out.weight.copy_(torch.from_numpy(w2.T))
    model.out.bias.zero_()
print("parameters:", [name for name, _ in model.named_parameters()])

# %% A plain PyTorch loop trains both layers
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
losses = []
for _ in range(STEPS):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(inputs), targets)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print("loss every 5 steps:", np.round(losses[::5], 4))
