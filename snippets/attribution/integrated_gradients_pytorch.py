import numpy as np
import torch
from captum.attr import IntegratedGradients
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

# The digits classifier of the Training loops page, trained as in integrated_gradients_tensorflow.py.
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
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

# Everything runs on the CPU: on a recent NVIDIA GPU, TensorFlow multiplies float32 matrices in
# TF32 by default, which would round differently from PyTorch's float32 products.
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
inputs, targets = torch.from_numpy(x_train), torch.from_numpy(y_train)
for _ in range(30):  # 30 full-batch steps
    optimizer.zero_grad()
    loss_fn(model(inputs), targets).backward()
    optimizer.step()
model.eval()

images = torch.from_numpy(x_test[:4])  # four test digits
baseline = torch.zeros_like(images)  # a black image
with torch.no_grad():
    predicted = model(images).argmax(dim=1)  # explain the class the model chose

N_STEPS = 50
ig = IntegratedGradients(model)
attributions, delta = ig.attribute(
    images,
    baselines=baseline,
    target=predicted,
    n_steps=N_STEPS,
    method="riemann_trapezoid",
    return_convergence_delta=True,
)
with torch.no_grad():
    rows = torch.arange(len(images))
    gain = (model(images)[rows, predicted] - model(baseline)[rows, predicted]).numpy()
attributions = attributions.detach().numpy()
gap = delta.detach().numpy()  # Captum's convergence delta: sum(attributions) - gain
predicted = predicted.numpy()

print("true digits:     ", y_test[:4])
print("predicted digits:", predicted)
for i in range(len(images)):
    print(
        f"digit {i}: sum of attributions {attributions[i].sum():7.3f}"
        f"  f(x) - f(baseline) {gain[i]:7.3f}  gap {gap[i]:6.3f}"
    )
# Captum's trapezoid weights add up to 1 - 1/N_STEPS, not 1: the sums fall short by about 1/N_STEPS.
print("gap / (f(x) - f(baseline)):", np.round(gap / gain, 2), " -1/N_STEPS:", -1 / N_STEPS)
print(f"attribution map of digit 0 (a {predicted[0]}), x100, rounded:")
print(np.round(100 * attributions[0].reshape(8, 8)).astype(int))
