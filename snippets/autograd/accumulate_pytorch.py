import torch

x = torch.tensor(2.0, requires_grad=True)
for _ in range(2):
    y = x**2 + 3 * x + 1
    y.backward()  # adds dy/dx to what x.grad already holds
    print(x.grad)

x.grad = None  # what optimizer.zero_grad() does for every parameter
y = x**2 + 3 * x + 1
y.backward()
fresh = x.grad
print(fresh)
