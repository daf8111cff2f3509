import tensorflow as tf

x = tf.Variable(3.0)

# tf.stop_gradient: the value flows, the gradient does not.
with tf.GradientTape() as tape:
    y = x * x + tf.stop_gradient(x * x)
grad = tape.gradient(y, x)
print(y, grad)  # only the first term counts: dy/dx = 2x = 6

# Outside a tape nothing is recorded; inside one, stop_recording() pauses it.
with tf.GradientTape() as tape, tape.stop_recording():
    z = x * 2
print(tape.gradient(z, x))
