import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)  # the same weights and inputs as the PyTorch script
weight = rng.standard_normal((3, 2)).astype(np.float32)
bias = rng.standard_normal(2).astype(np.float32)
x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))


class Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.kernel = tf.Variable(weight)
        self.bias = tf.Variable(bias)

    # The signature is part of the saved graph; None lets the batch size vary.
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return tf.nn.relu(x @ self.kernel + self.bias)


model = Net()
graph = model.__call__.get_concrete_function().graph
print([op.type for op in graph.get_operations()])

tf.saved_model.save(model, "net")  # a folder: graph, weights and signatures
loaded = tf.saved_model.load("net")
print(loaded.signatures["serving_default"].structured_input_signature)
y = loaded(x)  # runs without the Net class
print(y)
same_as_eager = np.allclose(y, model(x))
other_batch = loaded(tf.zeros([7, 3]))
print("same as eager:", same_as_eager)
print("another batch size:", tuple(other_batch.shape))
