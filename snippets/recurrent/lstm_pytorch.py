import torch
from torch import nn

FEATURES, UNITS, STEPS = 8, 16, 6

torch.manual_seed(0)


# %% A bidirectional LSTM over a batch of sequences, then one label per step
class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        # batch_first=True: (batch, time, features), the layout Keras always uses.
        self.lstm = nn.LSTM(FEATURES, UNITS, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * UNITS, 4)

    def forward(self, x):
        sequence, _ = self.lstm(x)  # every step's output; the final states are dropped
        return self.head(sequence)


model = Tagger().eval()

# %% What the layer returns
x = torch.randn(2, STEPS, FEATURES)
sequence, (h_n, c_n) = model.lstm(x)
print("sequence:", tuple(sequence.shape))  # (batch, time, 2 * units): forward, then backward
print("h_n:     ", tuple(h_n.shape))  # (layers * directions, batch, units)
print("c_n:     ", tuple(c_n.shape))
# The forward direction's last step is its final state; the backward one ends at step 0.
print("forward final state = last step:", torch.equal(sequence[:, -1, :UNITS], h_n[0]))
print("backward final state = first step:", torch.equal(sequence[:, 0, UNITS:], h_n[1]))

# %% Weights: four gate blocks, two biases
for name, weight in model.lstm.named_parameters():
    if name.endswith("_l0"):
        print(f"{name:<14}{tuple(weight.shape)}")
output_shape = tuple(model(x).shape)
parameter_count = sum(p.numel() for p in model.parameters())
print("output:", output_shape, " parameters:", parameter_count)
