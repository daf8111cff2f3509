import torch
from torch import nn

FEATURES, UNITS, STEPS = 8, 16, 6

torch.manual_seed(0)


# %% Two stacked GRU layers; the last layer's final state feeds a classifier
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(FEATURES, UNITS, num_layers=2, batch_first=True)
        self.head = nn.Linear(UNITS, 3)

    def forward(self, x):
        _, h_n = self.gru(x)  # h_n: (layers, batch, units)
        return self.head(h_n[-1])  # the top layer's final state


model = Classifier().eval()

# %% Shapes
x = torch.randn(2, STEPS, FEATURES)
sequence, h_n = model.gru(x)
print("sequence:", tuple(sequence.shape), " h_n:", tuple(h_n.shape))
for name, weight in model.gru.named_parameters():
    print(f"{name:<14}{tuple(weight.shape)}")
output_shape = tuple(model(x).shape)
print("output:", output_shape)
