import numpy as np
import torch

array = np.array([1.0, 2.0, 3.0], dtype=np.float32)

shared = torch.from_numpy(array)  # shares memory with the array
copied = torch.tensor(array)  # copies it
array[0] = 10.0
print(shared, copied)

back = shared.numpy()  # a CPU tensor converts without a copy
print(type(back).__name__, back.dtype, back)
