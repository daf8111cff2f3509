import numpy as np
import tensorflow as tf

calls = tf.Variable(0)  # graph state: updated every time the graph runs


@tf.function
def noisy(x):
    y = tf.sin(x) * 2
    print("print ran")  # a Python side effect: runs while tracing only
    calls.assign_add(1)  # a TensorFlow op: recorded in the graph, runs on every call
    return y + tf.cos(x)


def quiet(x):
    y = tf.sin(x) * 2
    return y + tf.cos(x)


x = tf.constant([0.0, 1.0, 2.0])
first = noisy(x)
second = noisy(x)  # no print: the graph runs without the Python code around it
same_as_eager = np.allclose(second, quiet(x))
print("same as eager:", same_as_eager)
print("calls counted by the graph:", calls.numpy())
