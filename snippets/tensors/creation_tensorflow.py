import tensorflow as tf

tf.random.set_seed(0)
print(tf.executing_eagerly())  # TensorFlow 2 runs operations as they are called

from_list = tf.constant([[1.0, 2.0], [3.0, 4.0]])
zeros = tf.zeros((2, 3))
steps = tf.range(0, 10, 2)
evenly = tf.linspace(0.0, 1.0, num=5)
uniform = tf.random.uniform((2, 2))  # seeded above, so the same numbers every run

print(from_list)
print(zeros)
print(steps)
print(evenly)
print(uniform)
