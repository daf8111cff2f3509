import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with a gradient that stays finite for large x."""
    e = tf.exp(x)

    def backward(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), backward


x = tf.constant(100.0)
with tf.GradientTape() as tape:
    tape.watch(x)  # a constant is not watched unless asked
    naive = tf.math.log(1 + tf.exp(x))  # e^100 overflows float32
print(tape.gradient(naive, x))  # nan: inf / inf

with tf.GradientTape() as tape:
    tape.watch(x)
    y = log1pexp(x)
grad = tape.gradient(y, x)
print(grad)
