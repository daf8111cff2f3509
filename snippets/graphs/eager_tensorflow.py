import tensorflow as tf

print("executing eagerly:", tf.executing_eagerly())  # True in TensorFlow 2

x = tf.constant([1.0, 2.0, 3.0])
y = x * 2 + 1  # runs now: y holds numbers, not a description of work to do
print(y)

total = tf.reduce_sum(y)
if total > 10:  # plain Python control flow on a value that already exists
    print("total is above 10:", total.numpy())


# Graphs are opt-in: inside a tf.function, ops are recorded into a graph.
@tf.function
def traced(x):
    print("executing eagerly in tf.function:", tf.executing_eagerly())
    z = x * 2 + 1
    print(z)  # symbolic: a node of the graph being built, with no values yet
    return z


print(traced(x))
