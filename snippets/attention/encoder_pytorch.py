import math

import torch
from torch import nn

EMBED, HEADS, FEEDFORWARD, MAX_STEPS = 16, 4, 32, 64

torch.manual_seed(0)


# %% Sinusoidal positional encoding (Vaswani et al., 2017), added to the inputs
def positional_encoding(steps, size):
    position = torch.arange(steps, dtype=torch.float32)[:, None]
    rates = torch.exp(torch.arange(0, size, 2, dtype=torch.float32) * (-math.log(10000.0) / size))
    encoding = torch.zeros(steps, size)
    encoding[:, 0::2] = torch.sin(position * rates)
    encoding[:, 1::2] = torch.cos(position * rates)
    return encoding


# %% Two encoder layers: post-norm (the default) and pre-norm (norm_first=True)
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("positions", positional_encoding(MAX_STEPS, EMBED), persistent=False)
        # dim_feedforward defaults to 2048 and layer_norm_eps to 1e-5; ReLU; dropout 0.1.
        layer = dict(dim_feedforward=FEEDFORWARD, batch_first=True)
        self.post = nn.TransformerEncoderLayer(EMBED, HEADS, **layer)
        self.pre = nn.TransformerEncoderLayer(EMBED, HEADS, norm_first=True, **layer)

    def forward(self, x):
        x = x + self.positions[: x.shape[1]]
        return self.pre(self.post(x))


model = Encoder().eval()
for name, module in model.named_children():
    print(name, [child for child, _ in module.named_children()])
x = torch.randn(2, 6, EMBED)
output_shape = tuple(model(x).shape)
parameter_count = sum(p.numel() for p in model.parameters())
print("output:", output_shape, " parameters:", parameter_count)
