import collections
import re

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

# %% Tokenize, and build a vocabulary: 0 pads, 1 stands for unknown words
SENTENCES = ["The cat sat on the mat.", "A dog sat.", "The dog chased the cat!"]


def tokenize(text):
    return re.findall(r"[a-z']+", text.lower())


tokens = [tokenize(sentence) for sentence in SENTENCES]
counts = collections.Counter(word for sentence in tokens for word in sentence)
vocabulary = {"<pad>": 0, "<unk>": 1}
for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):  # frequent first
    vocabulary[word] = len(vocabulary)
ids = [[vocabulary.get(word, 1) for word in sentence] for sentence in tokens]
print(vocabulary)
print(ids)

# %% Pad to one tensor: pad_sequence pads at the end
padded = pad_sequence([torch.tensor(s) for s in ids], batch_first=True, padding_value=0)
lengths = torch.tensor([len(s) for s in ids])
mask = padded != 0  # True at real tokens
print(padded)

# %% Embed: padding_idx's row starts at zero and never gets a gradient
torch.manual_seed(0)
embedding = nn.Embedding(len(vocabulary), 4, padding_idx=0)
vectors = embedding(padded)  # (batch, time, 4)
vectors.sum().backward()
print("row 0:", embedding.weight[0].tolist(), " its gradient:", embedding.weight.grad[0].tolist())
