import torch

x = torch.arange(12)
print(x.dtype, x.shape, type(x.shape).__name__)  # integers default to 64 bits

floats = torch.tensor([1.5, 2.5])
print(floats.dtype)  # Python floats become float32

as_float = x.to(torch.float32)
grid = as_float.reshape(3, 4)
print(grid.dtype, grid.shape, grid.ndim)

column = grid[:, :1]
transposed = grid.T
print(column.shape, transposed.shape)
