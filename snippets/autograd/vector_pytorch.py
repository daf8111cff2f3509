import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
try:
    (x**2).backward()  # a vector: backward() refuses it
except RuntimeError as error:
    print("RuntimeError:", error)

loss = (x**2).sum()  # a scalar
loss.backward()
grad = x.grad
print(grad)  # d(sum x^2)/dx = 2x

# The full Jacobian of a vector-valued function, row i = d y_i / d x.
jacobian = torch.autograd.functional.jacobian(lambda v: v**2, x.detach())
print(jacobian)
