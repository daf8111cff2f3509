import numpy as np
import tensorflow as tf

array = np.array([1.0, 2.0, 3.0], dtype=np.float32)

copied = tf.constant(array)  # copies the array
array[0] = 10.0
print(copied)

shared = tf.constant(array)
back = shared.numpy()
print(type(back).__name__, back.dtype, back)
