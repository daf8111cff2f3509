import torch
from torch import nn

EMBED, HEADS, STEPS = 16, 4, 5

torch.manual_seed(0)


# %% Self-attention, then a linear head
class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(EMBED, HEADS, batch_first=True)
        self.head = nn.Linear(EMBED, 2)

    def forward(self, x):
        # need_weights=False: no averaged attention weights, and the fused kernels may run.
        attended, _ = self.attn(x, x, x, need_weights=False)
        return self.head(attended)


model = SelfAttention().eval()

# %% Weights: one packed input projection, (3 * embed, embed) = query, key, value rows
for name, weight in model.attn.named_parameters():
    print(f"{name:<18}{tuple(weight.shape)}")
x = torch.randn(2, STEPS, EMBED)
output_shape = tuple(model(x).shape)
parameter_count = sum(p.numel() for p in model.attn.parameters())
print("output:", output_shape, " attention parameters:", parameter_count)
