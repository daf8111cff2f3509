import torch

grid = torch.arange(12, dtype=torch.float32).reshape(3, 4)

print(grid[1])  # second row
print(grid[:, -1])  # last column
print(grid[grid > 8])  # boolean mask: the elements, flattened

# PyTorch tensors are mutable: assign in place.
updated = grid.clone()
updated[0, 0] = 100.0
print(updated[0])
