import torch

x = torch.tensor(3.0, requires_grad=True)

# .detach() is PyTorch's tf.stop_gradient: the value flows, the gradient does not.
y = x * x + x.detach() * x.detach()
y.backward()
grad = x.grad
print(y, grad)  # only the first term counts: dy/dx = 2x = 6

# torch.no_grad() stops recording for a whole block (inference, weight updates).
with torch.no_grad():
    z = x * 2
print(z.requires_grad)
