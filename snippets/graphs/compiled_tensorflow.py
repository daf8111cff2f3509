import os

import numpy as np
import tensorflow as tf

# CUDA when TensorFlow sees a GPU, the CPU otherwise; DLREF_DEVICE=cpu|cuda forces either.
kind = os.environ.get("DLREF_DEVICE") or (
    "cuda" if tf.config.list_physical_devices("GPU") else "cpu"
)
device = "/GPU:0" if kind == "cuda" else "/CPU:0"


@tf.function  # the decorated function runs as a graph
def gelu(x):  # the tanh approximation of GELU: a handful of element-wise ops
    return 0.5 * x * (1 + tf.tanh(0.7978846 * (x + 0.044715 * x**3)))


with tf.device(device):
    x = tf.linspace(-3.0, 3.0, 7)
    y = gelu(x)  # first call: trace the graph, then run it
    y_eager = gelu.python_function(x)  # the undecorated function, run op by op
print(y)
same_as_eager = np.allclose(y, y_eager)
print("same as eager:", same_as_eager)

# The graph tf.function traced, one node per operation:
graph = gelu.get_concrete_function(x).graph
print([op.type for op in graph.get_operations()])
