import collections
import re

import keras
import numpy as np

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

# %% Pad to one array: pad_sequences pads at the front unless told otherwise
padded_default = keras.utils.pad_sequences(ids, dtype="int64")
print(padded_default)
padded = keras.utils.pad_sequences(ids, padding="post", dtype="int64")
lengths = np.array([len(s) for s in ids])
print(padded)

# %% Embed: mask_zero=True makes id 0 a mask; its row is an ordinary trained row
keras.utils.set_random_seed(0)
embedding = keras.layers.Embedding(len(vocabulary), 4, mask_zero=True)
vectors = embedding(padded)  # (batch, time, 4)
mask = np.asarray(embedding.compute_mask(padded))  # True at real tokens
print(mask)
print("row 0 is zero:", bool(np.all(embedding.embeddings.numpy()[0] == 0)))
