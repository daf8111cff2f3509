import torch

# A gradient-sized number, a number near 1, an activation-sized number.
values = torch.tensor([1e-8, 1.001, 70000.0])
as_float16 = values.to(torch.float16)
as_bfloat16 = values.to(torch.bfloat16)
print("float16: ", as_float16)
print("bfloat16:", as_bfloat16)

float16_max = torch.finfo(torch.float16).max
print("largest float16: ", float16_max)
print("largest bfloat16:", torch.finfo(torch.bfloat16).max)
print("largest float32: ", torch.finfo(torch.float32).max)

float16_back = as_float16.float()  # for comparison: NumPy has no bfloat16
bfloat16_back = as_bfloat16.float()
