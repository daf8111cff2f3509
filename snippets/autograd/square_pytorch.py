import torch

x = torch.tensor(2.0, requires_grad=True)  # track operations on x
y = x**2 + 3 * x + 1
y.backward()  # fills x.grad with dy/dx

dy_dx = x.grad
print(y)
print(dy_dx)  # 2x + 3 at x = 2
