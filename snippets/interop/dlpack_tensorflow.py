import numpy as np
import tensorflow as tf
import torch

# A TensorFlow tensor handed to PyTorch through DLPack: no copy is made.
# torch.from_dlpack takes any object with a __dlpack__ method, as tf.Tensor has.
with tf.device("/CPU:0"):  # on a GPU the tensor would stay there, and so would the view
    source = tf.reshape(tf.range(6, dtype=tf.float32), (2, 3))
shared = torch.from_dlpack(source)
print(shared)

# The proof that no copy was made: change the PyTorch view in place, and the
# TensorFlow tensor, which TensorFlow treats as immutable, changes too.
shared.add_(10)
after = source.numpy()
print("TensorFlow sees the change:", after.tolist())
shares_memory = bool(np.array_equal(after, shared.numpy()))
