# dlref:own-process: Keras reads KERAS_BACKEND once, when keras is first imported
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

os.environ["KERAS_BACKEND"] = "torch"  # before the first `import keras`
import keras

EPOCHS = 3
STEPS = 20
BATCH_SIZE = 64

# %% Data and starting weights, the same on both backends
digits = load_digits()
x = (digits.data[:512] / 16.0).astype(np.float32)
y = digits.target[:512]
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

# %% One Keras model: this code is the same on every backend
model = keras.Sequential(
    [keras.Input(shape=(64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)]
)
model.set_weights([w1, np.zeros(32, np.float32), w2, np.zeros(10, np.float32)])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
losses = model.fit(x, y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=False, verbose=0)
losses = losses.history["loss"]
logits = keras.ops.convert_to_numpy(model(x[:3]))
print("backend:", keras.backend.backend())
print("loss per epoch:", np.round(losses, 4))
print("first logits:", np.round(logits[0, :4], 3))

# %% What is backend-specific: the tensors and the objects underneath
outputs = model(x[:3])
print("model(x) returns:", f"{type(outputs).__module__}.{type(outputs).__name__}")
print("the model is a torch.nn.Module:", isinstance(model, torch.nn.Module))
print("its parameters:", [tuple(p.shape) for p in model.parameters()])


# %% A Keras layer inside a torch module, trained by a plain PyTorch loop
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(32, activation="relu")  # a Keras layer...
        self.hidden.build((None, 64))
        self.out = nn.Linear(32, 10)  # ...next to a torch one

    def forward(self, inputs):
        return self.out(self.hidden(inputs))


mixed = Classifier()
mixed.hidden.set_weights([w1, np.zeros(32, np.float32)])
with torch.no_grad():
    mixed.out.weight.copy_(torch.from_numpy(w2.T))
    mixed.out.bias.zero_()
print("parameters:", [name for name, _ in mixed.named_parameters()])
optimizer = torch.optim.SGD(mixed.parameters(), lr=0.1, momentum=0.9)
inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
loop_losses = []
for _ in range(STEPS):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(mixed(inputs), targets)
    loss.backward()
    optimizer.step()
    loop_losses.append(loss.item())
print("loop loss every 5 steps:", np.round(loop_losses[::5], 4))
