import numpy as np
import tensorflow as tf
import torch

# A PyTorch tensor handed to TensorFlow through DLPack: no copy is made.
source = torch.arange(6, dtype=torch.float32).reshape(2, 3)
shared = tf.experimental.dlpack.from_dlpack(source.__dlpack__())  # takes the capsule
print(shared)

# Given the PyTorch tensor itself, rather than the capsule, it refuses.
try:
    tf.experimental.dlpack.from_dlpack(source)
except TypeError as error:
    message = str(error).splitlines()
    print("from_dlpack(a PyTorch tensor): TypeError:", message[0].split(". ")[0] + ".")
    print("  supported:", message[1].strip())

# The proof that no copy was made: change the PyTorch tensor in place,
# and the TensorFlow tensor, which TensorFlow treats as immutable, changes too.
source.add_(10)
after = shared.numpy()
print("TensorFlow sees the change:", after.tolist())
shares_memory = bool(np.array_equal(after, source.numpy()))

# DLPack describes memory, and TensorFlow accepts only a row-major layout:
# a transposed view must be copied into one first.
transposed = source.T
try:
    tf.experimental.dlpack.from_dlpack(transposed.__dlpack__())
except tf.errors.InvalidArgumentError as error:
    print("transposed view:", error.message)
copied = tf.experimental.dlpack.from_dlpack(transposed.contiguous().__dlpack__())
print("after .contiguous():", copied.shape)
