import torch

x = torch.tensor([1.0, 2.0, 3.0])
y = x * 2 + 1  # runs now: y holds numbers, not a description of work to do
print(y)

total = y.sum()
if total > 10:  # plain Python control flow on a value that already exists
    print("total is above 10:", total.item())

# Nothing is compiled unless you ask for it with torch.compile.
print("compiling:", torch.compiler.is_compiling())
