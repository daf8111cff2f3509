import os
import shutil

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tensorboard.backend.event_processing import event_accumulator
from torch import nn
from torch.utils.tensorboard import SummaryWriter

# CUDA when PyTorch sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
device = torch.device(
    os.environ.get("DLREF_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
)
LEARNING_RATE = 0.1
MOMENTUM = 0.9
STEPS = 30
LOGDIR = "runs/pytorch"  # one folder per run: `tensorboard --logdir runs` shows both

# The same data, split, starting weights and SGD as the TensorFlow script.
digits = load_digits()
x_train, _, y_train, _ = train_test_split(
    (digits.data / 16.0).astype(np.float32), digits.target, test_size=0.25, random_state=0
)
rng = np.random.default_rng(0)
w1 = rng.normal(0.0, np.sqrt(2 / 64), size=(64, 32)).astype(np.float32)
w2 = rng.normal(0.0, np.sqrt(2 / 32), size=(32, 10)).astype(np.float32)

model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w1.T))  # torch stores (out, in): the transpose
    model[0].bias.zero_()
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[2].bias.zero_()
model.to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
inputs, targets = torch.from_numpy(x_train).to(device), torch.from_numpy(y_train).to(device)

shutil.rmtree(LOGDIR, ignore_errors=True)  # start empty, so reading back sees this run only
writer = SummaryWriter(LOGDIR)
losses = []
for step in range(STEPS):  # full batch: one step per pass over the training set
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    writer.add_scalar("loss", loss.item(), global_step=step)
writer.close()  # flushes the queued events to the file

# Read the run back with TensorBoard's own reader. size 0 keeps every event.
events = event_accumulator.EventAccumulator(LOGDIR, size_guidance={event_accumulator.SCALARS: 0})
events.Reload()
tags = events.Tags()
print(f"scalars {tags['scalars']}  tensors {tags['tensors']}")
recovered = events.Scalars("loss")  # ScalarEvent(wall_time, step, value)
recovered_steps = [event.step for event in recovered]
recovered_losses = [event.value for event in recovered]
print(f"read back {len(recovered)} events, steps {recovered_steps[0]}..{recovered_steps[-1]}")
for i in [0, 10, 20, STEPS - 1]:
    print(f"step {recovered_steps[i]:2d}  loss {recovered_losses[i]:.6f}")
print("equal to the logged values:", recovered_losses == losses)
