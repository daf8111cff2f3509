import numpy as np
import torch
from torch import nn

# A PyTorch module is in training mode from construction: dropout is active in every call
# until model.eval(). torch.no_grad() does not change that; it only stops gradient tracking.
torch.manual_seed(0)
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.standard_normal((2, 4), dtype=np.float32))
weight = rng.standard_normal((8, 4), dtype=np.float32)  # (out, in)
bias = rng.standard_normal(8, dtype=np.float32)

model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(weight))
    model[0].bias.copy_(torch.from_numpy(bias))
print("training mode after construction:", model.training)

with torch.no_grad():
    first, second = model(x), model(x)  # dropout: a fresh random mask each call

    # The fix: switch to inference mode before evaluating (model.train() switches back).
    model.eval()
    inference_output = model(x)
default_call_is_deterministic = bool(
    torch.equal(first, second) and torch.equal(first, inference_output)
)
print("model(x) twice, same result as inference:", default_call_is_deterministic)
print("zeros in model(x):", int((first == 0).sum()), "of", first.numel())
print("after model.eval():", model.training)
print("inference_output[0]:", inference_output[0].numpy().round(4))
